/**
 * How Kong (decK) answers the x-gateway keys its capability table does not decide
 * (src/model/keys.ts `perTarget` keys) and the keys whose answer is not their feature's. Checked
 * by test/targets/key-coverage.test.ts, which builds a spec per key and compares.
 */
import { policyBody, type TargetKeyTable } from '../key-table.js';
import { BEYOND_CREDENTIAL, NON_EMPTY, PURE_FALLBACK } from '../forward-fallback.js';

const FALLBACK_ONLY = 'a fallback for targets that cannot verify the scheme; Kong verifies API keys and basic users itself (a scheme only it verifies is refused by its feature)';

export const KONG_KEYS: TargetKeyTable = {
  // websocket's feature is native, but there is nothing to emit: the same output either way.
  'route.websocket': { answer: 'ignored', why: "Kong's nginx passes the HTTP/1.1 upgrade on every http(s) route already (https://docs.konghq.com/gateway/latest/how-kong-works/routing-traffic/#proxy-websocket-traffic): nothing to write; idle connections close after the service read_timeout" },
  'defaults.websocket': { answer: 'ignored', why: "Kong's nginx passes the HTTP/1.1 upgrade on every http(s) route already (https://docs.konghq.com/gateway/latest/how-kong-works/routing-traffic/#proxy-websocket-traffic): nothing to write; idle connections close after the service read_timeout" },
  'backends.*.lambda.fallbackUrl': { answer: 'native', note: 'the service URL Kong proxies to instead of the function' },
  'backends.*.hostHeader': { answer: 'native', note: 'route preserve_host' },
  'backends.*.keepalive': {
    answer: 'warned',
    code: 'key-not-applied',
    // No per-upstream keepalive (https://github.com/Kong/kong/issues/14062): upstream_keepalive_* are kong.conf settings.
    why: "Kong's upstream keepalive pool is node configuration (upstream_keepalive_pool_size in kong.conf), not a service or upstream field decK writes",
  },
  'backends.*.vpcLink': { answer: 'ignored', why: 'AWS only (the schema says so): Kong reaches a private host directly' },
  'backends.*.pathMatching': {
    answer: 'native',
    note: "exact: a path parameter beside a more protected literal route of the same backend is not refused for the literal's case or suffix variants (param-variant-reaches-protected); on your word that the backend matches paths exactly; gwc diff flags the declaration as security",
  },
  'backends.*.dotSegments': {
    answer: 'ignored',
    why: "Kong's route regexes refuse a '.' or '..' path parameter value (and ';', '%') whatever the backend does (paths.ts): the declaration relaxes nothing here",
  },
  'backends.*.headerNames': {
    answer: 'ignored',
    why: "Kong's auth plugins read their credential headers themselves and the statement is about a Lambda function's event, which only AWS hands on as sent: the declaration relaxes nothing here",
  },
  'backends.*.queryNames': {
    answer: 'ignored',
    why: "Kong's query-spellings pre-function reads every spelling of a query credential's name as backends do (the table of src/targets/query-names.ts, rendered in Lua): the declaration relaxes nothing here",
  },
  'backends.*.methodOverride': {
    answer: 'ignored',
    why: "Kong removes _method from a form, multipart or JSON body whatever the backend does (request-transformer remove.body): the declaration relaxes nothing here",
  },
  'backends.*.tls.serverName': { answer: 'refused', code: 'kong-tls-server-name', why: 'a Kong service sends the URL host as SNI; another name is refused' },
  'backends.*.tls.caFile': { answer: 'refused', code: 'kong-tls-ca-file', why: 'a CA for a service is a Kong ca_certificate entity gwc does not write from a file' },
  ...policyBody('rateLimit.burst', {
    answer: 'warned',
    code: 'key-not-applied',
    why: 'the Kong OSS rate-limiting plugin has no burst allowance: requests above the rate are refused at once (stricter, never weaker)',
    when: { test: (v) => typeof v === 'number' && v > 0, says: 'above 0' },
  }),
  // A header Kong never verified would give each value its own bucket (kong/policies.ts rateLimitBy).
  ...policyBody('rateLimit.by', {
    answer: 'warned',
    code: 'limit-key-unverified',
    why: "a header Kong does not verify is counted per client address instead (a caller could drain another's bucket); the route's own API key header is counted per credential",
    when: { test: (v) => typeof v === 'object' && v !== null, says: 'a header' },
  }),
  ...policyBody('rateLimit.by.header', {
    answer: 'warned',
    code: 'limit-key-unverified',
    why: "a header Kong does not verify is counted per client address instead (a caller could drain another's bucket); the route's own API key header is counted per credential",
  }),
  ...policyBody('cache', {
    answer: 'native',
    note: 'proxy-cache per consumer; a route cached for every caller alike is refused (kong-cache-key-ambiguous), and one whose callers share an identity too (kong-cache-identity-shared)',
  }),
  ...policyBody('cache.keyQuery', {
    answer: 'warned',
    code: 'key-not-applied',
    why: 'proxy-cache always keys on the query string (vary_query_params only narrows it to named parameters): responses are still cached per query, which misses more but never serves another query its answer',
    when: { test: (v) => v === false, says: 'when false' },
  }),
  'consumers.*.groups': { answer: 'native', note: 'acl groups of the consumer' },
  'consumers.*.credentials': { answer: 'native', note: 'keyauth_credentials and basicauth_credentials as decK env templates' },
  'consumers.*.credentials.*.username': { answer: 'native', note: 'basicauth_credentials username' },
  'consumers.*.credentials.*.password': { answer: 'native', note: 'basicauth_credentials password as a decK env template' },
  tls: { answer: 'native', note: 'a certificate entity with snis for the gateway hosts' },
  'tls.certificate': { answer: 'native', note: 'certificate cert, a decK env template' },
  'tls.key': { answer: 'native', note: 'certificate key, a decK env template' },
  trustedProxies: { answer: 'ignored', why: "Kong believes X-Forwarded-Proto only from kong.conf trusted_ips (the websocket guard reads kong.request.get_forwarded_scheme), which a decK file cannot set: list the same addresses there" },
  'scheme.header': { answer: 'refused', code: 'capability-unsupported', why: 'Kong OSS cannot verify a JWT against an issuer (auth.jwt), refused at the requirement' },
  'scheme.realm': {
    answer: 'warned',
    code: 'key-not-applied',
    why: "basic-auth's realm field exists from Kong 3.6 only and gwc writes configuration every Kong 3 loads: the challenge names Kong's default realm",
  },
  'scheme.hideCredentials': { answer: 'native', note: 'hide_credentials on the auth plugin, and a request-transformer removal' },
  'scheme.backendCookies': { answer: 'refused', code: 'kong-api-key-cookie', why: 'it stands only beside a cookie API key (on any other scheme it is refused at its line, schema-invalid), and Kong refuses a cookie API key' },
  // Red team 10 (forward-fallback.ts): Kong OSS cannot call a service. A service sent
  // only the credential is a fallback said not called; one the backend relies on for more is refused.
  'scheme.forwardAuth': {
    answer: 'warned',
    code: 'forward-auth-not-called',
    why: 'Kong verifies the scheme itself and never calls the service, the fallback for targets that cannot (a scheme only the service verifies is refused by its feature)',
    when: PURE_FALLBACK,
  },
  'scheme.forwardAuth.url': { answer: 'ignored', why: 'Kong never calls the service (scheme.forwardAuth says so, or its headers are refused)' },
  'scheme.forwardAuth.requestHeaders': {
    answer: 'refused',
    code: 'forward-auth-not-callable',
    why: "Kong cannot call the service that verifies these headers beside the credential: the backend would read them unverified",
    when: BEYOND_CREDENTIAL,
  },
  'scheme.forwardAuth.responseHeaders': {
    answer: 'refused',
    code: 'forward-auth-not-callable',
    why: "Kong cannot call the service whose answer headers the backend reads as the caller (they are still removed from every client request, every spelling)",
    when: { test: NON_EMPTY.test, says: 'when it names any header, unless the spec accepts auth.forward for kong (x-gateway.accept): then warned (forward-auth-answer-unset), the headers removed from clients and never set' },
  },
  'scheme.lambdaAuthorizer': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.arn': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.type': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.identitySource': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.ttlSeconds': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.contextHeaders': { answer: 'ignored', why: FALLBACK_ONLY },
};
