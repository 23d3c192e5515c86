/**
 * The catalogue of gwc's own diagnostic codes. Codes are stable: tests and users match on them
 * and on their params, never on the prose.
 */
import { AWS_CODES } from './codes-aws.js';
import { AWS_HTTP_CODES } from './codes-aws-http.js';
import { AWS_INPUT_CODES } from './codes-aws-input.js';
import { AWS_VALIDATION_CODES } from './codes-aws-validation.js';
import { NGINX_VALIDATION_CODES } from './codes-nginx-validation.js';
import { entry } from './entry.js';
import type { ProtectionGap } from '../model/protection-gap.js';

/** The words for a policy a request escapes (ProtectionGap, callers aside). */
const GAP_WORDS: Record<ProtectionGap, string> = { callers: 'security and IP rule', limit: 'rate limit', bodyLimit: 'body limit', validate: 'request validation' };

/** "; required by 3 operations (GET /a, PUT /b, GET /c)". */
const usedBy = (p: { uses?: number; routes?: string }) =>
  p.uses ? `; required by ${p.uses === 1 ? 'operation' : `${p.uses} operations`} ${p.routes}` : '';

/** A list of route ids as a line can hold it: the first five and a count (the params keep all). */
const some = (list: string, shown = 5) => {
  const items = list.split(', ');
  return items.length <= shown ? list : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
};

/** "a response", "an operation". */
const an = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

export const CODES = {
  // loading
  'file-not-found': entry<{ path: string }>('error', (p) => `cannot read ${p.path}`),
  'file-too-large': entry<{ path: string; bytes: number; limit: number }>(
    'error',
    (p) => `${p.path} is ${p.bytes} bytes, over the ${p.limit}-byte limit (raise it with --max-bytes)`,
  ),
  'parse-error': entry<{ detail: string }>('error', (p) => `cannot parse: ${p.detail}`),
  'duplicate-key': entry<{ key: string }>('error', (p) => `duplicate key "${p.key}"`),
  'alias-limit': entry<{ limit: number }>(
    'error',
    (p) => `YAML aliases expand past ${p.limit} nodes (an alias bomb?); refusing to expand them`,
  ),
  'ref-remote': entry<{ ref: string }>(
    'error',
    (p) => `remote $ref "${p.ref}" is not fetched unless --allow-remote-refs is given`,
  ),
  'ref-outside-root': entry<{ ref: string; root: string }>(
    'error',
    (p) => `$ref "${p.ref}" points outside the spec's folder (allow with --allow-outside-refs)`,
  ),
  'ref-unresolved': entry<{ ref: string; detail: string }>('error', (p) => `cannot resolve $ref "${p.ref}": ${p.detail}`),
  'ref-cycle': entry<{ ref: string }>('error', (p) => `$ref "${p.ref}" refers to itself in a cycle`),
  'ref-sibling-ignored': entry<{ what: string; key: string; ref: string }>(
    'error',
    (p) =>
      `this ${p.what} holds ${p.key} beside $ref "${p.ref}": gwc reads what the reference points at and nothing beside it, so ${p.key} would not apply (OpenAPI ignores a Reference Object's other keys, and leaves a path item's undefined where both sides hold one): move ${p.key} into the referenced ${p.what}, or write the ${p.what} inline without $ref`,
  ),
  // validation
  'openapi-version': entry<{ version: string }>(
    'error',
    (p) => `unsupported OpenAPI version "${p.version}": gwc reads OpenAPI 3.0.x and 3.1.x`,
  ),
  'openapi-invalid': entry<{ detail: string }>('error', (p) => `not valid OpenAPI: ${p.detail}`),
  // The OpenAPI schema's verdicts said as sentences, at the key to edit (src/validate/explain.ts).
  'openapi-unexpected-key': entry<{ key: string; object: string; hint: string }>(
    'error',
    (p) => `property ${p.key} is not expected here${p.object === 'document' ? '' : ` (in ${an(p.object)})`}${p.hint ? `; ${p.hint}` : ''}`,
  ),
  'openapi-missing-key': entry<{ key: string; object: string; ref: string }>(
    'error',
    (p) => `${p.object === 'document' ? 'the document' : `this ${p.object}`} needs ${p.key}${p.ref ? ` ($ref "${p.ref}" is read as ${an(p.object)} here)` : ''}`,
  ),
  'openapi-wrong-type': entry<{ key: string; expected: string; actual: string }>(
    'error',
    (p) => `${p.key || 'this value'} must be ${an(p.expected)}, not ${an(p.actual)}`,
  ),
  'openapi-value-not-allowed': entry<{ key: string; value: string; allowed: string }>(
    'error',
    (p) => `${p.key || 'this value'} is ${p.value}; allowed: ${p.allowed}`,
  ),
  'openapi-ref-not-allowed': entry<{ ref: string; object: string }>(
    'error',
    (p) => `$ref "${p.ref}" stands where ${an(p.object)} goes and cannot be expanded here (it leads back to itself); write the ${p.object} in place`,
  ),
  'schema-unknown-key': entry<{ key: string; suggestion: string }>(
    'error',
    (p) => `unknown key "${p.key}"${p.suggestion ? `; did you mean "${p.suggestion}"?` : ''}`,
  ),
  'schema-invalid': entry<{ detail: string }>('error', (p) => p.detail),
  // model
  'unknown-backend': entry<{ name: string; suggestion: string }>(
    'error',
    (p) => `no backend named "${p.name}"${p.suggestion ? `; did you mean "${p.suggestion}"?` : ''}`,
  ),
  'unknown-policy': entry<{ name: string; suggestion: string }>(
    'error',
    (p) => `no policy named "${p.name}"${p.suggestion ? `; did you mean "${p.suggestion}"?` : ''}`,
  ),
  'unknown-security-scheme': entry<{ name: string }>(
    'error',
    (p) => `security requirement names "${p.name}", which components.securitySchemes does not define`,
  ),
  'unknown-environment': entry<{ name: string; known: string }>(
    'error',
    (p) => `no environment "${p.name}" (known: ${p.known || 'none'})`,
  ),
  'no-backend': entry<{ route: string }>(
    'error',
    (p) => `route ${p.route} has no backend: set x-gateway.backend or x-gateway.defaults.backend, or give servers`,
  ),
  'bad-url': entry<{ url: string; detail: string }>('error', (p) => `bad URL "${p.url}": ${p.detail}`),
  'oidc-issuer-derived': entry<{ url: string; issuer: string; provider: string }>(
    'warn',
    (p) =>
      `openIdConnectUrl ${p.url}: the tokens' issuer is taken to be ${p.issuer} (derived from the discovery URL), and a token's iss is compared exactly: an issuer ending in '/' publishes at the same URL, and a token of such a provider would be denied.${p.provider ? ` ${p.provider}` : ''} Set x-gateway.issuer to the iss your tokens carry (the discovery document's "issuer")`,
  ),
  'bad-duration': entry<{ value: string }>('error', (p) => `bad duration "${p.value}" (use e.g. 500ms, 5s, 2m)`),
  'bad-size': entry<{ value: string }>('error', (p) => `bad size "${p.value}" (use e.g. 512k, 10m, 1mb)`),
  'bad-secret': entry<{ value: string }>(
    'error',
    (p) => `"${p.value}" must be a secret reference: \${env:NAME}, \${file:PATH} or \${vault:REF}`,
  ),
  'unsafe-text': entry<{ what: string; value: string }>(
    'error',
    (p) => `${p.what} "${p.value}" contains a control character, which no gateway config can carry safely`,
  ),
  // Said once, at the scheme's definition (where x-gateway goes), naming the operations using it.
  'scheme-unverifiable': entry<{ scheme: string; uses: number; routes: string }>(
    'error',
    (p) =>
      `security scheme "${p.scheme}" gives no way to verify credentials: add x-gateway (jwt issuer/jwksUri, forwardAuth, or an AWS lambdaAuthorizer)${usedBy(p)}`,
  ),
  'scheme-unsupported': entry<{ scheme: string; type: string; uses: number; routes: string }>(
    'error',
    (p) => `security scheme "${p.scheme}" of type ${p.type} cannot be enforced by any gwc target${usedBy(p)}`,
  ),
  'websocket-not-get': entry<{ route: string; method: string }>(
    'error',
    (p) => `x-gateway websocket on ${p.route}: only a GET upgrades to WebSocket (RFC 6455), this operation is ${p.method}`,
  ),
  'upstream-param-unknown': entry<{ param: string; route: string }>(
    'error',
    (p) => `upstreamPath of ${p.route} uses {${p.param}}, which is not a parameter of its path`,
  ),
  'path-param-invalid': entry<{ path: string; detail: string }>('error', (p) => `path ${p.path}: ${p.detail}`),
  'route-duplicate': entry<{ route: string; other: string; method: string; path: string }>(
    'error',
    (p) => `${p.method} ${p.path} is declared by both ${p.route} and ${p.other}`,
  ),
  'route-ambiguous': entry<{ route: string; other: string; path: string; otherPath: string }>(
    'warn',
    (p) =>
      `${p.path} and ${p.otherPath} can match the same URL and neither is more specific; ${p.route} is tried first (first differing segment, literal wins)`,
  ),
  // `by`: what the route tried first lacks (model/admits.ts protectionGap): its callers (security or IP rule), rate limit, body limit or request validation.
  'route-ambiguous-unprotected': entry<{ route: string; other: string; method: string; path: string; otherPath: string; by: ProtectionGap }>(
    'error',
    (p) =>
      p.by === 'limit'
        ? `${p.method} ${p.path} (${p.route}) and ${p.otherPath} (${p.other}) can match the same URL and no order between them holds on every backend; ${p.other} is tried first and does not count callers under ${p.route}'s rate limit, so a URL of ${p.path} is answered outside that limit, and the backend's own router may run ${p.route}'s handler for it: give both the same rate limit, or make the paths differ by a literal segment so that no URL matches both`
        : p.by === 'callers'
          ? `${p.method} ${p.path} (${p.route}) and ${p.otherPath} (${p.other}) can match the same URL and no order between them holds on every backend; ${p.other} is tried first and admits callers ${p.route} does not, so a URL of ${p.path} is answered without ${p.route}'s security or IP rule, and the backend's own router may run ${p.route}'s handler for it: give both the same security and IP rule, or make the paths differ by a literal segment so that no URL matches both`
          : `${p.method} ${p.path} (${p.route}) and ${p.otherPath} (${p.other}) can match the same URL and no order between them holds on every backend; ${p.other} is tried first and does not check requests by ${p.route}'s ${GAP_WORDS[p.by]}, so a URL of ${p.path} is answered without it, and the backend's own router may run ${p.route}'s handler for it: give both the same ${GAP_WORDS[p.by]}, or make the paths differ by a literal segment so that no URL matches both`,
  ),
  'operation-id-duplicate': entry<{ id: string }>('error', (p) => `operationId "${p.id}" is used more than once`),
  'weights-invalid': entry<{ backend: string }>('error', (p) => `backend ${p.backend}: target weights must add up to more than 0`),
  // capability check and targets
  'text-template-syntax': entry<{ text: string }>(
    'error',
    (p) => `${p.text} holds "\${{", which decK would run as a template when it syncs a Kong file; write it another way`,
  ),
  'text-control-character': entry<{ text: string }>(
    'error',
    (p) => `${p.text} holds a control character (or a Unicode line separator, or half a surrogate pair), which could split a header or a configuration line; remove it`,
  ),
  'kong-cache-identity-shared': entry<{ route: string; schemes: string }>(
    'error',
    (p) => `kong: ${p.route} is cached, but Kong identifies every caller of ${p.schemes} as one consumer (one per issuer or service), so one caller's cached answer would be served to another; remove the cache or secure the route with API keys or basic users`,
  ),
  'kong-cache-control-rule': entry<{ route: string; header: string }>(
    'error',
    (p) => `kong: ${p.route} is cached per consumer and its request rule changes ${p.header}, which Kong applies after the pre-function that adds no-store for a request carrying a credential the route does not verify, so such a request's answer would be stored and served to the consumer's next caller; drop the rule or the cache`,
  ),
  'kong-limit-identity-shared': entry<{ route: string; schemes: string }>(
    'warn',
    (p) => `kong: ${p.route} limits per consumer, but Kong identifies every caller of ${p.schemes} as one consumer, so they all share one bucket`,
  ),
  'kong-limit-ipv6-per-address': entry<{ route: string }>(
    'warn',
    (p) => `kong: ${p.route} is rate-limited per client address, and Kong's rate-limiting plugin counts every IPv6 address apart (it has no prefix option): a client holding an IPv6 /64 can rotate source addresses for a fresh bucket per request; limit by consumer on a secured route, or put the limit on nginx or Traefik (per /64)`,
  ),
  'kong-limit-after-auth': entry<{ route: string }>(
    'warn',
    (p) => `kong: ${p.route} is rate-limited, but Kong runs rate-limiting (priority 910) after its authentication plugins (1000 and up): a request they refuse (401, 403) is never counted, so a caller guessing credentials on this route is not limited (nginx counts such requests per client address); put a limit in front of Kong, or accept the gap`,
  ),
  // Identity-bound policies a caller could steer (DESIGN.md 7.4; red team, test/security/redteam-*-policies.test.ts).
  'kong-cache-key-ambiguous': entry<{ route: string }>(
    'error',
    (p) => `kong: ${p.route} is cached for every caller alike (no API key or basic user keys the entry), and Kong's proxy-cache joins query parameters into its key unescaped (?a=x%3Ab%3D1 and ?a=x&b=1, ?q=a,b and ?q=a&q=b are one entry), so one caller could poison the answer all others get; secure the route with API keys or basic users (entries per consumer), or cache it on another target`,
  ),
  'limit-key-unverified': entry<{ route: string; header: string; target: string }>(
    'warn',
    (p) => `${p.target}: ${p.route} limits by the ${p.header} header, which the gateway does not verify there: a caller would get a fresh bucket per value and could drain another caller's by sending theirs, so the limit counts per client address instead (by the header only when it is the route's verified API-key header)`,
  ),
  'limit-consumer-public': entry<{ route: string; target: string }>(
    'warn',
    (p) => `${p.target}: ${p.route} limits by consumer, but it is public: no caller is identified there, so the limit counts per client address; write by: ip to say so, or secure the route`,
  ),
  'websocket-limit-connections': entry<{ route: string; target: string }>(
    'error',
    (p) =>
      `${p.target}: ${p.route} is a WebSocket route with a rate limit, which ${p.target} counts per upgrade request only: an upgraded connection stays open uncounted, so a client under the rate could hold ever more connections. ${p.target} (as gwc compiles it) cannot cap open connections; build this route on nginx (limit_conn), or drop its rateLimit`,
  ),
  'aws-limit-key-unsupported': entry<{ route: string; header: string }>(
    'error',
    (p) => `aws: ${p.route} limits by the ${p.header} header, which API Gateway cannot count by (stage throttling is one bucket for every caller, a usage plan counts per API key only): refusing to build one bucket that any caller could drain for all; limit by consumer on an API-key route, or on another target`,
  ),
  'aws-limit-consumer-keys': entry<{ route: string; consumers: string }>(
    'error',
    (p) => `aws: ${p.route} limits per caller (by consumer, or by the API-key header it verifies), but ${p.consumers} hold(s) several API keys of its scheme and an API Gateway usage plan counts per API key: each key would get the whole limit. Refusing to build a limit a consumer multiplies by its keys; give each consumer one key, or limit on another target`,
  ),
  'aws-limit-shared-bucket': entry<{ route: string; by: string }>(
    'warn',
    (p) => `aws: ${p.route} limits by ${p.by}, but API Gateway's stage throttling is one bucket for all callers of the method together (it cannot count per client address, nor per consumer without an API key), so one caller can use up everyone's share`,
  ),
  'kong-roles-credential-ambiguous': entry<{ route: string; consumer: string; schemes: string }>(
    'error',
    (p) => `kong: consumer ${p.consumer} (credentials for ${p.schemes}) would pass ${p.route}'s acl with a credential that does not meet the alternative it is presented for: Kong's acl sees the consumer, not the credential (and key-auth, basic-auth and jwt find any consumer's credential, whatever scheme it was written for); give the consumer fewer credentials, or the same roles for each`,
  ),
  'kong-auth-identity-and': entry<{ route: string; scheme: string; identifiedBy: string }>(
    'error',
    (p) => `kong: ${p.route} needs ${p.scheme}'s caller checked by acl (roles, or an API-key or basic scheme sharing its plugin with another scheme; a JWT scheme needs none: its issuer is pinned), but with several schemes required together Kong identifies the caller by ${p.identifiedBy} only; move the roles to ${p.identifiedBy} or split the requirement`,
  ),
  'kong-auth-and-consumers': entry<{ route: string; key: string; basic: string }>(
    'error',
    (p) => `kong: ${p.route} requires ${p.key} AND ${p.basic}, but Kong's key-auth and basic-auth each find a consumer by their own credential and the caller is basic-auth's (it runs last): one consumer's key with another consumer's password passes as the second (roles, limits, cache and X-Consumer-* all theirs), so the two credentials are never checked to be one caller's (nginx refuses such a request). Require one of the schemes, or build the route on nginx`,
  ),
  'kong-scheme-name-collision': entry<{ scheme: string; other: string }>(
    'error',
    (p) => `kong: security schemes ${p.scheme} and ${p.other} get the same Kong name (names are case-folded), so their consumers and acl groups would mix; rename one`,
  ),
  'kong-consumer-name-collision': entry<{ consumer: string; other: string }>(
    'error',
    (p) => `kong: consumer ${p.consumer} gets the same Kong username as ${p.other} (names are case-folded, and ~ names are gwc's own), so their credentials and groups would mix; rename it`,
  ),
  'kong-o2k-name-collision': entry<{ kind: string; name: string; first: string; second: string }>(
    'error',
    (p) => `kong: with names=openapi2kong, ${p.second} gets the ${p.kind} name ${p.name} that ${p.first} already has (openapi2kong names it so too); they would be merged into one entity, so give one an x-kong-name or a distinct operationId`,
  ),
  'kong-o2k-name-unmappable': entry<{ route: string }>(
    'error',
    (p) => `kong: with names=openapi2kong, route ${p.route} has no openapi2kong name gwc can reproduce (its x-kong-name, operationId, path or the document title holds a character openapi2kong transliterates); use ASCII there`,
  ),
  'kong-tls-certificate-source': entry<{ field: string; value: string }>(
    'error',
    (p) => `kong: the TLS ${p.field} "${p.value}" cannot be written into a Kong certificate (decK needs the PEM text); give it as \${env:NAME}, which decK substitutes at sync time`,
  ),
  'kong-tls-no-hosts': entry<Record<string, never>>(
    'error',
    () => 'kong: the TLS certificate would serve no host (no server URL or x-gateway host names one), so Kong would never present it; name the gateway hosts',
  ),
  // kong target (src/targets/kong): its own refusals and warnings (issue #17.3; were free text under a catch-all code, same text)
  'kong-secret-env-name': entry<{ what: string; name: string }>(
    'error',
    (p) => `kong: ${p.what}: environment variable name "${p.name}" is not a plain identifier`,
  ),
  'kong-credential-secret-source': entry<{ what: string; kind: string; ref: string }>(
    'error',
    (p) => `kong: ${p.what}: ${p.kind} secret "${p.ref}" cannot be written for Kong consumer credentials, which Kong stores literally (not vault-referenceable); use \${env:NAME}, which decK substitutes at sync time`,
  ),
  'kong-host-order': entry<{ route: string; hosts: string; before: string }>(
    'error',
    (p) => `kong: route ${p.route} (hosts ${p.hosts}) would be tried before ${p.before} on Kong, which ranks routes with hosts first; give both the same hosts`,
  ),
  'kong-path-template': entry<{ route: string }>(
    'error',
    (p) => `kong: route ${p.route}: "$(" in a path would be read as a request-transformer template`,
  ),
  'kong-header-template': entry<{ route: string; direction: string; header: string }>(
    'error',
    (p) => `kong: route ${p.route}: ${p.direction} header ${p.header}: "$(" would be evaluated as a request-transformer template`,
  ),
  'kong-path-hosts-differ': entry<{ path: string }>(
    'warn',
    (p) => `kong: path ${p.path}: its operations answer on different hosts, so Kong answers 404 rather than 405 for undeclared methods`,
  ),
  'kong-preflight-cors-differs': entry<{ path: string }>(
    'error',
    (p) => `kong: path ${p.path}: its operations differ in CORS, but a browser's preflight for the URL can get only one answer`,
  ),
  'kong-api-key-cookie': entry<{ scheme: string }>(
    'error',
    (p) => `kong: scheme ${p.scheme}: Kong's key-auth reads headers, query and body, not cookies`,
  ),
  'kong-api-key-name': entry<{ scheme: string; name: string }>(
    'error',
    (p) => `kong: scheme ${p.scheme}: "${p.name}" is not a name key-auth accepts`,
  ),
  'kong-credential-header-separators': entry<{ scheme: string; header: string; max: number }>(
    'error',
    (p) =>
      `kong: scheme ${p.scheme}: the credential header "${p.header}" has more than ${p.max} '-'/'_' separators; Kong passes header names with '_' (underscores_in_headers on) and gwc removes every spelling a CGI-style backend reads as the header only up to ${p.max} separators, so an unverified spelling would reach the backend beside the verified credential. Use a shorter header name`,
  ),
  'kong-jwt-header-name': entry<{ scheme: string; header: string }>(
    'error',
    (p) => `kong: scheme ${p.scheme}: "${p.header}" is not a header name`,
  ),
  'kong-scheme-no-plugin': entry<{ route: string; scheme: string; kind: string }>(
    'error',
    (p) => `kong: route ${p.route}: scheme ${p.scheme} (${p.kind}) has no Kong OSS plugin`,
  ),
  'kong-security-weakened': entry<{ route: string }>(
    'error',
    (p) => `kong: route ${p.route}: part of its security requirement cannot be enforced by Kong OSS; refusing to build it weaker`,
  ),
  'kong-security-or-of-and': entry<{ route: string }>(
    'error',
    (p) => `kong: route ${p.route}: alternatives that combine several schemes (OR of AND) cannot be enforced exactly by Kong OSS auth plugins`,
  ),
  'kong-jwt-scopes-unchecked': entry<{ route: string; scheme: string; scopes: string }>(
    'warn',
    (p) => `kong: route ${p.route}: scopes ${p.scopes} of ${p.scheme} are not checked by Kong OSS jwt (accepted JWT gap)`,
  ),
  'kong-plugin-shared': entry<{ route: string; plugin: string }>(
    'error',
    (p) => `kong: route ${p.route}: two schemes need the ${p.plugin} plugin, which Kong runs once per route`,
  ),
  'kong-consumer-credentials-shared': entry<{ consumer: string; first: string; second: string }>(
    'error',
    (p) => `kong: consumer ${p.consumer} holds credentials for ${p.first} and ${p.second}, which Kong cannot keep apart (same plugin)`,
  ),
  'kong-jwt-issuer-missing': entry<{ scheme: string }>(
    'error',
    (p) => `kong: scheme ${p.scheme}: Kong's jwt plugin finds the key by the iss claim, so an issuer is required`,
  ),
  'kong-jwt-issuer-shared': entry<{ scheme: string; other: string; issuer: string }>(
    'error',
    (p) =>
      `kong: scheme ${p.scheme} has the issuer "${p.issuer}" of scheme ${p.other}: Kong keeps each scheme's key as a jwt credential keyed by the issuer (the jwt plugin finds it by the token's iss), and that key is unique, so Kong would refuse the file at sync. Give the schemes one definition, or issuers that differ`,
  ),
  'kong-jwt-keys': entry<{ scheme: string; algorithms: number; keys: number }>(
    'error',
    (p) => `kong: scheme ${p.scheme}: Kong's jwt plugin holds one algorithm and one public key per issuer (got ${p.algorithms} and ${p.keys}); JWKS is not fetched by Kong OSS`,
  ),
  'kong-jwt-algorithm': entry<{ scheme: string; algorithm: string }>(
    'error',
    (p) => `kong: scheme ${p.scheme}: algorithm ${p.algorithm} is not one Kong 3.x jwt_secrets accept`,
  ),
  'kong-target-weight': entry<{ backend: string; weight: number }>(
    'error',
    (p) => `kong: backend ${p.backend}: Kong target weights are integers from 0 to 65535, got ${p.weight}`,
  ),
  'kong-backend-no-target': entry<{ backend: string }>('error', (p) => `kong: backend ${p.backend} has no HTTP target Kong can proxy to`),
  'kong-backend-unknown': entry<{ route: string; backend: string }>('error', (p) => `kong: route ${p.route}: no backend ${p.backend}`),
  'kong-upstream-mixed': entry<{ backend: string }>(
    'error',
    (p) => `kong: backend ${p.backend}: weighted targets must share scheme and path on Kong (one service per upstream)`,
  ),
  'kong-tls-server-name': entry<{ backend: string; serverName: string }>(
    'error',
    (p) => `kong: backend ${p.backend}: Kong OSS sends the target host as TLS SNI and cannot set serverName "${p.serverName}" separately`,
  ),
  'kong-tls-ca-file': entry<{ backend: string }>(
    'error',
    (p) => `kong: backend ${p.backend}: a CA file needs a Kong ca_certificates entity with the PEM inline; gwc does not read files at compile time`,
  ),
  'kong-route-name-collision': entry<{ first: string; second: string; name: string }>(
    'error',
    (p) => `kong: routes ${p.first} and ${p.second} get the same Kong name ${p.name}; rename one operationId`,
  ),
  'security-undecided': entry<{ route: string }>(
    'error',
    (p) => `${p.route} has no security requirement and does not say x-gateway public: true; refusing to build it open`,
  ),
  'no-routes': entry<Record<string, never>>(
    'error',
    () => 'the spec has no operations under paths (webhooks and callbacks are not routes); there is no gateway to build',
  ),
  'server-variables-too-many': entry<{ url: string; count: number; limit: number }>(
    'error',
    (p) => `server URL "${p.url}" expands to ${p.count} URLs through its variables' enum alternatives, over the limit of ${p.limit}; list fewer alternatives`,
  ),
  'server-base-path-ignored': entry<{ url: string; basePath: string; served: string }>(
    'warn',
    (p) => `server URL ${p.url} has base path "${p.basePath}" but the gateway serves one base path per servers list, "${p.served}" (the first); it is not served`,
  ),
  'route-servers-base-path': entry<{ basePath: string; served: string }>(
    'error',
    (p) => `these servers give the base path "${p.basePath}" but the gateway serves "${p.served}" (every target strips one base path); move the operations to a gateway of their own or use the same base path`,
  ),
  'consumer-credential-shared': entry<{ consumer: string; other: string; scheme: string; what: string }>(
    'error',
    (p) => `consumers ${p.other} and ${p.consumer} hold the same ${p.what} for security scheme ${p.scheme}: the gateway cannot tell them apart, so one is admitted as the other (the same identity, groups and rate-limit bucket) or one is never admitted; give each consumer its own`,
  ),
  'consumer-name-case': entry<{ consumer: string; other: string }>(
    'error',
    (p) => `consumer ${p.consumer} differs from consumer ${p.other} only in letter case: Kong folds them into one username, and a backend that reads the consumer name (X-Consumer) case-blind takes one for the other (its groups and data); rename one`,
  ),
  'scheme-no-consumers': entry<{ scheme: string; kind: string }>(
    'warn',
    (p) => `no consumer holds ${p.kind === 'API key' ? 'an' : 'a'} ${p.kind} credential for security scheme ${p.scheme}, so every caller of the routes it alone secures is refused; add consumers with credentials for it`,
  ),
  'kong-strip-path-slash': entry<{ route: string; path: string }>(
    'warn',
    (p) => `x-kong-route-defaults.strip_path strips all of ${p.route}'s path, so Kong sends the service path ${p.path} alone; gwc sends ${p.path}/ (the upstream path "/" after the backend's path), which a backend may route differently: set x-gateway.upstreamPath or the backend URL to say which`,
  ),
  'spec-not-routed': entry<{ what: string; count: number }>(
    'info',
    (p) => `${p.count} ${p.what} in the spec describe requests the API sends, not routes it serves; the gateway does not route them`,
  ),
  'capability-unsupported': entry<{ route: string; feature: string; target: string; why: string }>(
    'error',
    (p) => `${p.target} cannot enforce ${p.feature} on ${some(p.route)}: ${p.why} (refusing to build it open; accept the gap in x-gateway.accept.${p.target} if intended)`,
  ),
  'capability-dropped': entry<{ route: string; feature: string; target: string; why: string }>(
    'warn',
    (p) => `${p.target} cannot express ${p.feature} on ${some(p.route)}: ${p.why}; it is left out`,
  ),
  'capability-accepted': entry<{ route: string; feature: string; target: string; reason: string }>(
    'warn',
    (p) => `${p.feature} on ${p.route} is not enforced by ${p.target}, accepted in the spec: ${p.reason}`,
  ),
  'capability-emulated': entry<{ route: string; feature: string; target: string; how: string }>(
    'info',
    (p) => `${p.target} emulates ${p.feature} on ${p.route}: ${p.how}`,
  ),
  // key coverage (src/targets/key-answers.ts, issue #21): a key a target's key table says it does not apply
  'key-not-applied': entry<{ target: string; key: string; why: string }>(
    'warn',
    (p) => `${p.target} does not apply x-gateway ${p.key}: ${p.why}`,
  ),
  'key-refused': entry<{ target: string; key: string; why: string }>(
    'error',
    (p) => `${p.target} cannot apply x-gateway ${p.key}: ${p.why} (refusing to build without it)`,
  ),
  'capability-fallback': entry<{ route: string; feature: string; target: string }>(
    'info',
    (p) => `${p.target} uses the spec's fallback for ${p.feature} on ${p.route}`,
  ),
  'accept-opens-route': entry<{ route: string; feature: string; target: string; why: string }>(
    'error',
    (p) => `${p.target} cannot enforce ${p.feature} on ${p.route} (${p.why}), and accepting that gap would leave the route open: give the scheme a fallback the target supports, or do not build this route for ${p.target}`,
  ),
  'accept-unknown': entry<{ target: string; feature: string }>(
    'error',
    (p) => `x-gateway.accept names ${p.target}/${p.feature}, which is not a known target and feature`,
  ),
  // Kong's own x-kong-* extensions on a plain OpenAPI document (src/input/kong/)
  'kong-extension-ignored': entry<{ extension: string; detail: string }>('warn', (p) => `${p.extension} is not applied: ${p.detail}`),
  'kong-extension-unmapped': entry<{ extension: string; detail: string }>(
    'error',
    (p) => `${p.extension} cannot be mapped, and dropping it would leave routes more open or send traffic elsewhere: ${p.detail}`,
  ),
  // API Gateway's own x-amazon-apigateway-* extensions (src/input/aws/): src/diagnostics/codes-aws-input.ts
  ...AWS_INPUT_CODES,
  // request validation on API Gateway REST (src/targets/aws/validators.ts): src/diagnostics/codes-aws-validation.ts
  ...AWS_VALIDATION_CODES,
  'kong-extension-overridden': entry<{ extension: string; field: string }>(
    'warn',
    (p) => `${p.extension} also sets ${p.field}; x-gateway for this operation wins`,
  ),
  'jwt-key-family-ambiguous': entry<{ scheme: string; hmac: string; publicKey: string }>(
    'error',
    (p) =>
      `JWT scheme ${p.scheme} lists HMAC (${p.hmac}) and public-key (${p.publicKey}) algorithms over one key list, so a public key could be used as an HMAC secret (algorithm confusion): split it into one scheme per family`,
  ),
  'jwt-audience-missing': entry<{ scheme: string; keys: string }>(
    'error',
    (p) =>
      `JWT scheme ${p.scheme} names no audiences and verifies tokens with ${p.keys}: an identity provider signs every application's tokens with one key set, so a token it minted for any other application would be admitted: add x-gateway.audiences (the aud of this API's tokens), or anyAudience: true if the issuer mints tokens for this API alone`,
  ),
  'jwt-issuer-missing': entry<{ scheme: string; keys: string }>(
    'error',
    (p) =>
      `JWT scheme ${p.scheme} names no issuer and verifies tokens with ${p.keys}: one key set signs the tokens of many issuers (Entra ID's one JWKS for every tenant), so a token of any issuer it signs would be admitted: add x-gateway.issuer (the iss of this API's tokens) or an openIdConnectUrl`,
  ),
  'forward-header-reserved': entry<{ scheme: string; header: string }>(
    'error',
    (p) => `forwardAuth of ${p.scheme} copies ${p.header} from the auth service, but the gateway sets that header itself from what it verified`,
  ),
  // red team 10 (src/targets/forward-fallback.ts): forwardAuth on a scheme the target verifies itself.
  'forward-auth-not-called': entry<{ target: string; scheme: string; by: string }>(
    'warn',
    (p) =>
      `${p.target} verifies security scheme ${p.scheme} itself (${p.by}) and never calls its forwardAuth service, the fallback for targets that cannot: a refusal only the service gives (a revoked credential) is not asked on ${p.target}`,
  ),
  'forward-auth-not-callable': entry<{ target: string; scheme: string; by: string; headers: string; notAccepted?: string }>(
    'error',
    (p) =>
      `${p.target} cannot call security scheme ${p.scheme}'s forwardAuth service (it verifies the scheme ${p.by}), and the spec relies on the service for ${p.headers}: the backend would get them unverified, or never; ` +
      (p.notAccepted
        ? `the accepted auth.forward gap does not cover it (${p.notAccepted}); drop them from forwardAuth, or do not build this spec for ${p.target}`
        : `drop them from forwardAuth, accept the gap where the service only answers headers (x-gateway.accept: { ${p.target}: [{ feature: auth.forward, reason }] }: they are then removed from clients and never set), or do not build this spec for ${p.target}`),
  ),
  'forward-auth-answer-unset': entry<{ target: string; scheme: string; by: string; headers: string; reason: string }>(
    'warn',
    (p) =>
      `${p.target} cannot call security scheme ${p.scheme}'s forwardAuth service (it verifies the scheme ${p.by}); the gap is accepted (${p.reason}): its answer headers ${p.headers} are removed from every client request and never set, so the backend gets no identity from them, and a refusal only the service gives is not asked on ${p.target}`,
  ),
  // DESIGN.md 7.5 on targets that match the path themselves (src/targets/upstream-reach.ts; red team, test/security/redteam-nginx-upstream.test.ts).
  'upstream-param-reaches-protected': entry<{ target: string; route: string; other: string; upstream: string; values: string }>(
    'error',
    (p) =>
      `${p.target}: ${p.route} ${p.values === '' ? `forwards to the backend path ${p.upstream}, where` : `passes its path parameters into the backend path ${p.upstream}, and with ${p.values} that is where`} the backend serves ${p.other}, which admits fewer callers: a caller of ${p.route} would reach it (give both routes the same security, or ${p.route} a backend path no more protected route uses)`,
  ),
  // aws target (src/targets/aws): refusals and warnings with their own params
  'aws-api-key-schemes-merged': entry<{ route: string; scheme: string; otherRoute: string; otherScheme: string }>(
    'error',
    (p) =>
      `aws: ${p.route} requires API-key scheme ${p.scheme} and ${p.otherRoute} requires ${p.otherScheme}; API Gateway has one "API key required" check per stage and any key of a usage plan on the stage passes it, so a key of either scheme would open the other's routes (use one API-key scheme, or give one a lambdaAuthorizer)`,
  ),
  'aws-cache-identity-unkeyed': entry<{ route: string; scheme: string; detail: string }>(
    'error',
    (p) => `aws: ${p.route} is authenticated (${p.scheme}) and cached, but ${p.detail}; one caller's response would be served to another`,
  ),
  'aws-cache-query-declared-only': entry<{ route: string; keyed: string }>(
    'warn',
    (p) => `aws: the cache of ${p.route} keys on the query parameters the operation declares (${p.keyed}); API Gateway passes undeclared ones to the backend without keying on them, so declare every query parameter the response depends on`,
  ),
  'aws-cache-ignores-cache-control': entry<{ route: string }>(
    'warn',
    (p) => `aws: the stage cache stores every response of ${p.route} for the TTL, including ones the backend marks Cache-Control: private or no-store (API Gateway does not read it); cache only responses that may be shared by everyone the cache key lets in`,
  ),
  'aws-authorizer-cache-unkeyed': entry<{ scheme: string; sources: string; credential: string }>(
    'error',
    (p) =>
      `aws: the Lambda authorizer of ${p.scheme} caches its policy keyed on ${p.sources}, which does not include the credential (${p.credential}); a caller without it would reuse another caller's Allow (add the credential to identitySource, or set ttlSeconds: 0)`,
  ),
  'aws-cognito-scopes-any': entry<{ route: string; scheme: string; scopes: string }>(
    'error',
    (p) =>
      `aws: ${p.route} requires all of the scopes ${p.scopes} of ${p.scheme}, but a Cognito authorizer admits a token carrying any one of a method's scopes; require one scope per operation (a scope that implies the others), or split the operation`,
  ),
  'aws-credential-unhidden': entry<{ scheme: string; where: string }>(
    'error',
    (p) =>
      `aws: the credential of ${p.scheme} (${p.where}) cannot be hidden from the backend: an integration request parameter replaces a whole header, and API Gateway cannot take one cookie out of the Cookie header, and hideCredentials: false is refused too (aws-kept-cookie-credential: a cookie sent twice in one line reaches the backend unverified). The way out: add x-gateway.backendCookies: none to ${p.scheme} (the backend reads no cookie on its routes; the whole Cookie header reaches it empty) and pass who the caller is with lambdaAuthorizer.contextHeaders (X-User: principalId), or carry the credential in a header`,
  ),
  'aws-kept-cookie-credential': entry<{ scheme: string; name: string }>(
    'error',
    (p) =>
      `aws: security scheme ${p.scheme} keeps its cookie key ${p.name} for the backend (hideCredentials: false), and its Lambda authorizer reads one ${p.name} cookie of the Cookie header while API Gateway passes the header on whole: a second ${p.name} in the same line (\`${p.name}=<forged>; ${p.name}=<verified>\`) reaches a backend reading another one (Go's Request.Cookie and PHP take the first, Python's SimpleCookie the last) unverified. A mapping replaces the whole Cookie header and cannot take one cookie out of it. Hidden alone it is refused too (aws-credential-unhidden): drop hideCredentials: false AND add x-gateway.backendCookies: none (the whole Cookie header reaches the backend empty), passing who the caller is with lambdaAuthorizer.contextHeaders (X-User: principalId); or send the key in a header (a kept header credential is mapped from the value API Gateway verified), or build the route on nginx or Kong, which refuse a key sent twice`,
  ),
  'aws-cookie-identity-source': entry<{ scheme: string; source: string; hide: 'kept' | 'hidden' }>(
    'error',
    (p) =>
      `aws: the Lambda authorizer of ${p.scheme} is handed the whole Cookie header (identity source ${p.source}), and API Gateway passes that header on whole to the backend (${p.hide === 'kept' ? 'hideCredentials: false' : 'although hideCredentials asks it never does: only the whole header could be blanked, every other cookie with it'}): a session cookie sent twice in one line (\`sid=<forged>; sid=<verified>\`) passes a function that reads the last (Python's SimpleCookie) and reaches a backend reading the first (Go's Request.Cookie, PHP) unverified. A mapping replaces the whole Cookie header with one expression and cannot take one cookie out of it. Declare the session as what it is, a cookie key (type: apiKey, in: cookie, with x-gateway.backendCookies: none: the Cookie header reaches the backend empty, and lambdaAuthorizer.contextHeaders passes who the caller is), or carry it in a header of its own (X-Session or Authorization: a kept header reaches the backend as the one value API Gateway verified, a hidden one is removed). Taking Cookie out of identitySource does not stop a REQUEST authorizer reading it: it is handed every header`,
  ),
  'aws-authorizers-and': entry<{ route: string; schemes: string }>(
    'error',
    (p) =>
      `aws: ${p.route} requires ${p.schemes} together, but an API Gateway method runs one authorizer (beside an optional API key); check them in one Lambda authorizer, or require one`,
  ),
  'aws-path-param-confusable': entry<{ route: string; param: string; other: string; upstream: string; value: string; backend: string }>(
    'error',
    (p) =>
      `aws: {${p.param}} of ${p.route} is passed into the backend path ${p.upstream}, where a value such as ${p.value} can be read by the backend as ${p.other}, which is protected differently; API Gateway cannot restrict the value (give the routes the same security, or different backend paths${p.value.includes('..') ? `, or, if backend ${p.backend} never resolves "." or ".." path segments (it refuses them or reads them as text), say so once: x-gateway.backends.${p.backend}.dotSegments: rejected` : ''})`,
  ),
  'aws-backend-private-host': entry<{ backend: string; host: string }>(
    'error',
    (p) =>
      `aws: backend ${p.backend} is on ${p.host}, which API Gateway cannot reach over the internet; pass --option vpcLink=<id> for a private integration through a VPC link, or --option publicHosts=${p.host} if it resolves publicly`,
  ),
  'aws-connect-timeout-ignored': entry<{ backend: string; ms: number }>(
    'warn',
    (p) => `aws: backend ${p.backend}: connectTimeout (${p.ms} ms) is not applied; API Gateway REST has one integration timeout (timeoutInMillis) and no separate connect timeout`,
  ),
  'aws-no-methods': entry<{ name: string }>(
    'error',
    (p) => `aws: gateway ${p.name} has no route API Gateway can serve; a REST API deployment needs at least one method`,
  ),
  'aws-body-method-override': entry<{ route: string; method: string; other: string; otherMethod: string; path: string; backend: string }>(
    'error',
    (p) =>
      `aws: a ${p.method} to ${p.route} reaches the backend with its body unread, and a backend that honours _method in a form, multipart or JSON body (Rails, Laravel, Symfony, Express method-override) would run ${p.other} (${p.otherMethod} ${p.path}), which admits fewer callers, or limits or validates requests where it does not; API Gateway cannot read or strip a body field: give both operations the same security and policies, declare _method as a parameter of ${p.route} if its backend reads it on purpose, or, if backend ${p.backend} never runs a body's _method, say so once: x-gateway.backends.${p.backend}.methodOverride: none`,
  ),
  'aws-query-method-override': entry<{ route: string; method: string; other: string; otherMethod: string; path: string; backend: string }>(
    'error',
    (p) =>
      `aws: a ${p.method} to ${p.route} reaches backend ${p.backend}, which also serves ${p.other} (${p.otherMethod} ${p.path}), admitting fewer callers, or limiting or validating requests where it does not, and API Gateway blanks the query's _method by that exact name only: ?[_method]=${p.otherMethod} (Express's qs), ?_method]= or ?]_method= (Rack 2), ?.method= (PHP, Symfony) reach the backend, which may run ${p.other}. methodOverride: none speaks for the body only. If backend ${p.backend} reads query names only as sent, say so: x-gateway.backends.${p.backend}.queryNames: exact; else give both operations the same security and policies`,
  ),
  // the rest of the aws target's codes: src/diagnostics/codes-aws.ts
  ...AWS_CODES,
  // the aws target's HTTP API flavour (src/targets/aws/http): src/diagnostics/codes-aws-http.ts
  ...AWS_HTTP_CODES,
  // traefik target (src/targets/traefik)
  'traefik-limit-key-unverified': entry<{ route: string; scheme: string }>(
    'warn',
    (p) =>
      `traefik: the per-consumer rate limit of ${p.route} cannot be keyed on the credential of ${p.scheme} (Traefik keys a limit on a whole request header: the Cookie header also holds whatever cookies the client adds, an Authorization header has several spellings per credential since its scheme word is read case-insensitively, and a query parameter or forward-auth identity is no header at all), so it is kept per client address`,
  ),
  'traefik-auth-and-consumers': entry<{ route: string; key: string; basic: string }>(
    'error',
    (p) =>
      `traefik: ${p.route} requires ${p.key} AND ${p.basic}, but Traefik checks each credential on its own (basicAuth, then the key's forwardAuth service, whose answer replaces X-Consumer): one consumer's key with another consumer's password passes, told as the key's consumer, so the two credentials are never checked to be one caller's (nginx refuses such a request). Require one of the schemes, or build the route on nginx`,
  ),
  'traefik-limit-consumer-keys': entry<{ route: string; scheme: string; consumers: string }>(
    'error',
    (p) =>
      `traefik: ${p.route} limits per caller (by consumer, or by the credential header it verifies), keyed on the credential header of ${p.scheme}, but ${p.consumers} hold(s) several credentials of it: Traefik counts per header value, so each credential would get the whole limit. Refusing to build a limit a consumer multiplies by its credentials; give each consumer one credential of the scheme, or limit on another target`,
  ),
  'traefik-health-threshold-ignored': entry<{ backend: string; healthyThreshold: number; unhealthyThreshold: number }>(
    'warn',
    (p) =>
      `traefik: backend ${p.backend}: healthyThreshold ${p.healthyThreshold} and unhealthyThreshold ${p.unhealthyThreshold} are not applied; Traefik's health check has no thresholds and takes a server out after one failed check and back after one passed check`,
  ),
  'head-widens-get': entry<{ route: string; other: string; path: string }>(
    'error',
    (p) =>
      `HEAD operation ${p.route} admits callers that ${p.other} (GET ${p.path}, same backend path) does not, or does not limit or validate them alike; most backends (Express, Flask, Rails, Spring) run the GET handler for HEAD, so its callers would run ${p.other} and read its headers: give the HEAD the GET's security and policies, or remove it (every target then routes HEAD with the GET's own checks or not at all)`,
  ),
  'method-override-widens': entry<{ route: string; parameter: string; other: string; method: string; path: string }>(
    'error',
    (p) =>
      `${p.route} declares the method override ${p.parameter}, so its backend runs the method a caller names there, and ${p.other} (${p.method} ${p.path}, same backend path) admits fewer callers or does not limit or validate them alike: a caller of ${p.route} would run ${p.other}'s handler past its checks. Give ${p.route} the security and policies of every method the override can name, list only methods guarded no more strictly in the parameter's enum and validate parameters (x-gateway validate), or remove the declaration (every target then strips or refuses the override)`,
  ),
  'param-variant-reaches-protected': entry<{ route: string; other: string; values: string; by?: Exclude<ProtectionGap, 'callers'> }>(
    'error',
    (p) =>
      `${p.route} takes ${p.values}, which every gateway routes to it as a plain value, while a backend that matches paths case-blind or by suffix (ASP.NET Core, IIS, Spring, Rails formats) serves them as ${p.other}, which ${p.by === undefined ? 'admits fewer callers' : `${p.route} does not match in its ${GAP_WORDS[p.by]}`}: give both routes the same ${p.by === undefined ? 'security' : GAP_WORDS[p.by]}, or state that the backend matches paths exactly (x-gateway.backends.NAME.pathMatching: exact, on every backend name of that server)`,
  ),
  'cors-credentials-origin-open': entry<{ target: string; route: string; origin: string }>(
    'error',
    (p) =>
      p.origin === '*' && p.target !== 'kong'
        ? `${p.target}: the CORS policy of ${p.route} allows credentials for origin *, which ${p.target} answers as Access-Control-Allow-Origin: * beside Access-Control-Allow-Credentials: true, a pair every browser refuses: no site could call ${p.route} with credentials, and a gateway that echoes the Origin instead would let every site read its answers (list the origins allowed, or drop credentials)`
        : `${p.target}: the CORS policy of ${p.route} allows credentials for origin ${p.origin}, which ${p.origin === '*' ? 'Kong answers by echoing any request Origin with Access-Control-Allow-Credentials: true' : 'every sandboxed iframe and data: page of any site sends'}: every site could read ${p.route}'s answers with its users' cookies or cached credentials (list the origins allowed, or drop credentials)`,
  ),
  'traefik-body-method-override': entry<{ route: string; method: string; other: string; otherMethod: string; path: string; backend: string }>(
    'error',
    (p) =>
      `traefik: a ${p.method} to ${p.route} reaches the backend with its body unread, and a backend that honours _method in a form, multipart or JSON body (Rails, Laravel, Symfony, Express method-override) would run ${p.other} (${p.otherMethod} ${p.path}), which admits fewer callers, or limits or validates requests where it does not; Traefik cannot read or strip a body field: give both operations the same security and policies, declare _method as a parameter of ${p.route} if its backend reads it on purpose, or, if backend ${p.backend} never runs a body's _method, say so once: x-gateway.backends.${p.backend}.methodOverride: none`,
  ),
  'traefik-roles-forward-auth': entry<{ route: string; scheme: string; roles: string }>(
    'error',
    (p) =>
      `traefik: ${p.route} requires the roles ${p.roles} on ${p.scheme}, whose credential only its forwardAuth service verifies; Traefik cannot check the caller's consumers.*.groups after that service answers (the service is sent the roles as ?scope=, but gwc cannot hold it to them); require the roles on a basic scheme, or leave them to a forward scheme whose service owns them`,
  ),
  'traefik-role-unheld': entry<{ route: string; scheme: string; roles: string }>(
    'warn',
    (p) =>
      `traefik: no consumer holding a ${p.scheme} credential has every role of ${p.roles}, so that security alternative of ${p.route} admits nobody and is left out (a basicAuth users file with no user does not load)`,
  ),
  'traefik-optional-credential-unknown': entry<{ route: string; scheme: string }>(
    'error',
    (p) =>
      `traefik: the optional auth of ${p.route} needs to tell a request carrying a ${p.scheme} credential from an anonymous one, but that scheme's credential is whatever its forwardAuth service reads; a caller with a wrong credential would pass as anonymous. Make the auth required, or use a scheme with a declared header, cookie or query credential`,
  ),
  'traefik-optional-query-key': entry<{ route: string; scheme: string; name: string }>(
    'error',
    (p) =>
      `traefik: the optional auth of ${p.route} needs to tell a request carrying the ${p.scheme} query key from an anonymous one, but Traefik's QueryRegexp reads only the exact name ${p.name}: a spelling a backend reads as the key (another case on ASP.NET, '.', ' ' or '[' for '_' on PHP) would pass as anonymous, unverified. Make the auth required, or send the key in a header`,
  ),
  'traefik-or-kept-credential': entry<{ route: string; scheme: string; location: string; name: string; by: 'alternative' | 'anonymous'; forwarded: boolean }>(
    'error',
    (p) => {
      const router = p.by === 'anonymous' ? `the anonymous router of ${p.route}'s optional auth` : `the router of another security alternative of ${p.route}`;
      const what = p.forwarded ? `the cookies ${p.scheme}'s forwardAuth service verifies (requestHeaders: [Cookie])` : `${p.scheme}'s ${p.location} key ${p.name}, kept for the backend (hideCredentials: false),`;
      const fix = p.forwarded
        ? `Have the service read a header instead of the Cookie header, or make ${p.by === 'anonymous' ? 'the auth required' : `every alternative of the route use ${p.scheme}`}`
        : `${p.by === 'anonymous' ? 'Make the auth required, hide' : 'Hide'} the key (hideCredentials: true)${p.by === 'anonymous' ? '' : ', make every alternative of the route read it'}, or send it in a header`;
      return `traefik: ${router} would pass ${what} on unverified, forged or in a spelling a backend reads as it, and Traefik cannot remove one ${p.location === 'query' ? 'query parameter' : 'cookie'}. ${fix}`;
    },
  ),
  'traefik-optional-bearer-query': entry<{ route: string; scheme: string; parameter: string }>(
    'error',
    (p) =>
      `traefik: the optional auth of ${p.route} would take a request carrying a ${p.scheme} token only in ?${p.parameter}= (RFC 6750 section 2.3) as anonymous: the forwardAuth service is sent the Authorization header alone, Traefik cannot remove a query parameter, and its QueryRegexp reads one exact name (ASP.NET reads ${p.parameter.toUpperCase()} alike), so a backend reading the token from the query would get one nobody verified. Make the auth required (gwc then keeps ?${p.parameter}= off the route's routers), or build this route on nginx, Kong or AWS`,
  ),
  // traefik's own refusals and warnings (issue #17.3; were free text under a catch-all code, same text)
  'traefik-matcher-empty': entry<Record<string, never>>('error', () => 'traefik: empty matcher argument (Traefik rejects it)'),
  'traefik-matcher-control-character': entry<{ value: string }>('error', (p) => `traefik: "${p.value}" holds a control character`),
  'traefik-value-control-character': entry<{ pointer: string }>(
    'error',
    (p) => `traefik: the value at ${p.pointer} holds a control character or a lone surrogate`,
  ),
  'traefik-no-routers': entry<Record<string, never>>('error', () => 'traefik: the gateway has no routes to write'),
  'traefik-tls-key-source': entry<{ ref: string }>(
    'error',
    (p) => `traefik: the TLS key must be a \${file:...} reference on Traefik (it reads keyFile from disk), not ${p.ref}`,
  ),
  'traefik-host-not-ascii': entry<{ route: string; host: string }>(
    'error',
    (p) => `traefik: route ${p.route}: host "${p.host}" is not an ASCII host name (Traefik's Host matcher refuses others)`,
  ),
  'traefik-websocket-origin-unknown': entry<{ route: string }>(
    'warn',
    (p) =>
      `traefik: websocket route ${p.route} lets no other site call it with the user's credentials, and its servers declare no host: a Traefik rule cannot compare Origin with the request's Host, so every upgrade carrying an Origin (every browser's WebSocket, from any page) is refused (405) on its routers, not only a cross-site one (Cross-Site WebSocket Hijacking). Declare the public host in servers (https://api.example.com/v1) to let the route's own pages upgrade`,
  ),
  'traefik-websocket-origin-scheme': entry<{ route: string; server: string; origins: string }>(
    'warn',
    (p) =>
      `traefik: websocket route ${p.route}: its server ${p.server} is http, but the routers answer TLS only (a document server is https), so its pages are served as https: its own origin for WebSocket upgrades is ${p.origins}, and an http:// page (one a network attacker can forge) is refused. Write the server as https`,
  ),
  'traefik-limit-split': entry<{ route: string; routers: number }>(
    'warn',
    (p) => `traefik: route ${p.route}: split into ${p.routers} routers (one per security alternative); Traefik keeps one rate-limit bucket set per router, so each router gets 1/${p.routers} of the rate`,
  ),
  'traefik-alternative-dropped': entry<{ route: string; alternative: number }>(
    'warn',
    (p) => `traefik: route ${p.route}: security alternative ${p.alternative} is not enforceable on Traefik and is left out; callers must use another one`,
  ),
  'traefik-security-open': entry<{ route: string }>(
    'warn',
    (p) => `traefik: route ${p.route}: no security alternative is enforceable on Traefik; the route is open (gap accepted in the spec)`,
  ),
  'traefik-alternatives-indistinguishable': entry<{ route: string; sameCredential: boolean }>(
    'error',
    (p) => `traefik: route ${p.route}: security alternatives ${p.sameCredential ? 'with the same credential' : 'without a header, cookie or query credential'} cannot be told apart on Traefik (middlewares chain as AND); give them one forwardAuth scheme`,
  ),
  'traefik-forward-auth-missing': entry<{ scheme: string }>('error', (p) => `traefik: security scheme ${p.scheme} needs x-gateway.forwardAuth on Traefik`),
  'traefik-users-file-collision': entry<{ scheme: string; other: string; file: string }>(
    'error',
    (p) =>
      `traefik: basic schemes ${p.scheme} and ${p.other} would read one users file, ${p.file} (file names are folded to [a-z0-9-]); a '-2' by order would hand one scheme's file, users and all, to the other once the spec changes. Rename one scheme`,
  ),
  'traefik-credential-not-hidden': entry<{ scheme: string; location: string; route?: string; reads?: string }>(
    'error',
    (p) =>
      p.route
        ? `traefik: route ${p.route}: security scheme ${p.scheme}'s cookie key is hidden (hideCredentials, the default), and Traefik can only remove the whole Cookie header, which also carries ${p.reads} for the backend; send the key in a header, or set x-gateway.hideCredentials: false on ${p.scheme} to declare that the backend sees it`
        : p.location === 'cookie'
          ? `traefik: security scheme ${p.scheme}: hideCredentials (the default) asks that the backend never sees its cookie key, and Traefik cannot remove one cookie, only the whole Cookie header, which would also drop every cookie the spec does not declare (a session, a CSRF cookie the backend reads); set x-gateway.backendCookies: none on ${p.scheme} to state that the backend reads no cookie on its routes (the whole header is then removed), send the key in a header, or set x-gateway.hideCredentials: false to declare that the backend sees it`
          : `traefik: security scheme ${p.scheme}: hideCredentials (the default) asks that the backend never sees its ${p.location} credential, and Traefik cannot remove one ${p.location === 'query' ? 'query parameter' : p.location} (its middlewares remove whole headers only); send the key in a header, or set x-gateway.hideCredentials: false to declare that the backend sees it`,
  ),
  'traefik-kept-header-credential': entry<{ scheme: string; header: string; verifier: string }>(
    'error',
    (p) =>
      `traefik: security scheme ${p.scheme} keeps its ${p.header} header for the backend (hideCredentials: false), and ${p.verifier} reads one line of it while Traefik passes every line on: a second ${p.header} line (another user, a forged token) would reach the backend unverified, and a backend reading the last line (PHP) takes it. No Traefik rule can count a header's lines. Set x-gateway.hideCredentials: true on ${p.scheme} (Traefik then removes every line and spelling of ${p.header} before the backend; the backend reads the verified caller from the forwardAuth answer or X-Consumer), or build the route on nginx, which refuses a request carrying a credential header twice`,
  ),
  'traefik-kept-cookie-credential': entry<{ scheme: string; name: string }>(
    'error',
    (p) =>
      `traefik: security scheme ${p.scheme} keeps its cookie key ${p.name} for the backend (hideCredentials: false), and its forwardAuth service reads one ${p.name} cookie (Go's Request.Cookie: the first) while Traefik passes the Cookie header on whole, every line: a second ${p.name} (in the same line or another Cookie line) would reach the backend unverified, and a backend reading the last (Django) takes it. No Traefik rule can count cookies across lines and no middleware removes one. Send the key in a header and hide it (hideCredentials: true), or build the route on nginx or Kong, which refuse a key sent twice`,
  ),
  'traefik-request-headers-answered': entry<{ scheme: string; headers: string }>(
    'warn',
    (p) =>
      `traefik: security scheme ${p.scheme}: the forwardAuth service is sent ${p.headers} (requestHeaders) and reads one line of each while Traefik would pass every line and '_' spelling on, so on Traefik the backend receives ${p.headers} only as the service answers them (authResponseHeaders): a service that does not echo the value it verified leaves the backend without it`,
  ),
  'traefik-cookie-header-removed': entry<{ scheme: string; name: string }>(
    'warn',
    (p) =>
      `traefik: security scheme ${p.scheme}: Traefik cannot remove the one cookie ${p.name}, so the routers of its routes remove the whole Cookie header before the backend (backendCookies: none states the backend reads no cookie there): the backend gets no cookie. Set x-gateway.hideCredentials: false to pass the cookies on (the backend then sees the key)`,
  ),
  'traefik-backend-unknown': entry<{ route: string; backend: string }>(
    'error',
    (p) => `traefik: route ${p.route} names backend "${p.backend}", which does not exist`,
  ),
  'traefik-backend-noop': entry<{ route: string; backend: string }>(
    'warn',
    (p) => `traefik: route ${p.route}: backend ${p.backend} cannot be served by Traefik; the route answers 418 (noop@internal)`,
  ),
  'traefik-backend-host': entry<{ backend: string; host: string }>(
    'error',
    (p) => `traefik: backend ${p.backend}: host "${p.host}" is not a host name or IP address`,
  ),
  'traefik-limit-ipv6-per-address': entry<{ route: string; version: string }>(
    'warn',
    (p) => `traefik: ${p.route} is rate-limited per client address, and Traefik ${p.version} counts every IPv6 address apart (ipStrategy.ipv6Subnet, one bucket per /64, needs --option traefik-version=3.2 or later): a client holding an IPv6 /64 can rotate source addresses for a fresh bucket per request`,
  ),
  'traefik-limit-mapped-address': entry<{ route: string; depth: number }>(
    'warn',
    (p) =>
      `traefik: ${p.route} is rate-limited per client address read from X-Forwarded-For (depth ${p.depth}): a proxy listening dual-stack writes an IPv4 client as ::ffff:a.b.c.d, which Traefik keys as written (ipv6Subnet masks it to ::, one bucket for every such client, apart from the client's IPv4 one); no ipStrategy field unmaps it. Have the proxy write IPv4 clients as IPv4`,
  ),
  'traefik-server-paths': entry<{ backend: string; paths: string; version: string }>(
    'error',
    (p) => `traefik: backend ${p.backend}: its targets have different paths (${p.paths}); Traefik ${p.version} drops server paths, servers[].preservePath needs --option traefik-version=3.2 or later`,
  ),
  'traefik-upstream-path-param': entry<{ route: string; param: string; path: string }>(
    'error',
    (p) => `traefik: route ${p.route}: upstreamPath uses {${p.param}}, which is not a parameter of ${p.path}`,
  ),
  'traefik-header-name': entry<{ route: string; where: string; name: string }>(
    'error',
    (p) => `traefik: route ${p.route}: ${p.where} "${p.name}" is not an HTTP header name`,
  ),
  'traefik-cors-origins-empty': entry<{ route: string }>(
    'error',
    (p) => `traefik: route ${p.route}: CORS needs non-empty origins (Traefik would allow none)`,
  ),
  'traefik-ip-range': entry<{ route: string; range: string }>(
    'error',
    (p) => `traefik: route ${p.route}: "${p.range}" is not an IP address or CIDR range`,
  ),
  'traefik-ip-rule-empty': entry<{ route: string }>('warn', (p) => `traefik: route ${p.route}: its IP rule admits no address; every request gets 403`),
  'traefik-header-empty-value': entry<{ route: string; where: string; header: string }>(
    'error',
    (p) => `traefik: route ${p.route}: ${p.where} ${p.header} is set to "", which Traefik reads as "remove"`,
  ),
  // nginx target (src/targets/nginx)
  // request validation on nginx (src/targets/nginx/validate.ts): src/diagnostics/codes-nginx-validation.ts
  ...NGINX_VALIDATION_CODES,
  'nginx-option-invalid': entry<{ detail: string }>('error', (p) => `nginx: ${p.detail}`),
  'nginx-path-reserved': entry<{ route: string; path: string }>(
    'error',
    (p) => `nginx: route ${p.route}: path ${p.path} is under /_gwc_internal, which is reserved for the locations gwc generates`,
  ),
  'nginx-path-unroutable': entry<{ path: string; detail: string }>('error', (p) => `nginx: path ${p.path} ${p.detail}`),
  'nginx-lambda-no-fallback': entry<{ route: string; backend: string }>(
    'error',
    (p) => `nginx: route ${p.route}: backend ${p.backend} is a Lambda function, which nginx cannot invoke; give lambda.fallbackUrl`,
  ),
  'nginx-backend-no-target': entry<{ route: string; backend: string }>('error', (p) => `nginx: route ${p.route}: backend ${p.backend} has no HTTP target`),
  'nginx-upstream-mixed': entry<{ backend: string; url: string; first: string }>(
    'error',
    (p) => `nginx: backend ${p.backend}: every target of one nginx upstream must share the scheme and path (${p.url} differs from ${p.first})`,
  ),
  'nginx-upstream-host-shared': entry<{ backend: string; host: string }>(
    'warn',
    (p) => `nginx: backend ${p.backend}: targets have different hosts; nginx sends one Host header to all of them (${p.host})`,
  ),
  'nginx-no-default-server': entry<{ hosts: string; listen: string; route: string }>(
    'warn',
    (p) =>
      `nginx: include mode and every route names a host (${p.hosts}), so gwc writes no default server on ${p.listen}: a request naming another Host goes to your nginx's default_server there, and without one nginx takes the first server block on that address, which may be gwc's. Its routes then answer any Host, and a page whose name a DNS rebinding points at the gateway calls ${p.route}'s IP-restricted route from the victim's network address. Keep a catch-all \`listen ${p.listen} default_server\` server of your own (\`return 444;\`) and say so with --option defaultServer=false, or build with --option mode=full (gwc then writes the default_server)`,
  ),
  'nginx-rate-too-fine': entry<{ route: string; requests: number; per: string }>(
    'error',
    (p) => `nginx: route ${p.route}: nginx limits no finer than 1 request per minute; ${p.requests} per ${p.per} cannot be enforced`,
  ),
  'nginx-rate-rounded': entry<{ route: string; requests: number; per: string; perMinute: number }>(
    'warn',
    (p) => `nginx: route ${p.route}: ${p.requests} per ${p.per} is enforced as ${p.perMinute} per minute (nginx counts whole requests per minute)`,
  ),
  'nginx-value-refused': entry<{ what: string; value: string; why: string }>('error', (p) => `nginx: ${p.what} "${p.value}" ${p.why}`),
  'nginx-jwt-no-keys': entry<{ scheme: string }>(
    'error',
    (p) => `nginx: JWT scheme ${p.scheme} gives no publicKeys, no jwksUri and no forwardAuth: nothing to verify a token with`,
  ),
  'nginx-jwks-insecure': entry<{ scheme: string; uri: string }>(
    'error',
    (p) => `nginx: the jwksUri of JWT scheme ${p.scheme} (${p.uri}) is not https: a key set fetched over plain HTTP could be replaced in transit, and then anyone could sign tokens`,
  ),
  'nginx-jwt-algorithm': entry<{ scheme: string; algorithms: string; supported: string }>(
    'error',
    (p) => `nginx: algorithms of JWT scheme ${p.scheme} "${p.algorithms}" must be among ${p.supported}`,
  ),
  'nginx-forward-limit-unkeyed': entry<{ route: string; scheme: string }>(
    'warn',
    (p) => `nginx: ${p.route} limits by consumer, and forward-auth scheme ${p.scheme} names no responseHeaders: the caller is counted by the credential headers it sent, so every spelling of one credential the service accepts (a junk cookie beside the session, another token of the same user) is a fresh bucket`,
  ),
  'nginx-scheme-unverifiable': entry<{ scheme: string; kind: string }>('error', (p) => `nginx: security scheme ${p.scheme} (${p.kind}) has nothing nginx can verify`),
  'nginx-secret-source': entry<{ what: string; ref: string }>(
    'error',
    (p) => `nginx: ${p.what} "${p.ref}" is a vault reference, which nginx cannot resolve; use \${env:NAME} or \${file:PATH}`,
  ),
  'nginx-tls-key-source': entry<{ ref: string }>('error', (p) => `nginx: TLS key "${p.ref}" must be a \${file:PATH} reference: nginx reads the key from a file`),
  // A target's own --option value it cannot use (an unknown option name is option-unknown).
  'target-option-invalid': entry<{ target: string; option: string; value: string; expected: string }>(
    'error',
    (p) => `${p.target}: ${p.option} must be ${p.expected}, got "${p.value}"`,
  ),
  'unknown-target': entry<{ name: string; known: string }>('error', (p) => `unknown target "${p.name}" (known: ${p.known})`),
  'check-mismatch': entry<{ path: string }>('error', (p) => `${p.path} differs from what gwc would write`),
  'check-missing': entry<{ path: string }>('error', (p) => `${p.path} is missing`),
  'check-extra': entry<{ path: string }>('error', (p) => `${p.path} would not be written by gwc`),
  // command line (src/cli)
  'out-foreign-files': entry<{ dir: string; count: number; files: string }>(
    'error',
    (p) => `${p.dir} holds ${p.count} file(s) gwc did not write (${p.files}); a build replaces the whole folder, so nothing was written: move them, choose another --out, or pass --force to delete them`,
  ),
  'spec-remote': entry<{ url: string }>('error', (p) => `spec ${p.url} is not fetched unless --allow-remote-refs is given`),
  'spec-stdin-empty': entry<Record<string, never>>('error', () => 'no spec on stdin (pipe one in: gwc build - < gateway.yaml)'),
  'option-malformed': entry<{ option: string }>('error', (p) => `--option ${p.option}: expected NAME=VALUE or TARGET.NAME=VALUE`),
  'option-unknown': entry<{ name: string; target: string; known: string }>(
    'error',
    (p) => `--option ${p.name}: ${p.target} has no option of that name (known: ${p.known || 'none'}; see gwc targets)`,
  ),
  'option-ambiguous': entry<{ name: string; targets: string }>(
    'error',
    (p) => `--option ${p.name}: several targets being built take it (${p.targets}); write TARGET.${p.name}=VALUE`,
  ),
  'option-target-not-built': entry<{ option: string; target: string }>('warn', (p) => `--option ${p.option}: target ${p.target} is not being built; ignored`),
  'init-not-openapi': entry<{ detail: string }>('error', (p) => `gwc init reads an OpenAPI 3 document: ${p.detail}`),
  'init-has-x-gateway': entry<Record<string, never>>('error', () => 'the spec already has a root x-gateway; gwc init only starts one (edit it, or remove it to start again)'),
  'internal-error': entry<{ detail: string }>('error', (p) => `internal error (please report): ${p.detail}`),
  'usage-invalid': entry<{ detail: string }>('error', (p) => `the command line is not valid: ${p.detail}`),
  // lint
  'lint-config-invalid': entry<{ file: string; detail: string }>('error', (p) => `lint config ${p.file}: ${p.detail}`),
  'lint-ignore-invalid': entry<{ detail: string }>('error', (p) => `x-gwc-ignore: ${p.detail}`),
  'lint-ignore-unused': entry<{ rule: string }>('info', (p) => `x-gwc-ignore for ${p.rule} suppresses nothing here; remove it`),
  'lint-ruleset-failed': entry<{ ruleset: string; detail: string }>('error', (p) => `cannot run ruleset ${p.ruleset}: ${p.detail}`),
  // diff
  'deployed-unreadable': entry<{ source: string; detail: string }>('error', (p) => `cannot read deployed state from ${p.source}: ${p.detail}`),
  'deployed-invalid': entry<{ target: string; source: string; detail: string }>('error', (p) => `${p.source} is not ${p.target} deployed state: ${p.detail}`),
  'deployed-foreign': entry<{ target: string; source: string; looksLike: string }>(
    'error',
    (p) => `${p.source} looks like ${p.looksLike}, not ${p.target} deployed state; check --target and --deployed`,
  ),
  'deployed-unsupported': entry<{ target: string }>('error', (p) => `${p.target} has no deployed-state reader yet; gwc diff cannot compare it`),
  'deployed-sdk-missing': entry<{ package: string; detail: string }>(
    'error',
    (p) => `--option aws.stack needs the optional dependency ${p.package} (npm install ${p.package}), or pass the template with --deployed: ${p.detail}`,
  ),
  'diff-base-failed': entry<{ ref: string; detail: string }>('error', (p) => `cannot read the spec at git ref ${p.ref}: ${p.detail}`),
  'diff-env-required': entry<{ target: string; source: string; environments: string }>(
    'error',
    (p) => `${p.source} is one gateway, built with one of the environments the spec defines (${p.environments}) or with none: say which with --env NAME (or --no-env for a gateway built without an overlay); the base build compared with a gateway built with --env shows changes that are not there, or none where that environment's overlay was weakened`,
  ),
  'deployed-part-missing': entry<{ target: string; source: string; part: string; compared: string; fix: string }>(
    'warn',
    (p) => `${p.source} lacks ${p.part}: ${p.compared} not compared (both sides read without it); ${p.fix}`,
  ),
  'deployed-layout-differs': entry<{ target: string; source: string; deployed: string; compiled: string; fix: string }>(
    'error',
    (p) => `${p.source} is a ${p.deployed} build and the spec compiles to a ${p.compiled} build: every entity would differ; ${p.fix}`,
  ),
  'deployed-not-gwc': entry<{ target: string; source: string; files: number }>(
    'error',
    (p) => `${p.source}: none of its ${p.files} files was written by gwc (no "Generated by gwc" header); gwc diff compares only what gwc owns`,
  ),
} as const;

export type DiagnosticCode = keyof typeof CODES;
/**
 * What a target's `report` takes: every code names one case with typed params (issue #17.3 removed the
 * free-text catch-alls; test/diagnostics/no-catch-all.test.ts keeps them out of src/).
 */
export type SpecificCode = DiagnosticCode;
export type ParamsOf<C extends DiagnosticCode> = Parameters<(typeof CODES)[C]['message']>[0];
