/**
 * A request oracle for Traefik v3 (file provider): what Traefik answers to one request, and what
 * the backend would see. It models, from traefik/traefik's source (pkg/server, pkg/middlewares):
 *
 * - the entry point: a `#` in the path is 400 (denyFragment); unreserved %XX decoded and others
 *   upper-cased (normalizePath); `.`/`..`/`//` removed (sanitizePath, on by default,
 *   https://doc.traefik.io/traefik/security/request-path/); X-Forwarded-* from an untrusted client
 *   removed, X-Real-Ip/X-Forwarded-Proto/-Host set (forwardedHeaders,
 *   https://doc.traefik.io/traefik/routing/entrypoints/#forwarded-headers);
 * - the router: traefik-router.ts's rule model on the decoded path; highest priority first
 *   (https://doc.traefik.io/traefik/routing/routers/#priority), two matching routers of one
 *   priority are an error here (Traefik's order is then unspecified); a router whose middleware
 *   cannot be built (basicAuth without users) is not served, so the request falls to the next;
 * - the middlewares in order, a chain expanded in place
 *   (https://doc.traefik.io/traefik/middlewares/http/chain/): basicAuth, forwardAuth, headers,
 *   ipAllowList, rateLimit (which bucket key), buffering (body size), redirectRegex, replacePathRegex,
 *   replacePath, stripPrefix, retry (no effect here). Each links its doc below.
 *
 * Not modelled: TLS options, entry points, response bodies, rate-limit timing, services other
 * than the first loadBalancer server.
 */
import { isIPv6 } from 'node:net';
import type { Router, TraefikConfig } from '../../../src/targets/traefik/types.js';
import { basicAuthOf, canonicalKey, escapePath, Header, joinPath, parseQuery, pathUnescape } from './go-http.js';
import { checkSecret, parseUsersFile } from './htpasswd.js';
import { pickRouter, goReplace, parseRule } from './traefik-router.js';

export interface OracleRequest {
  method: string;
  host: string;
  /** The request target as sent on the wire: escaped path and optional `?query`. */
  target: string;
  headers?: Record<string, string | string[]>;
  /** The client address (RemoteAddr host). */
  remoteAddr?: string;
  tls?: boolean;
  /** Request body length in bytes. */
  bodyBytes?: number;
}

/** What Traefik sends a forwardAuth service (always GET, no body unless forwardBody). */
export interface AuthCall {
  middleware: string;
  address: string;
  method: 'GET';
  headers: Header;
}

export interface AuthAnswer {
  status: number;
  headers?: Record<string, string | string[]>;
}

export type AuthService = (call: AuthCall) => AuthAnswer;

export interface OracleEnv {
  /** usersFile path -> file contents (htpasswd lines). */
  files?: Record<string, string>;
  /** The forwardAuth services, by address without its query, or one function for all. */
  auth?: AuthService | Record<string, AuthService>;
  entryPoint?: {
    /** http.sanitizePath, true by default in v3. */
    sanitizePath?: boolean;
    /** The client is a trusted proxy (forwardedHeaders.trustedIPs/insecure): its X-Forwarded-* are kept. */
    trustForwardedHeaders?: boolean;
    /**
     * http.encodeQuerySemicolons (false by default): a raw `;` of the query becomes `%3B` everywhere
     * (RequestURI too). Unset, Go's http.AllowQuerySemicolons turns it into `&` in req.URL.RawQuery
     * (matchers, X-Forwarded-Uri, the proxy) but not in req.RequestURI, which redirectRegex reads
     * (pkg/server/server_entrypoint_tcp.go).
     */
    encodeQuerySemicolons?: boolean;
  };
  /**
   * The Traefik release whose entry point is modelled ('3.0', '3.6.13', '3.7'; a line without a
   * patch is its first release): which X-Forwarded-* it deletes from an untrusted client differs
   * (entryPointXHeaders). '3.0' by default: gwc's `traefik-version` auto builds for 3.0 and later,
   * so its output must hold on the oldest entry point it serves.
   */
  version?: string;
  /**
   * What path matchers read. Traefik 3.0 to 3.4.0 match the decoded URL.Path (`%2F` is a `/`);
   * from 3.4.1 (traefik/traefik 859f4e8, "Use routing path in v3 matchers", pkg/muxer/http/mux.go
   * withRoutingPath) the escaped path with only non-reserved characters decoded, so `%2F`, `%3B`,
   * `%25` stay encoded. gwc writes for 3.0 and later: its output must hold under both.
   */
  routing?: 'decoded' | 'reserved-encoded';
}

export interface BackendRequest {
  service: string;
  /** The first loadBalancer server URL. */
  server?: string;
  method: string;
  /** Escaped path as forwarded (RequestURI's path). */
  path: string;
  rawQuery: string;
  host: string;
  headers: Header;
  /** Verified basicAuth user (req.URL.User). */
  user?: string;
}

export interface Outcome {
  status: number;
  router?: string;
  /** The middleware that answered the request itself, when one did. */
  answeredBy?: string;
  responseHeaders: Header;
  backend?: BackendRequest;
  authCalls: AuthCall[];
  /** Rate-limit middlewares passed and the source key each counted the request under. */
  rateLimitKeys: Array<{ middleware: string; key: string }>;
}

interface Ctx {
  method: string;
  host: string;
  /** URL.Path (decoded) and the escaped form (URL.EscapedPath()). */
  path: string;
  escaped: string;
  rawQuery: string;
  /** req.RequestURI's query while it is the client's (AllowQuerySemicolons leaves its `;`); undefined once rewritten. */
  sentQuery?: string;
  headers: Header;
  remoteAddr: string;
  tls: boolean;
  bodyBytes: number;
  user?: string;
}

type Mw = Record<string, any>;

class Answer {
  constructor(
    readonly status: number,
    readonly by: string,
    readonly headers: Header = new Header(),
  ) {}
}

const HOP = ['Connection', 'Keep-Alive', 'Te', 'Trailer', 'Transfer-Encoding', 'Upgrade'];
/** forwardedheaders.XHeadersSet (pkg/middlewares/forwardedheaders). */
const X_HEADERS = [
  'X-Forwarded-Proto', 'X-Forwarded-Scheme', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Server',
  'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Prefix', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Scheme', 'X-Real-Ip',
];
const isXHeader = (k: string) => X_HEADERS.some((x) => x.toLowerCase() === k.replace(/_/g, '-').toLowerCase());

/** A Traefik version as [major, minor, patch]; a line without a patch is its first release. */
const versionOf = (v: string) => [...v.replace(/^v/, '').split('.').map(Number), 0, 0].slice(0, 3) as [number, number, number];
const atLeast = (v: [number, number, number], w: [number, number, number]) => v[0] !== w[0] ? v[0] > w[0] : v[1] !== w[1] ? v[1] > w[1] : v[2] >= w[2];

/**
 * What the entry point deletes from an untrusted client's request, per release
 * (pkg/middlewares/forwardedheaders/forwarded_header.go, read at each tag with github:traefik/traefik):
 * xHeaders' exact canonical keys (`unsafeHeader(r.Header).Del(h)`: Go keeps X_Forwarded_Host as
 * its own key, X_forwarded_host, so it passed); X-Forwarded-Prefix joined the list in 3.3.0; from
 * 3.6.14 and 3.7.0 (61b5bc4ad1, "Remove untrusted X headers with underscores") isManagedXHeader
 * also deletes every '_' spelling; 3.7.0 adds X-Forwarded-Scheme and X-Scheme.
 */
export function entryPointXHeaders(version: string): { names: Set<string>; underscores: boolean } {
  const v = versionOf(version);
  const names = ['X-Forwarded-Proto', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Server', 'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Real-Ip'];
  if (atLeast(v, [3, 3, 0])) names.push('X-Forwarded-Prefix');
  if (atLeast(v, [3, 7, 0])) names.push('X-Forwarded-Scheme', 'X-Scheme');
  const underscores = atLeast(v, [3, 7, 0]) || (v[0] === 3 && v[1] === 6 && v[2] >= 14);
  return { names: new Set(names), underscores };
}

function entryPointDeletes(version: string): (key: string) => boolean {
  const { names, underscores } = entryPointXHeaders(version);
  return (k) => names.has(canonicalKey(k)) || (underscores && k.includes('_') && names.has(canonicalKey(k.replace(/_/g, '-'))));
}

const requestURI = (c: Ctx) => c.escaped + (c.rawQuery ? `?${c.rawQuery}` : '');

/** Entry point processing; an Answer when the request never reaches a router. */
function entry(req: OracleRequest, env: OracleEnv): Ctx | Answer {
  const q = req.target.indexOf('?');
  let raw = q < 0 ? req.target : req.target.slice(0, q);
  const sentQuery = q < 0 ? '' : req.target.slice(q + 1);
  const rawQuery = sentQuery.replace(/;/g, env.entryPoint?.encodeQuerySemicolons ? '%3B' : '&');
  if (raw.includes('#')) return new Answer(400, 'entrypoint:denyFragment');
  if (pathUnescape(raw) === undefined) return new Answer(400, 'net/http');
  // normalizePath: unreserved characters decoded, other escapes upper-cased.
  raw = raw.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => {
    const c = String.fromCharCode(parseInt(h, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${h.toUpperCase()}`;
  });
  if (env.entryPoint?.sanitizePath ?? true) raw = joinPath(raw);
  const headers = Header.from(req.headers);
  if (!env.entryPoint?.trustForwardedHeaders) {
    const deletes = entryPointDeletes(env.version ?? '3.0');
    for (const k of [...headers.map.keys()]) if (deletes(k)) headers.map.delete(k);
  }
  const remoteAddr = req.remoteAddr ?? '203.0.113.7';
  if (!headers.get('X-Real-Ip')) headers.set('X-Real-Ip', remoteAddr);
  if (!headers.get('X-Forwarded-Proto')) headers.set('X-Forwarded-Proto', req.tls ? 'https' : 'http');
  if (!headers.get('X-Forwarded-Host')) headers.set('X-Forwarded-Host', req.host);
  return { method: req.method, host: req.host, path: pathUnescape(raw)!, escaped: raw, rawQuery, sentQuery: env.entryPoint?.encodeQuerySemicolons ? rawQuery : sentQuery, headers, remoteAddr, tls: req.tls ?? false, bodyBytes: req.bodyBytes ?? 0 };
}

/** The middleware names of a router with chains expanded (a chain's middlewares run in its place). */
export function expand(config: TraefikConfig, names: string[], depth = 0): string[] {
  if (depth > 10) throw new Error('chain recursion');
  return names.flatMap((n) => {
    const mw = config.http.middlewares?.[n] as Mw | undefined;
    if (!mw) throw new Error(`router uses middleware ${n}, which is not defined (Traefik would not serve the router)`);
    return 'chain' in mw ? expand(config, mw.chain.middlewares as string[], depth + 1) : [n];
  });
}

function usersOf(mw: Mw, env: OracleEnv): Map<string, string> | undefined {
  const b = mw.basicAuth as { usersFile?: string; users?: string[] };
  const users = new Map<string, string>();
  try {
    if (b.usersFile) {
      const text = env.files?.[b.usersFile];
      if (text === undefined) return undefined; // file missing: the middleware fails to build
      for (const [k, v] of parseUsersFile(text)) users.set(k, v);
    }
    for (const [k, v] of parseUsersFile((b.users ?? []).join('\n'))) users.set(k, v);
  } catch {
    return undefined;
  }
  return users.size > 0 ? users : undefined; // "no users found": the middleware fails to build
}

/** Routers Traefik serves: every middleware of theirs builds. */
function servable(config: TraefikConfig, env: OracleEnv, name: string): boolean {
  const r = config.http.routers[name]!;
  try {
    return expand(config, r.middlewares ?? []).every((n) => {
      const mw = config.http.middlewares![n] as Mw;
      return !('basicAuth' in mw) || usersOf(mw, env) !== undefined;
    });
  } catch {
    return false;
  }
}

function pick(config: TraefikConfig, env: OracleEnv, c: Ctx): string | undefined {
  const routers = Object.fromEntries(Object.entries(config.http.routers).filter(([n]) => servable(config, env, n)));
  const path = env.routing === 'reserved-encoded' ? routingPath(c.escaped) : c.path;
  const req = { method: c.method, host: c.host, path, headers: c.headers.lower(), query: parseQuery(c.rawQuery) };
  const name = pickRouter({ ...config, http: { ...config.http, routers } }, req);
  if (!name) return undefined;
  const prio = routers[name]!.priority;
  const ties = Object.fromEntries(Object.entries(routers).filter(([n, r]) => n !== name && r.priority === prio));
  const other = pickRouter({ ...config, http: { ...config.http, routers: ties as Record<string, Router> } }, req);
  if (other) throw new Error(`routers ${name} and ${other} both match at priority ${prio}: Traefik's choice is unspecified`);
  return name;
}

/** RFC 3986 reserved characters and `%`, kept encoded in the routing path (pkg/muxer/http/mux.go). */
const RESERVED = new Set([':', '/', '?', '#', '[', ']', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', '%']);

function routingPath(escaped: string): string {
  return escaped.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    run.replace(/%([0-9A-Fa-f]{2})/g, (m, h: string) => {
      const b = parseInt(h, 16);
      return b < 0x80 && RESERVED.has(String.fromCharCode(b)) ? m.toUpperCase() : m;
    }).replace(/(?:%(?:[89A-Fa-f][0-9A-Fa-f]|[0-7][0-9A-Fa-f]))+/g, (seq) => {
      // decode the non-reserved escapes of the run (bytes of one UTF-8 character stay together)
      const parts = seq.match(/%[0-9A-Fa-f]{2}/g)!;
      let out = '';
      let pending: number[] = [];
      const flush = () => {
        if (pending.length) out += Buffer.from(pending).toString('utf8');
        pending = [];
      };
      for (const p of parts) {
        const b = parseInt(p.slice(1), 16);
        if (b < 0x80 && RESERVED.has(String.fromCharCode(b))) {
          flush();
          out += p;
        } else pending.push(b);
      }
      flush();
      return out;
    }),
  );
}

/** url.Parse of a forwardAuth address without its query, to find the fake service. */
function serviceFor(env: OracleEnv, address: string): AuthService {
  if (typeof env.auth === 'function') return env.auth;
  const s = env.auth?.[address.split('?')[0]!];
  if (!s) throw new Error(`no auth service for ${address}`);
  return s;
}

/** pkg/middlewares/auth/forward.go writeHeader (trustForwardHeader set) / oldWriteHeader (unset). */
function forwardHeaders(c: Ctx, fa: Mw): Header {
  const h = c.headers.clone();
  for (const k of h.get('Connection').split(',').map((x) => x.trim()).filter(Boolean)) h.del(k);
  for (const k of HOP) h.del(k);
  const trust = fa.trustForwardHeader === true;
  if (!trust) for (const k of [...h.map.keys()]) if (isXHeader(k)) h.map.delete(k);
  let allowed = (fa.authRequestHeaders as string[] | undefined) ?? [];
  if (trust && allowed.length > 0) allowed = [...allowed, ...X_HEADERS];
  let out = h;
  if (allowed.length > 0) {
    out = new Header();
    for (const k of allowed) if (h.values(k).length > 0) out.map.set(canonicalKey(k), h.values(k));
  }
  const prior = out.values('X-Forwarded-For');
  out.set('X-Forwarded-For', prior.length > 0 ? `${prior.join(', ')}, ${c.remoteAddr}` : c.remoteAddr);
  const setIfAbsent = (k: string, v: string) => (!out.has(k) ? out.set(k, v) : undefined);
  setIfAbsent('X-Forwarded-Method', c.method);
  setIfAbsent('X-Forwarded-Proto', c.tls ? 'https' : 'http');
  setIfAbsent('X-Forwarded-Port', /:(\d+)$/.exec(c.host)?.[1] ?? (c.tls ? '443' : '80'));
  setIfAbsent('X-Forwarded-Host', c.host);
  setIfAbsent('X-Forwarded-Uri', requestURI(c));
  return out;
}

/** Runs one middleware; an Answer stops the chain. */
function run(config: TraefikConfig, env: OracleEnv, name: string, c: Ctx, out: Outcome): Answer | undefined {
  const mw = config.http.middlewares![name] as Mw;
  if ('basicAuth' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/basicauth/ (pkg/middlewares/auth/basic_auth.go)
    const b = mw.basicAuth;
    const users = usersOf(mw, env)!;
    const cred = basicAuthOf(c.headers);
    const secret = cred ? users.get(cred.user) : undefined;
    if (!cred || secret === undefined || !checkSecret(cred.password, secret)) {
      return new Answer(401, name, Header.from({ 'WWW-Authenticate': `Basic realm="${b.realm || 'traefik'}"` }));
    }
    c.user = cred.user;
    if (b.headerField) {
      c.headers.del(b.headerField);
      c.headers.setRaw(b.headerField, [cred.user]);
    }
    if (b.removeHeader) c.headers.del('Authorization');
    return undefined;
  }
  if ('forwardAuth' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/forwardauth/ (pkg/middlewares/auth/forward.go)
    const fa = mw.forwardAuth;
    const call: AuthCall = { middleware: name, address: fa.address, method: 'GET', headers: forwardHeaders(c, fa) };
    out.authCalls.push(call);
    const answer = serviceFor(env, fa.address)(call);
    const ah = Header.from(answer.headers);
    if (answer.status < 200 || answer.status >= 300) return new Answer(answer.status, name, ah);
    c.sentQuery = undefined; // forward.go: req.RequestURI = req.URL.RequestURI()
    for (const k of (fa.authResponseHeaders as string[] | undefined) ?? []) {
      c.headers.del(k);
      if (ah.values(k).length > 0) c.headers.map.set(canonicalKey(k), [...ah.values(k)]);
    }
    if (fa.authResponseHeadersRegex) {
      const re = new RegExp(fa.authResponseHeadersRegex);
      for (const k of [...c.headers.map.keys()]) if (re.test(k)) c.headers.map.delete(k);
      for (const [k, v] of ah.map) if (re.test(k)) c.headers.map.set(k, [...v]);
    }
    return undefined;
  }
  if ('headers' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/headers/ (pkg/middlewares/headers/header.go)
    const h = mw.headers;
    const cors = Object.keys(h).some((k) => k.startsWith('accessControl'));
    if (cors && c.method === 'OPTIONS' && c.headers.get('Access-Control-Request-Method') && c.headers.get('Origin')) {
      const origin = c.headers.get('Origin');
      const rh = new Header();
      if ((h.accessControlAllowOriginList ?? []).includes(origin) || (h.accessControlAllowOriginList ?? []).includes('*')) rh.set('Access-Control-Allow-Origin', origin);
      if (h.accessControlAllowMethods) rh.set('Access-Control-Allow-Methods', h.accessControlAllowMethods.join(','));
      return new Answer(200, name, rh);
    }
    for (const [k, v] of Object.entries((h.customRequestHeaders ?? {}) as Record<string, string>)) {
      if (v === '') c.headers.del(k);
      else if (k.toLowerCase() === 'host') c.host = v;
      else c.headers.set(k, v);
    }
    for (const [k, v] of Object.entries((h.customResponseHeaders ?? {}) as Record<string, string>)) if (v !== '') out.responseHeaders.set(k, v);
    return undefined;
  }
  if ('ipAllowList' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/ipallowlist/
    const a = mw.ipAllowList;
    const ip = clientIp(c, a.ipStrategy);
    if (!(a.sourceRange as string[]).some((r) => inRange(ip, r))) return new Answer(a.rejectStatusCode ?? 403, name);
    return undefined;
  }
  if ('rateLimit' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/ratelimit/#sourcecriterion
    const sc = mw.rateLimit.sourceCriterion ?? {};
    const key = sc.requestHeaderName ? c.headers.get(sc.requestHeaderName) : sc.requestHost ? c.host : clientIp(c, sc.ipStrategy);
    out.rateLimitKeys.push({ middleware: name, key });
    return undefined;
  }
  if ('buffering' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/buffering/#maxrequestbodybytes
    const max = mw.buffering.maxRequestBodyBytes;
    return max > 0 && c.bodyBytes > max ? new Answer(413, name) : undefined;
  }
  if ('redirectRegex' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/redirectregex/ (pkg/middlewares/redirect):
    // rawURL is scheme://Host + RequestURI (undecoded); a match answers a redirect to the rewritten
    // URL (302 for GET, 307 otherwise; 301/308 permanent), the next handler never runs.
    const { regex, replacement, permanent } = mw.redirectRegex as { regex: string; replacement: string; permanent?: boolean };
    const sent = c.sentQuery ?? c.rawQuery;
    const raw = `${c.tls ? 'https' : 'http'}://${c.host}${c.escaped}${sent ? `?${sent}` : ''}`;
    if (!new RegExp(regex).test(raw)) return undefined;
    const to = goReplace(regex, raw, replacement);
    if (to === raw) throw new Error(`middleware ${name}: a redirectRegex rewriting to the same URL is not modelled`);
    const get = c.method === 'GET';
    return new Answer(permanent ? (get ? 301 : 308) : get ? 302 : 307, name, Header.from({ Location: to }));
  }
  if ('replacePathRegex' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/replacepathregex/: on the escaped path
    const { regex, replacement } = mw.replacePathRegex;
    if (new RegExp(regex).test(c.escaped)) {
      c.headers.add('X-Replaced-Path', c.escaped);
      return setPath(c, goReplace(regex, c.escaped, replacement), name);
    }
    return undefined;
  }
  if ('replacePath' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/replacepath/
    c.headers.add('X-Replaced-Path', c.escaped);
    c.path = mw.replacePath.path;
    c.escaped = escapePath(c.path);
    return undefined;
  }
  if ('stripPrefix' in mw) {
    // https://doc.traefik.io/traefik/middlewares/http/stripprefix/
    for (const prefix of mw.stripPrefix.prefixes as string[]) {
      if (!c.path.startsWith(prefix)) continue;
      const strip = (p: string) => {
        const s = p.slice(prefix.length);
        return s.startsWith('/') ? s : `/${s}`;
      };
      c.path = strip(c.path);
      c.escaped = c.escaped.startsWith(prefix) ? strip(c.escaped) : escapePath(c.path);
      const before = c.path;
      if (joinPath(c.escaped) !== c.escaped) {
        c.escaped = joinPath(c.escaped);
        c.path = pathUnescape(c.escaped) ?? '';
      }
      if (before !== c.path) return new Answer(400, name);
      c.headers.add('X-Forwarded-Prefix', prefix);
      break;
    }
    return undefined;
  }
  if ('retry' in mw) return undefined;
  throw new Error(`middleware ${name}: kind ${Object.keys(mw).join()} not modelled`);
}

/** replacePathRegex's tail: Path = PathUnescape(RawPath) (500 if bad), then sanitised, 400 if that changes it. */
function setPath(c: Ctx, escaped: string, name: string): Answer | undefined {
  const path = pathUnescape(escaped);
  if (path === undefined) return new Answer(500, name);
  c.escaped = escaped;
  c.path = path;
  if (path !== '') {
    const clean = joinPath(escaped);
    if (pathUnescape(clean) !== path) return new Answer(400, name);
  }
  return undefined;
}

/**
 * ipStrategy: depth counts X-Forwarded-For from the right; none is the connection's address.
 * Traefik reads the FIRST X-Forwarded-For line only (pkg/ip/strategy.go DepthStrategy.GetIP:
 * req.Header.Get), so an entry a proxy adds on a line of its own after the client's is not seen.
 */
function clientIp(c: Ctx, strategy?: { depth?: number; ipv6Subnet?: number }): string {
  const depth = strategy?.depth ?? 0;
  let ip: string;
  if (depth <= 0) ip = c.remoteAddr;
  else {
    const xff = (c.headers.values('X-Forwarded-For')[0] ?? '').split(',').map((x) => x.trim());
    ip = depth > xff.length ? '' : xff[xff.length - depth]!;
  }
  return strategy?.ipv6Subnet === undefined ? ip : ipv6SubnetIp(ip, strategy.ipv6Subnet);
}

/**
 * pkg/ip/strategy.go getIPv6SubnetIP (v3.2+): an address netip.ParseAddr reads as IPv6 (IPv4-mapped
 * included: Is6 is true for ::ffff:a.b.c.d) becomes the first address of its /bits subnet; anything
 * else (IPv4, garbage, a zoned address whose Prefix fails) is returned as it is.
 */
export function ipv6SubnetIp(ip: string, bits: number): string {
  if (!isIPv6(ip) || ip.includes('%')) return ip;
  let text = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const hs = head ? head.split(':') : [];
  const ts = tail ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  const masked = groups.map((g, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    return (parseInt(g, 16) & (0xffff << (16 - keep)) & 0xffff).toString(16);
  });
  return masked.join(':');
}

function inRange(ip: string, range: string): boolean {
  const toInt = (a: string) => {
    const p = a.split('.').map(Number);
    return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0 : undefined;
  };
  const [net, bits = '32'] = range.split('/');
  const a = toInt(ip);
  const b = toInt(net!);
  if (a === undefined || b === undefined) return ip === net; // IPv6: exact only in this model
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (a & mask) === (b & mask);
}

/** What Traefik answers to `req` under `config`, and what the backend receives. */
export function send(config: TraefikConfig, req: OracleRequest, env: OracleEnv = {}): Outcome {
  const out: Outcome = { status: 0, responseHeaders: new Header(), authCalls: [], rateLimitKeys: [] };
  const c = entry(req, env);
  if (c instanceof Answer) return { ...out, status: c.status, answeredBy: c.by };
  const router = pick(config, env, c);
  if (!router) return { ...out, status: 404 };
  out.router = router;
  const r = config.http.routers[router]!;
  for (const name of expand(config, r.middlewares ?? [])) {
    const a = run(config, env, name, c, out);
    if (a) {
      for (const [k, v] of a.headers.map) out.responseHeaders.map.set(k, v);
      return { ...out, status: a.status, answeredBy: a.by };
    }
  }
  const svc = config.http.services?.[r.service] as Mw | undefined;
  if (!svc) throw new Error(`router ${router} uses service ${r.service}, which is not defined`);
  const server = svc.loadBalancer?.servers?.[0]?.url as string | undefined;
  const preserve = svc.loadBalancer?.servers?.[0]?.preservePath === true;
  const prefix = preserve && server ? new URL(server).pathname.replace(/\/$/, '') : '';
  const host = svc.loadBalancer?.passHostHeader === false && server ? new URL(server).host : c.host;
  return {
    ...out,
    status: 200,
    backend: { service: r.service, server, method: c.method, path: prefix + c.escaped, rawQuery: c.rawQuery, host, headers: c.headers, ...(c.user ? { user: c.user } : {}) },
  };
}

/** Every rule of the config parses (the oracle refuses a config it cannot read). */
export function checkRules(config: TraefikConfig): void {
  for (const r of Object.values(config.http.routers)) parseRule(r.rule);
}
