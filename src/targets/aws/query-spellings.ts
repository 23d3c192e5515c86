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
 * The same gap beside a credential API Gateway verifies in a HEADER: backends.ts blanks a header
 * key's name in the query (`?x-api-key=`, credential-elsewhere.ts) and RFC 6750's
 * `?access_token=` on a bearer route by their exact names only, so `?X-API-KEY=`, `?x-api-key[]=`,
 * `?ACCESS_TOKEN=` or `?access_token[]=` reach the backend as sent (red teams 3 and 6). Decided (red
 * team 6): a warning, not a refusal, {@link checkBlankedQueryNames}. Measured before deciding: the
 * refusal would reject 99 of the 122 REST specs the AWS tests build (81%: 79 with a header key, 40
 * with a bearer scheme) and all three shipped AWS fixtures (minimal, portable, shop-aws), and
 * nothing API Gateway offers closes it on an http_proxy: request validators check only that a
 * declared parameter is present, mapping names cannot hold `[` and are exact and case-sensitive,
 * and an HTTP (non-proxy) integration, which drops unmapped query parameters, would also drop the
 * backend's own answer headers and status codes. The exposure is narrower than for a query key:
 * the backend must read the header's credential from the query too (or, for access_token, enable
 * RFC 6750's query form: Spring's allowUriQueryParameter, passport-http-bearer, SignalR's
 * OnMessageReceived on ASP.NET, whose query is case-blind).
 */
import { AUTH_FEATURE } from '../../model/route-features.js';
import type { Backend, Route } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';
import { bearerInQuery } from '../bearer.js';
import { BEARER_TOKEN_NAME } from '../credential-carriers.js';
import { compareText } from '../../diagnostics/collate.js';
import { credentialParameter } from './authorizers.js';
import { credentialsElsewhere } from './credential-elsewhere.js';

/** A query parameter a Lambda authorizer is sent (REST form; the HTTP API flavour translates it). */
const IDENTITY_QUERY = /^method\.request\.querystring\.(.+)$/;

/**
 * The query parameters a scheme of the route is verified on, or that an authorizer of one is sent
 * (an identity source besides the credential: `?session=` beside the X-Token header), with the
 * scheme, for every scheme whose kind the target enforces: API Gateway blanks or passes on each by
 * its exact name only. A scheme of an alternative that is not enforced (auth.or accepted) counts
 * too: its parameter is blanked by that name alone (unenforced.ts), and a spelling of it reaches
 * the backend never verified (test/security/aws-unverified-carriers.test.ts). RFC 6750's
 * `access_token` of a bearer scheme is not here unless an authorizer is sent it: that one is
 * `aws-query-name-spellings`'s (a warning, {@link blankedQueryNames}).
 */
export function queryCredentials(ctx: TargetContext<unknown>, route: Route): Array<{ scheme: string; name: string }> {
  const out = new Map<string, { scheme: string; name: string }>();
  const add = (scheme: string, name: string) => out.set(`${scheme}\0${name}`, { scheme, name });
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (!s || !ctx.plan.enforced(route.id, AUTH_FEATURE[s.kind])) continue;
      const p = credentialParameter(s);
      if (p?.in === 'querystring') add(s.name, p.name);
      for (const src of s.lambdaAuthorizer?.identitySource ?? []) {
        const m = IDENTITY_QUERY.exec(src);
        if (m) add(s.name, m[1]!);
      }
    }
  }
  return [...out.values()];
}

/** Refuses a route to an HTTP backend whose credential travels in the query, unless the backend reads query names exactly. */
export function checkQuerySpellings(ctx: TargetContext<unknown>, route: Route, backend: Backend): void {
  if (backend.queryNames?.value === 'exact') return;
  for (const { scheme, name } of queryCredentials(ctx, route)) {
    ctx.report('aws-query-credential-spellings', { route: route.id, scheme, name, backend: backend.name }, route.securityLoc ?? route.loc);
  }
}

/**
 * The query names backends.ts blanks by their exact name on a route because a credential API
 * Gateway verifies elsewhere goes by that name: a header key's name, a bearer token's access_token.
 */
export function blankedQueryNames(ctx: TargetContext<unknown>, route: Route): string[] {
  // Case-folded: the warning is about the spellings a lenient backend reads, which fold case anyway.
  const names = new Set(credentialsElsewhere(ctx, route).query.map((q) => q.toLowerCase()));
  const bearer = route.security.some((alt) => alt.some((i) => { const s = ctx.scheme(i.scheme); return s !== undefined && (s.kind === 'jwt' || bearerInQuery(s)); }));
  if (bearer) names.add(BEARER_TOKEN_NAME);
  return [...names].sort(compareText);
}

/**
 * Warns once per HTTP backend, at its line (where `queryNames: exact` goes), when its routes'
 * verified credentials are blanked in the query by their exact names only (see the top of this
 * file): `aws-query-name-spellings`. A backend declaring `queryNames: exact` is not warned.
 */
export function checkBlankedQueryNames(ctx: TargetContext<unknown>, routes: readonly Route[]): void {
  const byBackend = new Map<Backend, { names: Set<string>; routes: Route[] }>();
  for (const route of routes) {
    const backend = ctx.backend(route);
    if (!backend || backend.kind !== 'http' || backend.queryNames?.value === 'exact') continue;
    const names = blankedQueryNames(ctx, route);
    if (names.length === 0) continue;
    const entry = byBackend.get(backend) ?? { names: new Set<string>(), routes: [] };
    byBackend.set(backend, entry);
    for (const n of names) entry.names.add(n);
    entry.routes.push(route);
  }
  for (const [backend, { names, routes: hit }] of byBackend) {
    const list = [...names].sort(compareText);
    ctx.report('aws-query-name-spellings', { backend: backend.name, names: list.join(', '), routes: hit.length, first: hit[0]!.id }, backend.loc);
  }
}
