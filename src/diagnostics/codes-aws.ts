/**
 * The aws target's own refusals and warnings (src/targets/aws), part of the catalogue in codes.ts
 * (issue #17 item 3: each was free text under a catch-all code). A message says what the target
 * said before it had codes ("aws: " and the sentence), so only the code changed for users; tests
 * match on the code and params. Explanations: src/explain/aws.ts.
 */
import { entry } from './entry.js';

/** Why API Gateway cannot take a path (src/targets/aws/paths.ts `pathProblem`). */
export type AwsPathProblem = 'mixed' | 'empty' | 'characters';

const PATH_PROBLEM: Record<AwsPathProblem, (path: string, part: string) => string> = {
  mixed: (path) => `path ${path} mixes text and parameters in one segment, which API Gateway resources cannot express (a path part is either literal or a whole {param})`,
  empty: (path) => `path ${path} has an empty segment (a trailing or double slash), which API Gateway folds into the path without it`,
  characters: (path, part) => `path ${path}: "${part}" has characters API Gateway does not allow in a path part (only letters, digits, . _ -)`,
};

export const AWS_CODES = {
  // --option values (options.ts) are the shared target-option-invalid; an unknown option is option-unknown
  // paths and methods (body.ts, paths.ts)
  'aws-path-unsupported': entry<{ route: string; path: string; problem: AwsPathProblem; part: string }>(
    'error',
    (p) => `aws: route ${p.route}: ${PATH_PROBLEM[p.problem](p.path, p.part)}`,
  ),
  'aws-method-unsupported': entry<{ route: string; method: string }>('error', (p) => `aws: route ${p.route}: API Gateway has no ${p.method} method`),
  // a shared cache entry cannot key a query credential in every spelling a backend reads (cache.ts sharedKeys)
  'aws-cache-query-credential': entry<{ route: string; name: string; schemes: string; backend: string; callers: 'anonymous' | 'identity' }>(
    'error',
    (p) =>
      `aws: ${p.route} is cached ${p.callers === 'anonymous' ? 'for anonymous callers' : 'per verified caller'}, and the spec carries a credential in the query parameter ${p.name} (${p.schemes}); API Gateway keys its cache on exact, case-sensitive names only, so a backend reading ${p.name}[], ${p.name.toUpperCase()} or ${p.name.replace(/_/g, '.')} as ${p.name} would answer one caller's request and API Gateway serve it to ${p.callers === 'anonymous' ? 'the next anonymous caller' : "the next request of the same verified caller (an app key shared by its end users: one user's answer to another)"}. Remove the cache, or, if backend ${p.backend} reads query parameters by their exact name only, say so once: x-gateway.backends.${p.backend}.queryNames: exact (the name is then part of the key)`,
  ),
  // a query credential API Gateway can blank by its exact name only (query-spellings.ts)
  'aws-query-credential-spellings': entry<{ route: string; scheme: string; name: string; backend: string }>(
    'error',
    (p) =>
      `aws: ${p.route} takes its ${p.scheme} credential from the query parameter ${p.name}, and API Gateway can blank only that exact name before backend ${p.backend}: a backend that reads ${p.name}[] or ${p.name}[0] (PHP, Rack, Express's qs), ${p.name.toUpperCase()} (ASP.NET) or ${p.name.replace(/_/g, '.')} (PHP) as ${p.name} would get a key nobody verified beside the one the authorizer checked (an integration request parameter's name holds only letters, digits and . _ $ -, and such spellings are unbounded). Send the credential in a header, or, if backend ${p.backend} reads query parameters by their exact name only, say so once: x-gateway.backends.${p.backend}.queryNames: exact`,
  ),
  // a header key's name or access_token in the query, blanked by its exact name only (query-spellings.ts checkBlankedQueryNames)
  'aws-query-name-spellings': entry<{ backend: string; names: string; routes: number; first: string }>(
    'warn',
    (p) => {
      const n = p.names.split(', ')[0] ?? p.names;
      return `aws: backend ${p.backend} is reached by ${p.routes} route(s) (${p.first}${p.routes > 1 ? ', ...' : ''}) whose verified credential's name API Gateway blanks in the query by its exact name only (${p.names}): ?${n}[]=, ?${n}[0]= (PHP, Rack, Express's qs) or ?${n.toUpperCase()}= (ASP.NET) reach the backend as sent, so a backend that also reads that name from the query gets a credential nobody verified beside the verified one (no API Gateway mapping can blank them: a mapping name holds no '[' and is case-sensitive). If backend ${p.backend} reads query parameters by their exact name only, or never reads these names from the query, say so once: x-gateway.backends.${p.backend}.queryNames: exact`;
    },
  ),
  // the forwarding family's '_' spellings and Content_Length, unmapped where the backend's header naming is unstated (header-names.ts)
  'aws-header-name-spellings': entry<{ backend: string; routes: number; first: string; flavour: 'rest' | 'http' }>(
    'warn',
    (p) =>
      `aws: backend ${p.backend} is reached by ${p.routes} route(s) (${p.first}${p.routes > 1 ? ', ...' : ''}) and has not said how it reads header names: API Gateway passes a client's X_Forwarded_User, X_Real_IP or X_Forwarded_Prefix as sent, and gwc ${p.flavour === 'rest' ? 'empties' : 'removes'} the forwarding headers by their dash names only (their 250 '_' spellings would cost ~20 KB of template per route)${p.flavour === 'rest' ? ", nor can it take out a client's Content_Length" : ''}, so a backend that reads '_' as '-' (PHP/CGI, Rack: Unicorn, Puma < 6.4.3; WSGI: gunicorn < 22) takes a forged forwarded user, address or host${p.flavour === 'rest' ? ' (and Unicorn before its duplicate check or Puma < 5.0.3 frames the body by Content_Length: smuggling)' : ''}. Say once: x-gateway.backends.${p.backend}.headerNames: exact if it reads names as sent or drops '_' names (Node, Go, JVM, .NET, gunicorn >= 22, Puma >= 6.4.3: no '_' spelling is then mapped, a smaller template), or headerNames: folded to have every spelling ${p.flavour === 'rest' ? 'emptied' : 'removed'}`,
  ),
  // a REST backend declared headerNames: folded, which reads a client's Content_Length, unmappable on REST (header-names.ts)
  'aws-folded-content-length': entry<{ backend: string; routes: number; first: string }>(
    'warn',
    (p) =>
      `aws: backend ${p.backend} says it reads '_' in header names as '-' (headerNames: folded) and is reached by ${p.routes} REST route(s) (${p.first}${p.routes > 1 ? ', ...' : ''}); API Gateway passes a client's Content_Length line as sent and no REST mapping can take it out (an empty or copied value is still a second Content-Length line), so such a backend sees two Content-Length values: Unicorn before its duplicate check and Puma < 5.0.3 frame the body by the client's one (request smuggling on the kept-alive connection). Run a server that refuses a second Content-Length (Unicorn with its "Content-Length already set" check, Puma >= 5.0.3), or build this backend's routes as an HTTP API (--option aws.api=http), which removes Content_Length`,
  ),
  // a header AWS must map in every spelling, with more separators than it spells (header-names.ts)
  'aws-header-name-separators': entry<{ scheme: string; header: string; separators: number; max: number }>(
    'error',
    (p) =>
      `aws: scheme ${p.scheme} names the header ${p.header}, which gwc must clear in every '-'/'_' spelling before the backend (a backend reading '_' as '-' takes any of them as ${p.header}), and it has ${p.separators} separators: 2^${p.separators} - 1 other spellings, more than gwc maps (names with at most ${p.max}). Name the header with at most ${p.max} '-' or '_'`,
  ),
  // caching and throttling (body.ts, stage.ts)
  'aws-cache-key-header-invalid': entry<{ route: string; header: string }>(
    'error',
    (p) => `aws: route ${p.route}: cache key header ${JSON.stringify(p.header)} is not a header name`,
  ),
  'aws-cache-ttl-too-long': entry<{ route: string; ttl: number; max: number }>(
    'error',
    (p) => `aws: route ${p.route}: cache TTL ${p.ttl} s exceeds API Gateway's maximum of ${p.max} s`,
  ),
  // IP rules as the resource policy (policy.ts)
  'aws-ip-rule-invalid': entry<{ route: string; value: string }>(
    'error',
    (p) => `aws: route ${p.route}: ${JSON.stringify(p.value)} is not an IP address or CIDR block`,
  ),
  'aws-ip-rule-wildcard': entry<{ route: string; ruleRoute: string }>(
    'warn',
    (p) => `aws: route ${p.route} is also subject to the IP rule of ${p.ruleRoute}: resource policy wildcards span path segments`,
  ),
  // security schemes (authorizers.ts) and requirements (auth.ts)
  'aws-scheme-name-invalid': entry<{ scheme: string }>(
    'error',
    (p) => `aws: security scheme name "${p.scheme}" is not a valid OpenAPI component name`,
  ),
  'aws-api-key-location': entry<{ scheme: string; in: string; name: string }>(
    'error',
    (p) =>
      `aws: security scheme ${p.scheme}: API Gateway reads API keys from the x-api-key header only, not ${p.in} "${p.name}" (give the scheme an x-gateway.lambdaAuthorizer to check it there)`,
  ),
  'aws-scheme-needs-authorizer': entry<{ scheme: string; kind: string }>(
    'error',
    (p) => `aws: security scheme ${p.scheme} (${p.kind}) cannot be enforced by API Gateway without a Lambda authorizer`,
  ),
  'aws-jwt-issuer-not-cognito': entry<{ scheme: string; issuer: string }>(
    'error',
    (p) =>
      `aws: security scheme ${p.scheme}: issuer "${p.issuer}" is not a Cognito user pool; REST APIs verify JWTs natively only with a Cognito user pool authorizer (issuer https://cognito-idp.<region>.amazonaws.com/<pool id>), otherwise give the scheme an x-gateway.lambdaAuthorizer`,
  ),
  'aws-cognito-audiences': entry<{ scheme: string; audiences: string }>(
    'error',
    (p) =>
      `aws: security scheme ${p.scheme}: a Cognito user pool authorizer does not check the token audience (${p.audiences}); it admits a token of any app client of the pool: write anyAudience: true in place of audiences to accept that, or give the scheme an x-gateway.lambdaAuthorizer that checks the audience`,
  ),
  'aws-jwt-header-invalid': entry<{ scheme: string; header: string }>('error', (p) => `aws: security scheme ${p.scheme}: "${p.header}" is not a header name`),
  'aws-lambda-arn-invalid': entry<{ owner: 'backend' | 'security scheme'; name: string; arn: string }>(
    'error',
    (p) => `aws: ${p.owner} ${p.name}: "${p.arn}" is not a Lambda function ARN`,
  ),
  'aws-authorizer-identity-source': entry<{ scheme: string; type: string; sources: string }>(
    'error',
    (p) =>
      `aws: security scheme ${p.scheme}: identity sources (${p.sources}) are not valid for a ${p.type} Lambda authorizer; set x-gateway.lambdaAuthorizer.identitySource`,
  ),
  'aws-auth-first-alternative': entry<{ route: string; alternatives: number }>(
    'warn',
    (p) => `aws: route ${p.route}: only the first of its ${p.alternatives} security alternatives is enforced`,
  ),
  'aws-or-cookie-unenforced': entry<{ route: string; scheme: string; cookie: string; enforced: string }>(
    'error',
    (p) =>
      `aws: route ${p.route}: only its first security alternative (${p.enforced}) is enforced, and it reads a cookie, while ${p.scheme} of another alternative reads ${p.cookie}, never verified: API Gateway passes the Cookie header on whole and cannot take one cookie out of it, so a forged ${p.scheme} credential would reach the backend. Make the alternatives read the same cookie, send ${p.scheme}'s credential in a header, or drop the alternative`,
  ),
  'aws-or-lambda-unenforced': entry<{ route: string; scheme: string; carriers: string; enforced: string; backend: string }>(
    'error',
    (p) =>
      `aws: route ${p.route}: only its first security alternative (${p.enforced}) is enforced, and ${p.scheme} of another alternative reads ${p.carriers}, never verified: backend ${p.backend} is a Lambda function, whose event holds every header and query parameter as the client sent them (a Lambda proxy integration takes no request parameters, so gwc cannot blank them), so a forged ${p.scheme} credential would reach the function as if verified. Make every alternative read the same credential, drop the alternative, or route the operation to an HTTP backend (where gwc blanks them)`,
  ),
  'aws-lambda-header-spellings': entry<{ route: string; scheme: string; headers: string; example: string; backend: string }>(
    'error',
    (p) =>
      `aws: route ${p.route} is verified on its ${p.scheme} credential in ${p.headers}, and backend ${p.backend} is a Lambda function, whose event holds another spelling such as ${p.example} as the client sent it (a Lambda proxy integration takes no request parameters, so gwc cannot blank it): an adapter that rebuilds a CGI or PHP request (Bref, serverless-wsgi) reads it as the verified header, a credential nobody checked. If the function reads header names exactly (event.headers by key, ASGI, Node), say so once: x-gateway.backends.${p.backend}.headerNames: exact; otherwise route the operation to an HTTP backend (where gwc blanks every other spelling) or name the credential header without '-' or '_'`,
  ),
  'aws-authorizer-scopes': entry<{ route: string; scheme: string; scopes: string }>(
    'error',
    (p) => `aws: route ${p.route}: API Gateway does not check scopes (${p.scopes}) for a Lambda authorizer; the function must, and gwc cannot tell it which`,
  ),
  'aws-auth-unenforceable': entry<{ route: string; refused: string; accepted: string }>(
    'error',
    (p) =>
      `aws: route ${p.route} declares security but none of it can be enforced on aws (refused: ${p.refused}${p.accepted ? `; accepted gaps: ${p.accepted}` : ''}); no template is written rather than one with the route PUBLIC`,
  ),
  'aws-auth-public': entry<{ route: string; accepted: string }>(
    'warn',
    (p) => `aws: route ${p.route} declares security but none of it is enforced on aws (accepted gaps: ${p.accepted}): the route is PUBLIC there`,
  ),
  // hosts, base path and custom domains (domain.ts)
  'aws-host-routing': entry<{ route: string; hosts: string; apiHosts: string }>(
    'error',
    (p) => `aws: route ${p.route}: answers on hosts ${p.hosts} while the API answers on ${p.apiHosts || 'any host'}; a REST API cannot route on the host`,
  ),
  'aws-execute-api-open': entry<{ hosts: string; customDomain: boolean }>(
    'warn',
    (p) =>
      `aws: the API will also answer on its execute-api host, not only on ${p.hosts} (${p.customDomain ? 'local or AWS-owned hosts cannot be custom domains' : 'customDomain=off'})`,
  ),
  'aws-base-path-as-stage': entry<{ basePath: string; stage: string }>(
    'warn',
    (p) =>
      `aws: base path ${p.basePath} is served as /${p.stage} (the stage name) on the execute-api endpoint; name a host in servers for a custom domain with this base path`,
  ),
  'aws-private-custom-domain': entry<{ hosts: string }>(
    'error',
    () =>
      'aws: custom domains for a PRIVATE API are a separate resource type gwc does not write; use --option customDomain=off (the API then answers on its execute-api host)',
  ),
  'aws-base-path-mapping': entry<{ basePath: string }>(
    'error',
    (p) => `aws: base path ${p.basePath} cannot be a base path mapping (one segment of letters, digits, . _ -)`,
  ),
  'aws-custom-domain-host': entry<{ host: string }>(
    'error',
    (p) => `aws: servers names host "${p.host}", which is not a DNS name API Gateway can serve as a custom domain`,
  ),
  // integrations (backends.ts)
  'aws-lambda-forwarded-host': entry<{ backend: string }>(
    'warn',
    (p) =>
      `aws: backend ${p.backend} is a Lambda function, whose event holds the client's own X-Forwarded-Host line as sent (a Lambda proxy integration takes no request parameters, and API Gateway writes no X-Forwarded-Host, REST or HTTP API): a function behind an adapter that trusts it (serverless-http with Express trust proxy, the Lambda Web Adapter with Django USE_X_FORWARDED_HOST, Rails, Spring's ForwardedHeaderFilter) writes \`X-Forwarded-Host: evil.example\` into links, redirects and password-reset mails. Take the public host from the function's configuration, or route the operation to an HTTP backend on a REST API (which empties X-Forwarded-Host)`,
  ),
  'aws-lambda-upstream-path': entry<{ route: string }>(
    'error',
    (p) => `aws: route ${p.route}: upstreamPath has no meaning for a Lambda proxy integration (the function receives the request path)`,
  ),
  'aws-lambda-request-headers': entry<{ route: string }>(
    'error',
    (p) => `aws: route ${p.route}: request headers cannot be set on a Lambda proxy integration (aws_proxy takes no request parameters)`,
  ),
  'aws-timeout-too-long': entry<{ route: string; ms: number; max: number }>(
    'error',
    (p) =>
      `aws: route ${p.route}: timeout ${p.ms} ms exceeds API Gateway's integration timeout of ${p.max} ms (29 s by default; for Regional and private APIs you can request a higher quota and then pass --option maxTimeout=<ms>)`,
  ),
  'aws-timeout-too-short': entry<{ route: string; ms: number; min: number }>(
    'error',
    (p) => `aws: route ${p.route}: timeout ${p.ms} ms is below API Gateway's minimum of ${p.min} ms`,
  ),
  'aws-backend-no-url': entry<{ backend: string }>('error', (p) => `aws: backend ${p.backend} has no URL`),
  'aws-backend-url-invalid': entry<{ backend: string; uri: string }>(
    'error',
    (p) => `aws: backend ${p.backend}: "${p.uri}" is not an encoded URL API Gateway accepts`,
  ),
  'aws-host-header-client': entry<{ backend: string }>(
    'warn',
    (p) => `aws: backend ${p.backend}: API Gateway sends the backend's own Host header; hostHeader: client is not honoured`,
  ),
  'aws-tls-ca-file': entry<{ backend: string }>(
    'error',
    (p) => `aws: backend ${p.backend}: API Gateway cannot verify against a custom CA file (only public CAs, or no CA check with verify: false)`,
  ),
  'aws-tls-server-name': entry<{ backend: string; serverName: string }>(
    'error',
    (p) =>
      `aws: backend ${p.backend}: REST API HTTP integrations verify the URL's host; serverName "${p.serverName}" cannot be set (serverNameToVerify is for HTTP API private integrations only)`,
  ),
  'aws-request-header-remove': entry<{ route: string; headers: string }>(
    'error',
    (p) => `aws: route ${p.route}: API Gateway proxy integrations cannot remove request headers (${p.headers}); an override would still send the header`,
  ),
  'aws-request-header-invalid': entry<{ route: string; header: string }>(
    'error',
    (p) => `aws: route ${p.route}: request header ${JSON.stringify(p.header)} cannot be set by API Gateway (a token name and a value without ' are required)`,
  ),
  'aws-mock-body-vtl': entry<{ backend: string }>(
    'error',
    (p) => `aws: backend ${p.backend}: a mock body with $, # or \\ would be read as a VTL template by API Gateway; it cannot be served literally`,
  ),
  'aws-mock-header-invalid': entry<{ backend: string; header: string }>(
    'error',
    (p) => `aws: backend ${p.backend}: mock header ${JSON.stringify(p.header)} cannot be expressed as an API Gateway static value`,
  ),
  // CORS (cors.ts)
  'aws-cors-origin-invalid': entry<{ origin: string }>('error', (p) => `aws: CORS origin ${JSON.stringify(p.origin)} is not scheme://host[:port] or *`),
  'aws-cors-credentials-any-origin': entry<Record<string, never>>(
    'error',
    () => 'aws: CORS with credentials cannot allow origin * (browsers refuse it); list the origins',
  ),
  'aws-cors-options-declared': entry<{ path: string; route: string }>(
    'error',
    (p) => `aws: path ${p.path} declares OPTIONS itself, so gwc cannot add the CORS preflight there`,
  ),
  'aws-cors-preflight-differs': entry<{ path: string; route: string; other: string }>(
    'warn',
    (p) => `aws: path ${p.path}: routes use different CORS policies; the preflight follows ${p.route}'s`,
  ),
  'aws-cors-headers-invalid': entry<{ headers: string }>('error', () => 'aws: CORS headers contain a quote or control character'),
  'aws-cors-error-origins': entry<{ origins: number }>(
    'warn',
    (p) =>
      `aws: the API allows ${p.origins} CORS origins; API Gateway's own 4XX/5XX responses can name only one statically, so they carry no Access-Control-Allow-Origin`,
  ),
  // CloudFormation and API Gateway quotas (emit.ts)
  'aws-template-too-large': entry<{ bytes: number; limit: number; fits: number; routes: number }>(
    'error',
    (p) =>
      `aws: the template is ${p.bytes} bytes, over CloudFormation's ${p.limit}-byte limit: split the API into several specs (one stack each, about ${p.fits} of its ${p.routes} routes fit in one) or drop routes`,
  ),
  'aws-template-not-inline': entry<{ bytes: number; limit: number }>(
    'warn',
    (p) => `aws: the template is ${p.bytes} bytes, over the ${p.limit} bytes CloudFormation takes inline: deploy it through S3 (aws cloudformation deploy --s3-bucket BUCKET)`,
  ),
  'aws-too-many-resources': entry<{ resources: number; limit: number }>(
    'error',
    (p) => `aws: the template declares ${p.resources} resources, over CloudFormation's ${p.limit} per stack: split the API or its consumers across stacks`,
  ),
  'aws-api-resource-quota': entry<{ resources: number; limit: number }>(
    'warn',
    (p) =>
      `aws: the API has ${p.resources} API Gateway resources (path nodes), over the default quota of ${p.limit} per REST API: request a quota increase before deploying`,
  ),
  // the verified identity as a header (context-headers.ts) and what a REQUEST authorizer is handed (kept-values.ts)
  'aws-context-header-refused': entry<{ scheme: string; header: string; why: string }>(
    'error',
    (p) =>
      `aws: the Lambda authorizer of ${p.scheme} maps its answer to the header ${p.header}, which ${p.why}: name a header of its own (X-User, X-Session-Subject)`,
  ),
  'aws-request-authorizer-cookie': entry<{ scheme: string; cookies: string }>(
    'warn',
    (p) =>
      `aws: the Lambda authorizer of ${p.scheme} is a REQUEST authorizer, which API Gateway hands EVERY header of the request, the Cookie header with the spec's cookie credential ${p.cookies} among them, whatever identitySource names, and gwc cannot see the function: if it reads a cookie, the Cookie line it read also reaches the backend whole (\`sid=<forged>; sid=<verified>\`: the function may read one sid, the backend another). Declare such a session as its own scheme (apiKey in: cookie with backendCookies: none and lambdaAuthorizer.contextHeaders: the Cookie reaches the backend empty), or use type: token, which is handed only its one header`,
  ),
} as const;
