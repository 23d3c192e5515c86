/**
 * Route policies to Kong OSS plugins, one plugin per concern, each configured with the fields
 * whose defaults matter written out. Each function here is one policy's entry in KONG_POLICIES
 * (policy-map.ts), which the route compile calls. Every user string lands in a YAML scalar the emitter quotes;
 * the few plugin fields Kong itself interprets (request-transformer templates, cors origins as
 * regexes) are escaped or refused here.
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import {
  CLIENT_FORWARDING_HEADERS,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  METHOD_OVERRIDE_QUERY_FORMS,
  URL_OVERRIDE_HEADERS,
} from '../../model/overrides.js';
import type { HeaderOps, Mock, Route } from '../../model/types.js';
import type { RouteAuth } from './auth.js';
import type { Ctx, Entity, Json } from './context.js';
import { underscoreSpellings } from './underscores.js';
import { mappedCidr } from '../../model/policies/ip-mapped.js';
import { escapeRegex, hasTemplateSyntax } from './paths.js';
import { headerKey } from './header-family.js';
import { queryNameAsRead } from '../query-names.js';
import { compareText } from '../../diagnostics/collate.js';

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

/** One policy's Kong plugin for a route, or undefined when the route does not use it (or Kong is not to enforce it). */
export type KongPolicy = (ctx: Ctx, route: Route, at: RoutePlugins) => Entity | undefined;

const PER = { second: 'second', minute: 'minute', hour: 'hour', day: 'day' } as const;

/** https://docs.konghq.com/hub/kong-inc/rate-limiting/configuration/ */
export function rateLimiting(ctx: Ctx, route: Route): Entity | undefined {
  const r = route.policy.rateLimit;
  if (!r || !ctx.plan.enforced(route.id, 'rateLimit')) return undefined;
  // rate-limiting counts the upgrade request; the connection then stays open uncounted, and Kong OSS
  // has no plugin capping open connections: refused (test/security/websocket-limit.test.ts).
  if (route.websocket) {
    ctx.report('websocket-limit-connections', { route: route.id, target: 'kong' }, r.loc);
    return undefined;
  }
  // Kong OSS has no burst allowance: limiting without one is stricter, never weaker.
  const config: Entity = {
    [PER[r.per]]: r.requests,
    policy: ctx.options.rateLimitPolicy,
    // Kong's default (true) proxies a request uncounted when the counter store fails (handler.lua:
    // get_usage's error is only logged), so a database or shared-dict failure lifts the limit;
    // false answers 500 instead: the limit fails closed (DESIGN.md 7, a limit is kept or refused).
    // https://docs.konghq.com/hub/kong-inc/rate-limiting/configuration/#config-fault_tolerant
    fault_tolerant: false,
    hide_client_headers: false,
    limit_by: typeof r.by === 'string' ? r.by : limitByHeader(ctx, route, r.by.header),
  };
  const shared = sharedIdentitySchemes(ctx, route);
  if (r.by === 'consumer' && shared.length > 0) ctx.report('kong-limit-identity-shared', { route: route.id, schemes: shared.join(', ') }, r.loc);
  // Kong counts per client address when limit_by is ip, and when a consumer limit finds no
  // consumer (a public route): get_identifier falls back to kong.client.get_forwarded_ip(), the
  // whole address. No prefix option exists, so an IPv6 /64 is 2^64 buckets: said, not hidden.
  if (config.limit_by === 'ip' || (config.limit_by === 'consumer' && route.security.length === 0)) {
    ctx.report('kong-limit-ipv6-per-address', { route: route.id }, r.loc);
  }
  // Auth plugins run first (kong/plugins/*-auth handler PRIORITY > 910) and end a refused request
  // with kong.response.exit: rate-limiting's access handler never sees it, so guesses are free.
  if (route.security.length > 0) ctx.report('kong-limit-after-auth', { route: route.id }, r.loc);
  return { name: 'rate-limiting', config };
}

/**
 * `by: {header}` keys on a value the caller writes, so it is only kept where Kong verified that
 * value before rate-limiting (priority 910) runs: the header of a key-auth scheme every
 * alternative of the route requires. There it counts per verified credential (limit_by
 * credential: key-auth with hide_credentials has already cleared the header, and Kong would fall
 * back to the client address). Any other header would give a caller a fresh bucket per value and
 * let it drain another caller's, so the limit counts per client address, said at the rateLimit
 * node (DESIGN.md 7.4). kong/plugins/rate-limiting/handler.lua get_identifier.
 */
function limitByHeader(ctx: Ctx, route: Route, header: string): 'credential' | 'ip' {
  const kinds = new Map(ctx.gateway.securitySchemes.map((s) => [s.name, s]));
  const verifies = (scheme: string) => {
    const s = kinds.get(scheme);
    return s?.kind === 'apiKey' && s.apiKey?.in === 'header' && s.apiKey.name.toLowerCase() === header.toLowerCase() && ctx.plan.enforced(route.id, 'auth.apiKey');
  };
  if (route.security.length > 0 && route.security.every((alt) => alt.some((i) => verifies(i.scheme)))) return 'credential';
  const loc = route.policy.rateLimit!.loc;
  ctx.report('limit-key-unverified', { route: route.id, header, target: 'kong' }, loc);
  return 'ip';
}

/**
 * Kong's cors plugin compares an origin literally only when it has no character outside
 * `[A-Za-z0-9.:/-]`; anything else is taken as a regex, so such origins are escaped.
 * https://docs.konghq.com/hub/kong-inc/cors/configuration/#config-origins
 */
export function corsOrigin(origin: string): string {
  if (origin === '*' || /^[A-Za-z0-9.:/-]+$/.test(origin)) return origin;
  return escapeRegex(origin);
}

export function corsPlugin(ctx: Ctx, route: Route): Entity | undefined {
  const c = route.policy.cors;
  if (!c || !ctx.plan.enforced(route.id, 'cors')) return undefined;
  // Kong answers `*` with credentials by echoing the request's Origin (handler.lua
  // configure_credentials: "ACAC cannot be 'true' if ACAO is '*'"), and `null` is every sandboxed
  // page's Origin: with credentials, either opens the route to every site (red team 3).
  const open = c.credentials ? c.origins.find((o) => o === '*' || o.trim().toLowerCase() === 'null') : undefined;
  if (open !== undefined) {
    ctx.report('cors-credentials-origin-open', { target: 'kong', route: route.id, origin: open }, c.loc);
    return undefined;
  }
  return {
    name: 'cors',
    config: {
      origins: c.origins.map(corsOrigin),
      methods: [...c.methods],
      headers: [...c.headers],
      exposed_headers: [...c.exposeHeaders],
      credentials: c.credentials,
      max_age: c.maxAgeSeconds ?? null,
      preflight_continue: false,
      private_network: false,
    },
  };
}

/** https://docs.konghq.com/hub/kong-inc/proxy-cache/configuration/ */
export function proxyCache(ctx: Ctx, route: Route): Entity | undefined {
  const c = route.policy.cache;
  if (!c || !ctx.plan.enforced(route.id, 'cache')) return undefined;
  const shared = sharedIdentitySchemes(ctx, route);
  if (shared.length > 0) {
    ctx.report('kong-cache-identity-shared', { route: route.id, schemes: shared.join(', ') }, c.loc);
    return undefined;
  }
  // Without a consumer the entry is keyed on route|method|uri|params|headers only, params joined
  // `k=v:k=v` (a repeated one `k=a,b`) unescaped (kong/plugins/proxy-cache/cache_key.lua): every
  // caller shares it and one could poison it with ?a=x%3Ab%3D1 for ?a=x&b=1. With a consumer the
  // prefix is consumer_id:route_id, so a caller only ever meets its own answers. Optional auth,
  // once Kong enforces it, puts every anonymous caller under one anonymous consumer: shared the
  // same way (refused today, auth.optional, the route is then built strictly: per consumer).
  if (route.security.length === 0 || (route.optionalAuth && ctx.plan.enforced(route.id, 'auth.optional'))) {
    ctx.report('kong-cache-key-ambiguous', { route: route.id }, c.loc);
    return undefined;
  }
  return {
    name: 'proxy-cache',
    config: {
      strategy: 'memory',
      cache_ttl: Math.max(1, Math.round(c.ttlMs / 1000)),
      request_method: [...c.methods],
      response_code: [200, 301, 404],
      content_type: ['text/plain', 'application/json', 'application/json; charset=utf-8'],
      // Kong keys the cache on route, consumer, method, path and query; the spec's headers add to it.
      vary_headers: [...c.keyHeaders].map((h) => h.toLowerCase()).sort(),
      // Honour the backend's Cache-Control (private, no-store, max-age): a private answer is never stored.
      cache_control: true,
    },
  };
}

/**
 * The route's schemes whose callers Kong cannot tell apart: a JWT scheme maps every token of an
 * issuer to one consumer, and other non-credential schemes to none. Only API keys and basic users
 * are per-caller consumers, so only they can key a cache or a per-consumer limit
 * (proxy-cache and rate-limiting key on the consumer id).
 */
function sharedIdentitySchemes(ctx: Ctx, route: Route): string[] {
  const kinds = new Map(ctx.gateway.securitySchemes.map((s) => [s.name, s.kind]));
  const names = route.security.flat().map((i) => i.scheme).filter((n) => kinds.get(n) !== 'apiKey' && kinds.get(n) !== 'basic');
  return [...new Set(names)].sort();
}

/** `name:value` pairs; with `templated` (request-transformer), a value holding "$(" is refused at `loc`. */
function headerPairs(ctx: Ctx, ops: Record<string, string>, route: Route, direction: 'request' | 'response', templated: boolean, loc?: Loc): string[] {
  return Object.keys(ops)
    .sort()
    .flatMap((name) => {
      const value = ops[name] ?? '';
      if (templated && hasTemplateSyntax(value)) {
        ctx.report('kong-header-template', { route: route.id, direction, header: name }, loc);
        return [];
      }
      return [`${name}:${value}`];
    });
}

/**
 * Identity headers Kong's auth plugins (key-auth, basic-auth, jwt: kong/plugins/*\/handler.lua
 * set_consumer) set or clear on every request they run on, after verification. The header-family
 * pre-function (header-family.ts) runs before them (priority 1000000; key-auth 1250, basic-auth
 * 1100, jwt 1450: https://docs.konghq.com/gateway/latest/plugin-development/custom-logic/#plugins-execution-order),
 * so it removes every client spelling of these on every route and what Kong then sets reaches the
 * backend. https://docs.konghq.com/hub/kong-inc/key-auth/#upstream-headers
 */
const KONG_CONSUMER_HEADERS = ['X-Anonymous-Consumer', 'X-Consumer-Custom-ID', 'X-Consumer-ID', 'X-Consumer-Username', 'X-Credential-Identifier'];
const KONG_CONSUMER_LOWER = new Set(KONG_CONSUMER_HEADERS.map((k) => k.toLowerCase()));
const isKongConsumerHeader = (h: string) => KONG_CONSUMER_LOWER.has(h.toLowerCase());

/**
 * What no gwc Kong route sets itself, removed on every route so a backend (shared with another
 * target, DESIGN.md section 7.3) never reads a value a client wrote: the identity headers of gwc's
 * other gateways (X-Consumer, X-Authenticated-Scheme, a forward-auth service's answer headers),
 * Kong's identity headers gwc's plugins never set (acl runs with hide_groups_header, OAuth2/LDAP
 * are not used, X-Credential-Username is gone since Kong 3.0), and client forwarding headers.
 * Of the last, Kong's nginx template sets X-Real-IP ($remote_addr) and X-Forwarded-Port/-Prefix
 * itself (proxy_set_header, from the connection for a client outside trusted_ips) whatever is
 * removed here; removing the client's copy too keeps them out under a custom template. Kong sets
 * X-Forwarded-For/-Proto/-Host the same way (the client's X-Forwarded-For with the address
 * appended), and a plugin cannot remove them (https://github.com/Kong/kong/issues/5989).
 */
function neverFromClient(ctx: Ctx): string[] {
  // The same list for every route of a compile: built once per context (#18).
  const known = neverFromClientOf.get(ctx);
  if (known) return known;
  const list = neverFromClientList(ctx);
  neverFromClientOf.set(ctx, list);
  return list;
}
const neverFromClientOf = new WeakMap<Ctx, string[]>();

function neverFromClientList(ctx: Ctx): string[] {
  const forwardAuth = ctx.gateway.securitySchemes.flatMap((s) => s.forwardAuth?.responseHeaders ?? []);
  return [...GATEWAY_IDENTITY_HEADERS, ...forwardAuth, ...FOREIGN_IDENTITY_HEADERS.filter((h) => !isKongConsumerHeader(h)), ...CLIENT_FORWARDING_HEADERS];
}

/** One spelling per header name (Kong matches them case-insensitively), the first seen, sorted. */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) {
    const lower = n.toLowerCase();
    if (!seen.has(lower)) seen.set(lower, n);
  }
  return [...seen.values()].sort();
}

/**
 * Header names a scheme of the gateway reads its credential from (lowercased): an auth plugin
 * must still find them after the header-family pre-function, so a family name among them stays
 * on request-transformer (after auth), as before #18.
 */
function credentialHeaders(ctx: Ctx): Set<string> {
  let known = credentialsOf.get(ctx);
  if (known) return known;
  known = new Set<string>();
  for (const s of ctx.gateway.securitySchemes) {
    if (s.kind === 'apiKey' && s.apiKey?.in === 'header') known.add(s.apiKey.name.toLowerCase());
    if (s.kind === 'basic') for (const h of ['authorization', 'proxy-authorization']) known.add(h);
    if (s.kind === 'jwt') known.add((s.jwt?.header ?? 'authorization').toLowerCase());
  }
  credentialsOf.set(ctx, known);
  return known;
}
const credentialsOf = new WeakMap<Ctx, Set<string>>();

/** The route's method and URL override headers: every one, less those the operation declares (DESIGN.md section 7.5). */
function routeOverrides(route: Route): readonly string[] {
  const declared = route.declaredOverrides ?? [];
  return declared.length === 0
    ? ALL_OVERRIDES
    : [...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS.filter((h) => !declared.some((d) => d.in === 'header' && d.name.toLowerCase() === h.toLowerCase()))];
}

/**
 * The names no client may send on this route, every spelling removed by the header-family
 * pre-function (header-family.ts): what no gwc Kong route sets itself (neverFromClient), Kong's
 * consumer headers (their client spellings, before the auth plugins set them), and the undeclared
 * overrides; less a name a scheme reads its credential from (kept on request-transformer).
 */
export function headerFamily(ctx: Ctx, route: Route): readonly string[] {
  const credentials = credentialHeaders(ctx);
  const overrides = routeOverrides(route);
  const family = (list: readonly string[]) => [...neverFromClient(ctx), ...KONG_CONSUMER_HEADERS, ...list].filter((h) => !credentials.has(h.toLowerCase()));
  // A route that declares no override (nearly every one) has the compile's common list: filtered
  // once per compile, not once per route (#18). Read only (header-family.ts headerFamilyLua).
  let base: readonly string[] | undefined;
  if (overrides === ALL_OVERRIDES) {
    base = commonFamilyOf.get(ctx);
    if (!base) commonFamilyOf.set(ctx, (base = family(ALL_OVERRIDES)));
  } else base = family(overrides);
  const keys = queryKeyHeaderNames(ctx, route);
  return keys.length === 0 ? base : [...base, ...keys];
}
const commonFamilyOf = new WeakMap<Ctx, readonly string[]>();

/** A name as a header may carry it: an RFC 9110 token (Kong's nginx drops a header line whose name is not one). */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * The route's query API keys' names as request headers (`api_key`, `Api-Key`, `API_KEY`: the
 * header-family chunk reads each name lower-cased with `_` for `-`). key-auth reads a query key from
 * the query only (key_in_header: false) and nothing removed a header of that name, so one sent
 * beside the verified `?api_key=` reached the backend unverified: a backend pairing APIKeyQuery
 * with APIKeyHeader (FastAPI), or reading `HTTP_API_KEY` (CGI, PHP), takes it as the caller's key
 * (kong-second-credential; the converse of {@link headerKeyNames}). The name as written and as a
 * backend reads it (queryNameAsRead: `api.key` is `api_key`). A name one of the route's own schemes
 * reads its credential from (a jwt header, basic's Authorization) is its plugin's, not removed here.
 */
export function queryKeyHeaderNames(ctx: Ctx, route: Route): string[] {
  const keys = queryKeyNames(ctx, route);
  if (keys.length === 0) return [];
  const own = new Set(route.security.flatMap((alt) => alt.flatMap((i) => {
    const s = ctx.scheme(i.scheme);
    if (s?.kind === 'jwt') return [headerKey(s.jwt?.header ?? 'authorization')];
    if (s?.kind === 'basic') return ['authorization', 'proxy_authorization'];
    return s?.kind === 'apiKey' && s.apiKey?.in === 'header' ? [headerKey(s.apiKey.name)] : [];
  })));
  const names = keys.flatMap((k) => [k.toLowerCase(), queryNameAsRead(k)]).filter((n) => HEADER_TOKEN.test(n) && !own.has(headerKey(n)));
  return [...new Set(names)].sort(compareText);
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
/** Every override header: what a route that declares none of them removes. */
const ALL_OVERRIDES: readonly string[] = [...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS];

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
  const query = [...new Set([...overrideQuery, ...auth.removeQuery])].sort();
  const remove = routeRemovals(ctx, ops, auth, overrides, authenticated);
  // `_method` in a form, multipart or JSON body (Rails, Laravel, Symfony, Express method-override run
  // the method it names): remove.body deletes a top-level field of those three body kinds, read by
  // a case-insensitive substring of Content-Type (request-transformer access.lua get_content_type).
  // Other bodies (no Content-Type, `+json` types) pass unread: README "Known gaps".
  const body = [...new Set([...(overrideQuery.length > 0 ? METHOD_OVERRIDE_QUERY_FORMS : []), ...(bearerRoute(ctx, route) ? BEARER_BODY_FORMS : [])])].sort();
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
 * RFC 6750 section 2.2: a bearer token may travel in a body's `access_token` field (passport-http-bearer
 * reads `req.body.access_token` on any method, from a form, multipart or JSON body; Spring's
 * allowFormEncodedBodyParameter a form's). The jwt plugin reads the Authorization header only, so on
 * a route with such a scheme (any alternative) that field is never a token Kong verified:
 * request-transformer `remove.body` removes it, under the names it matches exactly once decoded
 * (ngx.decode_args: %XX and `+`) and PHP reads as access_token (`.`, ` `, `[`, the array form).
 * Every other spelling a backend reads (ACCESS_TOKEN, read case-blind by ASP.NET; leading blanks;
 * access_token[0]) is the route pre-function's (name-readings.ts).
 */
const BEARER_BODY_FORMS = ['access_token', 'access.token', 'access token', 'access[token', 'access_token[]'];

/** Whether a route has a scheme whose bearer token Kong reads from Authorization only (RFC 6750: a backend may read ?access_token= too). */
export function bearerRoute(ctx: Ctx, route: Route): boolean {
  return route.security.some((alt) => alt.some((i) => { const s = ctx.scheme(i.scheme); return s?.kind === 'jwt' && (s.jwt?.header ?? '').toLowerCase() === 'authorization'; }));
}

/** The names of the route's query API keys (any alternative): a body field of that name is the key to Laravel, PHP and Rack. */
export function queryKeyNames(ctx: Ctx, route: Route): string[] {
  return route.security.flatMap((alt) => alt.flatMap((i) => { const s = ctx.scheme(i.scheme); return s?.kind === 'apiKey' && s.apiKey?.in === 'query' ? [s.apiKey.name] : []; }));
}

/**
 * The route's credential header names a backend may also read from the query (FastAPI
 * APIKeyHeader/APIKeyQuery pairs, Spring getParameter fallbacks): an API key's header, a jwt
 * scheme's header other than Authorization. key-auth and jwt read the header only (key_in_query:
 * false, uri_param_names: []), so `?x-api-key=` reached the backend unverified (name-readings.ts).
 */
export function headerKeyNames(ctx: Ctx, route: Route): string[] {
  return route.security.flatMap((alt) => alt.flatMap((i) => {
    const s = ctx.scheme(i.scheme);
    const h = s?.kind === 'apiKey' && s.apiKey?.in === 'header' ? s.apiKey.name : s?.kind === 'jwt' ? s.jwt?.header : undefined;
    return h !== undefined && h.toLowerCase() !== 'authorization' ? [h.toLowerCase()] : [];
  }));
}

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

/** The mock's answer: request-termination, with its extra headers through response-transformer. */
export function mockPlugin(mock: Mock): Entity {
  return { name: 'request-termination', config: { status_code: mock.status, body: mock.body, content_type: mock.contentType } };
}

/** https://docs.konghq.com/hub/kong-inc/ip-restriction/configuration/ */
export function ipRestriction(ctx: Ctx, route: Route): Entity | undefined {
  const r = route.policy.ipRule;
  if (!r || !ctx.plan.enforced(route.id, 'ipRule')) return undefined;
  const config: Entity = { status: 403, message: 'Forbidden' };
  // lua-resty-ipmatcher matches an address per family: one Kong reads as ::ffff:a.b.c.d (a
  // dual-stack listener, a trusted proxy's X-Forwarded-For) meets only IPv6 entries, so each IPv4
  // entry is also written IPv4-mapped (test/security/ip-mapped-address.test.ts).
  const both = (list: string[]) => [...new Set([...list, ...list.flatMap((e) => mappedCidr(e) ?? [])])];
  if (r.allow.length) config.allow = both(r.allow);
  if (r.deny.length) config.deny = both(r.deny);
  return { name: 'ip-restriction', config };
}

/** https://docs.konghq.com/hub/kong-inc/request-size-limiting/configuration/ */
export function requestSizeLimiting(ctx: Ctx, route: Route): Entity | undefined {
  const b = route.policy.bodyLimit;
  if (!b || !ctx.plan.enforced(route.id, 'bodyLimit')) return undefined;
  return {
    name: 'request-size-limiting',
    config: { allowed_payload_size: b.bytes, size_unit: 'bytes', require_content_length: false },
  };
}

/** https://docs.konghq.com/hub/kong-inc/file-log/configuration/ : JSON lines to the node's stdout. */
export function fileLog(ctx: Ctx, route: Route): Entity | undefined {
  if (!route.policy.accessLog || !ctx.plan.enforced(route.id, 'accessLog')) return undefined;
  return { name: 'file-log', config: { path: '/dev/stdout', reopen: false } };
}

export type { Json };
