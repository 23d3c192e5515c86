/**
 * request-transformer and response-transformer for a Kong route: the upstream path, the headers a
 * route sets or removes (with the auth plugins' hidden credentials and their underscore
 * spellings), and the method overrides and bearer body fields removed by exact name. Split from
 * policies.ts (STYLE.md: files under ~300 lines).
 */
import { METHOD_OVERRIDE_QUERY, METHOD_OVERRIDE_QUERY_FORMS } from '../../model/overrides.js';
import type { HeaderOps, Route } from '../../model/types.js';
import type { RouteAuth } from './auth.js';
import type { Ctx, Entity } from './context.js';
import { underscoreSpellings } from './underscores.js';
import { ALL_OVERRIDES, credentialHeaders, headerPairs, KONG_CONSUMER_HEADERS, neverFromClient, routeOverrides, uniqueNames } from './request-headers.js';
import { bearerRoute, BEARER_BODY_FORMS } from './credential-names.js';

/**
 * What the route compile knows besides the route, handed to every policy's plugin function: the
 * request-transformer also carries the upstream path and the auth plugins' removals, the
 * response-transformer a mock's own headers.
 */
export interface RoutePlugins {
  /** The upstream path Kong's own (service path + request path) does not give (routes.ts upstreamUri); none for a mock. */
  uri: string | undefined;
  auth: RouteAuth;
  /** Response headers the backend itself answers with (a mock's), under the policy's own. */
  responseHeaders: Record<string, string>;
}

/**
 * A route's request-transformer header removals: the route's own (uniqueNames of its
 * requestHeaders.remove and the auth plugins' hidden credentials, with the underscore spellings of
 * those and of the headers it sets), and a family name a credential is read from. The family
 * itself is the header-family pre-function's (#18: its ~400 spellings were 83% of GitHub's
 * kong.yaml). Worked out once per distinct key and context (#18); every route of a build gets its own copy.
 */
function routeRemovals(ctx: Ctx, ops: HeaderOps | undefined, auth: RouteAuth, overrides: readonly string[], authenticated: boolean): string[] {
  let byKey = removalsOf.get(ctx);
  if (!byKey) removalsOf.set(ctx, (byKey = new Map()));
  const setNames = Object.keys(ops?.set ?? {});
  // Injective in what the list is made of, whatever a name holds.
  const key = JSON.stringify([ops?.remove ?? [], setNames, auth.removeHeaders, overrides === ALL_OVERRIDES ? 0 : overrides, authenticated]);
  let unique = byKey.get(key);
  if (!unique) {
    // A family name an auth plugin reads: removed after auth, as before (credentialHeaders).
    const credentials = credentialHeaders(ctx);
    const read = (h: string) => credentials.has(h.toLowerCase());
    const identity = [...neverFromClient(ctx), ...(authenticated ? [] : KONG_CONSUMER_HEADERS), ...overrides].filter(read);
    // Underscore spellings of every header cleared or set here (underscores.ts); of Kong's own
    // consumer headers, only their dash spelling is Kong's.
    const spelt = [...(ops?.remove ?? []), ...setNames, ...auth.removeHeaders, ...identity, ...KONG_CONSUMER_HEADERS.filter(read)].flatMap(underscoreSpellings);
    unique = uniqueNames([...(ops?.remove ?? []), ...auth.removeHeaders, ...identity, ...spelt]);
    byKey.set(key, unique);
  }
  // Lint (findingsOnly) writes nothing and drops each route's entity once checked: the routes
  // share the list itself (compile.ts walks it once for `${{`; #18, 10,000 copies of ~400 names).
  return ctx.findingsOnly ? unique : [...unique];
}
const removalsOf = new WeakMap<Ctx, Map<string, string[]>>();

/**
 * request-transformer: upstream path (with captures) and request headers. `set` is written as
 * `replace` + `add` (Kong applies remove, rename, replace, add, append in that order, and `add`
 * skips a header already present), which together set the value whether or not it was sent.
 * https://docs.konghq.com/hub/kong-inc/request-transformer/configuration/
 */
export function requestTransformer(ctx: Ctx, route: Route, { uri, auth }: RoutePlugins): Entity | undefined {
  const authenticated = auth.plugins.length > 0;
  const ops: HeaderOps | undefined = ctx.plan.enforced(route.id, 'requestHeaders') ? route.policy.requestHeaders : undefined;
  // Method and URL overrides a backend may obey (DESIGN.md section 7.5), unless the operation declares them.
  const declared = route.declaredOverrides ?? [];
  const overrides = routeOverrides(route);
  const overrideQuery = declared.some((d) => d.in === 'query' && d.name === METHOD_OVERRIDE_QUERY) ? [] : METHOD_OVERRIDE_QUERY_FORMS;
  const query = auth.removeQuery.length === 0 ? sortedForms(overrideQuery.length > 0, false) : [...new Set([...overrideQuery, ...auth.removeQuery])].sort();
  const remove = routeRemovals(ctx, ops, auth, overrides, authenticated);
  // `_method` in a form, multipart or JSON body (Rails, Laravel, Symfony, Express method-override run
  // the method it names): remove.body deletes a top-level field of those three body kinds, read by
  // a case-insensitive substring of Content-Type (request-transformer access.lua get_content_type).
  // Other bodies (no Content-Type, `+json` types, `_method` below the top level) are the
  // name-readings chunk's (name-readings.ts), which refuses them.
  const body = sortedForms(overrideQuery.length > 0, bearerRoute(ctx, route));
  const set = headerPairs(ctx, ops?.set ?? {}, route, 'request', true, ops?.loc ?? route.loc);
  const config: Entity = {
    http_method: null,
    remove: { headers: remove, querystring: query, body },
    rename: { headers: [], querystring: [], body: [] },
    replace: { headers: set, querystring: [], body: [], uri: uri ?? null },
    add: { headers: set, querystring: [], body: [] },
    append: { headers: [], querystring: [], body: [] },
  };
  return { name: 'request-transformer', config };
}

/**
 * The sorted, unique names of `_method`'s query forms (`method`) and of a bearer token's body forms
 * (`bearer`): the same four lists on every route, sorted once (#18: a Set, two spreads and a sort
 * per route and list were most of this plugin's allocation at 10,000 routes). Each call gets its
 * own copy: routes sharing one array would share one node of the written YAML.
 */
function sortedForms(method: boolean, bearer: boolean): string[] {
  const k = (method ? 1 : 0) + (bearer ? 2 : 0);
  return [...(SORTED_FORMS[k] ??= [...new Set([...(method ? METHOD_OVERRIDE_QUERY_FORMS : []), ...(bearer ? BEARER_BODY_FORMS : [])])].sort())];
}
const SORTED_FORMS: Array<readonly string[] | undefined> = [];

/** https://docs.konghq.com/hub/kong-inc/response-transformer/configuration/ */
export function responseTransformer(ctx: Ctx, route: Route, { responseHeaders }: RoutePlugins): Entity | undefined {
  const ops = ctx.plan.enforced(route.id, 'responseHeaders') ? route.policy.responseHeaders : undefined;
  const remove = [...(ops?.remove ?? [])].sort();
  const set = headerPairs(ctx, { ...responseHeaders, ...(ops?.set ?? {}) }, route, 'response', false);
  if (remove.length === 0 && set.length === 0) return undefined;
  return {
    name: 'response-transformer',
    config: {
      remove: { headers: remove, json: [] },
      rename: { headers: [], json: [] },
      replace: { headers: set, json: [], json_types: [] },
      add: { headers: set, json: [], json_types: [] },
      append: { headers: [], json: [], json_types: [] },
    },
  };
}
