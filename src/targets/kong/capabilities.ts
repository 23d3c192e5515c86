/**
 * What Kong Gateway OSS 3.x can enforce, feature by feature. Enterprise-only plugins
 * (openid-connect, jwt-signer, rate-limiting-advanced, proxy-cache-advanced, ...) are never
 * counted: gwc targets open-source Kong. https://docs.konghq.com/hub/?tier=free
 */
import type { CapabilityTable } from '../target.js';

export const kongCapabilities: CapabilityTable = {
  'auth.apiKey': { support: 'native', note: 'key-auth plugin; consumers with keyauth_credentials (header or query, not cookie); a query key\'s other spellings a backend reads (API_KEY, api.key, a pair behind ;) are removed by a pre-function (Kong\'s default untrusted_lua = sandbox)' },
  'auth.basic': { support: 'native', note: 'basic-auth plugin; consumers with basicauth_credentials' },
  'auth.jwt': {
    support: 'unsupported',
    why: "Kong OSS's jwt plugin verifies the signature with a static public key per issuer and exp (nbf and the audiences by a gwc pre-function: listing nbf in claims_to_verify refuses every token without one, and jwt reads no aud), but checks no scopes and fetches no JWKS (openid-connect is Enterprise-only); accept the gap to get those partial checks",
    partial: 'the jwt plugin still verifies the signature (static public key per issuer) and exp (no leeway); a pre-function refuses a token whose nbf is ahead of the clock plus clockSkew, or not a number, and one whose aud holds none of the declared audiences',
  },
  'auth.forward': {
    support: 'unsupported',
    why: 'Kong OSS bundles no forward-auth plugin (pre-function Lua would need an HTTP client the default sandbox forbids)',
  },
  // IAM (SigV4), feature added by the core (#13.10): refused until this target verifies it.
  'auth.iam': {
    support: 'unsupported',
    why: 'Kong OSS has no AWS Signature Version 4 verification (an aws-request-signing plugin signs upstream requests, it does not verify callers)',
  },
  'auth.lambda': {
    support: 'unsupported',
    why: 'Kong OSS cannot call an AWS Lambda authorizer, the only verifier this scheme gives; give the scheme an issuer with publicKeys, or an x-gateway.forwardAuth service',
  },
  'auth.and': { support: 'native', note: 'every scheme plugin on the route without `anonymous`: each must pass' },
  'auth.roles': {
    support: 'native',
    note: 'acl plugin: consumers carry their groups, the route allows a group per alternative (all of an item\'s roles in one group); a consumer meeting one alternative and not another it holds a credential for is refused (acl sees the consumer, not the credential)',
  },
  'auth.optional': {
    support: 'unsupported',
    // https://github.com/Kong/kong/blob/master/kong/plugins/key-auth/handler.lua: do_authentication
    // failing (no key OR a wrong key) maps to the anonymous consumer alike. The one OSS way to tell
    // them apart, request-termination's `trigger` (answer only when a header is present), reads
    // kong.request.get_headers(), capped at 100 headers, while recent PDKs read a single header
    // through ngx.var uncapped: a wrong key behind 100 other headers would pass as anonymous.
    why: "Kong OSS auth plugins with `anonymous` treat a wrong credential like a missing one (the caller passes as anonymous), and no OSS plugin can tell the two apart for every request; secure the route strictly or make it public",
  },
  'auth.or': {
    support: 'emulated',
    how: 'each plugin with `anonymous` set to a gwc consumer and a request-termination 401 scoped to that consumer; an OR of AND alternatives is refused at compile',
  },
  rateLimit: { support: 'native', note: 'rate-limiting plugin; policy local by default (counts per node), --option rate-limit-policy=cluster to share; no burst (stricter)' },
  cors: { support: 'native', note: 'cors plugin, plus an OPTIONS route per path for preflight' },
  ipRule: { support: 'native', note: 'ip-restriction plugin (allow and deny)' },
  bodyLimit: { support: 'native', note: 'request-size-limiting plugin in bytes' },
  cache: { support: 'native', note: 'proxy-cache plugin, memory strategy (per node)' },
  requestHeaders: { support: 'native', note: 'request-transformer (replace + add = set, remove)' },
  responseHeaders: { support: 'native', note: 'response-transformer (replace + add = set, remove)' },
  validation: { support: 'unsupported', why: 'Kong OSS has no request validator: request-validator and oas-validation are Enterprise-only plugins (https://developer.konghq.com/plugins/request-validator/)' },
  // https://docs.konghq.com/gateway/latest/how-kong-works/routing-traffic/#proxy-websocket-traffic:
  // Kong's nginx template sets Upgrade/Connection from the request on every http(s) route.
  websocket: { support: 'native', note: 'Kong proxies the HTTP/1.1 upgrade on any http(s) route (on every route, not only this one); idle connections close after the service read_timeout (the backend timeout)' },
  upstreamPath: { support: 'native', note: 'request-transformer replace.uri with the route regex named captures' },
  hostRouting: { support: 'native', note: 'route hosts' },
  'backend.weighted': { support: 'native', note: 'upstream with weighted targets' },
  'backend.healthCheck': { support: 'native', note: 'upstream active and passive health checks' },
  'backend.lambda': {
    support: 'unsupported',
    why: 'the aws-lambda plugin needs AWS credentials configured on every Kong node, which gwc cannot check',
    fallback: 'httpUrl',
  },
  'backend.mock': { support: 'native', note: 'request-termination with status, body and content type' },
  'backend.retries': { support: 'native', note: 'service retries' },
  'backend.tls': { support: 'native', note: 'service tls_verify; SNI is the target host (no separate serverName in OSS)' },
  timeouts: { support: 'native', note: 'service connect/read/write timeouts; a route timeout gets its own service' },
  accessLog: { support: 'native', note: 'file-log plugin to /dev/stdout (JSON lines)' },
};
