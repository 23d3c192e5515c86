/**
 * Explanations for the aws target's own codes of src/diagnostics/codes-aws.ts (what the API
 * Gateway REST compile refuses or warns about). The older aws-* codes are explained in targets.ts.
 * Paths, caching, auth and domains here; backends, CORS and template size in aws-backend.ts.
 */
import { ex, type Explanations } from './explanation.js';
import { AWS_BACKEND } from './aws-backend.js';

export const AWS: Explanations = {
  'aws-path-unsupported': ex(
    'An operation path cannot be an API Gateway resource: a segment mixes text and a parameter, a segment is empty, or a segment holds characters other than letters, digits, . _ -.',
    'API Gateway resources are whole segments of those characters or a whole {param}; anything else is refused at import or routed to another resource than the spec says.',
    'Make every segment a literal or a whole {param} (move the suffix into its own segment or the parameter), and drop trailing or double slashes.',
    '/files/{name}.json:   # fix: /files/{name}',
  ),
  'aws-method-unsupported': ex(
    'An operation uses an HTTP method API Gateway has no method for (TRACE).',
    'API Gateway cannot route that method to an integration; the operation would be missing from the API.',
    'Remove the operation for aws, or use one of GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH.',
    '/debug:\n  trace: {...}',
  ),
  'aws-cache-query-credential': ex(
    "A REST route is cached, and a security scheme of the spec carries a credential in the query that the route does not verify there: an API key's name, or a bearer token's RFC 6750 ?access_token=. Anonymous callers (public or optional auth) share entries; so do the requests of one verified caller (one API key, one token).",
    "Cache leak: the backend answers for the credential's holder, and API Gateway (exact query names only) stores it under a key without it, for the next anonymous caller or the next request of the same API key (one end user's answer to another). It keys the exact name, but PHP, Rails or Express also read access_token[], ASP.NET ACCESS_TOKEN, PHP access.token as it: unbounded.",
    'Remove the cache from the route, or, if the backend reads query parameters by their exact name only, say so once on the backend: x-gateway.backends.NAME.queryNames: exact (the exact name then keys the cache; gwc diff flags the declaration as a security change).',
    "/news:\n  get:\n    security: []\n    x-gateway: { cache: { ttl: 60s } }   # with a bearer scheme in components",
  ),
  'aws-query-credential-spellings': ex(
    'An AWS route (REST or HTTP API) to an HTTP backend or a Lambda function takes its credential from a query parameter (an API key behind a Lambda authorizer), and the backend has not said it reads query names exactly.',
    "Credential smuggling: API Gateway blanks the verified parameter by its exact name only, so ?api_key=<yours>&api_key[]=<another> passes the authorizer on your key and a PHP, Rails or Express backend reads the other one (likewise API_KEY on ASP.NET, api.key on PHP). A mapping name cannot hold '[' or a space, and such spellings are unbounded, so they cannot all be blanked.",
    'Send the credential in a header (in: header), or, if the backend reads query parameters by their exact name only, say so once on the backend: x-gateway.backends.NAME.queryNames: exact (gwc diff flags the declaration as a security change).',
    "backends:\n  app: { url: https://app.internal, queryNames: exact }",
  ),
  'aws-query-name-spellings': ex(
    "An AWS REST backend is reached by routes whose credential API Gateway verifies in a header (an API key, a bearer token), and it has not said it reads query names exactly. gwc blanks the credential's name in the query (?x-api-key=, RFC 6750's ?access_token=) by that exact name; other spellings pass.",
    "Credential smuggling, if the backend also reads the credential from the query: ?X-API-KEY= (ASP.NET, case-blind) or ?access_token[]= (PHP, Rails, Express) beside the verified header reach it as sent. API Gateway cannot blank them (a mapping names one exact, case-sensitive parameter, never '['); refusing would refuse nearly every REST spec with a header key or a bearer token, so gwc warns.",
    'If the backend reads query parameters by their exact name only, or never reads these names from the query, say so on the backend: x-gateway.backends.NAME.queryNames: exact (gwc diff flags it as a security change). Otherwise stop the backend reading the credential from the query (Spring allowUriQueryParameter, SignalR access_token).',
    "backends:\n  app: { url: https://app.example.com, queryNames: exact }",
  ),
  'aws-header-name-spellings': ex(
    "An AWS backend (REST or HTTP API) has not said how it reads header names (x-gateway.backends.NAME.headerNames). gwc empties or removes the forwarding headers (X-Forwarded-User, X-Real-IP, X-Forwarded-Prefix, the '_' forms of X-Forwarded-For, ...) by their dash names only (X-Forwarded-Host and -Proto in every spelling); on REST a client's Content_Length cannot be taken out either.",
    "Forged identity or address: API Gateway passes X_Forwarded_User as sent, and PHP/CGI, Rack (Unicorn, Puma < 6.4.3) and WSGI (gunicorn < 22) read it as X-Forwarded-User; old Unicorn and Puma < 5.0.3 frame a body by Content_Length (smuggling). Mapping all 250 spellings costs ~20 KB per route (32 keyed routes per template, not 84).",
    "Say once on the backend: headerNames: exact if it reads header names as sent or drops names with '_' (Node, Go, the JVM, .NET, gunicorn >= 22, Puma >= 6.4.3): no '_' spelling is then mapped at all and the template shrinks (gwc diff flags the declaration as a security change); or headerNames: folded if it reads '_' as '-': every spelling is then emptied or removed, at ~20 KB per route.",
    "backends:\n  app: { url: https://app.example.com, headerNames: exact }",
  ),
  'aws-folded-content-length': ex(
    "An AWS REST backend says it reads '_' in header names as '-' (x-gateway.backends.NAME.headerNames: folded). gwc empties every '-'/'_' spelling of the guarded and forwarding headers for it, but a client's Content_Length line cannot be taken out on REST: a mapping cannot remove a line, and an empty or copied value is still a second Content-Length.",
    "Request smuggling: a folding backend reads Content_Length as a second Content-Length. Unicorn before its duplicate check and Puma < 5.0.3 frame the body by the client's value, and the rest of the body is read as the next request on API Gateway's kept-alive connection. Refusing would leave a folding backend no REST build, so gwc warns.",
    "Run a server that refuses a second Content-Length (current Unicorn, Puma >= 5.0.3), or build the API as an HTTP API (--option aws.api=http), which removes both '_' framing spellings.",
    "backends:\n  app: { url: https://app.example.com, headerNames: folded }   # Unicorn >= its duplicate check",
  ),
  'aws-header-name-separators': ex(
    "A header AWS clears in every '-'/'_' spelling (a forwardAuth service's answer header, or a header a route's scheme reads its credential from) has more than 6 separators.",
    "A name with n separators has 2^n - 1 other spellings, and gwc maps those of the first 6 only: a backend that reads '_' as '-' (PHP, Rack, WSGI) would take an unmapped spelling such as X_A-B-C-D-E-F_User as the header, a forged identity or credential.",
    "Name the header with at most 6 '-' or '_' (X-User-Id, not X-Auth-Service-Verified-End-User-Id).",
    "forwardAuth: { url: http://auth.internal/check, responseHeaders: [X-User-Id] }",
  ),
  'aws-cache-key-header-invalid': ex(
    'A cache keyHeaders entry is not an HTTP header name (token characters only).',
    'API Gateway could not declare it as a method request parameter, so the cache would not key on it and callers sending different values would share one entry.',
    'Write the header name as it is sent, letters, digits and - only.',
    "x-gateway: { cache: { ttl: 60s, keyHeaders: ['Accept Language'] } }   # fix: Accept-Language",
  ),
  'aws-cache-ttl-too-long': ex(
    'A route caches for longer than API Gateway\'s maximum TTL of 3600 seconds.',
    'The stage would cache for an hour at most, so responses would expire sooner than the spec says; gwc refuses rather than shorten it silently.',
    'Set a ttl of 1h or less.',
    'x-gateway: { cache: { ttl: 2h } }   # fix: ttl: 1h',
  ),
  'aws-ip-rule-invalid': ex(
    'An ipRule allow or deny entry is not an IPv4 or IPv6 address or CIDR block.',
    'The resource policy condition aws:SourceIp takes addresses only; an allow list that cannot be written would leave the route open, a deny list would not deny.',
    'Write each entry as an address or a CIDR block (10.0.0.0/8, 2001:db8::/32).',
    "x-gateway: { ipRule: { allow: ['office'] } }   # fix: ['203.0.113.0/24']",
  ),
  'aws-ip-rule-wildcard': ex(
    'A route\'s IP rule also applies to another route, because the resource policy writes each path parameter as *, which IAM lets span slashes.',
    'Callers of the other route are restricted by a rule the spec gives only to this one (never opened: only more restrictive).',
    'Give the routes the same IP rule, or accept it; no change is needed for safety.',
    "/users/{id}:\n  get: { x-gateway: { ipRule: { allow: [10.0.0.0/8] } } }\n/users/{id}/orders:\n  get: {...}",
  ),
  'aws-scheme-name-invalid': ex(
    'A security scheme\'s name holds characters OpenAPI component names cannot (only letters, digits, . _ -).',
    'API Gateway imports the scheme under that name; a name it refuses fails the whole import.',
    'Rename the scheme in components.securitySchemes and in every security requirement.',
    'securitySchemes:\n  "api key": {...}   # fix: apiKey',
  ),
  'aws-api-key-location': ex(
    'An apiKey scheme reads its key from somewhere other than the x-api-key header (a query parameter, a cookie, another header).',
    'API Gateway\'s own API keys are read from x-api-key only; a key sent elsewhere would never be checked, leaving the route open.',
    'Send the key in x-api-key, or give the scheme an x-gateway.lambdaAuthorizer that checks it where it is.',
    'apiKey: { type: apiKey, in: query, name: key }   # fix: in: header, name: x-api-key',
  ),
  'aws-scheme-needs-authorizer': ex(
    'A basic or forward-auth scheme reached the aws compile without a Lambda authorizer.',
    'API Gateway has no native check for it; building the route would leave it open.',
    'Give the scheme an x-gateway.lambdaAuthorizer that verifies the credential.',
    "basic: { type: http, scheme: basic, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:...' } } }",
  ),
  'aws-jwt-issuer-not-cognito': ex(
    'A JWT scheme\'s issuer is not a Cognito user pool, the only issuer a REST API verifies tokens of natively.',
    'Without a verifier the route would be open; API Gateway REST has no generic JWT authorizer.',
    'Use a Cognito user pool issuer, or give the scheme an x-gateway.lambdaAuthorizer that verifies the token.',
    "x-gateway: { issuer: 'https://id.example.com/' }   # fix: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
  ),
  'aws-cognito-audiences': ex(
    'A Cognito-verified JWT scheme lists audiences, which a Cognito user pool authorizer does not check.',
    'Tokens issued to any app client of the pool would be admitted, including ones the audiences exclude.',
    'Write anyAudience: true in place of audiences to accept any app client of the pool (when the pool serves this API alone), or verify tokens with a Lambda authorizer that checks the audience.',
    "x-gateway: { issuer: 'https://cognito-idp...', audiences: [shop] }",
  ),
  'aws-jwt-header-invalid': ex(
    'A JWT scheme names a token header that is not an HTTP header name.',
    'The Cognito authorizer\'s identity source would be refused at import, or read another header than intended.',
    'Write the header name in token characters (letters, digits, -).',
    "x-gateway: { header: 'X Token' }   # fix: X-Token",
  ),
  'aws-lambda-arn-invalid': ex(
    'A Lambda backend or a scheme\'s lambdaAuthorizer gives an ARN that is not a Lambda function ARN.',
    'API Gateway could not invoke the function: the deployment fails, or for an authorizer the route cannot be checked.',
    'Give the function ARN (arn:aws:lambda:<region>:<account>:function:<name>, optionally with :alias).',
    "backends: { fn: { lambda: { arn: 'my-function' } } }   # fix: arn:aws:lambda:eu-west-1:123456789012:function:my-function",
  ),
  'aws-authorizer-identity-source': ex(
    'A Lambda authorizer\'s identity sources are not valid for its type: a token authorizer reads exactly one header; a cached request authorizer needs at least one source.',
    'API Gateway refuses the authorizer, or would call it without the credential it must check.',
    'Set x-gateway.lambdaAuthorizer.identitySource to the request values holding the credential.',
    "lambdaAuthorizer: { type: token, identitySource: [method.request.querystring.key] }   # fix: [method.request.header.Authorization]",
  ),
  'aws-auth-first-alternative': ex(
    'A route offers several security alternatives (OR), the auth.or gap is accepted for aws, and only the first alternative is enforced.',
    'Callers who use another alternative are refused on aws (never admitted without a check).',
    'Accept the narrower route, or check all alternatives in one Lambda authorizer.',
    "security: [{ apiKey: [] }, { bearer: [] }]\nx-gateway: { accept: { aws: [{ feature: auth.or, reason: keys only on AWS }] } }",
  ),
  'aws-or-cookie-unenforced': ex(
    'A route offers several security alternatives with the auth.or gap accepted (only the first is enforced); the first reads a cookie (or the whole Cookie header), and a scheme of another alternative reads a different cookie, or the whole header where the first reads one cookie.',
    "That cookie is never verified, yet it reaches the backend in the Cookie header API Gateway passes on: a mapping replaces a whole header, so it cannot drop one cookie without the one the first alternative verified. A forged session reads as the caller's. (When the first alternative reads no cookie, gwc sends Cookie empty instead.)",
    "Make every alternative read the same cookie, move the other scheme's credential to a header (which gwc blanks), or remove the alternative.",
    "security: [{ session: [] }, { partner: [] }]   # session: apiKey in cookie sid; partner: apiKey in cookie partner",
  ),
  'aws-or-lambda-unenforced': ex(
    'A route to a Lambda function offers several security alternatives with the auth.or gap accepted (only the first is enforced), and a scheme of another alternative reads a header, query parameter or cookie the first does not (its credential, or what its Lambda authorizer or forward-auth service is sent).',
    "That carrier is never verified, yet the function's event holds it as sent: a Lambda proxy integration takes no request parameters, so it cannot be blanked as gwc does for an HTTP backend. A function reading a session cookie, X-Session or a bearer token because the route accepts that scheme takes a forged one beside the first alternative's verified credential.",
    'Make every alternative read the same credential, drop the alternative on this route, or route the operation to an HTTP backend, where gwc sends every such carrier empty.',
    "security: [{ token: [] }, { session: [] }]   # token: X-Token; session: a Lambda authorizer reading the Cookie header; backend: { lambda: { arn: ... } }",
  ),
  'aws-lambda-header-spellings': ex(
    "A route to a Lambda function is verified on a header credential whose name has a '-' or '_' (X-Api-Key, X-Token), and the backend has not said its function reads header names exactly.",
    "Credential smuggling: API Gateway verifies X-Token, but the function's event also holds X_Token (or X-Api_Key) as the client sent it, since a Lambda proxy integration takes no request parameters and nothing can be blanked. Bref, serverless-wsgi and other adapters that rebuild a PHP or CGI request read both as HTTP_X_TOKEN, the last one winning: the function acts on a token nobody verified.",
    'If the function reads header names exactly (event.headers by key, Mangum/ASGI, a Node handler), say so once on the backend: x-gateway.backends.NAME.headerNames: exact (gwc diff flags the declaration as a security change). Otherwise route the operation to an HTTP backend, where gwc sends every other spelling of the credential empty, or name the credential header without a separator.',
    "backends:\n  fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app' }, headerNames: exact }",
  ),
  'aws-authorizer-scopes': ex(
    'A requirement on a Lambda-authorizer scheme lists scopes, which API Gateway does not check for a Lambda authorizer.',
    'The function is not told which scopes the operation needs, so any valid token would be admitted.',
    'Check the scopes in the function per route, and remove them from the requirement; or use a Cognito scheme, whose scopes API Gateway checks.',
    'security: [{ partner: [orders/write] }]   # partner has x-gateway.lambdaAuthorizer',
  ),
  'aws-auth-unenforceable': ex(
    'A route declares security, yet none of its schemes can be enforced on aws (each is refused, some gaps perhaps accepted).',
    'Building it would write the route PUBLIC; gwc writes no template instead (fail closed).',
    'Fix the refusals named beside this one, or secure the route with a scheme API Gateway checks.',
    'security: [{ basic: [] }]   # basic needs a Lambda authorizer on aws',
  ),
  'aws-auth-public': ex(
    'A route declares security, but every scheme of it is an accepted gap on aws, so the route is public there.',
    'Anyone can call the route on aws; the acceptance in the spec says this is intended.',
    'Remove the acceptance to have the build refuse, or secure the route with a scheme API Gateway checks.',
    "x-gateway: { accept: { aws: [{ feature: auth.basic, reason: internal only }] } }",
  ),
  'aws-host-routing': ex(
    'A route answers on other hosts than the API as a whole, while a REST API routes on path and method only.',
    'The route would answer on every host of the API, including ones the spec keeps it off.',
    'Give every operation the same servers, or split the hosts into separate specs (one API each).',
    "/admin:\n  servers: [{ url: https://admin.example.com }]",
  ),
  'aws-execute-api-open': ex(
    'The API names hosts in servers, but gwc writes no custom domain for them (customDomain=off, or a local or AWS-owned host), so the execute-api endpoint stays enabled.',
    'The API is reachable on its execute-api host as well as the hosts in servers.',
    'Name public DNS hosts in servers and keep customDomain=auto, or accept the second endpoint.',
    'servers: [{ url: http://localhost:8080 }]',
  ),
  'aws-base-path-as-stage': ex(
    'Without a custom domain, the base path is served as the stage name on the execute-api endpoint, not as written.',
    'Clients calling the base path from servers would get 404s; the path they need is /<stage>.',
    'Name a host in servers for a custom domain with this base path, or set --option stage to the base path segment.',
    'servers: [{ url: /api/v2 }]',
  ),
  'aws-private-custom-domain': ex(
    'A PRIVATE API names a host in servers, but custom domains for private APIs are a separate resource type gwc does not write.',
    'The template could not give the API that host, and disabling the execute-api endpoint would leave it unreachable.',
    'Pass --option customDomain=off (the API then answers on its execute-api host), or use a REGIONAL endpoint.',
    'gwc build gateway.yaml --target aws --option endpointType=PRIVATE   # fix: --option customDomain=off',
  ),
  'aws-base-path-mapping': ex(
    'The base path cannot be a base path mapping: more than one segment, or characters other than letters, digits, . _ -.',
    'The custom domain would serve the API under another path than the spec says.',
    'Use a one-segment base path (/v1), or none.',
    'servers: [{ url: https://api.example.com/api/v1 }]   # fix: /v1',
  ),
  'aws-custom-domain-host': ex(
    'A host in servers is not a DNS name API Gateway can serve as a custom domain.',
    'The DomainName resource would fail at deploy time.',
    'Name a fully qualified DNS host (api.example.com).',
    'servers: [{ url: https://api_example/ }]',
  ),
  'aws-context-header-refused': ex(
    'A Lambda authorizer maps its answer (principalId or a context key) to a header API Gateway, HTTP or a credential owns (Authorization, Cookie, Host, Content-*, X-Forwarded-*, X-Amz*, a scheme\'s credential header), on AWS (REST or HTTP API; at the lambdaAuthorizer).',
    'The mapping would replace a credential a verifier reads, or a header API Gateway or the backend\'s framing relies on.',
    'Name a header of its own (X-User).',
    "x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: request, contextHeaders: { Authorization: principalId } } }   # fix: X-User",
  ),
  'aws-request-authorizer-cookie': ex(
    'A REQUEST Lambda authorizer (REST type: request, or any HTTP API Lambda authorizer) of a scheme that is not a cookie key, in a spec that declares a cookie credential (an apiKey in: cookie scheme), on routes where the Cookie header reaches the backend whole.',
    "API Gateway hands a REQUEST authorizer every header, whatever identitySource names, and gwc cannot see the function: if it reads the session cookie, the same Cookie line reaches the backend, and `sid=<forged>; sid=<alice's>` may pass a function reading the last sid while the backend reads the first.",
    'Verify the session through its own scheme (apiKey in: cookie, backendCookies: none, lambdaAuthorizer.contextHeaders), or make the authorizer type: token (it is handed its one header only). Nothing to do if the function never reads a cookie.',
    "securitySchemes:\n  session: { type: apiKey, in: cookie, name: sid }\n  bearer: { type: http, scheme: bearer, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: request } } }",
  ),
  ...AWS_BACKEND,
};
