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
 * Left (README "Known gaps"): beside a verified header token, a case spelling (`ACCESS_TOKEN`) or a
 * PHP name with leading blanks still reaches the backend.
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import type { Ctx } from './context.js';
import { m, or } from './rule.js';

/** The query parameter RFC 6750 section 2.3 names. */
export const BEARER_QUERY = 'access_token';

/**
 * `access_token` as Go reads distinct names that backends read as it: PHP reads `.`, ` ` and `[`
 * for `_`, Express (qs), Rack and PHP read `access_token[]` as the parameter (an array). `%5F`,
 * `+` and `%20` need no form of their own: Go decodes names before QueryRegexp compares them.
 */
export const BEARER_QUERY_FORMS = ['access_token', 'access.token', 'access token', 'access[token', 'access_token[]'] as const;

/** Whether a backend behind this scheme may read its token from `?access_token=`: a bearer token sent in Authorization. */
export function bearerInQuery(s: SecurityScheme): boolean {
  return s.kind === 'forward' || (s.kind === 'jwt' && (s.jwt?.header ?? 'authorization').toLowerCase() === 'authorization');
}

let guard: string | undefined;
const bearerSchemes = new WeakMap<Ctx, Set<string>>();

/** The rule condition keeping `?access_token=` off the routers of a route with a bearer scheme; undefined for other routes. */
export function bearerQueryGuard(ctx: Ctx, route: Route): string | undefined {
  let names = bearerSchemes.get(ctx);
  if (!names) bearerSchemes.set(ctx, (names = new Set(ctx.gateway.securitySchemes.filter(bearerInQuery).map((s) => s.name))));
  const bearer = names;
  if (!route.security.some((alt) => alt.some((item) => bearer.has(item.scheme)))) return undefined;
  // The same text on every such router, built once (#18).
  return (guard ??= `!${or(BEARER_QUERY_FORMS.map((f) => m.queryRegexp(f, '.*')))}`);
}

/** Optional auth on a bearer scheme: refused at the route's security (see the file comment); true when reported. */
export function refuseOptionalBearer(ctx: Ctx, route: Route, s: SecurityScheme): boolean {
  if (!bearerInQuery(s)) return false;
  ctx.report('traefik-optional-bearer-query', { route: route.id, scheme: s.name, parameter: BEARER_QUERY }, route.securityLoc);
  return true;
}
