/**
 * Route policies to Kong OSS plugins, one plugin per concern, each configured with the fields
 * whose defaults matter written out. Each function here is one policy's entry in KONG_POLICIES
 * (policy-map.ts), which the route compile calls. Every user string lands in a YAML scalar the emitter quotes;
 * the few plugin fields Kong itself interprets (request-transformer templates, cors origins as
 * regexes) are escaped or refused here.
 */
import type { Mock, Route, SecurityScheme } from '../../model/types.js';
import type { Ctx, Entity, Json } from './context.js';
import { mappedCidr } from '../../model/policies/ip-mapped.js';
import { escapeRegex } from './paths.js';

// Split by responsibility (STYLE.md: under ~300 lines); importers keep reading them here.
export { headerFamily, queryKeyHeaderNames } from './request-headers.js';
export { requestTransformer, responseTransformer } from './transformers.js';
export type { RoutePlugins } from './transformers.js';
import type { RoutePlugins } from './transformers.js';
export { bearerRoute, headerKeyNames, queryKeyNames } from './credential-names.js';

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
  // A public route has no consumer: get_identifier falls back to the client address (RL19).
  if (r.by === 'consumer' && route.security.length === 0) ctx.report('limit-consumer-public', { route: route.id, target: 'kong' }, r.loc);
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
 * value before rate-limiting (priority 910) runs, as one credential: in every alternative of the
 * route, the header of an API key (key-auth) or basic user's Authorization (basic-auth) the
 * alternative requires. There it counts per verified CONSUMER (limit_by consumer: key-auth and
 * basic-auth with hide_credentials have already cleared the header, and limit_by header would fall
 * back to the client address), as nginx counts it: the header is the credential, and the caller
 * is the consumer holding it. Per credential (limit_by credential) gave a consumer holding two
 * keys (a rotation lists old and new) twice the limit (RL19, kong-limit-identity.test.ts). That
 * consumer is the one the LAST auth plugin set (an AND alternative runs jwt 1450, key-auth 1250,
 * then basic-auth 1100, each overwriting it), so the header's plugin must be its alternative's last;
 * a jwt credential is the issuer's key (one for every token holder), never per caller. Anything
 * else would give a caller a fresh bucket per value and let it drain another caller's, or count
 * another credential than the spec names: the limit counts per client address, said at the
 * rateLimit node (DESIGN.md 7.4). kong/plugins/rate-limiting/handler.lua get_identifier;
 * test/security/kong-limit-identity.test.ts.
 */
function limitByHeader(ctx: Ctx, route: Route, header: string): 'consumer' | 'ip' {
  const h = header.toLowerCase();
  const plugin = (scheme: string) => {
    const s = ctx.scheme(scheme);
    return s ? AUTH_ORDER[s.kind] : undefined;
  };
  const verifies = (scheme: string) => {
    const s = ctx.scheme(scheme);
    if (s?.kind === 'apiKey') return s.apiKey?.in === 'header' && s.apiKey.name.toLowerCase() === h && ctx.plan.enforced(route.id, 'auth.apiKey');
    if (s?.kind === 'basic') return h === 'authorization' && ctx.plan.enforced(route.id, 'auth.basic');
    return false;
  };
  // The alternative's last auth plugin (the lowest priority) is the one whose credential Kong keeps.
  const keyedLast = (alt: Route['security'][number]) => {
    const item = alt.find((i) => verifies(i.scheme));
    if (!item) return false;
    // A scheme outside Kong's auth plugin order (forward, lambda, iam, an unknown name: no plugin
    // of Kong's is known to run it, or when) may run last: the alternative is not keyed on the
    // header (fail closed: per address, said). Kong refuses such an alternative today
    // (accept-opens-route) before this compile runs; read fail closed all the same
    // (test/security/kong-limit-unknown-scheme.test.ts).
    const last = Math.min(...alt.map((i) => plugin(i.scheme) ?? -Infinity));
    return plugin(item.scheme) === last && alt.filter((i) => plugin(i.scheme) === last).every((i) => verifies(i.scheme));
  };
  if (route.security.length > 0 && route.security.every(keyedLast)) return 'consumer';
  const loc = route.policy.rateLimit!.loc;
  ctx.report('limit-key-unverified', { route: route.id, header, target: 'kong' }, loc);
  return 'ip';
}

/** Kong's auth plugin priorities (kong/plugins/<name>/handler.lua PRIORITY): jwt, key-auth, basic-auth run in this order. */
const AUTH_ORDER: Partial<Record<SecurityScheme['kind'], number>> = { jwt: 1450, apiKey: 1250, basic: 1100 };

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
  const kinds = schemeKinds(ctx);
  const names = route.security.flat().map((i) => i.scheme).filter((n) => kinds.get(n) !== 'apiKey' && kinds.get(n) !== 'basic');
  return [...new Set(names)].sort();
}

/** Each scheme's kind by name, made once per compile (#18: twice per route before, 20,000 maps on the synthetic 10,000-operation spec). */
function schemeKinds(ctx: Ctx): ReadonlyMap<string, SecurityScheme['kind']> {
  let kinds = KINDS.get(ctx);
  if (!kinds) KINDS.set(ctx, (kinds = new Map(ctx.gateway.securitySchemes.map((s) => [s.name, s.kind]))));
  return kinds;
}
const KINDS = new WeakMap<Ctx, ReadonlyMap<string, SecurityScheme['kind']>>();

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
