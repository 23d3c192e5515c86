/**
 * Per-route view: the internal location a path location dispatches a method to. Access-phase
 * controls (IP rules, limit_req, auth_request) live in that location, and nothing in it answers
 * in the rewrite phase (`return`) before them: a mock behind a control is served by njs in the
 * content phase, after the checks (https://nginx.org/en/docs/dev/development_guide.html#http_phases).
 */
import { CLIENT_FORWARDING_HEADERS, FOREIGN_IDENTITY_HEADERS, GATEWAY_IDENTITY_HEADERS, METHOD_OVERRIDE_HEADERS, URL_OVERRIDE_HEADERS } from '../../model/overrides.js';
import { parsedPath } from '../../model/paths.js';
import type { Route } from '../../model/types.js';
import { upstreamFor, ms, type UpstreamView } from './backends.js';
import type { Ctx } from './context.js';
import { commentText, headerName, headerValue, pathText, Refused, refuseControl, type ValuePart } from './escape.js';
import { paramVar } from './layout.js';
import type { PolicyRegistry } from './policies.js';
import { fillPolicies } from './policy-map.js';
import { internalUri, BODY_CHECK_BUFFER, type BodyCheckView, type RouteView } from './route-view.js';
import { bearerBodyRoute, bodyKeyPatterns, hiddenHeaders, hiddenParams, IDENTITY_HEADERS, securityOf } from './security.js';
import { headerKeyQueryNames, queryKeyHeaders } from './credential-elsewhere.js';
import { keptCookiesVar, keptGuards, keptHeaderVar } from './kept-credentials.js';
import { upgradeOrigins } from '../websocket-origin.js';

/** How long an open WebSocket may stay silent before nginx closes it. */
const WEBSOCKET_IDLE_MS = 3_600_000;

export function routeView(ctx: Ctx, reg: PolicyRegistry, route: Route, index: number, params: string[]): RouteView | undefined {
  const view: RouteView = {
    index,
    comment: commentText(`${route.method} ${route.publicPath} (${route.id})`),
    uri: internalUri('r', index),
    preflightUri: internalUri('p', index),
    accessLog: false,
    hideArgs: false,
    // `_method` in the query is refused (400) unless the operation declares it.
    refuseOverride: !(route.declaredOverrides ?? []).some((d) => d.in === 'query'),
    // A bearer token in Sec-WebSocket-Protocol: no check of gwc's reads it (../subprotocol-token.ts).
    ...(bearerBodyRoute(ctx, route) ? { refuseWsToken: true } : {}),
    requestHeaders: [],
    responseSet: [],
    responseHide: [],
    hiddenHeaders: [],
    clearHeaders: [],
    njs: { id: route.id, security: [] },
  };
  if (route.security.length > 0) {
    // The capability check already failed the build for any scheme nginx cannot enforce.
    view.authUri = internalUri('a', index);
    view.njs.security = route.security.map((alt) => alt.map((i) => ({ scheme: i.scheme, scopes: [...i.scopes].sort() })));
    if (route.optionalAuth) view.optionalAuth = true;
    ctx.needsNjs = true;
    // A key's name in the place nginx does not read it is removed too (credential-elsewhere.ts).
    view.hiddenHeaders = [...new Set([...hiddenHeaders(ctx, route), ...queryKeyHeaders(ctx, route)])].sort();
    const q = [...new Set([...hiddenParams(ctx, route, 'query'), ...headerKeyQueryNames(ctx, route)])].sort();
    if (q.length > 0) {
      view.hideArgs = true;
      view.njs.hideQuery = q;
    }
    const c = hiddenParams(ctx, route, 'cookie');
    if (c.length > 0) {
      view.hideCookies = true;
      view.njs.hideCookies = c;
    }
  }
  // Each policy through nginx's policy map (policy-map.ts): the access controls now, the rest
  // once the upstream is known, validation after every route (compile.ts).
  const input = { ctx, reg, route, view, params };
  fillPolicies('access', input);
  const backend = ctx.backend(route);
  if (!backend) {
    ctx.report('unknown-backend', { name: route.backend, suggestion: '' }, route.loc);
    return undefined;
  }
  if (backend.kind === 'mock' && backend.mock) {
    const m = backend.mock;
    const guarded = !!(view.authUri || view.ip || view.limit);
    const headers = ctx.safe(m.loc, () => Object.keys(m.headers).sort().map((k) => ({ name: headerName(k), value: headerValue(k, m.headers[k]!) })));
    const contentType = ctx.safe(m.loc, () => mediaType(m.contentType));
    // Tab, CR and LF are written as nginx escapes; any other control character is refused.
    const body = ctx.safe(m.loc, () => (refuseControl('mock body', m.body.replace(/[\t\r\n]/g, ' ')), m.body));
    if (!headers || !contentType || body === undefined) return undefined;
    const viaNjs = guarded || (m.status >= 300 && m.status < 400) || m.status < 200 || m.status > 599;
    if (viaNjs) ctx.needsNjs = true;
    view.mock = { status: m.status, body: m.body, contentType: m.contentType, headers, viaNjs };
    view.njs.mock = { status: m.status, body: m.body, contentType: m.contentType, headers: Object.fromEntries(headers.map((h) => [h.name, h.value])) };
    return view;
  }
  const upstream = upstreamFor(ctx, backend, route);
  if (!upstream) return undefined;
  view.upstream = upstream;
  view.body = bodyCheckView(view, route, bearerBodyRoute(ctx, route), bodyKeyPatterns(ctx, route), bodyKeyPatterns(ctx, route, true));
  if (view.body) {
    view.njs.body = view.body.next;
    if (view.body.token) view.njs.bodyToken = true;
    if (view.body.keys.length > 0) view.njs.bodyKeys = view.body.keys;
    if (view.body.jsonKeys.length > 0) view.njs.jsonKeys = view.body.jsonKeys;
    if (!view.body.method) view.njs.bodyMethod = false;
    ctx.needsNjs = true;
  }
  if (route.timeoutMs !== undefined) view.timeout = ms(route.timeoutMs);
  else if (upstream.timeout !== undefined) view.timeout = upstream.timeout;
  if (route.websocket && ctx.plan.enforced(route.id, 'websocket')) {
    // proxy_read_timeout is the longest silence on an open WebSocket (60s by default): an hour,
    // never shorter than the route's own timeout (https://nginx.org/en/docs/http/websocket.html).
    view.websocket = true;
    view.timeout = ms(Math.max(WEBSOCKET_IDLE_MS, route.timeoutMs ?? 0));
    // Cross-Site WebSocket Hijacking: only the request's own origin may upgrade (../websocket-origin.ts).
    if (upgradeOrigins(route, ctx.gateway.securitySchemes) === 'same') view.wsSameOrigin = true;
  }
  // proxy_next_upstream: nginx never retries a non-idempotent request once it was sent (the default).
  if (upstream.retries === 0) view.noRetry = true;
  else if (upstream.retries !== undefined) view.tries = upstream.retries + 1;
  const rewrite = ctx.safe(route.upstreamPath?.loc ?? route.loc, () => upstreamPath(route, upstream.basePath, params));
  if (!rewrite) return undefined;
  view.rewrite = rewrite;
  fillPolicies('proxy', input);
  keptView(ctx, view, route);
  view.clearHeaders = clearHeaders(ctx, view, route);
  return view;
}

/**
 * An OR route's kept credentials go on only when the alternative that passed verified them
 * (kept-credentials.ts): the auth handler answers them, the route sends them from its answer. A
 * header the route's own requestHeaders set is the route's, not the client's: left to that policy.
 */
function keptView(ctx: Ctx, view: RouteView, route: Route): void {
  const g = keptGuards(ctx, route);
  if (g.headers.length + g.query.length + g.cookies.length === 0 && !g.cookieHeader) return;
  view.njs.kept = {
    ...(g.headers.length > 0 ? { headers: g.headers } : {}),
    ...(g.query.length > 0 ? { query: g.query } : {}),
    ...(g.cookies.length > 0 ? { cookies: g.cookies } : {}),
    ...(g.cookieHeader ? { cookieHeader: g.cookieHeader } : {}),
  };
  // Nor one gwc clears or sets itself on every route (identity, overrides, forwarding): a
  // forward-auth service's requestHeaders may name X-Consumer, never sent as the client wrote it.
  const set = new Set([...view.requestHeaders.map((h) => h.name), ...clearList(ctx, view, new Set()).map((h) => h.name)].map((h) => h.toLowerCase()));
  view.kept = {
    headers: g.headers.flatMap((h, index) => (set.has(h.name) ? [] : [{ name: h.name, index, variable: keptHeaderVar(ctx, index) }])),
    args: g.query.length > 0,
    ...(g.cookies.length > 0 || g.cookieHeader ? { cookies: keptCookiesVar(ctx) } : {}),
  };
}

/** Methods whose request body no framework reads for a method override (Rack, Laravel, Symfony, Express read POST). */
const BODYLESS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/**
 * `_method` in a form, multipart or JSON body: Rails (Rack::MethodOverride), Laravel, Symfony
 * (http_method_override) and Express method-override run the method it names, so a caller
 * authorised for POST would run DELETE (DESIGN.md section 7.5). nginx's access phase cannot read a
 * body, so a proxied route with a method that carries one is dispatched first to a content
 * location whose njs handler reads the body (js_content), refuses an override (400) and otherwise
 * redirects, body kept, to the route (njs/runtime.js bodyCheck). Not where the operation declares
 * `_method` itself (Route.declaredOverrides), nor on mocks (no backend reads the body). On a route
 * with a bearer scheme (`token`), every method (GET included: passport-http-bearer reads any
 * parsed body) gets the check for `access_token` in a form or multipart body, or as a JSON key at
 * any depth (security.ts bearerBodyRoute),
 * and on a route with a query or header API key (`keys`), every method gets the check for that key's
 * name in a form, multipart or JSON body (security.ts bodyKeyPatterns).
 */
function bodyCheckView(view: RouteView, route: Route, token: boolean, keys: string[], jsonKeys: string[]): BodyCheckView | undefined {
  const method = !BODYLESS.has(route.method) && view.refuseOverride;
  if (!view.upstream || (!method && !token && keys.length === 0)) return undefined;
  const limit = view.bodyLimit !== undefined ? Number(view.bodyLimit) : BODY_CHECK_BUFFER;
  return {
    uri: internalUri('b', view.index),
    next: view.limit?.verifyUri ?? view.uri,
    buffer: String(Math.max(1, Math.min(limit, BODY_CHECK_BUFFER))),
    method,
    token,
    keys,
    jsonKeys,
  };
}

/**
 * What every route clears (DESIGN.md sections 7.3 and 7.5), from the lists every target shares
 * (src/model/overrides.ts): method-override headers (a backend that honours one would run DELETE
 * for a request nginx authorised as GET; the `_method` query parameter is refused with 400 by the
 * route location, templates-route.ts), URL-override headers (IIS URL Rewrite, Zend/Laminas and
 * Symfony before 3.4.14, CVE-2018-14773, route on them instead of the request line), identity
 * headers gwc's gateways set, and client forwarding headers. A route's own requestHeaders may set
 * any of them, and a method-override header the operation declares passes.
 */
function clearHeaders(ctx: Ctx, view: RouteView, route: Route): ClearHeader[] {
  // A header the operation declares as a parameter is the API's own input, passed on.
  const declared = (route.declaredOverrides ?? []).filter((d) => d.in === 'header').map((d) => d.name);
  const own = new Set([...view.hiddenHeaders, ...view.requestHeaders.map((h) => h.name), ...(view.kept?.headers ?? []).map((h) => h.name), ...declared].map((h) => h.toLowerCase()));
  // The list depends on the route only through `own` and whether it has an auth check, which
  // most routes of a compile share: made once per distinct pair (#18: ~40 entries for each of
  // 10,000 routes). The routes that share it get the list itself (only the template reads it, never
  // changed): the template renders a shared list once (emit.ts eachShared) and lint's
  // renderMayRefuse walks it once (#18: 10,000 copies of ~70 entries). The derived names asked for
  // are the same for the same text (Ctx.derivedName), so asking once is enough.
  let byKey = clearsOf.get(ctx);
  if (!byKey) clearsOf.set(ctx, (byKey = new Map()));
  const key = JSON.stringify([[...own].sort(), Boolean(view.authUri)]);
  let list = byKey.get(key);
  if (!list) byKey.set(key, (list = clearList(ctx, view, own)));
  return list as ClearHeader[];
}
type ClearHeader = { name: string; variable?: string };
const clearsOf = new WeakMap<Ctx, Map<string, readonly ClearHeader[]>>();

function clearList(ctx: Ctx, view: RouteView, own: ReadonlySet<string>): ClearHeader[] {
  const out: ClearHeader[] = [];
  // The names in `out`, lowercased: a set, not a scan of `out` per header (#18).
  const added = new Set<string>();
  const add = (name: string, variable: string | undefined) => {
    const lower = name.toLowerCase();
    if (own.has(lower) || added.has(lower)) return;
    added.add(lower);
    out.push(variable && view.authUri ? { name, variable } : { name });
  };
  const sec = securityOf(ctx);
  // Cleared on a gateway with no secured route too: a backend written for gwc trusts them whatever
  // the spec says today (DESIGN.md section 7.3: "cleared on every route of the gateway").
  for (const h of IDENTITY_HEADERS) add(h.name, identityVar(ctx, h.kind));
  for (const h of GATEWAY_IDENTITY_HEADERS) add(h, undefined);
  for (const h of sec.forwardHeaders) add(h, ctx.derivedName('fa', h));
  for (const h of METHOD_OVERRIDE_HEADERS) add(h, undefined);
  for (const h of URL_OVERRIDE_HEADERS) add(h, undefined);
  for (const h of FOREIGN_IDENTITY_HEADERS) add(h, undefined);
  // Dash names only: nginx runs with underscores_in_headers off, so a client's X_Forwarded_Host never arrives.
  for (const h of CLIENT_FORWARDING_HEADERS) if (!h.includes('_')) add(h, undefined);
  for (const h of AUTH_ANSWER_HEADERS) add(h, undefined);
  return out;
}

/**
 * The auth handler's answer headers (njs runtime ID_CONSUMER, ID_SCHEME, ID_KEY): gwc's own names,
 * never trusted from a client, cleared so a backend can never mistake a client's for nginx's.
 */
const AUTH_ANSWER_HEADERS = ['X-Gwc-Consumer', 'X-Gwc-Scheme', 'X-Gwc-Identity'] as const;

/** The variable `auth_request_set` fills from the auth handler's identity answer. */
export const identityVar = (ctx: Ctx, kind: string): string => `${ctx.prefix}_id_${kind}`;

/**
 * The upstream path (DESIGN.md section 3 rule 5): the backend URL's path + the operation path, or
 * + `upstreamPath` with parameters substituted from the location's named captures. nginx escapes
 * the rewritten URI when it proxies it, so a decoded `?` or space in a parameter stays in its segment.
 */
function upstreamPath(route: Route, basePath: string, params: string[]): ValuePart[] {
  const template = route.upstreamPath?.template ?? route.path;
  const parsed = parsedPath(template);
  if (parsed.error) throw new Refused('upstreamPath', template, parsed.error);
  const parts: ValuePart[] = [{ lit: pathText(basePath, 'backend path') }];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    parts.push({ lit: pathText(template.slice(last, m.index), 'upstreamPath') });
    const i = params.indexOf(m[1]!);
    if (i < 0) throw new Refused('upstreamPath', template, `uses {${m[1]}}, which is not a parameter of ${route.path}`);
    parts.push({ var: paramVar(i) });
    last = re.lastIndex;
  }
  parts.push({ lit: pathText(template.slice(last), 'upstreamPath') });
  const merged = parts.filter((x) => !('lit' in x) || x.lit !== '');
  const first = merged[0];
  if (!first || !('lit' in first) || !first.lit.startsWith('/')) throw new Refused('upstreamPath', template, 'must start with /');
  return merged;
}

/** A media type (RFC 9110 section 8.3.1), with optional parameters of printable text. */
function mediaType(value: string): string {
  const token = "[A-Za-z0-9!#$&^_.+-]+";
  if (!new RegExp(`^${token}/${token}(\\s*;\\s*${token}=("[^"\\\\]*"|${token}))*$`).test(value)) {
    throw new Refused('mock content type', value, 'is not a media type');
  }
  return value;
}
