/**
 * How nginx answers the x-gateway keys its capability table does not decide (src/model/keys.ts
 * `perTarget` keys) and the keys whose answer is not their feature's. Checked by
 * test/targets/key-coverage.test.ts, which builds a spec per key and compares.
 */
import { PURE_FALLBACK } from '../forward-fallback.js';
import { policyBody, type TargetKeyTable } from '../key-table.js';

const FALLBACK_ONLY = 'a fallback for targets that cannot verify the scheme; nginx verifies API keys, basic users and JWTs itself (a scheme only it verifies is refused by its feature)';
// https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server (max_fails, fail_timeout):
// open-source nginx checks passively only; active checks (health_check) are NGINX Plus.
/**
 * A JWT scheme with neither publicKeys nor a jwksUri: security.ts sends the token to the scheme's
 * forwardAuth service, and these claims are that service's to check.
 */
const DELEGATED = {
  test: (_v: unknown, parent: Record<string, unknown>) => parent.forwardAuth !== undefined && parent.publicKeys === undefined && parent.jwksUri === undefined,
  says: 'when the scheme has forwardAuth and neither publicKeys nor jwksUri',
};
const BY_SERVICE = "nginx verifies this JWT scheme through its forwardAuth service (no publicKeys or jwksUri to check a signature with): the service alone checks this claim setting, gwc cannot see whether it does";
const PASSIVE = 'open-source nginx sends no health probe (active checks are NGINX Plus only); a server is taken out after unhealthyThreshold failed requests within interval (passive max_fails/fail_timeout)';

export const NGINX_KEYS: TargetKeyTable = {
  'backends.*.lambda.fallbackUrl': { answer: 'native', note: 'the upstream nginx proxies to instead of the function' },
  'backends.*.hostHeader': { answer: 'native', note: 'proxy_set_header Host' },
  'backends.*.keepalive': { answer: 'native', note: 'upstream keepalive' },
  'backends.*.vpcLink': { answer: 'ignored', why: 'AWS only (the schema says so): nginx reaches a private host directly' },
  'backends.*.pathMatching': {
    answer: 'native',
    note: "exact: a path parameter beside a more protected literal route of the same backend is not refused for the literal's case or suffix variants (param-variant-reaches-protected); on your word that the backend matches paths exactly; gwc diff flags the declaration as security",
  },
  'backends.*.dotSegments': {
    answer: 'ignored',
    why: "nginx resolves '.' and '..' itself before it matches a location, and writes a path parameter into the backend path as one opaque segment ('.' and '..' as %2E, '/' and ';' encoded: njs upstreamPath): the declaration relaxes nothing here",
  },
  'backends.*.headerNames': {
    answer: 'ignored',
    why: "nginx reads its credential headers by their exact name and the statement is about a Lambda function's event, which only AWS hands on as sent: the declaration relaxes nothing here",
  },
  'backends.*.queryNames': {
    answer: 'ignored',
    why: "nginx reads every spelling of a query credential's name as backends do (njs nameAsRead, the table of src/targets/query-names.ts): beside a verified credential it is refused, alone it is verified, and it is stripped; the declaration relaxes nothing here",
  },
  'backends.*.methodOverride': {
    answer: 'ignored',
    why: "nginx reads the body and answers 400 to a _method in a form, multipart or JSON body whatever the backend does (njs bodyCheck): the declaration relaxes nothing here",
  },
  // https://nginx.org/en/docs/http/ngx_http_upstream_hc_module.html is NGINX Plus only.
  'backends.*.healthCheck.path': { answer: 'warned', code: 'key-not-applied', why: `${PASSIVE}: the path is never requested` },
  'backends.*.healthCheck.timeout': { answer: 'warned', code: 'key-not-applied', why: `${PASSIVE}: there is no probe to time out` },
  'backends.*.healthCheck.healthyThreshold': {
    answer: 'warned',
    code: 'key-not-applied',
    why: `${PASSIVE}: a server taken out is tried again after fail_timeout, with no count of passed probes`,
  },
  ...policyBody('rateLimit.per', { answer: 'native', note: 'limit_req rate in r/s or r/m; a rate below 1 per minute is refused (nginx-rate-too-fine), one not a whole number per minute rounded down (nginx-rate-rounded): limit_req has no slower unit' }),
  'consumers.*.groups': { answer: 'native', note: 'the njs roles check (auth.roles)' },
  'consumers.*.credentials': { answer: 'native', note: 'njs reads the keys from the environment or files' },
  'consumers.*.credentials.*.username': { answer: 'native', note: 'njs basic check' },
  'consumers.*.credentials.*.password': { answer: 'native', note: 'njs basic check, password from the environment or a file' },
  tls: { answer: 'native', note: 'listen ssl with ssl_certificate and ssl_certificate_key' },
  'tls.certificate': { answer: 'native', note: 'ssl_certificate' },
  'tls.key': { answer: 'native', note: 'ssl_certificate_key' },
  trustedProxies: { answer: 'native', note: "geo on $realip_remote_addr: a trusted proxy's X-Forwarded-Proto (http or https) is the own-origin check's scheme" },
  'scheme.issuer': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.audiences': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.anyAudience': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.algorithms': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.clockSkew': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.jwksUri': { answer: 'native', note: 'fetched by nginx through an internal location (TLS verified against trustedCa), cached 5 minutes, refreshed on an unknown kid at most once a minute (jwks.ts); publicKeys, when given, are used instead' },
  'scheme.header': { answer: 'native', note: 'the header njs reads the bearer token from' },
  'scheme.realm': { answer: 'native', note: 'WWW-Authenticate realm of the 401' },
  'scheme.hideCredentials': { answer: 'native', note: 'the credential header cleared toward the backend' },
  'scheme.backendCookies': { answer: 'ignored', why: "nginx removes a hidden cookie key itself, leaving the other cookies; the statement is read only where a target must remove the whole Cookie header (Traefik)" },
  // Red team 10 (forward-fallback.ts): never a silent drop. A service sent only the credential is a
  // fallback nginx says it does not call; one answering headers or reading others is asked too.
  'scheme.forwardAuth': {
    answer: 'warned',
    code: 'forward-auth-not-called',
    why: 'nginx verifies API keys, basic users and JWTs with keys itself; a service sent only the credential is the fallback for targets that cannot, and is not called (a JWT scheme without keys is verified by its service)',
    when: PURE_FALLBACK,
  },
  'scheme.forwardAuth.url': { answer: 'ignored', why: 'read only when nginx asks the service (it answers headers or reads others: scheme.forwardAuth); a service sent only the credential is not called' },
  'scheme.forwardAuth.requestHeaders': { answer: 'native', note: "the service is asked after nginx's own check (both must pass), sent these with the credential; guarded on OR routes, a credential on optional ones" },
  'scheme.forwardAuth.responseHeaders': { answer: 'native', note: "the service is asked after nginx's own check (both must pass); these are set toward the backend from its 2xx answer and cleared on every route" },
  'scheme.lambdaAuthorizer': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.arn': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.type': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.identitySource': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.ttlSeconds': { answer: 'ignored', why: FALLBACK_ONLY },
  'scheme.lambdaAuthorizer.contextHeaders': { answer: 'ignored', why: FALLBACK_ONLY },
  // policies.ts limitZone: only the route's verified API-key header is counted per value.
  ...policyBody('rateLimit.by', {
    answer: 'warned',
    code: 'limit-key-unverified',
    why: "a header the route does not verify as its API key is counted per client address instead (a caller could take a fresh bucket per value, or drain another's); the route's API-key header is counted per verified caller, after the check",
    when: { test: (v) => typeof v === 'object' && v !== null, says: 'a header' },
  }),
  ...policyBody('rateLimit.by.header', {
    answer: 'warned',
    code: 'limit-key-unverified',
    why: "a header the route does not verify as its API key is counted per client address instead (a caller could take a fresh bucket per value, or drain another's); the route's API-key header is counted per verified caller, after the check",
  }),
};
