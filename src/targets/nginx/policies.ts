/**
 * Traffic policies → nginx directives. Each returns view data; emit.ts renders it.
 * - rate limit: `limit_req_zone`/`limit_req` (https://nginx.org/en/docs/http/ngx_http_limit_req_module.html),
 *   a leaky bucket: `burst` (default requests-1) with `nodelay` lets a full window through at once.
 * - CORS: a `map` of allowed origins (regex keys: case-sensitive and anchored), headers added
 *   `always` so error responses carry them too.
 * - request headers and IP rules.
 * The cache (`proxy_cache`, its key and bypass) is cache.ts.
 */
import type { Cors, Policy, RateLimit, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { cidr, headerName, headerValue, headerVar, regexLiteral, Refused, type ValuePart } from './escape.js';
import { securityOf } from './security.js';
import { ValidatorSet } from './validate-module.js';
import { forwardLimitKey } from './forward-limit.js';
import { upgradeOrigins } from '../websocket-origin.js';

export interface LimitZone {
  name: string;
  key: ValuePart[];
  rate: string;
}

export interface CorsMap {
  name: string;
  variable: string;
  /** Anchored, escaped regexes of allowed origins; '*' allows any. */
  origins: string[];
  any: boolean;
  /** A WebSocket route uses this list: `<name>_ws` is 1 on an upgrade from an Origin not in it (templates.ts). */
  ws?: boolean;
}

/** A route's `limit_req`; a per-consumer limit on a secured route also gets its verify and fail locations. */
export interface LimitView {
  zone: string;
  burst: number;
  verifyUri?: string;
  failUri?: string;
  /** Error pages the verify location restates (its own `error_page` replaces the server's). */
  errors?: number[];
  /**
   * A WebSocket route: the connections one limit key may hold open at once (`limit_conn`), the
   * most one window admits (requests + burst). limit_req counts only the upgrade request, and an
   * upgraded connection stays open (test/security/websocket-limit.test.ts).
   * https://nginx.org/en/docs/http/ngx_http_limit_conn_module.html
   */
  conn?: { zone: string; max: number };
}

/**
 * nginx `burst` for a limit of `requests` per period: a leaky bucket lets `burst + 1` requests
 * through at once, so a full period (`requests`) plus the spec's `burst` (requests allowed above
 * the rate, schema default 0) is `requests - 1 + burst`. A larger `burst` never makes the limit
 * stricter than the default.
 */
export function burstOf(rl: RateLimit): number {
  return Math.max(0, rl.requests - 1) + Math.max(0, rl.burst);
}

/** The verified identity the auth handler answered (`X-Gwc-Identity`, via auth_request_set); '-' is anonymous. */
export const identityKeyVar = (ctx: Ctx): string => `${ctx.prefix}_id_key`;
/** The per-consumer limit key: `i:<identity>` when verified, else `a:<client address>`. */
export const limitIdVar = (ctx: Ctx): string => `${ctx.prefix}_lim_id`;
/** The client address a limit counts: an IPv6 client's /64, an IPv4 client's address (templates.ts map). */
export const limitIpVar = (ctx: Ctx): string => `${ctx.prefix}_lim_ip`;

/**
 * What the routes' policies share at the http level, filled as each route's part is compiled
 * (policy-map.ts) and read by the http view: limit zones, CORS origin maps, the cache zone, the
 * request validators and their module.
 */
export class PolicyRegistry {
  readonly zones: LimitZone[] = [];
  /** `limit_conn_zone`s of WebSocket routes' limits, one per limit key (the route id is part of it). */
  readonly connZones: Array<{ name: string; key: ValuePart[] }> = [];
  private readonly connZoneByKey = new Map<string, { name: string; key: ValuePart[] }>();
  readonly corsMaps: CorsMap[] = [];
  cacheZone?: string;
  /** Some per-consumer limit reads the verified identity (the `$<prefix>_lim_id` map is needed). */
  limitIdentity = false;
  /** The validated routes' validators (validate.ts), compiled into one njs module. */
  readonly validators = new ValidatorSet();
  /** That module's code, once every route is compiled; undefined when no route validates (or it was refused). */
  validateModule?: string;

  /** The zones by JSON.stringify([rate, key]), the signature two limits share a zone on (zones are only added by limitZone). */
  private readonly zoneBySig = new Map<string, LimitZone>();
  private indexOfRoute?: Map<Route, number>;

  constructor(readonly ctx: Ctx) {}

  /**
   * The zone for a rate limit; zones are shared by equal (rate, key) pairs and keyed per route inside.
   * `by: consumer` counts the VERIFIED caller: `$<prefix>_lim_id` is the identity the auth handler
   * answered (auth_request_set), or the client address for anonymous and refused requests. On a
   * secured route the limit is therefore evaluated after the auth check (templates-limit.ts), never
   * on a claim such as an unverified JWT `sub` (DESIGN.md section 7.4).
   */
  limitZone(route: Route, rl: RateLimit): LimitView | undefined {
    const rate = this.rate(route, rl);
    if (!rate) return undefined;
    const routeVar = { var: `${this.ctx.prefix}_route` };
    let by: ValuePart;
    const secured = route.security.length > 0;
    // by: {header} counts the header's value only where the gateway verifies it: the route's API-key
    // header in every alternative, i.e. the verified caller (counted like by: consumer, after the
    // check). Any other header is the caller's to choose (a fresh bucket per value, or a victim's
    // value to drain theirs): counted per client address, and said (limit-key-unverified).
    const header = typeof rl.by === 'object' ? rl.by.header : undefined;
    const perCaller = rl.by === 'consumer' || (header !== undefined && verifiedKeyHeader(this.ctx, route, header));
    if (header !== undefined && !perCaller) {
      if (!this.ctx.safe(rl.loc, () => headerVar(header))) return undefined;
      this.ctx.report('limit-key-unverified', { route: route.id, header, target: 'nginx' }, rl.loc);
    }
    // A public route identifies nobody: by: consumer counts per client address there, said as on
    // every target (limit-consumer-public; RL19).
    if (rl.by === 'consumer' && !secured && this.ctx.once(`limit-public:${route.id}`)) this.ctx.report('limit-consumer-public', { route: route.id, target: 'nginx' }, rl.loc);
    if (perCaller) {
      forwardLimitKey(this.ctx, route, rl);
      this.limitIdentity = this.limitIdentity || securityOf(this.ctx).anyAuth;
      by = securityOf(this.ctx).anyAuth ? { var: limitIdVar(this.ctx) } : { var: limitIpVar(this.ctx) };
    } else by = { var: limitIpVar(this.ctx) };
    // The route id is part of every key: a request never has an empty key (nginx does not count those).
    const key: ValuePart[] = [routeVar, { lit: ':' }, by];
    const sig = JSON.stringify([rate, key]);
    let zone = this.zoneBySig.get(sig);
    if (!zone) {
      zone = { name: `${this.ctx.prefix}_rl${this.zones.length}`, key, rate };
      this.zones.push(zone);
      this.zoneBySig.set(sig, zone);
    }
    const view: LimitView = { zone: zone.name, burst: burstOf(rl) };
    if (route.websocket && this.ctx.plan.enforced(route.id, 'websocket')) {
      const ksig = JSON.stringify(key);
      let cz = this.connZoneByKey.get(ksig);
      if (!cz) {
        cz = { name: `${this.ctx.prefix}_wc${this.connZones.length}`, key };
        this.connZones.push(cz);
        this.connZoneByKey.set(ksig, cz);
      }
      view.conn = { zone: cz.name, max: rl.requests + (rl.burst ?? 0) };
    }
    if (perCaller && secured) {
      const index = this.routeIndex(route);
      view.verifyUri = `/_gwc_internal/v/${index}`;
      view.failUri = `/_gwc_internal/x/${index}`;
      view.errors = [400, 404, 413, 429, 500, 502, 503, 504];
    }
    return view;
  }

  /** `gateway.routes.indexOf(route)`, from a map made once: a scan per route was quadratic (#18). */
  private routeIndex(route: Route): number {
    if (!this.indexOfRoute) {
      this.indexOfRoute = new Map();
      this.ctx.gateway.routes.forEach((r, i) => {
        if (!this.indexOfRoute!.has(r)) this.indexOfRoute!.set(r, i);
      });
    }
    return this.indexOfRoute.get(route) ?? -1;
  }

  private rate(route: Route, rl: RateLimit): string | undefined {
    if (rl.per === 'second') return `${rl.requests}r/s`;
    if (rl.per === 'minute') return `${rl.requests}r/m`;
    const perMinute = rl.requests / (rl.per === 'hour' ? 60 : 1440);
    if (perMinute < 1) {
      this.ctx.report('nginx-rate-too-fine', { route: route.id, requests: rl.requests, per: rl.per }, rl.loc);
      return undefined;
    }
    if (!Number.isInteger(perMinute)) {
      this.ctx.report('nginx-rate-rounded', { route: route.id, requests: rl.requests, per: rl.per, perMinute: Math.floor(perMinute) }, rl.loc);
    }
    return `${Math.floor(perMinute)}r/m`;
  }

  cors(cors: Cors): CorsMap | undefined {
    return this.ctx.safe(cors.loc, () => {
      const any = cors.origins.includes('*');
      const origins = cors.origins.filter((o) => o !== '*').map((o) => {
        if (!/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+$/i.test(o)) throw new Refused('CORS origin', o, 'must be scheme://host[:port] or *');
        return `^${regexLiteral(o)}$`;
      });
      const sig = JSON.stringify([any, origins]);
      let map = this.corsMaps.find((m) => JSON.stringify([m.any, m.origins]) === sig);
      if (!map) {
        const name = `${this.ctx.prefix}_cors${this.corsMaps.length}`;
        map = { name, variable: name, origins, any };
        this.corsMaps.push(map);
      }
      return map;
    });
  }
}

export interface CorsView {
  originVar: string;
  credentials: boolean;
  expose: string;
  methods: string;
  headers: string;
  maxAge?: number;
  /** Cross-site WebSocket hijacking: the variable that is 1 on an upgrade whose Origin is present and not allowed (403). */
  wsGuard?: string;
}

export function corsView(reg: PolicyRegistry, route: Route, cors: Cors): CorsView | undefined {
  // The origin map answers `*` itself (HTTP_TEMPLATE), which browsers refuse beside
  // Access-Control-Allow-Credentials: true (Fetch, CORS check): a policy that works for no site,
  // refused as Kong and AWS refuse it. (`null` never reaches here: not scheme://host.)
  if (cors.credentials && cors.origins.includes('*')) {
    reg.ctx.report('cors-credentials-origin-open', { target: 'nginx', route: route.id, origin: '*' }, cors.loc);
    return undefined;
  }
  const map = reg.cors(cors);
  if (!map) return undefined;
  return reg.ctx.safe(cors.loc, () => {
    const view: CorsView = {
      originVar: map.variable,
      credentials: cors.credentials,
      expose: cors.exposeHeaders.map(headerName).join(', '),
      methods: cors.methods.join(', '),
      headers: cors.headers.map(headerName).join(', '),
    };
    if (cors.maxAgeSeconds !== undefined) view.maxAge = cors.maxAgeSeconds;
    // Browsers apply no CORS to a WebSocket: any page opens it with the user's cookies and reads
    // every frame. Only the gateway, comparing Origin on the upgrade, keeps other sites out
    // (red team 18, DESIGN 4: CORS enforced). No Origin (a non-browser client) passes.
    // A cors list without credentials on a route whose credential the browser sends by itself
    // allows only the request's own origin (routes.ts wsSameOrigin, ../websocket-origin.ts).
    if (route.websocket && reg.ctx.plan.enforced(route.id, 'websocket') && !map.any && upgradeOrigins(route, reg.ctx.gateway.securitySchemes) === 'listed') {
      map.ws = true;
      view.wsGuard = `${map.name}_ws`;
    }
    return view;
  });
}

export interface HeaderView {
  name: string;
  value?: string;
}

export function headerOps(ctx: Ctx, ops: Policy['requestHeaders']): HeaderView[] | undefined {
  if (!ops) return [];
  return ctx.safe(ops.loc, () => [
    ...Object.keys(ops.set)
      .sort()
      .map((k) => ({ name: headerName(k), value: headerValue(k, ops.set[k]!) })),
    ...[...ops.remove].sort().map((k) => ({ name: headerName(k) })),
  ]);
}

export interface IpView {
  rules: Array<{ action: 'allow' | 'deny'; source: string }>;
}

/** Deny entries first, then allow entries, then `deny all` when an allow list exists (first match wins). */
export function ipView(ctx: Ctx, rule: Policy['ipRule']): IpView | undefined {
  if (!rule) return undefined;
  return ctx.safe(rule.loc, () => {
    const rules: IpView['rules'] = [
      ...rule.deny.map((s) => ({ action: 'deny' as const, source: cidr(s) })),
      ...rule.allow.map((s) => ({ action: 'allow' as const, source: cidr(s) })),
    ];
    if (rule.allow.length > 0) rules.push({ action: 'deny', source: 'all' });
    return { rules };
  });
}

/**
 * True when every security alternative of `route` verifies the credential sent in `header` (any
 * case): an API key's header, or Authorization where the alternative requires a basic user (njs
 * checks the user and password; the caller is the consumer holding them, as on Kong's limit_by
 * consumer and Traefik's verified user: KNG5, NGX7). There the limit counts the verified consumer
 * (`$<gw>_lim_id`), never the header's text, which has many spellings per user
 * (test/security/ngx7-nginx-limit-basic-header.test.ts).
 */
function verifiedKeyHeader(ctx: Ctx, route: Route, header: string): boolean {
  if (route.security.length === 0 || route.optionalAuth) return false;
  const h = header.toLowerCase();
  return route.security.every((alt) =>
    alt.some((item) => {
      const s = ctx.scheme(item.scheme);
      return (s?.kind === 'apiKey' && s.apiKey?.in === 'header' && s.apiKey.name.toLowerCase() === h) || (s?.kind === 'basic' && h === 'authorization');
    }),
  );
}
