/**
 * Kong's proxy-cache and rate-limiting as they run, on top of the request oracle (kong-oracle.ts):
 * a store of cached answers and a table of counters kept across requests, with the keys Kong 3
 * really computes, so an attack is a sequence of requests and the test reads what each caller got.
 *
 * proxy-cache (kong/plugins/proxy-cache/handler.lua, cache_key.lua; PRIORITY 100, after auth):
 * - skipped (Bypass) for a method outside request_method, and with cache_control for a request
 *   Cache-Control no-store/no-cache;
 * - key = sha256(prefix|method|uri|params|headers): prefix `consumer_id:route_id`, or `route_id`
 *   with no consumer; uri is the RAW request line with `\?.*` cut (so `GET /p` with a query,
 *   `GET /p HTTP/1.1` without); params are the decoded query args (ngx.req.get_uri_args, after
 *   key-auth and request-transformer removed theirs) as `k=v` sorted, joined by `:`, a repeated
 *   arg's values sorted and joined by `,`, an arg without `=` as `k`; headers the vary_headers
 *   values the same way. Nothing is escaped: parts can run into each other.
 * - stored when the status is in response_code, the content type is one of content_type (exact
 *   parameters), and with cache_control: not private/no-store/no-cache and a TTL from
 *   s-maxage/max-age (else not stored at all: kong/tools/http.lua calculate_resource_ttl). The
 *   stored headers are those after header_filter plugins of higher priority
 *   (response-transformer, 800) ran; Set-Cookie is not looked at.
 * rate-limiting (kong/plugins/rate-limiting/handler.lua get_identifier, policies/init.lua; 910):
 * - identifier: consumer -> consumer (or credential) id; credential -> credential id; header ->
 *   the request header as it is when the plugin runs (key-auth/basic-auth with hide_credentials
 *   cleared theirs); anything missing -> kong.client.get_forwarded_ip(), which is the connection's
 *   address unless kong.conf trusted_ips names the peer (gwc writes no kong.conf: the default
 *   trusts nobody, so X-Forwarded-For is never read).
 * - counters `ratelimit:<route_id>:<service_id>:<identifier>:<period>` of the plugin's route: a
 *   route-scoped plugin counts per route.
 */
import { createHash } from 'node:crypto';
import { allRoutes, type KongRoute } from './kong-router.js';
import { evaluate, type DeckDoc, type OracleRequest, type Outcome } from './kong-oracle.js';
import { generateKeyFrom, getUriArgs, paramsKey } from './proxy-cache-key.js';

/** kong.conf lua_max_uri_args (default 100): what proxy-cache's get_query() reads. */
const MAX_URI_ARGS = 100;

export interface SimRequest extends Omit<OracleRequest, 'query'> {
  /** The raw query string after `?` (undefined: no `?` in the request line). */
  rawQuery?: string;
  /** The connection's address. */
  ip?: string;
}

export interface BackendAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface SimResult {
  status: number;
  body?: string;
  headers: Record<string, string>;
  /** Served from proxy-cache. */
  hit: boolean;
  /** The backend was called. */
  upstream: boolean;
  outcome: Outcome;
}

type Plugin = { name: string; config: Record<string, any> };
type Args = Map<string, string[] | true>;

const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

/** ngx.req.get_uri_args: decoded names and values, repeated names as a list, `a` alone as true. */
export function uriArgs(raw: string | undefined): Args {
  const out: Args = new Map();
  for (const part of (raw ?? '').split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const k = dec(i < 0 ? part : part.slice(0, i));
    if (i < 0) {
      if (!out.has(k)) out.set(k, true);
      continue;
    }
    const prev = out.get(k);
    out.set(k, [...(Array.isArray(prev) ? prev : []), dec(part.slice(i + 1))]);
  }
  return out;
}


function directives(v: string | undefined): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const d of (v ?? '').split(',')) {
    const m = /^\s*([^=]+?)\s*(?:=(.+))?$/.exec(d);
    if (m) out[m[1]!.toLowerCase()] = m[2]?.trim() ?? true;
  }
  return out;
}

export class KongSim {
  private readonly cache = new Map<string, { status: number; headers: Record<string, string>; body: string }>();
  private readonly counters = new Map<string, number>();
  readonly backendCalls: Array<{ outcome: Outcome }> = [];
  /**
   * The counter store fails (a cluster policy's database, Redis, a full shared dict): get_usage
   * returns an error, and handler.lua proxies the request uncounted when `fault_tolerant` is true
   * (Kong's default), or ends it with a 500 when false.
   */
  counterStoreDown = false;
  private readonly routes: KongRoute[];

  constructor(
    private readonly doc: DeckDoc,
    private readonly env: Record<string, string>,
    private readonly backend: (o: Outcome) => BackendAnswer = (o) => ({ body: JSON.stringify({ consumer: o.upstream?.headers['x-consumer-username'] ?? null, path: o.upstream?.path, query: o.upstream?.query }) }),
  ) {
    this.routes = allRoutes(doc);
  }

  private plugin(route: string | undefined, name: string): Plugin | undefined {
    const r = this.routes.find((x) => x.name === route);
    return (r?.plugins as Plugin[] | undefined)?.find((p) => p.name === name && (p as { enabled?: boolean }).enabled !== false);
  }

  private routeId(route: string | undefined): string {
    return String((this.routes.find((x) => x.name === route) as { id?: string } | undefined)?.id ?? route);
  }

  private consumerId(username: string | undefined): string | undefined {
    return (this.doc.consumers ?? []).find((c) => c.username === username)?.id;
  }

  send(req: SimRequest, answer?: BackendAnswer): SimResult {
    const args = uriArgs(req.rawQuery);
    // The oracle reads one value per name (the first, as kong.request.get_query_arg does).
    const query = Object.fromEntries([...args].map(([k, v]) => [k, v === true ? '' : v[0]!]));
    const outcome = evaluate(this.doc, { method: req.method, path: req.path, host: req.host, headers: req.headers, query, client: req.client ?? req.ip }, this.env);
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const done = (status: number): SimResult => ({ status, headers: {}, hit: false, upstream: false, outcome });
    if (outcome.status !== 200 || !outcome.upstream) return done(outcome.status);
    const consumerId = outcome.authenticatedBy ? this.consumerId(outcome.consumer) : undefined;

    const rl = this.plugin(outcome.route, 'rate-limiting');
    if (rl) {
      const c = rl.config;
      const period = ['second', 'minute', 'hour', 'day', 'month', 'year'].find((p) => typeof c[p] === 'number')!;
      let id: string | undefined;
      if (c.limit_by === 'consumer') id = consumerId;
      else if (c.limit_by === 'credential') id = consumerId && this.credentialOf(outcome, headers, args);
      else if (c.limit_by === 'header') id = this.headerAtLimit(outcome, headers, String(c.header_name));
      id ??= req.ip ?? '127.0.0.1';
      if (this.counterStoreDown) {
        if (c.fault_tolerant === false) return done(500);
      } else {
        const key = `ratelimit:${this.routeId(outcome.route)}:${id}:${period}`;
        const used = this.counters.get(key) ?? 0;
        if (used >= c[period]) return done(429);
        this.counters.set(key, used + 1);
      }
    }

    const pc = this.plugin(outcome.route, 'proxy-cache');
    let key: string | undefined;
    if (pc) {
      const c = pc.config;
      const cc = directives(headers['cache-control']);
      if ((c.request_method as string[]).includes(req.method) && !(c.cache_control && (cc['no-store'] || cc['no-cache']))) {
        const rid = this.routeId(outcome.route);
        const prefix = consumerId ? `${consumerId}:${rid}` : rid;
        const line = `${req.method} ${req.path}${req.rawQuery !== undefined ? `?${req.rawQuery}` : ''} HTTP/1.1`;
        const uri = line.replace(/\?.*/, '');
        // The args proxy-cache reads (get_query(): the first lua_max_uri_args pairs) are those left
        // after key-auth and request-transformer removed theirs; the key as cache_key.lua derives it
        // (proxy-cache-key.ts; it raises, a 500, on a name sent with and without a value).
        const left = new Map([...getUriArgs(req.rawQuery ?? '', MAX_URI_ARGS).args].filter(([k]) => k in outcome.upstream!.query));
        const vq = (c.vary_query_params as string[] | null | undefined) ?? [];
        const up = outcome.upstream.headers;
        const vh = (c.vary_headers as string[] | null | undefined) ?? [];
        let params: string;
        let hdrs: string;
        try {
          params = vq.length > 0 ? generateKeyFrom(left, vq) : paramsKey(left);
          hdrs = vh.length > 0 ? generateKeyFrom(new Map(Object.entries(up)), vh) : '';
        } catch {
          return done(500);
        }
        key = createHash('sha256').update(`${prefix}|${req.method}|${uri}|${params}|${hdrs}`).digest('hex');
        const hit = this.cache.get(key);
        if (hit) return { ...hit, hit: true, upstream: false, outcome };
      }
    }

    this.backendCalls.push({ outcome });
    const a = answer ?? this.backend(outcome);
    let resHeaders: Record<string, string> = { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
    const rt = this.plugin(outcome.route, 'response-transformer');
    for (const h of (rt?.config.remove?.headers as string[] | undefined) ?? []) delete resHeaders[h.toLowerCase()];
    resHeaders = { ...resHeaders };
    const status = a.status ?? 200;
    if (pc && key && this.storable(pc.config, status, resHeaders)) this.cache.set(key, { status, headers: resHeaders, body: a.body });
    return { status, body: a.body, headers: resHeaders, hit: false, upstream: true, outcome };
  }

  /**
   * kong.client.get_credential().id: the credential the LAST auth plugin that authenticated set (an
   * AND alternative runs key-auth, 1250, then basic-auth, 1100, each overwriting it): one id per
   * key (a consumer holding two keys has two), per basic user, and per jwt_secret (the issuer's key,
   * every token holder alike).
   */
  private credentialOf(outcome: Outcome, headers: Record<string, string>, args: Args): string {
    const by = outcome.authenticatedBy;
    const c = this.plugin(outcome.route, by!)?.config ?? {};
    if (by === 'key-auth') {
      for (const n of (c.key_names as string[] | undefined) ?? []) {
        const q = args.get(n);
        const v = headers[n.toLowerCase()] ?? (Array.isArray(q) ? q[0] : undefined);
        if (v !== undefined) return `key-auth:${v}`;
      }
    }
    if (by === 'basic-auth') {
      for (const h of ['proxy-authorization', 'authorization']) {
        const m = /\s*[Bb]asic\s*(.+)/.exec(headers[h] ?? '');
        const user = m ? /^([^:]+):/.exec(Buffer.from(m[1]!, 'base64').toString('utf8'))?.[1] : undefined;
        if (user && (this.doc.consumers ?? []).some((x) => (x.basicauth_credentials ?? []).some((b) => b.username === user))) return `basic-auth:${user}`;
      }
    }
    return `${by}:${outcome.consumer}`;
  }

  /** The header as rate-limiting (910) sees it: after the auth plugins (>= 1100) hid their credential. */
  private headerAtLimit(outcome: Outcome, headers: Record<string, string>, name: string): string | undefined {
    const h = name.toLowerCase();
    const by = outcome.authenticatedBy;
    const auth = by ? this.plugin(outcome.route, by) : undefined;
    if (auth?.config.hide_credentials) {
      if (by === 'key-auth' && (auth.config.key_names as string[]).some((n) => n.toLowerCase() === h)) return undefined;
      if (by === 'basic-auth' && (h === 'authorization' || h === 'proxy-authorization')) return undefined;
    }
    return headers[h];
  }

  private storable(c: Record<string, any>, status: number, headers: Record<string, string>): boolean {
    if (!(c.response_code as number[]).includes(status)) return false;
    const ct = headers['content-type'];
    if (!ct || !(c.content_type as string[]).some((x) => x.replace(/\s+/g, '').toLowerCase() === ct.replace(/\s+/g, '').toLowerCase())) return false;
    if (c.cache_control) {
      const cc = directives(headers['cache-control']);
      if (cc.private || cc['no-store'] || cc['no-cache']) return false;
      const ttl = Number(cc['s-maxage'] ?? cc['max-age'] ?? (headers.expires ? 1 : 0));
      if (!(ttl > 0)) return false;
    }
    return true;
  }
}
