/**
 * How API Gateway (REST) answers the x-gateway keys its capability table does not decide
 * (src/model/keys.ts `perTarget` keys) and the keys whose answer is not their feature's. Checked
 * by test/targets/key-coverage.test.ts, which builds a spec per key and compares.
 */
import { policyBody, type KeyCondition, type TargetKeyTable } from '../key-table.js';
import { BEYOND_CREDENTIAL, NON_EMPTY, PURE_FALLBACK } from '../forward-fallback.js';

const TLS_WHY =
  "API Gateway serves a custom domain with an ACM certificate, given as the template's CertificateArn parameter (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html); a PEM certificate and key cannot be imported by the template";

// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html
// A Cognito user pool authorizer verifies a token with the pool's own signing keys (its JWKS at
// <issuer>/.well-known/jwks.json) and Cognito signs with RS256 only
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
// None of the scheme's own verification settings can be given to it, so one that could admit a
// token the spec refuses is refused (an auth setting is never only warned about, DESIGN.md 7).
const COGNITO_WHY = "a Cognito user pool authorizer verifies the token with the pool's own keys (RS256, its JWKS) and nothing else can be configured";
const LAMBDA_HINT = 'give the scheme an x-gateway.lambdaAuthorizer that checks it';

/** The same pattern as authorizers.ts: the issuer API Gateway compiles to a Cognito authorizer. */
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+_[A-Za-z0-9]+)\/?$/;

/** The scheme is verified by a Cognito authorizer gwc writes: a Cognito issuer and no Lambda authorizer. */
const cognito = (scheme: Record<string, unknown>) =>
  typeof scheme.issuer === 'string' && COGNITO_ISSUER.test(scheme.issuer) && scheme.lambdaAuthorizer === undefined;

/** Refused on a Cognito-verified scheme unless `same` says the value is what Cognito does anyway. */
const onCognito = (says: string, same: (v: unknown, scheme: Record<string, unknown>) => boolean): KeyCondition => ({
  test: (v, scheme) => cognito(scheme) && !same(v, scheme),
  says: `with a Cognito issuer, ${says}`,
});

const ZERO_DURATION = /^0+(\.0+)?(ms|s|m|h)?$/;

export const AWS_KEYS: TargetKeyTable = {
  'backends.*.lambda.fallbackUrl': { answer: 'ignored', why: 'API Gateway invokes the function itself; the fallback URL is for targets without Lambda' },
  'backends.*.hostHeader': {
    answer: 'warned',
    code: 'aws-host-header-client',
    why: "an http_proxy integration sends the backend's own Host header; hostHeader: client is not honoured",
    when: { test: (v) => v === 'client', says: 'client' },
  },
  'backends.*.connectTimeout': {
    answer: 'warned',
    code: 'aws-connect-timeout-ignored',
    why: 'API Gateway REST has one integration timeout (timeoutInMillis) and no separate connect timeout',
  },
  'backends.*.keepalive': {
    answer: 'warned',
    code: 'key-not-applied',
    why: 'API Gateway manages its connections to an integration endpoint itself; an idle-connection pool size cannot be set',
  },
  'backends.*.vpcLink': { answer: 'native', note: 'connectionType VPC_LINK with this connectionId' },
  // API Gateway passes a body through unread (src/targets/body-override.ts): the user's word is all there is.
  'backends.*.pathMatching': {
    answer: 'ignored',
    why: "API Gateway refuses a path parameter beside a more protected literal route of the same backend whatever the backend matches (aws-path-param-confusable: a value `me;` reaches /users/me), so the declaration makes nothing build here",
  },
  'backends.*.dotSegments': {
    answer: 'native',
    note: "rejected: a path parameter's value is not read as climbing out of its route ('..'), so fewer routes are aws-path-param-confusable; on your word that the backend never resolves '.' or '..' segments; gwc diff flags the declaration as security",
  },
  'backends.*.queryNames': {
    answer: 'native',
    note: "exact: a route whose credential travels in the query (an API key behind a Lambda authorizer) builds, and a cached route keys a query credential of the spec by its exact name; lenient (default) refuses them (aws-query-credential-spellings, aws-cache-query-credential) and warns at the backend that a header credential's name in the query is blanked by its exact name only (aws-query-name-spellings), since an integration request parameter blanks the exact name only (its name may hold letters, digits and . _ $ - only) and a backend reads api_key[], API_KEY or api.key as the key; on your word that the backend reads exact names; gwc diff flags the declaration as security",
  },
  'backends.*.headerNames': {
    answer: 'native',
    note: "exact: a route to a Lambda function whose verified header credential has a '-' or '_' in its name (X-Api-Key, X-Token) builds; folded (default) refuses it (aws-lambda-header-spellings), since a Lambda proxy integration takes no request parameters and an adapter that rebuilds a CGI or PHP request (Bref, serverless-wsgi) reads X_Token from the event as X-Token; on your word that the function reads header names exactly; on an HTTP backend, exact maps no '_' spelling at all (a smaller template), folded (stated) empties every spelling of the forwarding family too (X_Forwarded_User, X_Real_IP: ~20 KB per route), and unstated empties the guarded headers in every spelling, the forwarding family by its dash names, with warning aws-header-name-spellings; on your word; gwc diff flags exact as security",
  },
  'backends.*.methodOverride': {
    answer: 'native',
    note: "none: a POST beside a differently protected method of this backend builds (no aws-body-method-override), on your word that its framework runs no body _method, beside queryNames: exact (else aws-query-method-override: API Gateway blanks the query's _method by that exact name only, not [_method] or .method); gwc diff flags the declaration as security",
  },
  'backends.*.tls.serverName': { answer: 'refused', code: 'aws-tls-server-name', why: 'API Gateway sends the URL host as SNI; another server name cannot be set' },
  'backends.*.tls.caFile': { answer: 'refused', code: 'aws-tls-ca-file', why: 'API Gateway verifies HTTPS backends against public CAs only' },
  // src/targets/aws/stage.ts: API Gateway counts per caller only by API key (usage plan).
  ...policyBody('rateLimit.by', {
    answer: 'refused',
    code: 'aws-limit-key-unsupported',
    why: 'API Gateway cannot count a throttle by a header (one stage bucket any caller could drain for all); the x-api-key header on an API-key route is the usage plan throttle, per key. by: ip (and by: consumer without an API key) is one bucket for all callers, warned (aws-limit-shared-bucket)',
    when: { test: (v) => typeof v === 'object' && v !== null && String((v as { header?: unknown }).header).toLowerCase() !== 'x-api-key', says: 'a header other than x-api-key' },
  }),
  ...policyBody('rateLimit.by.header', {
    answer: 'refused',
    code: 'aws-limit-key-unsupported',
    why: 'API Gateway cannot count a throttle by a header (one stage bucket any caller could drain for all); the x-api-key header on an API-key route is the usage plan throttle, per key',
    when: { test: (v) => String(v).toLowerCase() !== 'x-api-key', says: 'other than x-api-key' },
  }),
  ...policyBody('cors.methods', {
    answer: 'emulated',
    how: "the preflight's Allow-Methods lists the path's own methods that are in the list (a method the path does not serve is never allowed)",
  }),
  ...policyBody('cors.exposeHeaders', {
    answer: 'warned',
    code: 'key-not-applied',
    why: 'proxy integrations pass the backend response through unchanged: the backend must send Access-Control-Expose-Headers itself',
  }),
  ...policyBody('cache.keyQuery', {
    answer: 'warned',
    code: 'aws-cache-query-declared-only',
    why: "API Gateway keys its cache on the query parameters the operation declares only: an undeclared parameter does not split the cache (said at the route's cache)",
    when: { test: (v) => v !== false, says: 'unless false' },
  }),
  ...policyBody('requestHeaders.remove', {
    answer: 'refused',
    code: 'aws-request-header-remove',
    why: 'an http_proxy integration can set a request header but not remove one',
  }),
  'consumers.*.groups': {
    answer: 'refused',
    code: 'capability-unsupported',
    why: 'groups are read by roles on a requirement (auth.roles), which API Gateway cannot check: refused at the requirement',
  },
  'consumers.*.credentials': { answer: 'native', note: 'API keys of the usage plan (values from the environment at deploy time)' },
  'consumers.*.credentials.*.username': {
    answer: 'refused',
    code: 'capability-unsupported',
    why: 'basic authentication (auth.basic) needs a Lambda authorizer on API Gateway: refused at the requirement unless the scheme names one',
  },
  'consumers.*.credentials.*.password': {
    answer: 'refused',
    code: 'capability-unsupported',
    why: 'basic authentication (auth.basic) needs a Lambda authorizer on API Gateway: refused at the requirement unless the scheme names one',
  },
  tls: { answer: 'warned', code: 'key-not-applied', why: TLS_WHY },
  'tls.certificate': { answer: 'ignored', why: 'said once at x-gateway.tls (key-not-applied)', saidAt: 'tls' },
  'tls.key': { answer: 'ignored', why: 'said once at x-gateway.tls (key-not-applied)', saidAt: 'tls' },
  trustedProxies: { answer: 'ignored', why: 'API Gateway is the edge: clients connect to it, so no proxy in front of it is read (REST sends the backend X-Forwarded-Proto https)' },
  'scheme.audiences': {
    answer: 'refused',
    code: 'aws-cognito-audiences',
    why: 'a Cognito user pool authorizer does not check the token audience (a Lambda authorizer you write can)',
  },
  'scheme.anyAudience': {
    answer: 'native',
    note: 'required with a Cognito issuer (its authorizer admits a token of any app client of the pool; jwt-audience-missing without it); a Lambda authorizer checks what your function checks',
  },
  'scheme.jwksUri': {
    answer: 'refused',
    code: 'key-refused',
    why: `${COGNITO_WHY}: it reads the pool's JWKS, never another; write the pool's own (<issuer>/.well-known/jwks.json) or ${LAMBDA_HINT}`,
    when: onCognito("unless the pool's own JWKS", (v, s) => v === `${String(s.issuer).replace(/\/$/, '')}/.well-known/jwks.json`),
  },
  'scheme.publicKeys': {
    answer: 'refused',
    code: 'key-refused',
    why: `${COGNITO_WHY}: these keys are not the ones it trusts, and gwc cannot tell whether they are the pool's; remove them or ${LAMBDA_HINT}`,
    when: onCognito('any keys', (v) => Array.isArray(v) && v.length === 0),
  },
  'scheme.algorithms': {
    answer: 'refused',
    code: 'key-refused',
    why: `${COGNITO_WHY}: it admits RS256 tokens, which this list does not allow; add RS256 or ${LAMBDA_HINT}`,
    when: onCognito('without RS256', (v) => Array.isArray(v) && v.includes('RS256')),
  },
  'scheme.clockSkew': {
    answer: 'refused',
    code: 'key-refused',
    why: `${COGNITO_WHY}: no leeway can be given to it; remove clockSkew (tokens are then refused the moment they expire) or ${LAMBDA_HINT}`,
    when: onCognito('above 0', (v) => v === 0 || (typeof v === 'string' && ZERO_DURATION.test(v))),
  },
  'scheme.header': { answer: 'native', note: "the Cognito authorizer's or the Lambda authorizer's identity source header" },
  'scheme.realm': {
    answer: 'refused',
    code: 'capability-unsupported',
    why: 'basic authentication (auth.basic) needs a Lambda authorizer on API Gateway, which answers 401 itself',
  },
  'scheme.hideCredentials': { answer: 'native', note: 'the credential header blanked in the integration request parameters' },
  'scheme.backendCookies': { answer: 'refused', code: 'aws-api-key-location', why: "it stands only beside a cookie API key (on any other scheme it is refused at its line, schema-invalid), and API Gateway's own API keys refuse a cookie; a cookie key with a lambdaAuthorizer and backendCookies: none builds (the whole Cookie header reaches the backend empty; context-headers.ts)" },
  // Red team 10 (forward-fallback.ts): API Gateway cannot call a service (a Lambda
  // authorizer is its only hook). A service sent only the credential is a fallback said not called;
  // one the backend relies on for more is refused.
  'scheme.forwardAuth': {
    answer: 'warned',
    code: 'forward-auth-not-called',
    why: 'API Gateway verifies the scheme itself and never calls the service, the fallback for targets that cannot (a scheme only the service verifies is refused by its feature)',
    when: PURE_FALLBACK,
  },
  'scheme.forwardAuth.url': { answer: 'ignored', why: 'API Gateway never calls the service (scheme.forwardAuth says so, or its headers are refused)' },
  'scheme.forwardAuth.requestHeaders': {
    answer: 'refused',
    code: 'forward-auth-not-callable',
    why: "API Gateway cannot call the service that verifies these headers beside the credential: the backend would read them unverified",
    when: BEYOND_CREDENTIAL,
  },
  'scheme.forwardAuth.responseHeaders': {
    answer: 'refused',
    code: 'forward-auth-not-callable',
    why: "API Gateway cannot call the service whose answer headers the backend reads as the caller (they are still removed from every client request: every spelling on an HTTP API, the '-' one on REST; never on the way to a Lambda function)",
    when: { test: NON_EMPTY.test, says: 'when it names any header, unless the spec accepts auth.forward for aws on an HTTP API whose routes requiring the scheme go to HTTP backends: then warned (forward-auth-answer-unset), removed from clients and never set' },
  },
};
