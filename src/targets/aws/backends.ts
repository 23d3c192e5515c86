/**
 * `x-amazon-apigateway-integration` per route: http_proxy for URL backends, aws_proxy for Lambda,
 * mock for mock backends.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
 */
import { bearerInQuery } from '../bearer.js';
import {
  CLIENT_FORWARDING_HEADERS,
  DASH_NAME,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  URL_OVERRIDE_HEADERS,
} from '../../model/overrides.js';
import type { Backend, Route } from '../../model/types.js';
import { type Cfn, type Ctx } from './context.js';
import { isHeaderName, staticValue, vtlLiteral } from './escape.js';
import { credentialParameter } from './auth.js';
import { connectionOf } from './network.js';
import { lambdaUri } from './lambda-arn.js';
import { policyHooks } from './policies.js';
import { checkQuerySpellings } from './query-spellings.js';
import type { IntegrationParts } from './policy-parts.js';
import { credentialsElsewhere } from './credential-elsewhere.js';
import { hideUnenforced, refuseUnenforcedOnLambda } from './unenforced.js';
import { checkLambdaSpellings } from './lambda-spellings.js';
import { separatorSpellings } from '../header-spellings.js';
import { schemeCarriers } from '../credential-carriers.js';
import { headerNaming, type HeaderNaming } from './header-names.js';

// Moved to lambda-arn.ts (authorizers.ts needs them too, and backends.ts imports auth): re-exported.
export { lambdaArnParts, lambdaUri } from './lambda-arn.js';

/**
 * Inputs many frameworks read as "the real method" (a GET route's caller could make the backend
 * run DELETE): set to an empty static value on every http_proxy integration unless the operation
 * declares them. An integration request parameter replaces what the client sent, the same
 * mechanism that hides credentials. https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */
const OVERRIDE_HEADERS = METHOD_OVERRIDE_HEADERS;
const OVERRIDE_QUERY = METHOD_OVERRIDE_QUERY;

export interface Integration {
  integration: Cfn;
  /** OpenAPI responses of the operation (the method responses API Gateway creates). */
  responses: Record<string, Cfn>;
}

export function integrationFor(ctx: Ctx, route: Route, backend: Backend): Integration | undefined {
  if (backend.kind === 'mock') return mockIntegration(ctx, route, backend);
  const timeout = timeoutOf(ctx, route, backend);
  if (backend.kind === 'lambda') {
    const arn = backend.lambda?.arn ?? '';
    const uri = lambdaUri(arn);
    if (!uri) {
      ctx.report('aws-lambda-arn-invalid', { owner: 'backend', name: backend.name, arn }, backend.lambda?.loc ?? backend.loc);
      return undefined;
    }
    if (route.upstreamPath) {
      ctx.report('aws-lambda-upstream-path', { route: route.id }, route.upstreamPath.loc);
    }
    applyPolicies(ctx, route, { kind: 'aws_proxy', backend, requestParameters: {}, responseHeaders: {} });
    // An OR route's alternatives that are not enforced: nothing can be blanked on the way to a function.
    refuseUnenforcedOnLambda(ctx, route, backend.name);
    // The verified credential's other spellings are in the event too (lambda-spellings.ts).
    checkLambdaSpellings(ctx, route, backend);
    return {
      integration: { type: 'aws_proxy', httpMethod: 'POST', uri, passthroughBehavior: 'when_no_match', ...timeout },
      responses: { '200': { description: 'the Lambda function response' } },
    };
  }
  return httpIntegration(ctx, route, backend, timeout);
}

function timeoutOf(ctx: Ctx, route: Route, backend: Backend): Cfn {
  // REST integrations have one timeout (timeoutInMillis, the whole exchange); a connect timeout
  // has nowhere to go: said once per backend, at the backend (API_Integration.html).
  if (backend.connectTimeoutMs !== undefined && ctx.once(`connect-timeout ${backend.name}`)) {
    ctx.report('aws-connect-timeout-ignored', { backend: backend.name, ms: backend.connectTimeoutMs }, backend.loc);
  }
  const ms = route.timeoutMs ?? backend.timeoutMs;
  if (ms === undefined) return {};
  const max = ctx.options.maxTimeoutMs;
  if (ms > max) {
    ctx.report('aws-timeout-too-long', { route: route.id, ms, max }, backend.loc);
    return { timeoutInMillis: max };
  }
  if (ms < 50) {
    ctx.report('aws-timeout-too-short', { route: route.id, ms, min: 50 }, backend.loc);
    return { timeoutInMillis: 50 };
  }
  return { timeoutInMillis: ms };
}

function httpIntegration(ctx: Ctx, route: Route, backend: Backend, timeout: Cfn): Integration | undefined {
  const target = backend.targets[0];
  if (!target) {
    ctx.report('aws-backend-no-url', { backend: backend.name }, backend.loc);
    return undefined;
  }
  const { url } = target;
  const defaultPort = url.scheme === 'https' ? 443 : 80;
  const origin = `${url.scheme}://${url.host}${url.port === defaultPort ? '' : `:${url.port}`}`;
  const path = url.path + (route.upstreamPath?.template ?? route.path);
  const uri = origin + path;
  // RFC 3986 characters only: API Gateway requires a fully formed, encoded URL, and anything else
  // could not be checked here.
  if (!/^[A-Za-z0-9._~:/?#@!$&'()*+,;=%{}[\]-]+$/.test(uri)) {
    ctx.report('aws-backend-url-invalid', { backend: backend.name, uri }, backend.loc);
    return undefined;
  }
  const connection = connectionOf(ctx, backend);
  if (!connection) return undefined;
  // A query credential is blanked by its exact name only: refused unless the backend reads no
  // other spelling (the error fails the build; the integration is still made, so nothing else cascades).
  checkQuerySpellings(ctx, route, backend);
  const requestParameters: Record<string, string> = {};
  for (const p of route.params) requestParameters[`integration.request.path.${p}`] = `method.request.path.${p}`;
  const integration: Cfn = {
    type: 'http_proxy',
    httpMethod: route.method,
    uri,
    ...connection,
    passthroughBehavior: 'when_no_match',
    ...timeout,
  };
  tls(ctx, route, backend, integration);
  applyPolicies(ctx, route, { kind: 'http_proxy', backend, requestParameters, responseHeaders: {} });
  hideCredentials(ctx, route, requestParameters);
  hideUnenforced(ctx, route, requestParameters);
  neutraliseOverrides(ctx, route, requestParameters, headerNaming(backend));
  if (backend.hostHeader === 'client') {
    ctx.report('aws-host-header-client', { backend: backend.name }, backend.loc);
  }
  if (Object.keys(requestParameters).length > 0) integration.requestParameters = requestParameters;
  return { integration, responses: { '200': { description: 'passed through from the backend' } } };
}

/**
 * Method-override inputs the operation does not declare reach the backend empty (DESIGN.md 7.5),
 * and so do headers a client must never set (DESIGN.md 7.3): the identity headers gwc's gateways
 * set after verification (nginx's X-Consumer, Kong's X-Consumer-* and friends, a forward-auth
 * service's answer headers), which a backend written for gwc may trust behind any target, and the
 * client forwarding headers (Forwarded, X-Real-IP, X-Forwarded-Prefix/-Port/-Server). A REST
 * integration request parameter can only map a value (static, method request, context), never
 * remove a header, so each arrives empty, not absent
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html).
 * X-Forwarded-For (API Gateway appends the caller's address) and X-Forwarded-Proto are left to API
 * Gateway. A Lambda proxy integration takes no request parameters: the function receives every
 * header the client sent and must trust only its requestContext (README "What gwc guarantees").
 *
 * Every `-`/`_` spelling (header-spellings.ts): REST http_proxy passes a `X_Consumer` line as sent
 * (as credential-elsewhere.ts already reads), and PHP, Rack (Puma < 6.4.3, CVE-2024-45614), Unicorn
 * and CGI/WSGI read it as HTTP_X_CONSUMER, the identity header itself, whose dash spelling arrives
 * empty (red team 10: test/security/redteam10-aws-identity-spellings.test.ts). So the override,
 * identity and forward-auth answer headers, the other spellings of every header credential the
 * route's schemes read (verified or hidden: a backend reading `X_Api_Key` as the key gets a value
 * nobody checked) and `Transfer_Encoding` (FRAMING_KEYS) are mapped in each spelling, as the HTTP
 * API flavour removes them (http/integrations.ts). The forwarding family keeps its dash names, as
 * there (its 250 spellings would cost 19.7 KB per method: test/targets/aws/spellings-cost), unless
 * the backend says it reads `_` as `-` (`headerNames: folded`); a backend that reads names as sent
 * (`headerNames: exact`) gets no `_` spelling mapped at all (header-names.ts).
 */
function neutraliseOverrides(ctx: Ctx, route: Route, params: Record<string, string>, naming: HeaderNaming): void {
  const declared = route.declaredOverrides?.length ? new Set(route.declaredOverrides.map((o) => `${o.in} ${o.name.toLowerCase()}`)) : undefined;
  // Every key of `params`, lowercased, kept up to date below: a set, not a scan of the keys per
  // header (#18). A header the route sets itself (requestHeaders.set) already replaces the client's value.
  const now = new Set(Object.keys(params).map((k) => k.toLowerCase()));
  const empty = (key: string, lower: string) => {
    params[key] = "''";
    now.add(lower);
  };
  const exact = naming === 'exact';
  for (const h of exact ? OVERRIDE_DASH_KEYS : OVERRIDE_KEYS) if (!declared?.has(h.declared) && !now.has(h.lower)) empty(h.key, h.lower);
  if (!declared?.has(`query ${OVERRIDE_QUERY}`)) empty(OVERRIDE_QUERY_KEY.key, OVERRIDE_QUERY_KEY.lower);
  // RFC 6750 section 2.3: a backend may take a bearer token from ?access_token= (Spring,
  // passport-http-bearer); a Cognito or Lambda authorizer reads its header only, so that token is
  // never one API Gateway verified: it reaches the backend empty (red team 2 and 3; targets/bearer.ts).
  if (route.security.some((alt) => alt.some((i) => { const s = ctx.scheme(i.scheme); return s !== undefined && (s.kind === 'jwt' || bearerInQuery(s)); }))) empty(ACCESS_TOKEN_KEY.key, ACCESS_TOKEN_KEY.lower);
  // An API key's name in the place the authorizer does not read it (credential-elsewhere.ts).
  const elsewhere = credentialsElsewhere(ctx, route);
  for (const q of elsewhere.query) {
    const key = `integration.request.querystring.${q}`;
    if (!(key in params)) empty(key, key.toLowerCase());
  }
  // One mapping per header name, whatever its case: API Gateway header names are case-insensitive.
  const header = (h: { key: string; lower: string }) => {
    if (!now.has(h.lower)) empty(h.key, h.lower);
  };
  for (const h of exact ? FIXED_DASH_KEYS : FIXED_KEYS) header(h);
  for (const h of forwardAuthKeys(ctx, exact)) header(h);
  for (const h of naming === 'folded' ? FORWARDING_ALL_KEYS : FORWARDING_KEYS) header(h);
  for (const h of elsewhere.headers) header(parameterKey('header', h));
  if (!exact) for (const h of carrierSpellings(ctx, route)) header(parameterKey('header', h));
}

/**
 * The other `-`/`_` spellings of each header the route's schemes read a credential from (the key,
 * a JWT header, what a Lambda authorizer or forward-auth service is sent), none of them a name a
 * scheme of the route reads itself: the verified (or hidden) one arrives as checked, the other
 * spelling is the client's word. Sorted, each once.
 */
function carrierSpellings(ctx: Ctx, route: Route): string[] {
  const own = new Set<string>();
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s) for (const c of schemeCarriers(s)) if (c.in === 'header') own.add(c.name);
    }
  }
  const out = new Set<string>();
  for (const name of own) for (const v of separatorSpellings(name)) if (!own.has(v) && isHeaderName(v)) out.add(v);
  return [...out].sort();
}

/**
 * A request parameter's key and its lowercase, for the fixed lists neutraliseOverrides writes on
 * every route, made once, not per route (#18: ~100 keys per route, each a new string lowercased
 * and hashed again: the largest part of the AWS compile GitHub's lint runs).
 */
function parameterKey(place: 'header' | 'querystring', name: string): { key: string; lower: string } {
  const key = `integration.request.${place}.${name}`;
  return { key, lower: key.toLowerCase() };
}
/** A header name and its other `-`/`_` spellings. */
const spelt = (name: string): string[] => [name, ...separatorSpellings(name)];
const OVERRIDE_KEYS = OVERRIDE_HEADERS.flatMap((h) => spelt(h).map((v) => ({ ...parameterKey('header', v), declared: `header ${h.toLowerCase()}` })));
const OVERRIDE_QUERY_KEY = parameterKey('querystring', OVERRIDE_QUERY);
const ACCESS_TOKEN_KEY = parameterKey('querystring', 'access_token');
/**
 * `Transfer_Encoding` (every `_` spelling; the dash name is API Gateway's own framing, never a
 * request parameter): Unicorn and Puma < 5.0.3 read it as TRANSFER_ENCODING, so a client's
 * `chunked` frames the body a second way on the backend's kept-alive connection (smuggling). An
 * empty value is "not chunked" to them; Puma >= 5.0.3 keeps such a line apart
 * (UNMASKABLE_HEADERS), gunicorn frames by the dash name only. Content_Length is not mapped: an
 * empty mapping still sends the line, a second Content-Length to the parsers that fold `_`
 * (README "Known gaps").
 */
const FRAMING_KEYS = separatorSpellings('Transfer-Encoding').map((h) => parameterKey('header', h));
const FIXED_NAMES = [...URL_OVERRIDE_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...FOREIGN_IDENTITY_HEADERS];
const FIXED_KEYS = [...FIXED_NAMES.flatMap(spelt).map((h) => parameterKey('header', h)), ...FRAMING_KEYS];
const FORWARDING_KEYS = CLIENT_FORWARDING_HEADERS.filter(DASH_NAME).map((h) => parameterKey('header', h));
/** A backend that reads names as sent (`headerNames: exact`): the dash names only, no Transfer_Encoding (header-names.ts). */
const OVERRIDE_DASH_KEYS = OVERRIDE_HEADERS.map((h) => ({ ...parameterKey('header', h), declared: `header ${h.toLowerCase()}` }));
const FIXED_DASH_KEYS = FIXED_NAMES.map((h) => parameterKey('header', h));
/** A backend that reads `_` as `-` (`headerNames: folded`): the forwarding family in every spelling (~19.7 KB per method). */
const FORWARDING_ALL_KEYS = [...new Set([...CLIENT_FORWARDING_HEADERS, ...CLIENT_FORWARDING_HEADERS.filter(DASH_NAME).flatMap((h) => separatorSpellings(h))])].map((h) => parameterKey('header', h));

/** forwardAuthHeaders' keys (each in every `-`/`_` spelling, or as written for `exact`), made once per compile. */
const forwardAuthKeyMemo = new WeakMap<Ctx, { spelt: { key: string; lower: string }[]; dash: { key: string; lower: string }[] }>();
function forwardAuthKeys(ctx: Ctx, exact: boolean): { key: string; lower: string }[] {
  let lists = forwardAuthKeyMemo.get(ctx);
  if (!lists) {
    const names = forwardAuthHeaders(ctx);
    lists = { spelt: names.flatMap(spelt).filter(isHeaderName).map((h) => parameterKey('header', h)), dash: names.map((h) => parameterKey('header', h)) };
    forwardAuthKeyMemo.set(ctx, lists);
  }
  return exact ? lists.dash : lists.spelt;
}

/** The forward-auth services' answer headers (valid names only), read once per compile. */
const forwardAuthMemo = new WeakMap<Ctx, string[]>();
function forwardAuthHeaders(ctx: Ctx): string[] {
  let list = forwardAuthMemo.get(ctx);
  if (!list) forwardAuthMemo.set(ctx, (list = ctx.gateway.securitySchemes.flatMap((s) => s.forwardAuth?.responseHeaders ?? []).filter(isHeaderName)));
  return list;
}

/** https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-integration-tls-config.html */
function tls(ctx: Ctx, route: Route, backend: Backend, integration: Cfn): void {
  const t = backend.tls;
  const target = backend.targets[0];
  if (!t || !target || target.url.scheme !== 'https' || !ctx.plan.enforced(route.id, 'backend.tls')) return;
  if (t.caFile) ctx.report('aws-tls-ca-file', { backend: backend.name }, t.loc);
  if (t.serverName && t.serverName.toLowerCase() !== target.url.host.toLowerCase()) {
    ctx.report('aws-tls-server-name', { backend: backend.name, serverName: t.serverName }, t.loc);
  }
  if (!t.verify) integration.tlsConfig = { insecureSkipVerification: true };
}

/**
 * The route policies' part of the integration, through the map (policies.ts): `requestHeaders`
 * sets its static values here (request-headers.ts), CORS names a mock's origin (cors.ts).
 */
function applyPolicies(ctx: Ctx, route: Route, into: IntegrationParts): void {
  for (const hook of policyHooks('integration')) hook(ctx, route, into);
}

/**
 * Hide credentials: an http_proxy integration forwards every header, so overwrite the credential
 * headers with an empty static value. Written after the policies' parameters, so a requestHeaders
 * value for a credential header of the same spelling is replaced by the empty one.
 */
function hideCredentials(ctx: Ctx, route: Route, params: Record<string, string>): void {
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (!s?.hideCredentials) continue;
      // A header or query parameter name outside the token characters never compiled (the scheme is refused).
      const p = credentialParameter(s);
      if (p && isHeaderName(p.name)) params[`integration.request.${p.in}.${p.name}`] = "''";
    }
  }
}

function mockIntegration(ctx: Ctx, route: Route, backend: Backend): Integration | undefined {
  const mock = backend.mock;
  if (!mock) return undefined;
  const body = vtlLiteral(mock.body);
  if (body === undefined) {
    ctx.report('aws-mock-body-vtl', { backend: backend.name }, mock.loc);
    return undefined;
  }
  const status = String(mock.status);
  const responseParameters: Record<string, string> = {};
  const headers: Record<string, Cfn> = {};
  const all: Record<string, string> = { 'Content-Type': mock.contentType, ...mock.headers };
  applyPolicies(ctx, route, { kind: 'mock', backend, requestParameters: {}, responseHeaders: all });
  for (const name of Object.keys(all).sort()) {
    const v = staticValue(all[name] ?? '');
    if (!isHeaderName(name) || v === undefined) {
      ctx.report('aws-mock-header-invalid', { backend: backend.name, header: name }, mock.loc);
      continue;
    }
    responseParameters[`method.response.header.${name}`] = v;
    headers[name] = { schema: { type: 'string' } };
  }
  return {
    integration: {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      passthroughBehavior: 'when_no_match',
      responses: {
        default: { statusCode: status, responseParameters, responseTemplates: { [mock.contentType]: body } },
      },
    },
    responses: { [status]: { description: 'mock response', headers } },
  };
}
