/**
 * Explanations for the Kong target's own refusals and warnings (src/targets/kong), coded in
 * issue #17.3 (they were free text under a catch-all code). The earlier kong-* codes are in targets.ts.
 */
import { ex, type Explanations } from './explanation.js';

export const KONG: Explanations = {
  'kong-secret-env-name': ex(
    'A credential, key or certificate is given as ${env:NAME}, but NAME is not a plain identifier (letters, digits and _, not starting with a digit).',
    'decK reads the value from the environment variable DECK_NAME inside a template; any other character would change the template or name no variable at all.',
    'Rename the environment variable to a plain identifier.',
    "consumers:\n  alice: { credentials: { apiKey: ${env:ALICE-KEY} } }   # fix: ${env:ALICE_KEY}",
  ),
  'kong-credential-secret-source': ex(
    'A consumer credential, JWT public key or TLS half is a ${file:...} or vault reference, which Kong cannot use there.',
    'Kong stores consumer credentials literally (they are not vault-referenceable): the reference text itself would become the valid API key or password.',
    'Give it as ${env:NAME}; decK substitutes DECK_NAME at sync time, so the file never holds the value.',
    "consumers:\n  alice: { credentials: { apiKey: ${vault:secret/alice} } }   # fix: ${env:ALICE_KEY}",
  ),
  'kong-host-order': ex(
    'A route bound to hosts comes after an overlapping route without hosts, and Kong tries routes with hosts first.',
    'Kong would hand requests the spec sends to the earlier, host-less operation to the later one: another backend, other security and limits.',
    'Give both operations the same hosts (or none), or make their paths not overlap.',
    "/items/{id}: { get: {...} }\n/items/special:\n  get: { x-gateway: { hosts: [api.example.com] } }",
  ),
  'kong-path-template': ex(
    'The operation\'s path, upstream path or backend path holds "$(", which Kong\'s request-transformer reads as the start of a template when it rewrites the upstream URI.',
    'The template would be evaluated (headers, query values) instead of sent as written: the backend would get another path than the spec says.',
    'Remove "$(" from the path.',
    "/price$(total): { get: {...} }",
  ),
  'kong-header-template': ex(
    'A request header value set by x-gateway.requestHeaders holds "$(", which Kong\'s request-transformer evaluates as a template.',
    'The header would carry what the template computes (another header, a query value a caller chooses), not the value written in the spec.',
    'Write the value without "$(".',
    "x-gateway:\n  requestHeaders: { set: { X-Note: \"$(headers.host)\" } }",
  ),
  'kong-path-hosts-differ': ex(
    'The operations of one path answer on different hosts, so gwc writes no 405 route for the path\'s undeclared methods on Kong.',
    'A client sending an undeclared method gets 404 instead of 405 with an Allow header; nothing is opened.',
    'Give the path\'s operations the same hosts if the 405 answer matters.',
    "/items:\n  get: { x-gateway: { hosts: [a.example.com] } }\n  post: { x-gateway: { hosts: [b.example.com] } }",
  ),
  'kong-preflight-cors-differs': ex(
    'The operations of one path have different CORS settings, and gwc answers the path\'s browser preflight (OPTIONS) with one Kong route.',
    'A preflight cannot tell which operation the browser will call next: one answer would allow origins or headers another operation refuses.',
    'Give every operation of the path the same x-gateway.cors, or declare the OPTIONS operation yourself.',
    "/items:\n  get: { x-gateway: { cors: { origins: [https://a.example] } } }\n  post: { x-gateway: { cors: { origins: [https://b.example] } } }",
  ),
  'kong-api-key-cookie': ex(
    'An apiKey scheme reads its key from a cookie; Kong\'s key-auth plugin reads headers, the query string and the body only.',
    'The key could not be checked, and an unchecked route is open.',
    'Send the key in a header or query parameter, or secure the route with a forwardAuth scheme on another target.',
    "securitySchemes:\n  session: { type: apiKey, in: cookie, name: sid }",
  ),
  'kong-api-key-name': ex(
    'An apiKey scheme\'s name is not a header or parameter name Kong\'s key-auth accepts in key_names.',
    'decK would refuse the plugin, or Kong would read another name than the spec means.',
    'Use a token name (letters, digits and !#$%&\'*+.^_`|~-).',
    "securitySchemes:\n  key: { type: apiKey, in: header, name: \"X Api Key\" }   # fix: X-Api-Key",
  ),
  'kong-credential-header-separators': ex(
    'An apiKey or JWT scheme reads its credential from a header whose name has more than six \'-\' or \'_\' separators.',
    'Kong passes header names with \'_\', and PHP, Rack and WSGI backends read X_A-B and X-A-B as one header; gwc removes every such spelling of a credential header it verified, which it can write out only for names of up to six separators (2^6 spellings). A longer name would let an unverified spelling reach the backend beside the verified credential.',
    'Use a header name with at most six separators.',
    "securitySchemes:\n  key: { type: apiKey, in: header, name: X-A-B-C-D-E-F-G-Key }   # fix: X-Api-Key",
  ),
  'kong-jwt-header-name': ex(
    'A JWT scheme reads its token from a header whose name is not an HTTP header name.',
    'Kong\'s jwt plugin would look for the token in a header no client can send, or decK would refuse the file.',
    'Use a valid header name in x-gateway.jwt.header (Authorization by default).',
    "x-gateway: { jwt: { header: \"X Token\" } }",
  ),
  'kong-scheme-no-plugin': ex(
    'A route needs a security scheme kind (forward auth, Lambda, IAM) for which Kong OSS has no plugin gwc can write.',
    'Built without it, the route would admit callers the spec refuses.',
    'Secure the route with an apiKey, basic or JWT scheme on Kong, or build it for another target.',
    "securitySchemes:\n  oidc: { type: openIdConnect, openIdConnectUrl: https://id.example/.well-known/openid-configuration }",
  ),
  'kong-security-weakened': ex(
    'Part of the route\'s security requirement (a scheme of an alternative, or a whole alternative) cannot be enforced by Kong OSS.',
    'Dropping it would build a weaker requirement than the spec\'s: callers with less than it asks for would get in.',
    'Use schemes Kong enforces for this route, or build it for another target.',
    "security: [{ key: [], oidc: [] }]",
  ),
  'kong-security-or-of-and': ex(
    'The route\'s security alternatives (OR) include one that requires several schemes together (AND).',
    'Kong\'s auth plugins with anonymous fallback express OR of single schemes only; an AND inside an OR cannot be enforced exactly, so some caller would pass with half of an alternative.',
    'Split the route, or use single-scheme alternatives.',
    "security: [{ key: [] }, { basic: [], jwt: [] }]",
  ),
  'kong-jwt-scopes-unchecked': ex(
    'A JWT requirement lists scopes, and Kong OSS\'s jwt plugin does not check scope claims; the JWT gap was accepted in the spec.',
    'Any valid token of the issuer passes, whatever its scopes.',
    'Check scopes in the backend, use a target that checks them, or remove the accept if that is not wanted.',
    "security: [{ jwt: [orders:write] }]\nx-gateway: { accept: [kong/auth.jwt] }",
  ),
  'kong-plugin-shared': ex(
    'Two different schemes on one route need the same Kong plugin (two apiKey schemes need key-auth twice, for example), and Kong runs a plugin once per route.',
    'One of the two schemes could not be configured: its credentials would be read from the other\'s place, or not checked.',
    'Use one scheme per kind on the route.',
    "security: [{ keyA: [] }, { keyB: [] }]",
  ),
  'kong-consumer-credentials-shared': ex(
    'A consumer holds credentials for two schemes of the same kind (one plugin), and a route checks them apart (roles or alternatives).',
    'Kong\'s plugin finds the consumer by any of its credentials: the credential for one scheme would pass the other.',
    'Give the consumer one credential per kind, or split it into two consumers.',
    "consumers:\n  alice: { credentials: [{ scheme: keyA, key: ${env:A} }, { scheme: keyB, key: ${env:B} }] }",
  ),
  'kong-jwt-issuer-missing': ex(
    'A JWT scheme has no issuer; Kong\'s jwt plugin finds the verifying key by the token\'s iss claim.',
    'Without an issuer there is no key entry to find, so no token could be checked as the spec means.',
    'Set x-gateway.jwt.issuer.',
    "x-gateway: { jwt: { publicKeys: [${env:JWT_KEY}] } }   # fix: add issuer: https://id.example",
  ),
  'kong-jwt-issuer-shared': ex(
    'Two JWT schemes that routes require have the same issuer.',
    'Kong\'s jwt plugin finds the verifying key by the token\'s iss claim: each scheme\'s key is a jwt credential whose key is the issuer, and Kong keeps that key unique. The build would pass and Kong refuse the file at deck sync (or, in a Kong another gateway shares, one issuer\'s credential would serve both).',
    'Require one scheme for that issuer on every route (one definition, its algorithms and key), or give the schemes the issuers their tokens really carry.',
    "securitySchemes:\n  staff: { type: http, scheme: bearer, x-gateway: { issuer: https://id.example/ } }\n  partners: { type: http, scheme: bearer, x-gateway: { issuer: https://id.example/ } }   # fix: one scheme, or another issuer",
  ),
  'kong-jwt-keys': ex(
    'A JWT scheme gives several algorithms or not exactly one public key (or a JWKS URL); a Kong jwt_secrets entry holds one algorithm and one key per issuer, and Kong OSS does not fetch JWKS.',
    'Tokens signed with the other keys or algorithms would be refused, or a key set could not be followed as it rotates.',
    'Give one algorithm and one public key, or use a target that fetches JWKS.',
    "x-gateway: { jwt: { issuer: https://id.example, jwksUri: https://id.example/jwks } }",
  ),
  'kong-jwt-algorithm': ex(
    'A JWT scheme\'s algorithm is not one Kong 3.x jwt_secrets accept for a public key (RS256, RS384, RS512, ES256, ES384).',
    'decK would refuse the credential, or Kong could not verify the tokens.',
    'Use one of those algorithms.',
    "x-gateway: { jwt: { algorithms: [EdDSA] } }",
  ),
  'kong-target-weight': ex(
    'A backend target\'s weight is not an integer from 0 to 65535, the range of a Kong upstream target.',
    'decK would refuse the target.',
    'Use an integer weight in that range.',
    "backends:\n  api: { targets: [{ url: http://a, weight: 70000 }] }",
  ),
  'kong-backend-no-target': ex(
    'A backend has no HTTP target Kong can proxy to (a mock or Lambda backend without a URL).',
    'The Kong service would point nowhere.',
    'Give the backend an HTTP target, or build the route for a target that serves it.',
    "backends:\n  fn: { lambda: { arn: arn:aws:lambda:... } }",
  ),
  'kong-backend-unknown': ex(
    'A route names a backend the gateway does not have (normally caught earlier as unknown-backend).',
    'The route would have no service to proxy to.',
    'Name a backend declared under x-gateway.backends.',
    "x-gateway: { backend: ordres }   # fix: orders",
  ),
  'kong-upstream-mixed': ex(
    'A backend\'s weighted targets differ in scheme or path, and Kong balances targets of one upstream under one service, whose scheme and path are shared.',
    'Some requests would go to the wrong path or over the wrong scheme.',
    'Give every target of the backend the same scheme and path, or make them separate backends.',
    "backends:\n  api: { targets: [{ url: https://a/v1 }, { url: http://b/v2 }] }",
  ),
  'kong-tls-server-name': ex(
    'A backend sets tls.serverName different from its target host; Kong OSS sends the target host as TLS SNI and has no separate setting.',
    'The backend\'s certificate would be checked against another name than the spec says.',
    'Use a target URL whose host is the server name, or remove serverName.',
    "backends:\n  api: { url: https://10.0.0.5, tls: { serverName: api.internal } }",
  ),
  'kong-tls-ca-file': ex(
    'A backend sets tls.caFile; Kong needs the CA as a ca_certificates entity with the PEM inline, and gwc does not read files when it compiles.',
    'Without the CA the backend\'s certificate would be checked against the wrong roots, or not at all.',
    'Remove caFile and add the CA to Kong yourself (a ca_certificates entity), or use a target that reads the file.',
    "backends:\n  api: { url: https://api.internal, tls: { caFile: /etc/ssl/internal-ca.pem } }",
  ),
  'kong-route-name-collision': ex(
    'Two operations get the same Kong route name (names are made from the operationId and folded).',
    'decK would merge them into one route: one operation\'s plugins (auth, limits) would apply to the other.',
    'Rename one operationId.',
    "get: { operationId: listItems }\npost: { operationId: list_items }",
  ),
};
