/**
 * An oracle of what Kong 3 (OSS) does with one request under a decK file gwc emitted: which route
 * matches (kong-router.ts), which plugins run in priority order, which consumer the auth plugins
 * identify, whether acl passes, whether a request-termination answers, and what the upstream gets
 * (path, headers, query). It follows Kong's own handlers where they decide security:
 * - key-auth/basic-auth/jwt: with `anonymous` set, a plugin is skipped once a CREDENTIAL is set, and
 *   ANY failure (missing or wrong credential) maps to the anonymous consumer
 *   (kong/plugins/key-auth/handler.lua); without it, a failure answers 401. The credential store
 *   is global: a key is found whichever consumer or scheme it was written for.
 * - key-auth: a header sent twice is a table -> 401 "Duplicate API key found"; hide_credentials
 *   clears the key name from both the headers and the query, wherever the key was found.
 * - basic-auth: Proxy-Authorization is tried first, Authorization only when that names no user;
 *   the scheme is matched by `\s*[Bb]asic\s*(.+)` (not `BASIC`), the user by `[^:]+`; with
 *   hide_credentials each header it read is cleared (kong/plugins/basic-auth/access.lua).
 * - acl: no consumer -> 401; a consumer with no acl groups -> 401 when it is anonymous (no
 *   credential), else 403; a consumer in none of `allow` -> 403 (kong/plugins/acl/handler.lua,
 *   groups.lua: group names compared exactly, case included).
 * - ip-restriction (990, after the auth plugins): ip-matcher.ts; the client is `client`.
 * - cors: an OPTIONS request with Access-Control-Request-Method is answered 200 by the plugin
 *   (preflight_continue false); a route without a service answers 503 "no Service found with
 *   those values" (kong/init.lua) and proxies nothing.
 * - a plugin's configuration is chosen after authentication, a consumer-scoped one over a
 *   route-scoped one (https://docs.konghq.com/gateway/latest/key-concepts/plugins/#precedence).
 * - nginx answers 400 to a second line of a header it holds unique (Authorization, Host,
 *   Content-Length, Transfer-Encoding, ...: NGINX_UNIQUE_HEADERS) before Kong runs.
 * - the path is normalised before routing: escapes of unreserved characters are decoded, reserved
 *   ones kept, dot segments removed (kong/tools/uri.lua normalize).
 * Credentials in the file are decK env templates; the oracle renders them from `env`. JWTs are
 * symbolic: `valid:<iss>` (or `symbolicJwt(iss)`) verifies against a consumer's jwt_secrets of that key, anything else fails.
 */
import { allRoutes, kongMatch, type KongRoute } from './kong-router.js';
import { CLIENT_BODY_BUFFER, headerRelease, runPostFunction, runPreFunctionOn } from './lua-sandbox.js';
import { runHeaderChunk } from './lua-headers.js';
import { ipRestriction } from './ip-matcher.js';
import { encodeArgs, getUriArgs, proxyCacheKeyText, type UriArg } from './proxy-cache-key.js';
import { NAME_READINGS_MARK } from '../../../src/targets/kong/name-readings.js';
import { WS_GUARD_MARK } from '../../../src/targets/kong/websocket-guard.js';

export interface OracleRequest {
  method: string;
  path: string;
  host?: string;
  headers?: Record<string, string>;
  /** Headers sent several times, in order (Kong's get_headers() gives a Lua table then). */
  repeated?: Record<string, string[]>;
  query?: Record<string, string>;
  /**
   * The query string as sent, instead of `query`: Kong splits it on `&` only and decodes names and
   * values (ngx.req.get_uri_args: `+` a space, %XX decoded); `;` stays inside a value.
   */
  rawQuery?: string;
  /** The raw request body (its type from the content-type header). */
  body?: string;
  /** The client's address (Kong's $remote_addr; trusted_ips is empty by default). */
  client?: string;
  /**
   * The Kong release (default 3.4): from 3.8 kong.request.get_raw_body(max_allowed_file_size) reads a
   * body nginx buffered to a file (kong/pdk/request.lua, #13431); before, it gives nil. From 3.6
   * kong.request.get_header is nginx's $http_<name> (lua-sandbox.ts KongHeaderRelease).
   */
  kongVersion?: string;
  /** nginx_http_client_body_buffer_size in bytes (Kong's default 8k): a larger body is buffered to a file. */
  bodyBuffer?: number;
  /** kong.request.get_start_time() in ms (default lua-headers.ts DEFAULT_START_MS). */
  startMs?: number;
  /** The scheme the client used (kong.request.get_forwarded_scheme; default https). */
  scheme?: string;
  /** kong.conf lua_max_uri_args (default 100): what kong.request.get_query() reads. */
  maxUriArgs?: number;
  /** kong.conf lua_max_req_headers (default 100): what kong.request.get_headers() reads. */
  maxReqHeaders?: number;
}

export interface Outcome {
  status: number;
  route?: string;
  /** The consumer's username Kong ends with (the anonymous one included). */
  consumer?: string;
  /** The plugin whose credential identified the consumer (undefined for anonymous). */
  authenticatedBy?: string;
  /** Plugins that ran, in order. */
  ran: string[];
  upstream?: {
    path: string;
    headers: Record<string, string>;
    /** Every header line the backend gets, names lowercased, in order (`headers` holds the first of each). */
    lines?: Array<[string, string]>;
    query: Record<string, string>;
    /** The query text the backend gets (every pair, in order). */
    rawQuery: string;
    /** The body's fields as the backend parses them, after request-transformer (form, multipart, JSON only). */
    bodyFields?: Record<string, string>;
  };
  /**
   * The text proxy-cache hashes into its key (proxy-cache-key.ts: cache_key.lua over the first
   * lua_max_uri_args query pairs and the vary_headers); undefined when the request bypassed the cache.
   */
  cacheKey?: string;
  /** rate-limiting identifier. */
  limitKey?: string;
}

type Plugin = { name: string; config: Record<string, unknown>; consumer?: string; route?: string; enabled?: boolean };
type Consumer = {
  username: string;
  id: string;
  acls?: Array<{ group: string }>;
  keyauth_credentials?: Array<{ key: string }>;
  basicauth_credentials?: Array<{ username: string; password: string }>;
  jwt_secrets?: Array<{ key: string }>;
};
export interface DeckDoc {
  services?: Array<Record<string, unknown>>;
  routes?: KongRoute[];
  consumers?: Consumer[];
  plugins?: Plugin[];
}

/** Kong 3.x bundled plugin priorities (kong/plugins/NAME/handler.lua PRIORITY). */
const PRIORITY: Record<string, number> = {
  cors: 2000, jwt: 1450, 'key-auth': 1250, 'basic-auth': 1100, 'ip-restriction': 990, 'request-size-limiting': 951,
  acl: 950, 'rate-limiting': 910, 'request-transformer': 801, 'response-transformer': 800, 'proxy-cache': 100,
  'file-log': 9, 'request-termination': 2, 'pre-function': 1000000, 'post-function': -1000,
};
const AUTH = new Set(['jwt', 'key-auth', 'basic-auth']);
/**
 * kong/tools/uri.lua normalize (normalize_decode): every %XX is decoded but the reserved characters
 * (RESERVED_CHARS), kept upper-cased: unreserved ones and "others" (%00, %20, %5C, non-ASCII bytes)
 * reach Kong's router as raw bytes (red team 4, redteam4-kong-oracle-normalise).
 */
const KONG_RESERVED = "!*'();:@&=+$,/?%#[]";

/** kong/tools/uri.lua normalize: decode every escape but the reserved ones, remove dot segments, merge slashes. */
export function normalisePath(raw: string): string {
  const decoded = raw.replace(/%([0-9A-Fa-f]{2})/g, (m, h: string) => {
    const c = String.fromCharCode(parseInt(h, 16));
    return KONG_RESERVED.includes(c) ? m.toUpperCase() : c;
  });
  const out: string[] = [];
  const segs = decoded.replace(/\/+/g, '/').split('/').slice(1);
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (s === '.') { if (last) out.push(''); return; }
    if (s === '..') { out.pop(); if (last) out.push(''); return; }
    out.push(s);
  });
  return `/${out.join('/')}`;
}

function renderSecret(v: unknown, env: Record<string, string>): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\$\{\{ printf "%q" \(env "([A-Za-z0-9_]+)"\) \}\}$/.exec(v);
  if (!m) return v; // a literal (gwc never writes one; the oracle still treats it as Kong would)
  return env[m[1]!];
}

/**
 * The request headers Kong's nginx holds unique: a second line of one (its name compared case-blind,
 * spelt exactly: `Content_Length` is another header) is answered 400 while nginx reads the request
 * head, before any phase Kong runs (ngx_http_request.c ngx_http_headers_in: ngx_http_process_host,
 * ngx_http_process_unique_header_line). The table is the same in nginx 1.21.4, 1.25.3 and 1.27.1,
 * the cores of the OpenResty releases Kong 3.x ships (1.21.4.x from 3.0); HTTP/2 headers go through
 * the same handlers. Proxy-Authorization joins the list only in nginx 1.29.7, which no Kong 3 ships.
 */
export const NGINX_UNIQUE_HEADERS: ReadonlySet<string> = new Set([
  'host', 'if-modified-since', 'if-unmodified-since', 'if-match', 'if-none-match', 'content-length',
  'content-range', 'if-range', 'transfer-encoding', 'expect', 'authorization',
]);

/** The client's address when a request names none (TEST-NET-3: outside every office range a suite allows). */
export const DEFAULT_CLIENT = '203.0.113.7';

export function evaluate(doc: DeckDoc, req: OracleRequest, env: Record<string, string> = {}): Outcome {
  // Header names sent more than once (a Lua table in get_headers()); `headers` holds the first
  // value, which is what kong.request.get_header() returns.
  const multi = new Set<string>();
  const headers: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(req.headers ?? {}), ...Object.entries(req.repeated ?? {})]) {
    const name = k.toLowerCase();
    const values = Array.isArray(v) ? v : [v];
    if (values.length === 0) continue;
    if (values.length > 1 || headers[name] !== undefined) multi.add(name);
    headers[name] ??= values[0]!;
  }
  // Every header line as sent, in order (names lowercased): what ngx.req.get_headers reads, up to its limit.
  let lines: Array<[string, string]> = [...Object.entries(req.headers ?? {}), ...Object.entries(req.repeated ?? {})].flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k.toLowerCase(), x]));
  // nginx refuses a second line of a header it holds unique before Kong sees the request (`host`
  // stands for the Host line when no `host` header is given).
  const count = new Map<string, number>();
  for (const [n] of lines) count.set(n, (count.get(n) ?? 0) + 1);
  if ([...count].some(([n, k]) => k > 1 && NGINX_UNIQUE_HEADERS.has(n))) return { status: 400, ran: [] };
  let query: Record<string, string> = req.rawQuery !== undefined ? parseQuery(req.rawQuery) : { ...(req.query ?? {}) };
  const path = normalisePath(req.path);
  const m = kongMatch(allRoutes(doc), req.method, path, req.host, headers);
  if ('ambiguous' in m) throw new Error(`ambiguous routes ${m.ambiguous[0].name} / ${m.ambiguous[1].name}`);
  if ('none' in m) return { status: 404, ran: [] };
  const route = m.route;
  const consumers = doc.consumers ?? [];
  const byRef = (ref: unknown) => consumers.find((c) => c.id === ref || c.username === ref);
  let consumer: Consumer | undefined;
  let credential: string | undefined;
  const ran: string[] = [];
  let body = req.body;
  // A body larger than client_body_buffer_size is in a file: get_raw_body() (request-transformer,
  // proxy-cache) gives nil for it until a plugin sets the body (ngx.req.set_body_data: in memory).
  const buffer = req.bodyBuffer ?? CLIENT_BODY_BUFFER;
  const readsFile = versionAtLeast(req.kongVersion ?? '3.4', '3.8');
  let bodyInMemory = body === undefined || Buffer.byteLength(body, 'utf8') <= buffer;
  /** The query as raw text while only pre-function chunks rewrote it (the client's, when sent raw). */
  let rawNow = req.rawQuery;
  const out: Outcome = { status: 200, route: route.name, ran };
  const setConsumer = (c: Consumer | undefined, by: string | undefined) => {
    consumer = c;
    credential = by;
    // Kong's auth plugins set (or clear) these for the upstream (kong/plugins/*/handler.lua set_consumer).
    for (const h of ['x-consumer-id', 'x-consumer-username', 'x-consumer-custom-id', 'x-credential-identifier', 'x-anonymous-consumer']) delete headers[h];
    if (c) { headers['x-consumer-id'] = c.id; headers['x-consumer-username'] = c.username; }
    if (!by) headers['x-anonymous-consumer'] = 'true';
  };

  const routePlugins = ((route.plugins ?? []) as Plugin[]).filter((p) => p.enabled !== false);
  const globals = (doc.plugins ?? []).filter((p) => p.enabled !== false && !p.route);
  const names = [...new Set([...routePlugins, ...globals].map((p) => p.name))].sort((a, b) => (PRIORITY[b] ?? 0) - (PRIORITY[a] ?? 0));
  for (const name of names) {
    // Most specific first: consumer (once known) over route over global.
    const conf = (consumer && globals.find((p) => p.name === name && (p.consumer === consumer!.username || p.consumer === consumer!.id)))
      ?? routePlugins.find((p) => p.name === name)
      ?? globals.find((p) => p.name === name && !p.consumer);
    if (!conf) continue;
    const c = conf.config;
    if (AUTH.has(name)) {
      if (c.anonymous && credential) continue;
      if (req.method === 'OPTIONS' && c.run_on_preflight === false) continue;
      ran.push(name);
      // key-auth reads the query as kong.request.get_query() does (the first lua_max_uri_args pairs,
      // a name sent twice a table: ERR_DUPLICATE_API_KEY) when the oracle has the raw query.
      const uriArgs = rawNow !== undefined ? getUriArgs(rawNow, req.maxUriArgs ?? 100).args : undefined;
      const found = authenticate(name, c, headers, query, consumers, env, multi, uriArgs);
      // hide_credentials: query[name] = nil; kong.service.request.set_query(query): the query written
      // back from the pairs get_query() read, the key's name gone.
      if (found && name === 'key-auth' && c.hide_credentials && uriArgs && rawNow !== undefined) {
        const names = (c.key_names as string[]) ?? [];
        if (names.some((n) => uriArgs.has(n))) query = parseQuery((rawNow = encodeArgs([...uriArgs].filter(([k]) => !names.includes(k)))));
      }
      if (found) {
        setConsumer(found, name);
        continue;
      }
      if (c.anonymous) { setConsumer(byRef(c.anonymous), undefined); continue; }
      return { ...out, status: 401, consumer: consumer?.username };
    }
    ran.push(name);
    if (name === 'pre-function') {
      // Each `access` chunk runs for real in a Lua VM with Kong's sandbox globals (lua-sandbox.ts).
      // A chunk may read the body and answer itself (kong.request.get_raw_body, kong.response.exit).
      for (const code of (c.access as string[] | undefined) ?? []) {
        // A chunk reading the request headers (gwc's header family): run with them, in order.
        if (code.includes('kong.request.get_headers(') && !code.startsWith(NAME_READINGS_MARK)) {
          // The websocket guard reads the Host line (websocket-guard.ts: an Origin of the request's
          // own host): every HTTP/1.1 request has one, which the oracle's requests name apart
          // (req.host). Given to that chunk only: the others count lines, and their suites pin
          // line limits without it.
          const host = code.startsWith(WS_GUARD_MARK) && req.host !== undefined && !lines.some(([n]) => n === 'host') ? [['host', req.host] as [string, string]] : [];
          const r = runHeaderChunk(code, [...host, ...lines], req.startMs, body, { rawQuery: rawNow ?? serialise(query), maxUriArgs: req.maxUriArgs, maxReqHeaders: req.maxReqHeaders, scheme: req.scheme });
          if (r.exit !== undefined) return { ...out, status: r.exit };
          for (const h of r.cleared) { delete headers[h]; multi.delete(h); }
          lines = lines.filter(([n]) => !r.cleared.includes(n));
          for (const [h, v] of r.set) {
            headers[h] = v;
            multi.delete(h);
            lines = [...lines.filter(([n]) => n !== h), [h, v]];
          }
          continue;
        }
        const raw = rawNow ?? serialise(query);
        const r = runPreFunctionOn(code, { raw, body, contentType: headers['content-type'], headers, lines, buffer: bodyInMemory ? Number.MAX_SAFE_INTEGER : buffer, readsFile, kongVersion: headerRelease(req.kongVersion ?? '3.4') });
        if (r.exit !== undefined) return { ...out, status: r.exit };
        body = r.body;
        if (r.bodySet) bodyInMemory = true;
        for (const [h, v] of Object.entries(r.set)) {
          headers[h] = v;
          lines = [...lines.filter(([n]) => n !== h), [h, v]];
        }
        if (rawNow !== undefined) query = parseQuery((rawNow = r.query));
        else query = keptPairs(query, r.query);
      }
    } else if (name === 'post-function') {
      // After auth, acl and request-transformer: told which plugin's credential Kong authenticated.
      for (const code of (c.access as string[] | undefined) ?? []) {
        const after = runPostFunction(code, serialise(query), credential ?? '', headers);
        query = keptPairs(query, after.query);
        for (const h of after.cleared) delete headers[h];
      }
    } else if (name === 'acl') {
      if (!consumer) return { ...out, status: 401 };
      const groups = new Set((consumer.acls ?? []).map((a) => a.group));
      if (groups.size === 0) return { ...out, status: credential ? 403 : 401, consumer: consumer.username, authenticatedBy: credential };
      const allow = (c.allow as string[] | undefined) ?? [];
      if (!allow.some((g) => groups.has(g))) return { ...out, status: 403, consumer: consumer.username, authenticatedBy: credential };
    } else if (name === 'ip-restriction') {
      // ip-matcher.ts: the connection's address, deny before allow, after the auth plugins.
      const refused = ipRestriction(c, req.client ?? DEFAULT_CLIENT);
      if (refused !== undefined) return { ...out, status: refused, consumer: consumer?.username, authenticatedBy: credential };
    } else if (name === 'rate-limiting') {
      const by = c.limit_by as string;
      out.limitKey = by === 'consumer' ? (consumer?.id ?? 'ip') : by === 'header' ? `header:${headers[String(c.header_name).toLowerCase()] ?? ''}` : 'ip';
    } else if (name === 'proxy-cache') {
      // kong/plugins/proxy-cache/handler.lua cacheable_request: with cache_control, a request whose
      // Cache-Control (as the plugins before left it) says no-store or no-cache is neither answered
      // from the cache nor stored ("Bypass"). It reads ngx.var.http_cache_control: nginx matches each
      // line's name lower-cased with `-` as `_`, and before 1.23 takes the FIRST (`Cache_Control` too).
      const first = lines.find(([n]) => n.replace(/-/g, '_') === 'cache_control')?.[1];
      const cc = (first ?? '').toLowerCase().split(',').map((d) => d.trim().split('=')[0]);
      const bypass = c.cache_control === true && (cc.includes('no-store') || cc.includes('no-cache'));
      if (!bypass && ((c.request_method as string[] | undefined) ?? ['GET', 'HEAD']).includes(req.method)) {
        // get_headers() for vary_headers: the first lua_max_req_headers lines, names lowercased.
        const vary = new Map<string, string | string[]>();
        for (const [n, v] of lines.slice(0, req.maxReqHeaders ?? MAX_REQ_HEADERS)) {
          const had = vary.get(n);
          vary.set(n, had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v]);
        }
        const key = proxyCacheKeyText({ consumer: consumer?.id, route: route.name, method: req.method, requestPath: req.path, rawQuery: rawNow ?? serialise(query), maxArgs: req.maxUriArgs, varyHeaders: (c.vary_headers as string[] | undefined) ?? [], headers: vary });
        // cache_key.lua raises on a name sent both with and without a value: the request ends in a 500.
        if (key === undefined) return { ...out, status: 500 };
        out.cacheKey = key;
      }
    } else if (name === 'cors') {
      if (req.method === 'OPTIONS' && headers['access-control-request-method'] !== undefined && !c.preflight_continue) return { ...out, status: 200 };
    } else if (name === 'request-transformer') {
      // access.lua transform_querystrings: the query as get_uri_args() reads it (the first
      // lua_max_uri_args pairs), the removed names deleted, written back whole (set_uri_args):
      // the pairs past the limit are gone from the upstream query.
      const removes = ((c.remove ?? {}) as { querystring?: string[] }).querystring ?? [];
      if (rawNow !== undefined && removes.length > 0) {
        const { args } = getUriArgs(rawNow, req.maxUriArgs ?? 100);
        rawNow = encodeArgs([...args].filter(([k]) => !removes.includes(k)));
        query = parseQuery(rawNow);
      }
      lines = applyRequestTransformer(c, headers, query, m.captures, out, lines, req.maxReqHeaders ?? MAX_REQ_HEADERS);
      // transform_body reads get_raw_body(): a body in a file is nil to it, passed on untouched.
      if (bodyInMemory) body = removeBodyFields(c, headers['content-type'], body);
    } else if (name === 'request-termination') {
      return { ...out, status: Number(c.status_code ?? 503), consumer: consumer?.username, authenticatedBy: credential };
    }
  }
  if (!route.service) return { ...out, status: 503, consumer: consumer?.username, authenticatedBy: credential };
  const servicePath = String(route.service?.path ?? '').replace(/\/$/, '');
  const upstreamPath = (out as { uri?: string }).uri ?? `${servicePath}${path}`;
  proxyHeaders(headers, req);
  const bodyFields = fieldsOf(headers['content-type'], body);
  return { ...out, consumer: consumer?.username, authenticatedBy: credential, upstream: { path: upstreamPath, headers, lines: upstreamLines(lines, headers), query, rawQuery: rawNow ?? serialise(query), ...(bodyFields ? { bodyFields } : {}) } };
}

/**
 * The header lines nginx proxies (names lowercased, in order): every client line of a name the
 * plugins left alone, none of a name they cleared, one line of a name they set (set_header replaces
 * every line of its name), then the headers Kong's template adds.
 */
function upstreamLines(lines: Array<[string, string]>, headers: Record<string, string>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const done = new Set<string>();
  for (const [n, v] of lines) {
    if (headers[n] === undefined || done.has(n)) continue;
    const own = lines.filter(([k]) => k === n);
    if (own[0]![1] === headers[n]) out.push([n, v]);
    else { out.push([n, headers[n]!]); done.add(n); }
  }
  const named = new Set(lines.map(([n]) => n));
  for (const [n, v] of Object.entries(headers)) if (!named.has(n)) out.push([n, v]);
  return out;
}

/** Whether release `v` (major.minor) is `min` or later. */
function versionAtLeast(v: string, min: string): boolean {
  const [a = 0, b = 0] = v.split('.').map(Number);
  const [x = 0, y = 0] = min.split('.').map(Number);
  return a > x || (a === x && b >= y);
}

/** ngx.decode_args: `&`-separated pairs, names and values decoded (`+` a space), the first of a repeated name kept. */
function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  const dec = (t: string) => t.replace(/\+/g, ' ').replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  for (const kv of raw.split('&')) {
    if (kv === '') continue;
    const eq = kv.indexOf('=');
    const k = dec(eq < 0 ? kv : kv.slice(0, eq));
    out[k] ??= eq < 0 ? '' : dec(kv.slice(eq + 1));
  }
  return out;
}

/** The query as the client sent it: the raw text when given and untouched so far, else `k=v` pairs as written. */
function serialise(query: Record<string, string>, raw?: string): string {
  return raw ?? Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&');
}

/** The pairs of `query` whose `k=v` text survived in `raw`. */
function keptPairs(query: Record<string, string>, raw: string): Record<string, string> {
  const kept = new Set(raw.split('&'));
  return Object.fromEntries(Object.entries(query).filter(([k, v]) => kept.has(`${k}=${v}`)));
}

/**
 * What Kong's nginx template sets on every proxied request whatever the plugins did
 * (kong/templates/nginx_kong.lua: proxy_set_header X-Real-IP $remote_addr and X-Forwarded-* from
 * $upstream_x_forwarded_*, which kong/runloop/handler.lua computes after the plugins from the
 * connection for a client outside trusted_ips; X-Forwarded-For is the request's header, as the
 * plugins left it, with the address appended). An empty value sends no header.
 */
function proxyHeaders(headers: Record<string, string>, req: OracleRequest): void {
  const ip = req.client ?? DEFAULT_CLIENT;
  const xff = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = xff ? `${xff}, ${ip}` : ip;
  headers['x-real-ip'] = ip;
  headers['x-forwarded-proto'] = 'https';
  headers['x-forwarded-host'] = (req.host ?? headers.host ?? 'api.shop.example.com').toLowerCase();
  headers['x-forwarded-port'] = '443';
  headers['x-forwarded-path'] = req.path;
  delete headers['x-forwarded-prefix']; // set only where a route strips a prefix (gwc's never do)
}

/** kong/plugins/request-transformer/access.lua get_content_type: a substring of the lowercased header. */
function bodyKind(contentType: string | undefined): 'json' | 'multi' | 'form' | undefined {
  const t = (contentType ?? '').toLowerCase();
  if (t.includes('application/json')) return 'json';
  if (t.includes('multipart/form-data')) return 'multi';
  if (t.includes('application/x-www-form-urlencoded')) return 'form';
  return undefined;
}

/** The top-level fields of a body of a kind request-transformer parses (ngx.decode_args, cjson, lua-multipart). */
function fieldsOf(contentType: string | undefined, body: string | undefined): Record<string, string> | undefined {
  if (body === undefined) return undefined;
  const kind = bodyKind(contentType);
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(body));
  if (kind === 'json') {
    try {
      const v = JSON.parse(body) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : undefined;
    } catch { return undefined; }
  }
  if (kind === 'multi') {
    const out: Record<string, string> = {};
    for (const m of body.matchAll(/Content-Disposition:[^\r\n]*?;\s*name="([^"]*)"[^\r\n]*\r\n\r\n([\s\S]*?)\r\n--/gi)) out[m[1]!] = m[2]!;
    return out;
  }
  return undefined;
}

/** request-transformer remove.body: each named top-level field, in the three body kinds it parses. */
function removeBodyFields(c: Record<string, unknown>, contentType: string | undefined, body: string | undefined): string | undefined {
  const names = ((c.remove ?? {}) as { body?: string[] }).body ?? [];
  const fields = fieldsOf(contentType, body);
  if (names.length === 0 || body === undefined || !fields) return body;
  const kind = bodyKind(contentType);
  const kept = Object.fromEntries(Object.entries(fields).filter(([k]) => !names.includes(k)));
  if (kind === 'json') return JSON.stringify(kept);
  if (kind === 'form') return new URLSearchParams(kept).toString();
  const boundary = /boundary=([^;\s]+)/i.exec(contentType ?? '')?.[1] ?? 'XX';
  return `${Object.entries(kept).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')}--${boundary}--\r\n`;
}

function authenticate(name: string, c: Record<string, unknown>, headers: Record<string, string>, query: Record<string, string>, consumers: Consumer[], env: Record<string, string>, multi: Set<string>, uriArgs?: ReadonlyMap<string, UriArg>): Consumer | undefined {
  if (name === 'key-auth') {
    let key: string | undefined;
    for (const n of (c.key_names as string[]) ?? []) {
      const h = n.toLowerCase();
      const q = uriArgs ? uriArgs.get(n) : query[n];
      // key-auth reads headers[name] (a table when sent twice) before the query.
      if (c.key_in_header !== false && headers[h] !== undefined) {
        if (multi.has(h)) return undefined; // ERR_DUPLICATE_API_KEY: 401, or anonymous
        key = headers[h];
      } else if (c.key_in_query !== false && q !== undefined && q !== true) {
        if (Array.isArray(q)) return undefined; // ERR_DUPLICATE_API_KEY
        key = q;
      }
      if (key === undefined) continue;
      if (c.hide_credentials) { delete headers[h]; delete query[n]; }
      break;
    }
    if (!key) return undefined;
    return consumers.find((x) => (x.keyauth_credentials ?? []).some((k) => renderSecret(k.key, env) === key));
  }
  if (name === 'basic-auth') {
    const read = (header: string): [string, string] | undefined => {
      const h = headers[header];
      if (c.hide_credentials) delete headers[header];
      const m = h ? /\s*[Bb]asic\s*(.+)/.exec(h) : null;
      if (!m) return undefined;
      const parts = /^([^:]+):(.*)$/s.exec(Buffer.from(m[1]!, 'base64').toString('utf8'));
      return parts ? [parts[1]!, parts[2]!] : undefined;
    };
    const userOf = (u: string) => consumers.find((x) => (x.basicauth_credentials ?? []).some((b) => b.username === u));
    if (headers.authorization === undefined && headers['proxy-authorization'] === undefined) return undefined;
    let given = read('proxy-authorization');
    if (!given || !userOf(given[0])) given = read('authorization');
    if (!given) return undefined;
    const [user, pass] = given;
    return consumers.find((x) => (x.basicauth_credentials ?? []).some((b) => b.username === user && renderSecret(b.password, env) === pass));
  }
  // jwt: symbolic tokens `valid:<iss>`.
  let token: string | undefined;
  for (const n of (c.header_names as string[]) ?? []) {
    const v = headers[n.toLowerCase()];
    if (v) token = v.replace(/^Bearer\s+/i, '');
  }
  for (const n of (c.uri_param_names as string[]) ?? []) token ??= query[n];
  const iss = token && (/^valid:(.+)$/.exec(token)?.[1] ?? symbolicIssuer(token));
  if (!iss) return undefined;
  return consumers.find((x) => (x.jwt_secrets ?? []).some((s) => s.key === iss));
}

/**
 * A JWT-shaped symbolic token (`symbolicJwt`): three base64url parts, the claims a JSON object with
 * `iss`, the signature `valid`. For issuers with dots: `valid:<iss>` then has dots of its own, and
 * gwc's nbf chunk (jwt-claims.ts) decodes the part between the first two as claims, as Kong does.
 */
export function symbolicJwt(iss: string, claims: Record<string, unknown> = {}): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...claims, iss })}.valid`;
}

function symbolicIssuer(token: string): string | undefined {
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.valid$/.exec(token);
  if (!m) return undefined;
  try {
    const part = (p: string) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { iss?: unknown };
    const [header, claims] = [part(m[1]!), part(m[2]!)];
    // kong/plugins/jwt/handler.lua: `claims[key_claim_name] or header[key_claim_name]`, so an absent
    // (or false) claim is looked up by the header's iss; null (ngx.null), a number or a table find no credential here.
    const key = claims.iss === undefined || claims.iss === false ? header.iss : claims.iss;
    return typeof key === 'string' && key !== '' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Kong's lua_max_req_headers default (kong/templates/kong_defaults.lua): what get_headers() reads. */
const MAX_REQ_HEADERS = 100;

/** request-transformer on the request; returns the header lines after it (what proxy-cache's ngx.var.http_* read then). */
function applyRequestTransformer(c: Record<string, unknown>, headers: Record<string, string>, query: Record<string, string>, captures: Record<string, string>, out: Outcome, lines: Array<[string, string]>, maxHeaders: number): Array<[string, string]> {
  const section = (k: string) => (c[k] ?? {}) as { headers?: string[]; querystring?: string[]; uri?: string | null };
  // access.lua transform_headers: `headers = get_headers()` (the first lua_max_req_headers lines)
  // and a name is cleared only when found there: a client's line after the 100th stays. A header a
  // plugin set (not a client's line) is at the end of the list; the oracle counts it as found.
  const seen = new Set(lines.slice(0, maxHeaders).map(([n]) => n));
  const sent = new Set(lines.map(([n]) => n));
  // ngx.req.clear_header / set_header act on the request's lines too (every line of the name, case-blind, `-` and `_` apart).
  let after = lines;
  const set = (k: string, v: string) => { after = [...after.filter(([n]) => n !== k), [k, v]]; };
  for (const h of section('remove').headers ?? []) {
    if (seen.has(h.toLowerCase()) || !sent.has(h.toLowerCase())) {
      delete headers[h.toLowerCase()];
      after = after.filter(([n]) => n !== h.toLowerCase());
    }
  }
  for (const q of section('remove').querystring ?? []) delete query[q];
  for (const pair of section('replace').headers ?? []) {
    const [k, ...v] = pair.split(':');
    if (headers[k!.toLowerCase()] !== undefined) { headers[k!.toLowerCase()] = v.join(':'); set(k!.toLowerCase(), v.join(':')); }
  }
  for (const pair of section('add').headers ?? []) {
    const [k, ...v] = pair.split(':');
    if (headers[k!.toLowerCase()] === undefined) { headers[k!.toLowerCase()] = v.join(':'); set(k!.toLowerCase(), v.join(':')); }
  }
  const uri = section('replace').uri;
  if (uri) (out as { uri?: string }).uri = uri.replace(/\$\(uri_captures\.([A-Za-z0-9_]+)\)/g, (_m, n: string) => captures[n] ?? '');
  return after;
}
