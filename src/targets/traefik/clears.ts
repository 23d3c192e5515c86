/**
 * What every operation router clears before anything else runs (DESIGN.md sections 7.3 and 7.5):
 * identity headers the gateway or a forward-auth service sets (a client must never send them
 * itself, on public routes too: forwardAuth's authResponseHeaders only replace what the service
 * answers), and method/URL-override inputs a backend may read as another route.
 *
 * Also cleared: the identity headers other gwc gateways set (Kong's consumer, credential and
 * authenticated headers: a backend written for gwc may sit behind any target and trust them), and
 * the client forwarding headers Traefik does not write itself (`Forwarded`, `X-Forwarded-Prefix`,
 * and the scheme, proxy-login, client-certificate, original-request and client-address families of
 * CLIENT_FORWARDING_HEADERS, model/overrides.ts; the entry point also deletes a client's
 * X-Forwarded-Uri/-Method/-Tls-Client-Cert(-Info); they and their '_' spellings are cleared here too).
 * The others of CLIENT_FORWARDING_HEADERS (X-Real-Ip, X-Forwarded-Port, -Server), like
 * X-Forwarded-For/-Proto/-Host, are replaced by the entry point before any router runs when the
 * client is outside `forwardedHeaders.trustedIPs` (static configuration, empty by default;
 * https://doc.traefik.io/traefik/routing/entrypoints/#forwarded-headers): clearing them here would
 * delete Traefik's own values, so they are left to it (an entry point with `insecure: true` passes
 * a client's; README "What gwc guarantees").
 *
 * A headers middleware writing "" removes the request header
 * (https://doc.traefik.io/traefik/middlewares/http/headers/#adding-and-removing-headers).
 * Traefik OSS cannot remove a query parameter, so the router of an operation that does not
 * declare `_method` excludes it (and the spellings PHP folds into it) from its rule: such a
 * request falls to the path's method-not-allowed router and gets 405, never the backend.
 */
import {
  CLIENT_FORWARDING_HEADERS,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  METHOD_OVERRIDE_QUERY_FORMS,
  URL_OVERRIDE_HEADERS,
} from '../../model/overrides.js';
import type { Route } from '../../model/types.js';
import { bodyOverrides, type BodyOverride } from '../body-override.js';
import type { Ctx } from './context.js';
import { m, or } from './rule.js';

export interface Clears {
  /** The headers middleware, first on the router. */
  middleware: string;
  /** A rule condition keeping requests that carry a method override in the query off the router. */
  queryGuard?: string;
}

/**
 * The "original path" header Traefik's replacePath and replacePathRegex middlewares write
 * (pkg/middlewares/replacepath): they add to what the request carries, so a client's own value would
 * stay first and a backend reading it would take the client's word for the path it was called on.
 */
const TRAEFIK_ORIGINAL_PATH = 'X-Replaced-Path';

/** Forwarding headers Traefik's entry point writes itself (pkg/middlewares/forwardedheaders). */
const ENTRY_POINT_SETS = new Set(['x-real-ip', 'x-forwarded-port', 'x-forwarded-server']);

/**
 * The body-framing headers, cleared in their `_` spellings only (Transfer_Encoding, Content_Length):
 * Go frames the body by the exact `-` names and forwards a `_` line as an unknown header, which
 * Puma < 6.4.3, Unicorn, Thin and WSGI servers read as HTTP_TRANSFER_ENCODING / CONTENT_LENGTH (a
 * second framing of the body: request smuggling on the kept-alive upstream connection; Kong refuses
 * such a line, nginx drops it). `_` is a token byte, so Go canonicalises every case variant of the
 * client's line to one key (Transfer_encoding) and the middleware's Del of one spelling per `_`/`-`
 * pattern removes it. The `-` names themselves are Go's framing, not request headers to clear.
 */
const FRAMING_HEADERS = ['Content-Length', 'Transfer-Encoding'];

const memo = new WeakMap<Ctx, Map<string, string>>();
/**
 * The sorted header list by the method-override headers a route leaves undeclared (the only part
 * that differs between routes of one compile): worked out once per set, not once per route (#18:
 * every spelling of ~40 headers, sorted, for each of GitHub's 1,223 routes).
 */
const listsByCtx = new WeakMap<Ctx, Map<string, { sorted: string[]; key: string }>>();

export function clearsFor(ctx: Ctx, route: Route): Clears {
  refuseBodyOverride(ctx, route);
  const declared = route.declaredOverrides ?? [];
  const declaredHeader = (h: string) => declared.some((d) => d.in === 'header' && d.name.toLowerCase() === h.toLowerCase());
  const undeclared = METHOD_OVERRIDE_HEADERS.filter((h) => !declaredHeader(h));
  let lists = listsByCtx.get(ctx);
  if (!lists) listsByCtx.set(ctx, (lists = new Map()));
  const listKey = undeclared.join('\n');
  let list = lists.get(listKey);
  if (!list) lists.set(listKey, (list = clearedHeaders(ctx, undeclared)));
  const { sorted, key } = list;
  let perCtx = memo.get(ctx);
  if (!perCtx) memo.set(ctx, (perCtx = new Map()));
  let middleware = perCtx.get(key);
  if (!middleware) {
    const parts = perCtx.size === 0 ? ['clear-inputs'] : ['clear-inputs', String(perCtx.size + 1)];
    middleware = ctx.addMiddleware(parts, { headers: { customRequestHeaders: Object.fromEntries(sorted.map((h) => [h, ''])) } });
    perCtx.set(key, middleware);
  }
  const queryDeclared = declared.some((d) => d.in === 'query' && d.name === METHOD_OVERRIDE_QUERY);
  return queryDeclared ? { middleware } : { middleware, queryGuard: (queryGuard ??= `!${or(METHOD_OVERRIDE_QUERY_FORMS.map((f) => m.queryRegexp(f, '.*')))}`) };
}

/** The rule condition excluding `_method` in the query: the same text on every router, built once (#18). */
let queryGuard: string | undefined;

/** Every header a router of this compile clears, `undeclared` (method-override headers the route does not declare) last. */
function clearedHeaders(ctx: Ctx, undeclared: readonly string[]): { sorted: string[]; key: string } {
  const names = new Map<string, string>();
  // CGI, WSGI and Rack read `-` and `_` alike (HTTP_X_CONSUMER), and Traefik passes headers with
  // underscores by default (entryPoints.<n>.http.underscoreHeadersStrategy: keep): every spelling
  // with `_` for some `-` is cleared too, or X_Consumer would reach such a backend as X-Consumer
  // (the class of CVE-2024-45614). Go canonicalises both the same way, so "" deletes either.
  const add = (h: string) => {
    for (const v of underscoreSpellings(h)) names.set(v.toLowerCase(), names.get(v.toLowerCase()) ?? v);
  };
  for (const h of GATEWAY_IDENTITY_HEADERS) add(h);
  for (const s of ctx.gateway.securitySchemes) for (const h of s.forwardAuth?.responseHeaders ?? []) add(canonical(h));
  for (const h of FOREIGN_IDENTITY_HEADERS) add(h);
  for (const h of CLIENT_FORWARDING_HEADERS) if (!ENTRY_POINT_SETS.has(h.toLowerCase())) add(h);
  for (const h of URL_OVERRIDE_HEADERS) add(h);
  add(TRAEFIK_ORIGINAL_PATH);
  for (const h of FRAMING_HEADERS) for (const v of underscoreSpellings(h)) if (v !== h) names.set(v.toLowerCase(), names.get(v.toLowerCase()) ?? v);
  for (const h of undeclared) add(h);
  const sorted = [...names.values()].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  return { sorted, key: sorted.join('\n') };
}

/** `X-A-B` -> X-A-B, X-A_B, X_A-B, X_A_B. */
function underscoreSpellings(h: string): string[] {
  const [first, ...rest] = h.split('-');
  return rest.reduce<string[]>((acc, part) => acc.flatMap((x) => [`${x}-${part}`, `${x}_${part}`]), [first!]);
}

const bodyChecked = new WeakMap<Ctx, { risky: Map<Route, BodyOverride>; reported: Set<Route> }>();

/**
 * `_method` in a request body: Traefik can neither read nor strip a body field, so an operation
 * whose body override would run a differently protected operation of its backend is refused at
 * the operation (src/targets/body-override.ts), once, whichever router asks first.
 */
function refuseBodyOverride(ctx: Ctx, route: Route): void {
  let state = bodyChecked.get(ctx);
  if (!state) {
    state = { risky: new Map(bodyOverrides(ctx.gateway, ctx.gateway.routes).map((b) => [b.route, b])), reported: new Set() };
    bodyChecked.set(ctx, state);
  }
  const risk = state.risky.get(route);
  if (!risk || state.reported.has(route)) return;
  state.reported.add(route);
  const { other, backend } = risk;
  ctx.report('traefik-body-method-override', { route: route.id, method: route.method, other: other.id, otherMethod: other.method, path: other.path, backend }, route.loc);
}

/** `x-user-id` -> `X-User-Id`: the model lowercases header names; Traefik's output reads better canonical. */
function canonical(h: string): string {
  return h.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
