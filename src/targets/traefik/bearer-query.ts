/**
 * A bearer token in the query string (RFC 6750 section 2.3: `?access_token=`) on Traefik.
 *
 * A resource server may read a bearer token from `?access_token=` as well as from `Authorization`
 * (Spring Security's allowUriQueryParameter, passport-http-bearer and doorkeeper by default). A
 * forwardAuth verifier of a bearer scheme is sent the Authorization header only, so a token in the
 * query is one the gateway never saw; nginx, Kong and AWS remove it before the backend. Traefik OSS
 * cannot remove a query parameter, and its `QueryRegexp(key, re)` matcher reads a parameter by its
 * exact (decoded) name only (https://doc.traefik.io/traefik/routing/routers/#rule), so:
 *
 * - every router of a route with a bearer scheme (any alternative) excludes the spellings Go reads
 *   as names of their own and backends read as `access_token` ({@link BEARER_QUERY_FORMS}): such a
 *   request falls to the path's method-not-allowed router (405), never the backend;
 * - optional auth on a bearer scheme is refused (`traefik-optional-bearer-query`): the anonymous
 *   router would take a request carrying only a spelling no rule can list (`ACCESS_TOKEN`, read
 *   case-blind by ASP.NET) and pass the token on, with nobody having verified anything.
 *
 * Every other spelling a backend reads (a case spelling, `ACCESS_TOKEN`; a PHP name with leading
 * blanks; `access_token[0]`) is denied by the route's redirectRegex (query-names.ts).
 *
 * The same guard keeps a credential header's own name off the query (headerQueryForms).
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import { bearerInQuery } from '../bearer.js';
import type { Ctx } from './context.js';
import { m, or } from './rule.js';
import { SUBPROTOCOL_HEADER, SUBPROTOCOL_TOKEN_REGEX } from '../subprotocol-token.js';

/** The query parameter RFC 6750 section 2.3 names. */
export const BEARER_QUERY = 'access_token';

/**
 * `access_token` as Go reads distinct names that backends read as it: PHP reads `.`, ` ` and `[`
 * for `_`, Express (qs), Rack and PHP read `access_token[]` as the parameter (an array). `%5F`,
 * `+` and `%20` need no form of their own: Go decodes names before QueryRegexp compares them.
 */
export const BEARER_QUERY_FORMS = ['access_token', 'access.token', 'access token', 'access[token', 'access_token[]'] as const;

/** Whether a backend behind this scheme may read its token from `?access_token=` (targets/bearer.ts, shared with AWS). */
export { bearerInQuery };

/**
 * A credential header's name as query names a backend may read it from: a backend taking a key from
 * the header OR a query parameter of the same name (FastAPI APIKeyHeader/APIKeyQuery pairs, DRF key
 * libraries, Spring getParameter fallbacks) would read an unverified `?x-api-key=` once the verified
 * header is stripped (red team 3). The model lowercases header names, so the spec's own spelling is
 * not known here: every word of the name in lower, Capitalised and UPPER case (3^words names, for
 * names of up to three words; longer ones: the whole name in those three cases). Go decodes `%2D`
 * before QueryRegexp compares names.
 */
export function headerQueryForms(header: string): string[] {
  const words = header.toLowerCase().split('-');
  const cases = (w: string) => [...new Set([w, w.charAt(0).toUpperCase() + w.slice(1), w.toUpperCase()])];
  const all =
    words.length <= 3
      ? words.reduce<string[]>((acc, w, i) => (i === 0 ? cases(w) : acc.flatMap((x) => cases(w).map((c) => `${x}-${c}`))), [])
      : [words.join('-'), words.map((w) => cases(w)[1]).join('-'), words.join('-').toUpperCase()];
  return [...new Set(all)];
}

/** The query name no verifier of `s` reads and a backend may: access_token for a bearer scheme, a credential header's own name (lowercase); none. */
export function unverifiedQueryName(s: SecurityScheme): string | undefined {
  if (bearerInQuery(s)) return BEARER_QUERY;
  const header = s.kind === 'apiKey' && s.apiKey?.in === 'header' ? s.apiKey.name : s.kind === 'jwt' ? s.jwt?.header : undefined;
  return header && header.toLowerCase() !== 'authorization' ? header.toLowerCase() : undefined;
}

/** The query names kept off a route's routers for one scheme: access_token for a bearer scheme, its header's names for a header credential. */
function schemeQueryNames(s: SecurityScheme): string[] {
  if (bearerInQuery(s)) return [...BEARER_QUERY_FORMS];
  const header = s.kind === 'apiKey' && s.apiKey?.in === 'header' ? s.apiKey.name : s.kind === 'jwt' ? s.jwt?.header : undefined;
  return header && header.toLowerCase() !== 'authorization' ? headerQueryForms(header) : [];
}

const namesByCtx = new WeakMap<Ctx, Map<string, string[]>>();
const guards = new Map<string, string>();
/** Per compile, each route's guard by its scheme names in order: one name (most routes) keys `single`, a longer list its JSON text `listed`. */
const guardsByCtx = new WeakMap<Ctx, { single: Map<string, string | undefined>; listed: Map<string, string | undefined> }>();

/**
 * The rule condition keeping a route's query credentials no verifier reads off its routers:
 * `?access_token=` on a route with a bearer scheme, a credential header's name as a query parameter
 * on a route with such a header (any alternative); undefined when there is none.
 */
export function bearerQueryGuard(ctx: Ctx, route: Route): string | undefined {
  // A function of the route's scheme names in order (and of the compile's schemes): worked out once
  // per distinct list (#18: every route of a spec secured by one header key listed, deduplicated
  // and joined that key's 27 query spellings to find the same text).
  let byList = guardsByCtx.get(ctx);
  if (!byList) guardsByCtx.set(ctx, (byList = { single: new Map(), listed: new Map() }));
  const single = route.security.length === 1 && route.security[0]!.length === 1;
  const memo = single ? byList.single : byList.listed;
  const key = single ? route.security[0]![0]!.scheme : JSON.stringify(route.security.flat().map((item) => item.scheme));
  if (memo.has(key)) return memo.get(key);
  const guard = guardOf(ctx, route);
  memo.set(key, guard);
  return guard;
}

function guardOf(ctx: Ctx, route: Route): string | undefined {
  let byScheme = namesByCtx.get(ctx);
  if (!byScheme) namesByCtx.set(ctx, (byScheme = new Map(ctx.gateway.securitySchemes.map((s) => [s.name, schemeQueryNames(s)]))));
  const schemes = byScheme;
  const names = [...new Set(route.security.flat().flatMap((item) => schemes.get(item.scheme) ?? []))];
  if (names.length === 0) return undefined;
  // The same text on every router of the same names, built once (#18); bounded.
  const key = names.join('\n');
  let guard = guards.get(key);
  if (guard === undefined) {
    guard = `!${or(names.map((f) => m.queryRegexp(f, '.*')))}`;
    if (guards.size >= 1000) guards.clear();
    guards.set(key, guard);
  }
  return guard;
}

/** Optional auth on a bearer scheme: refused at the route's security (see the file comment); true when reported. */
export function refuseOptionalBearer(ctx: Ctx, route: Route, s: SecurityScheme): boolean {
  if (!bearerInQuery(s)) return false;
  ctx.report('traefik-optional-bearer-query', { route: route.id, scheme: s.name, parameter: BEARER_QUERY }, route.securityLoc);
  return true;
}

/** The rule condition keeping a subprotocol bearer token off the routers (subprotocol-token.ts): written once. */
const SUBPROTOCOL_GUARD = `!${m.headerRegexp(SUBPROTOCOL_HEADER, SUBPROTOCOL_TOKEN_REGEX)}`;

/**
 * A bearer token in Sec-WebSocket-Protocol (`access_token, <jwt>`, k8s `base64url.bearer.authorization.`)
 * on a route with a bearer scheme (any alternative): no forwardAuth service of gwc's is sent it and
 * Traefik upgrades on every router, so such a request is kept off the route's routers (405 from
 * the path's method-not-allowed router), as `?access_token=` is; a plain subprotocol passes.
 */
export function subprotocolGuard(ctx: Ctx, route: Route): string | undefined {
  const schemes = route.security.flat().flatMap((i) => ctx.gateway.securitySchemes.find((s) => s.name === i.scheme) ?? []);
  return schemes.some(bearerInQuery) ? SUBPROTOCOL_GUARD : undefined;
}
