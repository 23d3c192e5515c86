/**
 * Traffic policies → nginx directives. Each returns view data; emit.ts renders it.
 * - rate limit: `limit_req_zone`/`limit_req` (https://nginx.org/en/docs/http/ngx_http_limit_req_module.html),
 *   a leaky bucket: `burst` (default requests-1) with `nodelay` lets a full window through at once.
 * - CORS: a `map` of allowed origins (regex keys: case-sensitive and anchored), headers added
 *   `always` so error responses carry them too.
 * - cache: `proxy_cache` with an explicit key (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache_key).
 */
import type { Cors, Policy, RateLimit, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { cidr, headerName, headerValue, headerVar, regexLiteral, Refused, type ValuePart } from './escape.js';
import { secs } from './backends.js';

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
}

export class PolicyRegistry {
  readonly zones: LimitZone[] = [];
  readonly corsMaps: CorsMap[] = [];
  cacheZone?: string;

  constructor(readonly ctx: Ctx) {}

  /** The zone for a rate limit; zones are shared by equal (rate, key) pairs and keyed per route inside. */
  limitZone(route: Route, rl: RateLimit): { zone: string; burst: number } | undefined {
    const rate = this.rate(route, rl);
    if (!rate) return undefined;
    const routeVar = { var: `${this.ctx.prefix}_route` };
    let by: ValuePart;
    if (rl.by === 'ip') by = { var: 'binary_remote_addr' };
    else if (rl.by === 'consumer') {
      this.ctx.needsNjs = true;
      by = { var: `${this.ctx.prefix}_consumer` };
    } else {
      const v = this.ctx.safe(rl.loc, () => headerVar(typeof rl.by === 'object' ? rl.by.header : ''));
      if (!v) return undefined;
      by = { var: v };
    }
    // The route id is part of every key: a request never has an empty key (nginx does not count those).
    const key: ValuePart[] = [routeVar, { lit: ':' }, by];
    const sig = JSON.stringify([rate, key]);
    let zone = this.zones.find((z) => JSON.stringify([z.rate, z.key]) === sig);
    if (!zone) {
      zone = { name: `${this.ctx.prefix}_rl${this.zones.length}`, key, rate };
      this.zones.push(zone);
    }
    return { zone: zone.name, burst: rl.burst > 0 ? rl.burst : Math.max(0, rl.requests - 1) };
  }

  private rate(route: Route, rl: RateLimit): string | undefined {
    if (rl.per === 'second') return `${rl.requests}r/s`;
    if (rl.per === 'minute') return `${rl.requests}r/m`;
    const perMinute = rl.requests / (rl.per === 'hour' ? 60 : 1440);
    if (perMinute < 1) {
      this.ctx.error(`route ${route.id}: nginx limits no finer than 1 request per minute; ${rl.requests} per ${rl.per} cannot be enforced`, rl.loc);
      return undefined;
    }
    if (!Number.isInteger(perMinute)) {
      this.ctx.warn(`route ${route.id}: ${rl.requests} per ${rl.per} is enforced as ${Math.floor(perMinute)} per minute (nginx counts whole requests per minute)`, rl.loc);
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
}

export function corsView(reg: PolicyRegistry, cors: Cors): CorsView | undefined {
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

export interface CacheView {
  zone: string;
  valid: string;
  methods: string[];
  key: ValuePart[];
}

export function cacheView(ctx: Ctx, reg: PolicyRegistry, route: Route, params: number): CacheView | undefined {
  const cache = route.policy.cache;
  if (!cache) return undefined;
  return ctx.safe(cache.loc, () => {
    reg.cacheZone = `${ctx.prefix}_cache`;
    const key: ValuePart[] = [{ var: `${ctx.prefix}_route` }, { lit: '|' }, { var: 'request_method' }, { lit: '|' }, { var: 'host' }];
    for (let i = 0; i < params; i++) key.push({ lit: '|' }, { var: `gwc_p${i}` });
    if (cache.keyQuery) key.push({ lit: '|' }, { var: 'args' });
    for (const h of [...cache.keyHeaders].sort()) key.push({ lit: '|' }, { var: headerVar(h) });
    const methods = cache.methods.filter((m) => m === 'GET' || m === 'HEAD' || m === 'POST');
    return { zone: reg.cacheZone, valid: secs(cache.ttlMs), methods: methods.length > 0 ? methods : ['GET', 'HEAD'], key };
  });
}
