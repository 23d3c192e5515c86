/**
 * A credential API Gateway verifies in the query string, and the other spellings of its name a
 * backend reads as it (DESIGN.md 7.1, 7.3; red team 3, test/security/redteam3-aws.test.ts).
 *
 * A REST http_proxy integration forwards every query parameter; gwc blanks the credential with an
 * integration request parameter (`integration.request.querystring.<name>` = `''`, backends.ts),
 * which names one parameter exactly. A backend reads more names as the credential: the table of
 * src/targets/query-names.ts (PHP, Rack and Express's qs read `api_key[]`, `api_key[0]` and
 * `api_key[a][b]` as `api_key`, PHP reads `api.key`, `api key` and `api[key` alike, ASP.NET folds
 * case, blanks and `%XX` are read through). So `?api_key=<alice>&api_key[]=<bob>` passes the
 * authorizer on alice's key and hands the backend bob's, unverified.
 *
 * Blanking each spelling is not expressible: a mapping expression's name may hold only
 * `[a-zA-Z0-9._$-]` (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping-sources.html),
 * so no `[`, space or `%`, and the array and blank forms are unbounded in number besides
 * (`api_key[0]`, `api_key[1]`, ...). Fail closed: such a route is refused
 * (`aws-query-credential-spellings`) unless its backend states that it reads query names exactly
 * (`x-gateway.backends.NAME.queryNames: exact`, flagged by gwc diff as trust-added); then the exact
 * name is blanked as before.
 *
 * Left as it was: RFC 6750's `?access_token=` on a bearer route, blanked by its exact name
 * (backends.ts); refusing every REST bearer route by default is a product decision (README "Known gaps").
 */
import { AUTH_FEATURE } from '../../model/route-features.js';
import type { Backend, Route } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';
import { credentialParameter } from './authorizers.js';

/** The route's enforced schemes whose credential API Gateway reads from the query, with its name. */
export function queryCredentials(ctx: TargetContext<unknown>, route: Route): Array<{ scheme: string; name: string }> {
  const out = new Map<string, string>();
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (!s || !ctx.plan.enforced(route.id, AUTH_FEATURE[s.kind])) continue;
      const p = credentialParameter(s);
      if (p?.in === 'querystring') out.set(s.name, p.name);
    }
  }
  return [...out].map(([scheme, name]) => ({ scheme, name }));
}

/** Refuses a route to an HTTP backend whose credential travels in the query, unless the backend reads query names exactly. */
export function checkQuerySpellings(ctx: TargetContext<unknown>, route: Route, backend: Backend): void {
  if (backend.queryNames?.value === 'exact') return;
  for (const { scheme, name } of queryCredentials(ctx, route)) {
    ctx.report('aws-query-credential-spellings', { route: route.id, scheme, name, backend: backend.name }, route.securityLoc ?? route.loc);
  }
}
