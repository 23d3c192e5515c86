/** Explanations of the aws target's HTTP API flavour (`--option aws.api=http`, src/targets/aws/http). */
import { ex, type Explanations } from './explanation.js';

const BUILD = 'gwc build gateway.yaml --target aws --option aws.api=http';

export const AWS_HTTP: Explanations = {
  'aws-http-jwt-issuer-missing': ex(
    'A JWT scheme used by a route names no issuer, and an HTTP API JWT authorizer needs one.',
    'Without an issuer API Gateway cannot fetch the signing keys, and gwc never writes an authorizer that would trust any issuer.',
    "Add x-gateway.issuer to the scheme: the iss claim of its tokens (API Gateway reads <issuer>/.well-known/openid-configuration).",
    "oidc:\n  type: openIdConnect\n  x-gateway: { audiences: [api] }   # fix: issuer: https://id.example.com/",
  ),
  'aws-http-jwt-audience-missing': ex(
    'A JWT scheme used by a route names no audience (an HMAC-only scheme, or anyAudience: true); an HTTP API JWT authorizer requires at least one.',
    'A token the same issuer minted for another application (another aud) would otherwise be accepted: the confused deputy every OAuth provider warns about.',
    'Add x-gateway.audiences to the scheme: the aud (or client_id) values tokens for this API carry.',
    "x-gateway: { issuer: https://id.example.com/ }   # fix: audiences: [bookings-api]",
  ),
  'aws-http-jwt-keys-unused': ex(
    'A JWT scheme gives publicKeys, but an HTTP API JWT authorizer verifies tokens with the keys its issuer publishes and cannot be given others.',
    'The keys the spec trusts would not be the keys the gateway trusts: tokens signed by the issuer\'s other keys would pass.',
    'Remove publicKeys (the issuer\'s key set is used), or build a target that verifies static keys (nginx).',
    "x-gateway: { issuer: https://id.example.com/, publicKeys: ['${file:key.pem}'] }",
  ),
  'aws-http-jwt-algorithms': ex(
    'A JWT scheme allows no RSA algorithm, but an HTTP API JWT authorizer verifies RSA signatures only and cannot be restricted to others.',
    'The gateway would admit RSA-signed tokens the spec refuses (and refuse every token the spec admits).',
    'Allow RS256 (the issuer\'s keys stay the only signer), or build another target.',
    "x-gateway: { issuer: https://id.example.com/, algorithms: [ES256] }   # fix: [RS256]",
  ),
  'aws-http-jwks-discovered': ex(
    'A JWT scheme names a jwksUri other than <issuer>/.well-known/jwks.json; an HTTP API JWT authorizer reads its keys from the issuer\'s discovery document instead.',
    'If the discovery document names another key set, the gateway trusts different keys than the spec says.',
    'Check that <issuer>/.well-known/openid-configuration names the jwksUri you wrote (it does for standard OIDC providers).',
    "x-gateway: { issuer: https://id.example.com/, jwksUri: https://keys.example.com/jwks }",
  ),
  'aws-http-scopes-all': ex(
    'A route requires several scopes of one JWT scheme together, but an HTTP API admits a token holding any one of a route\'s AuthorizationScopes.',
    'A token with only one of the scopes would reach an operation that needs all of them: privilege escalation.',
    'Require one scope per operation (a scope that implies the others), or split the operation.',
    "security: [{ oidc: [read:bookings, write:bookings] }]   # fix: [{ oidc: [write:bookings] }]",
  ),
  'aws-http-scopes-unenforced': ex(
    'A route requires scopes of a scheme verified by a Lambda authorizer; HTTP APIs check AuthorizationScopes for JWT authorizers only.',
    'The scopes would be silently ignored and any caller the function admits would pass.',
    'Check the scopes in the function and drop them from the requirement, or use a JWT scheme.',
    "security: [{ partnerAuth: [admin] }]   # partnerAuth has an x-gateway.lambdaAuthorizer",
  ),
  'aws-http-auth-alternatives': ex(
    'A route admits alternatives (OR) an HTTP API route cannot express: it runs one authorizer, with any-of scopes.',
    'Keeping one alternative would lock out callers the spec admits; merging them would admit callers it refuses.',
    'Use alternatives of one JWT scheme with one scope each (they become that scheme\'s AuthorizationScopes), require one scheme, or split the operation.',
    "security: [{ oidc: [read] }, { partnerAuth: [] }]   # fix: [{ oidc: [read] }, { oidc: [admin] }]",
  ),
  'aws-http-credential-unhidden': ex(
    'A scheme asks for its credential to be hidden from the backend (hideCredentials, true by default), and the HTTP API cannot remove it: Authorization is a header HTTP APIs reserve, and a Lambda function receives every header.',
    'DESIGN.md 7.3: a backend that logs or forwards requests would hold callers\' tokens.',
    'Set x-gateway.hideCredentials: false on the scheme to send the token knowingly (a backend that checks it itself wants it anyway), or carry the credential in a header HTTP APIs may remove. A cookie key: add `backendCookies: none` (the Cookie header is removed) and `lambdaAuthorizer.contextHeaders` (hideCredentials: false is refused for a cookie key).',
    "oidc:\n  x-gateway: { issuer: https://id.example.com/, audiences: [api], hideCredentials: false }",
  ),
  'aws-http-lambda-token-authorizer': ex(
    'A scheme names a token Lambda authorizer; HTTP APIs call REQUEST authorizers only.',
    'A function written for a token authorizer reads event.authorizationToken, which an HTTP API event does not have: it would check nothing or fail.',
    'Set lambdaAuthorizer.type: request and read the credential from the event\'s headers (payload format 1.0, as the REST flavour sends).',
    "lambdaAuthorizer: { arn: arn:aws:lambda:eu-west-1:123456789012:function:auth, type: token }   # fix: type: request",
  ),
  'aws-http-authorizer-identity': ex(
    'A Lambda authorizer\'s identitySource has no HTTP API spelling.',
    'An identity source API Gateway cannot read would make the authorizer fail for every request, or be dropped from its cache key.',
    'Use method.request.header.NAME, method.request.querystring.NAME, context.NAME or stageVariables.NAME (gwc writes them as $request.header.NAME ...).',
    "identitySource: [method.request.path.id]",
  ),
  'aws-http-authorizer-cache-unkeyed': ex(
    'A Lambda authorizer caches its answer (ttlSeconds > 0) keyed on identity sources that do not include the credential it checks.',
    'DESIGN.md 7.4: one caller\'s Allow would be served to another caller with another (or no) credential.',
    'Add the credential to identitySource, or set ttlSeconds: 0.',
    "lambdaAuthorizer: { arn: ..., type: request, ttlSeconds: 300, identitySource: [context.sourceIp] }",
  ),
  'aws-http-limit-per-caller': ex(
    'A rate limit counts per consumer or per header value, but HTTP API throttling is one bucket per route for all callers.',
    'Counting all callers together where the spec counts each alone would let one caller exhaust everyone\'s quota, or raise each caller\'s share.',
    'Limit the whole route (by: ip, which the HTTP API keeps as one shared bucket and warns), or build the REST flavour (usage plans per API key).',
    "rateLimit: { requests: 10, per: second, by: consumer }",
  ),
  'aws-http-limit-shared-bucket': ex(
    'A rate limit by client address becomes one bucket for all callers of the route (Stage RouteSettings).',
    'One busy client can use up the route\'s limit for every other client (never a wider limit, but a denial of service). There is no bucket per address, so rotating source addresses (an IPv6 /64) gains a client nothing.',
    'Accept it, raise the limit to the route\'s total, or use a target that counts per client (nginx, Kong, Traefik).',
    "rateLimit: { requests: 50, per: second }",
  ),
  'aws-http-cors-mixed': ex(
    'Routes have different CORS policies (or some none), but an HTTP API has one CorsConfiguration for all routes.',
    'Merging them would let browsers on more origins read responses of routes whose policy does not allow them.',
    'Give every route the same cors policy (a defaults policy), or build the REST flavour (CORS per path).',
    "/a: { get: { x-gateway: { policies: [webCors] } } }\n/b: { get: {} }   # no cors",
  ),
  'aws-http-path-unsupported': ex(
    'A route path (or its upstreamPath) cannot be an HTTP API route key or path mapping: a segment mixing text and a parameter, an empty segment, or a $ in the backend path.',
    'API Gateway would refuse the stack, or match and forward another path than the spec says.',
    'Use whole-segment parameters and paths without a trailing slash or $.',
    "/files/{name}.json:   # fix: /files/{file}",
  ),
  'aws-http-method-unsupported': ex(
    'An operation uses a method HTTP API routes do not take (TRACE).',
    'The route could not be created; the stack would fail.',
    'Remove the operation or build another target.',
    "/debug:\n  trace: {...}",
  ),
  'aws-http-backend-private-host': ex(
    'A backend is on a host only a private network can reach, and gwc does not write HTTP API private integrations (VPC links to a load balancer listener).',
    'API Gateway would resolve the name in public DNS and fail every request, or reach whatever answers that name publicly.',
    'Pass --option aws.publicHosts=HOST if it resolves publicly, or build the REST flavour, which takes a VPC link id.',
    "backends: { users: { url: http://users.internal:8080 } }",
  ),
  'aws-http-backend-tls': ex(
    'A backend\'s tls settings (verify: false, a CA file, another server name) cannot be set on an HTTP API integration, which verifies public CAs for the URL host.',
    'The setting would be dropped: the backend would be reached differently than the spec says.',
    'Remove the setting (use a publicly trusted certificate), or build another target.',
    "backends: { b: { url: https://b.example.com, tls: { verify: false } } }",
  ),
  'aws-http-timeout-over': ex(
    'A route\'s timeout is over the HTTP API integration maximum of 30 seconds.',
    'API Gateway would refuse the integration (the stack fails).',
    'Lower the timeout to 30s or less.',
    "backends: { slow: { url: https://slow.example.com, timeout: 60s } }",
  ),
  'aws-http-header-unmappable': ex(
    'A requestHeaders operation cannot be expressed: a header HTTP APIs reserve (Authorization, Host, X-Forwarded-*...), a value with $, or a Lambda integration (whose event carries the request as sent).',
    'The header would reach the backend other than the spec says.',
    'Use another header name or value, or an HTTP backend.',
    "requestHeaders: { set: { Host: internal.example.com } }",
  ),
  'aws-http-forwarded-host': ex(
    'An HTTP API sends an HTTP backend the client\'s own X-Forwarded-Host and X-Forwarded-Proto, and the client\'s host as the first Forwarded element (a warning once per backend, at the backend).',
    'HTTP APIs reserve Forwarded and X-Forwarded-For/-Host/-Proto: no parameter mapping may overwrite or remove them, and API Gateway appends its own Forwarded element after the client\'s. A backend that trusts them for links, redirects or password-reset mails (Express trust proxy, Rails, Django USE_X_FORWARDED_HOST, Spring\'s ForwardedHeaderFilter) mails a victim\'s reset token to evil.example.',
    'Take the public host from the backend\'s configuration, or read only the LAST Forwarded element (API Gateway\'s own); or build with the REST flavour (aws.api: rest), which maps X-Forwarded-Host to empty and X-Forwarded-Proto to https.',
    "backends: { app: { url: https://app.example.com } }   # HTTP API: app must not trust X-Forwarded-Host",
  ),
  'aws-http-host-header': ex(
    'A backend asks for the client\'s Host header (hostHeader: client); an HTTP proxy integration sends the backend\'s own host.',
    'A backend that routes on Host would see its own name, not the public one.',
    'Remove hostHeader: client, or read the original host from the LAST element of the Forwarded header (API Gateway\'s own; the elements before it are the client\'s, aws-http-forwarded-host).',
    "backends: { web: { url: https://web.example.com, hostHeader: client } }",
  ),
  'aws-http-hosts-differ': ex(
    'A route answers on other hosts than the rest of the API; an HTTP API routes on method and path only.',
    'The route would answer on every host of the API, not only its own.',
    'Give every route the same hosts, or split the spec per host.',
    "servers: [{ url: https://a.example.com }]\n/x: { servers: [{ url: https://b.example.com }] }",
  ),
  'aws-http-domain-invalid': ex(
    'The hosts or base path of servers cannot be an HTTP API custom domain and API mapping.',
    'The stack would fail, or the API would answer on another path than the spec says.',
    'Use DNS names and a one-segment base path, or --option aws.customDomain=off.',
    "servers: [{ url: https://api.example.com/v1/beta }]",
  ),
  'aws-http-lambda-arn-invalid': ex(
    'A Lambda backend or authorizer names something that is not a Lambda function ARN.',
    'API Gateway could not invoke it: every request would fail.',
    'Give the function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME, optionally :ALIAS).',
    "lambda: { arn: my-function }",
  ),
  'aws-http-option-unsupported': ex(
    'A REST-only option (endpointType, binaryMediaTypes, cacheClusterSize, tracing, vpcLink) was given with --option aws.api=http.',
    'HTTP APIs have no such setting: dropping it silently would build something else than asked.',
    'Remove the option, or build the REST flavour.',
    `${BUILD} --option aws.vpcLink=abc123`,
  ),
};
