/**
 * How Traefik answers the x-gateway keys its capability table does not decide
 * (src/model/keys.ts `perTarget` keys) and the keys whose answer is not their feature's. Checked
 * by test/targets/key-coverage.test.ts, which builds a spec per key and compares.
 */
import { policyBody, type TargetKeyTable } from '../key-table.js';

// https://doc.traefik.io/traefik/routing/services/#health-check
/** Open-source Traefik verifies a JWT only through the scheme's forwardAuth service (auth.jwt). */
const DELEGATED = { test: (_v: unknown, parent: Record<string, unknown>) => parent.forwardAuth !== undefined, says: 'when the scheme has forwardAuth' };
const BY_SERVICE = "open-source Traefik verifies JWTs only through the scheme's forwardAuth service: the service alone checks this claim setting, gwc cannot see whether it does";
const NO_THRESHOLDS = "Traefik v3's healthCheck has no thresholds: one failed check takes a server out, one passed check brings it back";
/** 1 is what Traefik does: nothing to say. */
const UNLESS_ONE = { test: (v: unknown) => v !== 1, says: 'unless 1' };

export const TRAEFIK_KEYS: TargetKeyTable = {
  // websocket's feature is native, but there is nothing to emit: the same output either way.
  'route.websocket': { answer: 'ignored', why: 'Traefik proxies the upgrade on every router already (https://doc.traefik.io/traefik/user-guides/websocket/): nothing to write' },
  'defaults.websocket': { answer: 'ignored', why: 'Traefik proxies the upgrade on every router already (https://doc.traefik.io/traefik/user-guides/websocket/): nothing to write' },
  'backends.*.lambda.fallbackUrl': { answer: 'native', note: 'the service Traefik proxies to instead of the function' },
  'backends.*.hostHeader': { answer: 'native', note: 'loadBalancer passHostHeader' },
  'backends.*.keepalive': { answer: 'native', note: 'serversTransport maxIdleConnsPerHost' },
  'backends.*.vpcLink': { answer: 'ignored', why: 'AWS only (the schema says so): Traefik reaches a private host directly' },
  // Traefik reads no body (src/targets/body-override.ts): the user's word is all there is.
  'backends.*.pathMatching': {
    answer: 'native',
    note: "exact: a path parameter beside a more protected literal route of the same backend is not refused for the literal's case or suffix variants (param-variant-reaches-protected); on your word that the backend matches paths exactly; gwc diff flags the declaration as security",
  },
  'backends.*.dotSegments': {
    answer: 'ignored',
    why: "Traefik's routers refuse a '.' or '..' path parameter value (and ';', '%') whatever the backend does (rule.ts): the declaration relaxes nothing here",
  },
  'backends.*.headerNames': {
    answer: 'ignored',
    why: "Traefik's routers and middlewares read their credential headers themselves and the statement is about a Lambda function's event, which only AWS hands on as sent: the declaration relaxes nothing here",
  },
  'backends.*.queryNames': {
    answer: 'ignored',
    why: "Traefik's own guards on a query credential (routers that exclude access_token's spellings, traefik-optional-query-key, traefik-optional-bearer-query) stand whatever the backend reads: the declaration relaxes nothing here",
  },
  'backends.*.methodOverride': {
    answer: 'native',
    note: "none: a POST beside a differently protected method of this backend builds (no traefik-body-method-override), on your word that its framework runs no body _method; gwc diff flags the declaration as security",
  },
  'backends.*.healthCheck.healthyThreshold': { answer: 'warned', code: 'traefik-health-threshold-ignored', why: NO_THRESHOLDS, when: UNLESS_ONE },
  'backends.*.healthCheck.unhealthyThreshold': { answer: 'warned', code: 'traefik-health-threshold-ignored', why: NO_THRESHOLDS, when: UNLESS_ONE },
  'consumers.*.groups': {
    answer: 'refused',
    code: 'capability-unsupported',
    why: 'groups are read by roles on a requirement (auth.roles), which Traefik does not check: refused at the requirement',
  },
  'consumers.*.credentials': {
    answer: 'refused',
    code: 'capability-unsupported',
    why: 'an API key: open-source Traefik has no API key check (auth.apiKey), refused at the requirement unless the scheme has forwardAuth; basic users are written (credentials.*.username)',
  },
  'consumers.*.credentials.*.username': { answer: 'native', note: 'basicAuth users' },
  'consumers.*.credentials.*.password': { answer: 'native', note: 'basicAuth users (hashed at deploy time)' },
  tls: { answer: 'native', note: 'tls.certificates in the dynamic file' },
  'tls.certificate': { answer: 'native', note: 'certFile' },
  'tls.key': { answer: 'native', note: 'keyFile (a ${file:...} reference; others are refused, traefik-tls-key-source)' },
  trustedProxies: { answer: 'ignored', why: "Traefik's own-origin rule takes the scheme from the servers, not from the connection; the entry point's forwardedHeaders.trustedIPs (static configuration) decides whose X-Forwarded-* headers pass: list the same addresses there" },
  'scheme.issuer': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.audiences': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.anyAudience': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.algorithms': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.clockSkew': { answer: 'warned', code: 'key-not-applied', why: BY_SERVICE, when: DELEGATED },
  'scheme.header': { answer: 'refused', code: 'capability-unsupported', why: 'open-source Traefik cannot verify a JWT (auth.jwt) unless the scheme has forwardAuth' },
  'scheme.realm': { answer: 'native', note: 'basicAuth realm' },
  'scheme.hideCredentials': {
    answer: 'refused',
    code: 'traefik-kept-cookie-credential',
    why: 'true is native (basicAuth removeHeader, or a headers middleware clearing the credential header; a cookie key: the whole Cookie header, with backendCookies: none), but a hidden query key, which no middleware removes, is refused (traefik-credential-not-hidden); false is refused on a header credential (traefik-kept-header-credential: its verifier reads one line, Traefik passes every line) and on a cookie key (traefik-kept-cookie-credential: no rule counts a cookie across Cookie lines), and required on a query key, which builds (a request naming it twice in any spelling is redirected without its query: query-names.ts)',
    when: { test: (v) => v === false, says: 'when false, but on a query key' },
  },
  'scheme.backendCookies': { answer: 'native', note: 'none lets a hidden cookie key be removed with the whole Cookie header (warned, traefik-cookie-header-removed); without it a hidden cookie key is refused (traefik-credential-not-hidden): the header may carry a session or CSRF cookie the backend reads' },
  // A header Traefik never verified would give each value its own bucket (policies.ts rateLimitMiddleware).
  ...policyBody('rateLimit.by', {
    answer: 'warned',
    code: 'limit-key-unverified',
    why: "a header no middleware of the route verifies is counted per client address instead (a caller could drain another's bucket); the header every alternative's auth verifies is counted per value, after auth",
    when: { test: (v) => typeof v === 'object' && v !== null, says: 'a header' },
  }),
  ...policyBody('rateLimit.by.header', {
    answer: 'warned',
    code: 'limit-key-unverified',
    why: "a header no middleware of the route verifies is counted per client address instead (a caller could drain another's bucket); the header every alternative's auth verifies is counted per value, after auth",
  }),
};
