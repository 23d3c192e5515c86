/**
 * The aws target's HTTP API flavour (`--option aws.api=http`, src/targets/aws/http/): what it
 * refuses or warns about while compiling, part of the catalogue in codes.ts. Explanations:
 * src/explain/aws-http.ts. Features its capability table answers `unsupported` (API keys, caching,
 * IP rules...) are the core's `capability-unsupported`, not repeated here.
 */
type Params = Record<string, string | number | boolean>;
const entry = <P extends Params>(severity: 'error' | 'warn' | 'info', message: (p: P) => string) => ({ severity, message });

export const AWS_HTTP_CODES = {
  'aws-http-jwt-issuer-missing': entry<{ scheme: string }>(
    'error',
    (p) => `aws (HTTP API): security scheme ${p.scheme} names no issuer; a JWT authorizer needs one (x-gateway.issuer, the iss its tokens carry)`,
  ),
  'aws-http-jwt-audience-missing': entry<{ scheme: string }>(
    'error',
    (p) => `aws (HTTP API): security scheme ${p.scheme} names no audiences; an HTTP API JWT authorizer requires a list (anyAudience: true cannot be expressed) and admits a token whose aud (or client_id) is one of them: add x-gateway.audiences`,
  ),
  'aws-http-jwt-keys-unused': entry<{ scheme: string }>(
    'error',
    (p) => `aws (HTTP API): security scheme ${p.scheme} gives publicKeys, but a JWT authorizer verifies with the keys the issuer publishes (its discovery document's jwks_uri) and no others; remove publicKeys or build another target`,
  ),
  'aws-http-jwt-algorithms': entry<{ scheme: string; algorithms: string }>(
    'error',
    (p) => `aws (HTTP API): security scheme ${p.scheme} allows only ${p.algorithms}, but a JWT authorizer verifies RSA signatures (RS256, RS384, RS512) by the issuer's keys and cannot be told otherwise; allow RS256 or build another target`,
  ),
  'aws-http-jwks-discovered': entry<{ scheme: string; jwksUri: string; issuer: string }>(
    'warn',
    (p) => `aws (HTTP API): security scheme ${p.scheme}: a JWT authorizer reads its keys from ${p.issuer}/.well-known/openid-configuration (jwks_uri), not from ${p.jwksUri}; make sure the issuer's discovery document names that key set`,
  ),
  'aws-http-scopes-all': entry<{ route: string; scheme: string; scopes: string }>(
    'error',
    (p) =>
      `aws (HTTP API): ${p.route} requires all of the scopes ${p.scopes} of ${p.scheme}, but a JWT authorizer admits a token holding any one of a route's AuthorizationScopes; require one scope per operation (a scope that implies the others), or split the operation`,
  ),
  'aws-http-scopes-unenforced': entry<{ route: string; scheme: string; scopes: string }>(
    'error',
    (p) => `aws (HTTP API): ${p.route} requires the scopes ${p.scopes} of ${p.scheme}, which a Lambda authorizer is not told (HTTP APIs check AuthorizationScopes for JWT authorizers only); check them in the function and remove them from the requirement, or use a JWT scheme`,
  ),
  'aws-http-auth-alternatives': entry<{ route: string; alternatives: string }>(
    'error',
    (p) =>
      `aws (HTTP API): ${p.route} admits any of ${p.alternatives}, but an HTTP API route runs one authorizer; only alternatives of one JWT scheme needing one scope each (any of AuthorizationScopes) can be expressed: require one scheme, or split the operation`,
  ),
  'aws-http-credential-unhidden': entry<{ scheme: string; where: string }>(
    'error',
    (p) =>
      `aws (HTTP API): the credential of ${p.scheme} (${p.where}) cannot be hidden from the backend; ${p.where.startsWith('cookie ') ? `a cookie key kept for the backend is refused too (aws-kept-cookie-credential): add x-gateway.backendCookies: none to ${p.scheme} (the backend reads no cookie on its routes; the whole Cookie header is removed) and pass who the caller is with lambdaAuthorizer.contextHeaders (X-User: principalId), or carry the credential in a header HTTP APIs may remove` : 'set x-gateway.hideCredentials: false on the scheme to send it knowingly, or carry the credential in a header HTTP APIs may remove'}`,
  ),
  'aws-http-lambda-token-authorizer': entry<{ scheme: string }>(
    'error',
    (p) => `aws (HTTP API): the Lambda authorizer of ${p.scheme} is a token authorizer; HTTP APIs call REQUEST authorizers only, whose event has no authorizationToken, so the function would not see the credential it checks: set lambdaAuthorizer.type: request and read the header in the function`,
  ),
  'aws-http-authorizer-identity': entry<{ scheme: string; source: string }>(
    'error',
    (p) => `aws (HTTP API): identity source ${p.source} of the Lambda authorizer of ${p.scheme} has no HTTP API equivalent (method.request.header.NAME, method.request.querystring.NAME, context.NAME or stageVariables.NAME)`,
  ),
  'aws-http-authorizer-cache-unkeyed': entry<{ scheme: string; sources: string; credential: string }>(
    'error',
    (p) =>
      `aws (HTTP API): the Lambda authorizer of ${p.scheme} caches its answer keyed on ${p.sources || 'nothing'}, which does not include the credential (${p.credential}); a caller without it would reuse another caller's Allow (add the credential to identitySource, or set ttlSeconds: 0)`,
  ),
  'aws-http-limit-per-caller': entry<{ route: string; by: string }>(
    'error',
    (p) =>
      `aws (HTTP API): the rate limit of ${p.route} counts per ${p.by}, but HTTP API throttling is per route for all callers together (no API keys, no usage plans); limit the whole route (by: ip, warned as one bucket) or build the REST flavour`,
  ),
  'aws-http-limit-shared-bucket': entry<{ route: string }>(
    'warn',
    (p) => `aws (HTTP API): the rate limit of ${p.route} is one bucket for all callers of the route (RouteSettings throttling), not one per client address: a busy client can use up the limit for everyone`,
  ),
  'aws-http-cors-mixed': entry<{ route: string; other: string }>(
    'error',
    (p) =>
      `aws (HTTP API): ${p.route} and ${p.other} have different CORS policies (or one has none), but an HTTP API has one CorsConfiguration for all its routes: give every route the same cors policy, or build the REST flavour`,
  ),
  'aws-http-path-unsupported': entry<{ route: string; path: string; detail: string }>(
    'error',
    (p) => `aws (HTTP API): ${p.route}: path ${p.path} ${p.detail}`,
  ),
  'aws-http-method-unsupported': entry<{ route: string; method: string }>(
    'error',
    (p) => `aws (HTTP API): ${p.route}: HTTP API routes take GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS, not ${p.method}`,
  ),
  'aws-http-backend-private-host': entry<{ backend: string; host: string }>(
    'error',
    (p) =>
      `aws (HTTP API): backend ${p.backend} is on ${p.host}, which an HTTP API cannot reach over the internet, and gwc does not write HTTP API private integrations (a VPC link to a load balancer listener); pass --option publicHosts=${p.host} if it resolves publicly, or build the REST flavour`,
  ),
  'aws-http-backend-tls': entry<{ backend: string; setting: string }>(
    'error',
    (p) => `aws (HTTP API): backend ${p.backend}: tls ${p.setting} cannot be set on an HTTP API integration (it verifies public CAs for the URL host and has no skip)`,
  ),
  'aws-http-timeout-over': entry<{ route: string; ms: number; max: number }>(
    'error',
    (p) => `aws (HTTP API): ${p.route}: timeout ${p.ms} ms is over the HTTP API integration maximum of ${p.max} ms`,
  ),
  'aws-http-header-unmappable': entry<{ route: string; header: string; detail: string }>(
    'error',
    (p) => `aws (HTTP API): ${p.route}: request header ${p.header} ${p.detail}`,
  ),
  'aws-http-forwarded-host': entry<{ backend: string }>(
    'warn',
    (p) =>
      `aws (HTTP API): backend ${p.backend} receives the client's own X-Forwarded-Host and X-Forwarded-Proto lines, and the client's host as the FIRST element of Forwarded: HTTP APIs reserve Forwarded and X-Forwarded-For/-Host/-Proto, so no parameter mapping can empty them (a platform gap). A backend that builds links, redirects or password-reset mails from them (Express trust proxy, Rails, Django USE_X_FORWARDED_HOST, Spring's ForwardedHeaderFilter) writes \`X-Forwarded-Host: evil.example\` into them. Take the public host from the backend's configuration, or read only the LAST Forwarded element (API Gateway's own); or build with the REST flavour (aws.api: rest), which empties them`,
  ),
  'aws-http-host-header': entry<{ backend: string }>(
    'warn',
    (p) => `aws (HTTP API): backend ${p.backend}: hostHeader: client is not honoured; an HTTP proxy integration sends the backend's own host`,
  ),
  'aws-http-hosts-differ': entry<{ route: string; hosts: string; apiHosts: string }>(
    'error',
    (p) => `aws (HTTP API): ${p.route} answers on ${p.hosts} while the API answers on ${p.apiHosts}; an HTTP API routes on method and path only`,
  ),
  'aws-http-domain-invalid': entry<{ detail: string }>('error', (p) => `aws (HTTP API): ${p.detail}`),
  'aws-http-lambda-arn-invalid': entry<{ owner: 'backend' | 'security scheme'; name: string; arn: string }>(
    'error',
    (p) => `aws (HTTP API): ${p.owner} ${p.name}: "${p.arn}" is not a Lambda function ARN`,
  ),
  'aws-http-option-unsupported': entry<{ option: string }>(
    'error',
    (p) => `aws (HTTP API): option ${p.option} is for REST APIs only; HTTP APIs have no such setting`,
  ),
} as const;
