/**
 * The facts of one gwc route location for `gwc diff` (deployed.ts finds the locations): auth from
 * the njs module's CFG (deployed-njs.ts), rate limit and its key and burst, cache, upstream path,
 * hosts and protocols of the server, body limit, IP rules and CORS.
 */
import { BACKEND_CORS, type Facts } from '../../diff/entity.js';
import { exactPath } from '../../diff/paths.js';
import { compareText } from '../../diagnostics/collate.js';
import type { Directive } from './deployed-parse.js';
import { njsAuth, njsCacheBypass, njsCacheKey, njsRoute, njsUpstream, type NjsConfig } from './deployed-njs.js';
import type { ValidationModule } from './deployed-validation.js';
import { nginxGuards } from './deployed-guards.js';
import { admissionGuards } from './deployed-admission.js';
import { clientCertificate, connectionLimit, satisfyAny } from './deployed-access.js';
import { fromClient, nginxUnread } from './deployed-unread.js';

const SIZE = /^(\d+)([kKmMgG]?)$/;
export const bytes = (v: string | undefined): number | undefined => {
  const m = v ? SIZE.exec(v) : null;
  if (!m) return undefined;
  const n = Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()] ?? 1);
  return n === 0 ? undefined : n;
};
/** Map keys are regexes gwc escapes (`~^https\:\/\/a\.example$`); this gives the origin back. */
const unregex = (k: string) => k.replace(/^~\*?\^?/, '').replace(/\$$/, '').replace(/\\(.)/g, '$1');

/** Request headers nginx's proxy module sets or drops unless told otherwise (ngx_http_proxy_headers). */
const NGINX_SETS = ['connection', 'upgrade', 'keep-alive', 'te', 'expect'];

export interface Ctx {
  zones: Map<string, Record<string, number>>;
  /** What each limit zone counts by (`Facts.rateLimitKey`). */
  zoneKeys: Map<string, string>;
  /** The njs modules' configuration, by `js_import` name; absent when the module was not read. */
  njs: Map<string, NjsConfig>;
  /** The request-validation modules (deployed-validation.ts), by `js_import` name; absent when not read. */
  validation: Map<string, ValidationModule>;
  maps: Map<string, Directive>;
  /** http-level directives servers inherit (backend TLS: deployed-tls.ts; header names: deployed-guards.ts). */
  http: Directive[];
  /** njs `js_set` handlers by variable (`$name` -> `module.function`). */
  jsSets: Map<string, string>;
  /** Each upstream block's servers (`server` addresses, sorted), by name. */
  upstreams: Map<string, string>;
  /** Servers an earlier server block shadows, with the names and addresses it takes (deployed-unread.ts). */
  shadowed?: Map<Directive, string[]>;
}

/** Directives that answer or rewrite a subrequest before its proxy_pass runs, or turn the service's refusal into another answer. */
const ANSWERS_ITSELF = new Set(['return', 'rewrite', 'if', 'error_page', 'try_files', 'js_content', 'proxy_intercept_errors', 'proxy_method', 'set', 'auth_request']);

/**
 * What a forwardAuth service's internal location asks: the address it proxies to, and, when the
 * location holds any, what else decides its answer (red team 13): a directive that answers before
 * the proxy (`return 200;` lets every caller in) and the request headers it sends the service (a
 * credential header pinned to one key has the service judge that key, never the caller's). Every
 * header line counts but the blanked ones (`""`), so a build reads as itself and an edit keeping
 * the proxy_pass is another check (auth-verifier-changed); undefined without a proxy_pass.
 */
function serviceAsked(location: Directive | undefined): string | undefined {
  const block = location?.block ?? [];
  const pass = block.find((x) => x.name === 'proxy_pass')?.args[0];
  if (pass === undefined) return undefined;
  const also = block
    .filter((d) => ANSWERS_ITSELF.has(d.name) || (d.name === 'proxy_set_header' && d.args[1] !== ''))
    .map((d) => [d.name, ...d.args].join(' '))
    .sort(compareText);
  return also.length > 0 ? `${pass} (${also.join('; ')})` : pass;
}

/**
 * A route's auth: each `auth_request` to gwc's njs handler is the route's alternatives as the
 * module's CFG gives them (schemes, scopes, roles, scheme settings); without the module, the
 * handler's name only (run.ts then reads the compiled side the same way).
 */
function authFacts(checks: Directive[], block: Directive[], ctx: Ctx, byPath: Map<string, Directive>): Pick<Facts, 'auth' | 'mechanisms'> {
  const auth: string[] = [];
  const alternatives: string[][] = [];
  const mechanisms: NonNullable<Facts['mechanisms']> = {};
  let optional = false;
  const cleared = new Set(block.filter((d) => d.name === 'proxy_set_header' && d.args[1] === '').map((d) => d.args[0]!.toLowerCase()));
  for (const d of checks) {
    if (d.name === 'auth_request') {
      const where = d.args[0] ?? '';
      const target = byPath.get(where)?.block?.find((x) => x.name === 'js_content' || x.name === 'proxy_pass');
      const handler = target?.name === 'js_content' ? /^([A-Za-z0-9_]+)\.(authorize|authorizeOptional)$/.exec(target.args[0] ?? '') : null;
      const cfg = handler ? ctx.njs.get(handler[1]!) : undefined;
      // gwc's optional-auth handler lets a caller without credentials through: an anonymous alternative.
      if (handler?.[2] === 'authorizeOptional') optional = true;
      const proxied = (uri: string) => serviceAsked(byPath.get(uri));
      const read = cfg ? njsAuth(cfg, where.slice(where.lastIndexOf('/') + 1), cleared, proxied) : undefined;
      if (read) {
        alternatives.push(...read.auth);
        // A forward-auth scheme's verifier (deployed-njs.ts serviceText) is what its internal location
        // proxies to, the answer and presence headers and the path variables: another one is another
        // check (auth-verifier-changed), as a re-pointed forwardAuth is on Traefik.
        Object.assign(mechanisms, read.mechanisms);
      } else auth.push(`auth_request ${target ? target.args.join(' ') : where}`);
    }
    if (d.name === 'auth_basic' && d.args[0] !== 'off') auth.push('auth_basic');
    if (d.name === 'auth_jwt' && d.args[0] !== 'off') auth.push('auth_jwt');
  }
  // Other checks (auth_basic, a handler whose module was not read) apply on top of every alternative.
  const alts = alternatives.length ? alternatives.map((a) => [...a, ...auth].sort()) : auth.length ? [auth.sort()] : [];
  const out: Pick<Facts, 'auth' | 'mechanisms'> = { auth: alts.length ? (optional ? [...alts, []] : alts) : [] };
  if (Object.keys(mechanisms).length) out.mechanisms = mechanisms;
  return out;
}

/** The `limit_req`s of a block: the smallest rate per window, the zone's key, the largest burst. */
export function limitFacts(directives: Directive[], ctx: Ctx, facts: Facts): void {
  for (const d of directives.filter((x) => x.name === 'limit_req')) {
    const zone = d.args.find((a) => a.startsWith('zone='))?.slice(5);
    const rate = zone ? ctx.zones.get(zone) : undefined;
    if (rate) for (const [w, n] of Object.entries(rate)) facts.rateLimit = { ...facts.rateLimit, [w]: Math.min(n, facts.rateLimit?.[w] ?? Infinity) };
    const by = zone ? ctx.zoneKeys.get(zone) : undefined;
    if (by) facts.rateLimitKey = by;
    const burst = Number(d.args.find((a) => a.startsWith('burst='))?.slice(6) ?? 0);
    facts.burst = Math.max(facts.burst ?? 0, burst);
  }
}

/** A route as its public location dispatches it (deployed-entities.ts): the locations it runs through. */
export interface RouteRef { method: string; path: string; regex?: string; preflight?: string; verify?: string; bodyCheck?: string; validate?: string; rank?: number[] }

export function routeFacts(block: Directive[], server: Directive, ctx: Ctx, byPath: Map<string, Directive>, route: RouteRef): Facts {
  // `location = /literal` or a `~ ^regex$` location (route.path holds its expression).
  const paths = [route.regex ?? (route.path.startsWith('^') ? route.path : exactPath(route.path))];
  const facts: Facts = { route: { match: `${route.method} ${route.path}`, paths, methods: route.method.split(',').filter((m) => m !== '*' && m !== 'ANY'), ...(route.rank ? { ranks: [route.rank] } : {}) } };
  const verify = route.verify ? (byPath.get(route.verify)?.block ?? []) : [];
  Object.assign(facts, authFacts([...verify, ...block], block, ctx, byPath));
  const cert = clientCertificate([server.block ?? [], ctx.http]);
  if (cert) {
    facts.auth = (facts.auth!.length ? facts.auth! : [[]]).map((alt) => [...alt, cert.atom].sort());
    facts.mechanisms = { ...facts.mechanisms, [cert.atom]: cert.mechanism };
  }
  limitFacts([...verify, ...block], ctx, facts);
  const cache = block.find((d) => d.name === 'proxy_cache');
  facts.cache = cache !== undefined && cache.args[0] !== 'off';
  // The path sent upstream: a literal rewrite, or one njs builds from the module's CFG.
  const rewrite = block.find((d) => d.name === 'rewrite' && d.args[2] === 'break')?.args[1];
  const routeId = block.find((d) => d.name === 'set' && /_route$/.test(d.args[0] ?? ''))?.args[1];
  const cfg = routeId ? [...ctx.njs.values()].map((c) => njsRoute(c, routeId)).find((x) => x !== undefined) : undefined;
  facts.guards = nginxGuards({
    checks: [...verify, ...block],
    levels: [server.block ?? [], ctx.http],
    maps: ctx.maps,
    jsSets: ctx.jsSets,
    ...(route.bodyCheck && byPath.has(route.bodyCheck) ? { bodyCheck: byPath.get(route.bodyCheck)! } : {}),
    ...(cfg ? { cfg } : {}),
  });
  // The route's admission (deployed-admission.ts): a redirect into its route or verify location refused.
  facts.guards.credential = [...facts.guards.credential!, ...admissionGuards({ block, ...(route.verify ? { verify } : {}) })].sort();
  // A query or cookie key is stripped by njs only where the location applies its cleaning: the
  // CFG's hideQuery/hideCookies alone say nothing of a location without `set $args` (the guards).
  for (const m of Object.values(facts.mechanisms ?? {})) {
    const where = m.kind === 'apiKey' && m.hideCredentials ? m.in?.[0] : undefined;
    const cleaned = (what: string) => facts.guards!.credential!.some((g) => g.startsWith(`${what} `));
    if ((where === 'query' && !cleaned('query')) || (where === 'cookie' && !cleaned('cookie'))) m.hideCredentials = false;
  }
  // The key the location caches on (https://nginx.org/r/proxy_cache_key): gwc's njs digest of the
  // CFG's parts when it names the js_set variable, else the variables it names (nginx's default
  // `$scheme$proxy_host$request_uri`: neither the consumer nor any header). Without the route's
  // `set $…_route` runtime.js cacheKey finds no route and digests nothing: one entry for all.
  const keyText = block.find((d) => d.name === 'proxy_cache_key')?.args[0] ?? '$scheme$proxy_host$request_uri';
  const viaNjs = /\.cacheKey$/.test(ctx.jsSets.get(keyText) ?? '');
  const cacheKey = !facts.cache ? undefined : viaNjs ? (routeId ? [...ctx.njs.values()].map((c) => njsCacheKey(c, routeId)).find((x) => x !== undefined) : undefined) ?? (ctx.njs.size ? [] : undefined) : keyWords(keyText);
  if (cacheKey) facts.cacheKey = cacheKey;
  // What keeps a request's answer out of a shared entry (policies.ts anonymousBypass: a Cookie, an
  // unverified credential header or query name on a public or optional route): one dropped lets
  // that caller's answer be stored for, or served from, every anonymous caller's entry.
  // A variable written twice (`$v$v`, as gwc writes them) also acts on a value of exactly "0",
  // which nginx reads as unset (https://nginx.org/r/proxy_no_cache): one more fact, so a hand
  // edit back to `$v` loses it (cache-key-narrowed) and the doubled form loses nothing of `$v`.
  // `$content_length` holds the Content-Length header whenever one is sent, and, once nginx has
  // read the body, the length of one sent without it (HTTP/2, HTTP/3): it reads as
  // `$http_content_length` and more, so the previous release's bypass on `$http_content_length`
  // reads as the narrower of the two. The more holds only while the request body is buffered
  // (https://nginx.org/r/proxy_request_buffering, inherited, default on): unbuffered, the bypass
  // is tested before the body is read.
  const buffered = [block, server.block ?? [], ctx.http].map((l) => l.find((d) => d.name === 'proxy_request_buffering')?.args[0]).find((x) => x !== undefined) !== 'off';
  const bypassFacts = (verb: string, v: string): string[] => {
    const length = /^\$content_length(?:\$content_length)?$/.test(v);
    const header = length ? v.replaceAll('$content_length', '$http_content_length') : v;
    const twice = /^(\$\w+)\1$/.exec(header)?.[1];
    const facts = twice ? [`${verb} when ${twice}`, `${verb} when ${twice} (also "0")`] : [`${verb} when ${header}`];
    // gwc's njs cacheCredential: what it tests lives in the route's CFG (deployed-njs.ts njsCacheBypass).
    if (/\.cacheCredential$/.test(ctx.jsSets.get(twice ?? header) ?? '')) facts.push(...njsCacheBypass(cfg, verb));
    return length && buffered ? [...facts, `${verb} when a body is sent without Content-Length`] : facts;
  };
  const bypass = facts.cache ? (['proxy_no_cache', 'proxy_cache_bypass'] as const).flatMap((n) => block.filter((d) => d.name === n).flatMap((d) => d.args.flatMap((v) => bypassFacts(n === 'proxy_no_cache' ? 'not stored' : 'not served', v)))) : [];
  if (bypass.length > 0) facts.cacheKey = [...(facts.cacheKey ?? []), ...bypass].sort();
  const njsPath = routeId && [...ctx.njs.values()].map((c) => njsUpstream(c, routeId)).find((x) => x !== undefined);
  const upstream = njsPath || rewrite;
  if (upstream) facts.upstreamPath = upstream;
  const names = (server.block ?? []).filter((d) => d.name === 'server_name').flatMap((d) => d.args).filter((n) => n !== '_' && n !== '' && n !== '""');
  facts.hosts = [...new Set(names)].sort();
  const listens = (server.block ?? []).filter((d) => d.name === 'listen');
  facts.protocols = [...new Set((listens.length ? listens : [{ args: ['80'] }]).map((d) => (d.args.includes('ssl') ? 'https' : 'http')))].sort();
  const denied = block.filter((d) => d.name === 'deny' && d.args[0] !== 'all').map((d) => d.args[0]!);
  if (denied.length) facts.ipDeny = denied.sort();
  // nginx's default is 1m (https://nginx.org/r/client_max_body_size); 0 disables the check. A body
  // check location (routes.ts bodyCheckView) reads the body before the route location does: the
  // larger of the two limits is what a client can send.
  const sizeOf = (b: Directive[]) => bytes([b, server.block ?? []].map((l) => l.find((d) => d.name === 'client_max_body_size')?.args[0]).find((x) => x !== undefined) ?? '1m') ?? Infinity;
  const bodyCheck = route.bodyCheck ? byPath.get(route.bodyCheck)?.block : undefined;
  const limit = Math.max(sizeOf(block), bodyCheck ? sizeOf(bodyCheck) : 0);
  if (limit !== Infinity) facts.bodyLimit = limit;
  if (block.some((d) => d.name === 'deny' && d.args[0] === 'all')) facts.ipAllow = block.filter((d) => d.name === 'allow').map((d) => d.args[0]!).sort();
  satisfyAny([block, server.block ?? [], ctx.http], facts);
  const conns = connectionLimit([...verify, ...block]);
  if (conns !== undefined) facts.connectionLimit = conns;
  const cap = [...verify, ...block].find((d) => d.name === 'limit_conn' && Number(d.args[1]) === conns);
  const capKey = cap ? ctx.zoneKeys.get(cap.args[0] ?? '') : undefined;
  if (capKey) facts.connectionLimitKey = capKey;
  // What the location sends the backend in place of the client's headers (https://nginx.org/r/proxy_set_header).
  const sets = block.filter((d) => d.name === 'proxy_set_header' && d.args[0]);
  // Where the route sends what it admits (Facts.backend): proxy_pass's upstream block's servers.
  const pass = /^([a-z]+):\/\/([^/$]+)/.exec(block.find((d) => d.name === 'proxy_pass')?.args[0] ?? '');
  if (pass) facts.backend = `${pass[1]}://${ctx.upstreams.get(pass[2]!) ?? pass[2]}`;
  if (block.some((d) => d.name === 'proxy_pass')) {
    // A name any line of which reads the client's value (`$http_x_forwarded_user`) reaches the
    // backend as the client chose: not set by the gateway (request-header-passed when it was).
    const passed = new Set(sets.filter((d) => fromClient(d.args.slice(1).join(' '))).map((d) => d.args[0]!.toLowerCase()));
    // nginx never passes the hop-by-hop names it sets itself unless a line names them (the proxy
    // module's defaults: Connection close, Upgrade, Keep-Alive, TE, Expect ""): the gateway's,
    // whatever the client sent; Proxy-Connection and Trailer it passes (red team 18).
    facts.requestHeaders = [...new Set([...NGINX_SETS, ...sets.map((d) => d.args[0]!.toLowerCase())])].filter((h) => !passed.has(h)).sort();
    // An Upgrade sent on (a value, gwc's websocket map or any other): the backend's 101 makes nginx
    // tunnel the connection, checked once (Facts.upgrade).
    facts.upgrade = sets.some((d) => d.args[0]!.toLowerCase() === 'upgrade' && !/^("")?$/.test(d.args.slice(1).join(' ')));
    // A literal value (no variable) the backend trusts: another is request-header-value-changed.
    const literals = sets.filter((d) => d.args.length > 1 && !/\$/.test(d.args.slice(1).join(' ')) && !/^("")?$/.test(d.args.slice(1).join(' ')));
    if (literals.length) facts.requestHeaderValues = Object.fromEntries(literals.map((d) => [d.args[0]!.toLowerCase(), d.args.slice(1).join(' ')]));
    const host = sets.find((d) => d.args[0]!.toLowerCase() === 'host')?.args[1];
    facts.clientHost = host === '$host' || host === '$http_host';
  }
  // Where IP rules and per-address limits read the client (https://nginx.org/r/real_ip_header): gwc
  // writes no realip directive, so the connection; a header trusted from some proxies is another
  // check (Facts.clientAddress), from every address a client's own choice.
  if (facts.ipAllow || facts.ipDeny || facts.rateLimitKey?.startsWith('ip')) {
    const levels = [[...verify, ...block], server.block ?? [], ctx.http];
    const header = levels.map((l) => l.find((d) => d.name === 'real_ip_header')?.args[0]).find((v) => v !== undefined);
    const trusted = (levels.find((l) => l.some((d) => d.name === 'set_real_ip_from')) ?? []).filter((d) => d.name === 'set_real_ip_from').map((d) => d.args[0]!).sort();
    facts.clientAddress = trusted.length === 0 ? 'the connection' : `${header ?? 'X-Real-IP'} from ${trusted.join(', ')}`;
  }
  // What the reader cannot judge on the way to the backend (deployed-unread.ts): a directive gwc
  // never writes in the server or a location the route runs through, a header value gwc does not
  // write, the server shadowed by an earlier one.
  const prefix = /^\$(.+)_route$/.exec(block.find((d) => d.name === 'set' && /_route$/.test(d.args[0] ?? ''))?.args[0] ?? '')?.[1];
  const through = [route.path, route.validate, route.bodyCheck, route.verify].map((p) => (p === undefined ? undefined : byPath.get(p)?.block));
  const auths = [...verify, ...block].filter((d) => d.name === 'auth_request' && d.args[0]).map((d) => byPath.get(d.args[0]!)?.block);
  const unread = nginxUnread({ server, chain: [...through, ...auths, block].filter((b): b is Directive[] => b !== undefined), block, ...(prefix ? { prefix } : {}), ...(ctx.shadowed?.has(server) ? { shadowed: ctx.shadowed.get(server)! } : {}) });
  if (unread.length) facts.unread = unread;
  const acao = block.find((d) => d.name === 'set' && /_acao$/.test(d.args[0] ?? ''))?.args[1];
  const map = acao ? ctx.maps.get(acao) : undefined;
  if (map) {
    const origins = (map.block ?? []).filter((e) => e.name !== 'default' && e.args[0] === '$http_origin').map((e) => unregex(e.name)).sort();
    const pre = route.preflight ? byPath.get(route.preflight)?.block ?? [] : [];
    const header = (h: string) => (pre.find((d) => d.name === 'add_header' && d.args[0]?.toLowerCase() === h)?.args[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean).sort();
    const aceh = block.find((d) => d.name === 'set' && /_aceh$/.test(d.args[0] ?? ''))?.args[1] ?? '';
    const expose = aceh.split(',').map((x) => x.trim()).filter(Boolean).sort();
    // gwc hides the backend's own CORS headers (routes.ts): without that the backend's answer reaches the browser too.
    const hidden = new Set(block.filter((d) => d.name === 'proxy_hide_header').map((d) => d.args[0]!.toLowerCase()));
    if (block.some((d) => d.name === 'proxy_pass') && ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers'].some((h) => !hidden.has(h))) origins.push(BACKEND_CORS);
    facts.cors = { origins, methods: header('access-control-allow-methods'), headers: header('access-control-allow-headers'), credentials: block.some((d) => d.name === 'set' && /_acac$/.test(d.args[0] ?? '') && d.args[1] === 'true'), expose };
  }
  return facts;
}

/** The request parts a cache key text names by its variables, in njsCacheKey's words (a path tells routes apart: `route`). */
function keyWords(text: string): string[] {
  const words = [...text.matchAll(/\$\{?([A-Za-z0-9_]+)/g)].flatMap(([, v]) =>
    v === 'request_uri' ? ['path', 'query', 'route'] : v === 'uri' || v === 'document_uri' ? ['path', 'route'] : v === 'args' || v === 'query_string' ? ['query'] : v!.startsWith('http_') ? [`header ${v!.slice(5).replace(/_/g, '-')}`] : v === 'request_method' ? ['method'] : /_id_key$/.test(v!) ? ['consumer'] : [],
  );
  return [...new Set(words)].sort();
}

/** What a limit zone counts requests by, from its key (policies.ts limitZone). */
export function zoneKey(key: string): string {
  // $<prefix>_lim_ip counts an IPv6 client per /64; a key on the raw address counts each IPv6 address apart (weaker).
  if (/_lim_ip\b/.test(key)) return 'ip';
  if (/binary_remote_addr|remote_addr/.test(key)) return 'ip (each IPv6 address apart)';
  if (/_lim_id\b|_id_key\b/.test(key)) return 'consumer';
  const header = /\$\{?http_([a-z0-9_]+)/.exec(key)?.[1];
  return header ? `header ${header.replace(/_/g, '-')}` : key;
}

