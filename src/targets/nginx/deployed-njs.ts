/**
 * The njs module gwc writes beside the nginx configuration (compile.ts: `var CFG = ...`, the
 * gateway's JSON configuration inside src/targets/nginx/njs/runtime.js). Which schemes a route's
 * `auth_request` checks, with which scopes or roles, and each scheme's settings (JWT issuer,
 * audiences, algorithms, skew, keys; where an API key is read; whether it is stripped) live there,
 * not in the .conf files that `nginx -T` prints: the diff reader needs both.
 */
import { createHash } from 'node:crypto';
import { authAtom, type Mechanism } from '../../diff/entity.js';

interface Secret {
  env?: string;
  file?: string;
}
interface SchemeCfg {
  kind: string;
  in?: string;
  name?: string;
  algorithms?: string[];
  keys?: Secret[];
  /** The key set's internal locations (jwks.ts): the first fetch and the refetch on an unknown kid; `url` is for a reader. */
  jwks?: { uri?: string; refresh?: string; url?: string };
  issuer?: string | null;
  audiences?: string[];
  skew?: number;
  header?: string;
  forward?: { uri?: string; presence?: string[]; responseHeaders?: string[] };
}
export interface RouteCfg {
  security?: Array<Array<{ scheme: string; scopes: string[] }>>;
  /** The body check's next location; `bodyToken`: it refuses a form `access_token`; `bodyMethod: false`: not `_method` (routes.ts). */
  body?: string;
  bodyToken?: boolean;
  bodyMethod?: boolean;
  /** Patterns of the query API key names the body check refuses in a body. */
  bodyKeys?: string[];
  /** The same as JSON key patterns, `-` read as `_` (security.ts bodyKeyPatterns json). */
  jsonKeys?: string[];
  hideQuery?: string[];
  hideCookies?: string[];
  /** An OR route's kept credentials sent on only for the alternative that verified them (kept-credentials.ts). */
  kept?: { headers?: Array<{ name: string; alts: number[] }>; query?: Array<{ name: string; alts: number[] }>; cookies?: Array<{ name: string; alts: number[] }>; cookieHeader?: number[] };
  upstream?: Array<string | number>;
  /** The nginx variables the cache key digests (runtime.js cacheKey). */
  cacheKey?: string[];
  /** What runtime.js cacheCredential bypasses a shared entry on (cache.ts CacheView query, headers, cookieAnonymous, cookieOwn). */
  cacheQuery?: string[];
  cacheHeaders?: string[];
  cacheCookieAnonymous?: string;
  cacheCookieOwn?: string[];
}
export interface NjsConfig {
  routes: Record<string, RouteCfg>;
  schemes: Record<string, SchemeCfg>;
  /** The variables runtime.js reads the path a forward-auth service is told from, and writes what it is told to (security.ts njsForwardVars). */
  pathVar?: string;
  fwdUriVar?: string;
  /** The reader's: the module's code without its CFG, hashed (njsRuntimeCode); never read from the CFG. */
  code?: string;
}

/**
 * Where the JSON object of a gwc njs module's `var CFG = ...` sits in `text`, and what it parses
 * to; undefined when the text holds none (not gwc's, or unreadable).
 */
export function cfgObject(text: string): { start: number; end: number; value: unknown } | undefined {
  const at = text.search(/\bvar CFG\s*=/);
  if (at < 0) return undefined;
  // The first `{` that opens a JSON object (type casts in comments, `{any}`, come before it).
  const open = /\{\s*("|\})/g;
  open.lastIndex = at;
  const start = open.exec(text)?.index ?? -1;
  if (start < 0) return undefined;
  // The object literal is JSON (jsLiteral): find its end, skipping strings.
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          return { start, end: i + 1, value: JSON.parse(text.slice(start, i + 1)) as unknown };
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/** The CFG object of a gwc njs module, or undefined when the text holds none (not gwc's, or unreadable). */
export function njsConfig(text: string): NjsConfig | undefined {
  const found = cfgObject(text);
  const cfg = found?.value as NjsConfig | undefined;
  return found && cfg && typeof cfg === 'object' && cfg.routes && cfg.schemes ? { ...cfg, code: njsRuntimeCode(text, found) } : undefined;
}

/**
 * Which runtime a gwc njs module runs (Facts.runtime): its text with the CFG object cut out, line
 * ends and trailing space evened, hashed. The CFG says which checks each route asks for
 * (`bodyToken: true`), the runtime how they are made: an older release's reads the same CFG without
 * the JSON access_token check, the charset 415 or the `_` header refusal, so without this the diff
 * read an old deployment as today's. The compiled side is read the same way, so no list of releases
 * is kept: another hash, either way, is `runtime-changed`.
 */
export function njsRuntimeCode(text: string, cfg: { start: number; end: number }): string {
  const even = (s: string) => s.replace(/\r\n/g, '\n');
  return createHash('sha256').update(even(text.slice(0, cfg.start))).update('\u0000').update(even(text.slice(cfg.end)).trimEnd()).digest('hex').slice(0, 16);
}

/** OpenAPI: scopes on oauth2/openIdConnect (JWT here) and forward auth; roles on API-key and basic items. */
const requirementKind = (kind: string): 'scope' | 'role' => (kind === 'apiKey' || kind === 'basic' ? 'role' : 'scope');

const secretText = (k: Secret) => (k.env !== undefined ? `env ${k.env}` : k.file !== undefined ? `file ${k.file}` : '?');

/**
 * A route's auth as `Facts.auth` and `Facts.mechanisms` (mechanisms named by scheme).
 * `cleared` are the request headers the route location blanks (`proxy_set_header NAME ""`);
 * `proxied` gives what an internal location (a forward-auth service's) proxies to.
 */
export function njsAuth(cfg: NjsConfig, routeId: string, cleared: ReadonlySet<string>, proxied: (uri: string) => string | undefined = () => undefined): { auth: string[][]; mechanisms: Record<string, Mechanism> } | undefined {
  const route = Object.prototype.hasOwnProperty.call(cfg.routes, routeId) ? cfg.routes[routeId] : undefined;
  if (!route?.security) return undefined;
  const mechanisms: Record<string, Mechanism> = {};
  // runtime.js decide: an alternative that is not a list admits no one (a string's items name no
  // scheme: 401; an object has no length): it opens nothing, so it is read as absent.
  const auth = route.security.filter((alt) => Array.isArray(alt)).map((alt) =>
    alt
      .flatMap((item) => {
        // A hand-edited CFG may lack a field: read what is there (never crash the diff).
        const scheme = String(item?.scheme);
        const s = Object.prototype.hasOwnProperty.call(cfg.schemes, scheme) ? cfg.schemes[scheme] : undefined;
        if (s) mechanisms[scheme] = mechanism(s, route, cleared, proxied, cfg);
        return [scheme, ...(Array.isArray(item?.scopes) ? item.scopes : []).map((x) => authAtom(scheme, requirementKind(s?.kind ?? ''), String(x)))];
      })
      .sort(),
  );
  return { auth, mechanisms };
}

const words = (v: unknown): string => (Array.isArray(v) && v.length > 0 ? v.map(String).sort().join(' ') : 'none');

/**
 * The forwardAuth service a scheme nginx verifies itself asks after its own check (security.ts
 * schemeView, runtime.js check; both must pass) as `Mechanism.service`: the address its internal
 * location proxies to, the answer headers njs copies to the backend, the request headers that make
 * a request carry a credential (presence). Red team 10's service call was invisible to the diff.
 */
function serviceText(f: NonNullable<SchemeCfg['forward']>, proxied: (uri: string) => string | undefined, cfg: NjsConfig): string {
  const to = typeof f.uri === 'string' ? (proxied(f.uri) ?? `${f.uri} (no such location)`) : 'no location';
  // runtime.js forwardedUri/checkForward: the path the service is told is read from $pathVar and
  // handed to its location in $fwdUriVar; another variable tells it another path (or none).
  const vars = `path from $${String(cfg.pathVar ?? 'none')} told in $${String(cfg.fwdUriVar ?? 'none')}`;
  return `${to}; answer headers: ${words(f.responseHeaders)}; credential headers: ${words(f.presence)}; ${vars}`;
}

/** The key set a JWT scheme fetches, by the address its internal locations proxy to (was read from `url`, written for a reader: runtime.js fetches through uri and refresh, so an edit there was unseen: NGX6). */
function jwksText(j: NonNullable<SchemeCfg['jwks']>, proxied: (uri: string) => string | undefined): string {
  const at = (uri: unknown) => (typeof uri === 'string' ? (proxied(uri) ?? `${uri} (no such location)`) : 'no location');
  return `jwks ${at(j.uri)} (refetched from ${at(j.refresh)})`;
}

function mechanism(s: SchemeCfg, route: RouteCfg, cleared: ReadonlySet<string>, proxied: (uri: string) => string | undefined, cfg: NjsConfig): Mechanism {
  const m: Mechanism = { kind: s.kind };
  const name = (s.name ?? '').toLowerCase();
  if (s.kind === 'apiKey') {
    // runtime.js apiKeyOf and present(): 'header', 'query', 'cookie'; any other value (none, a
    // misspelling) is read from nowhere: no carrier, every request of the scheme refused (DIFF20:
    // it was the cookie, so a cookie key's `in` made another word read the same cookie).
    const where = s.in === 'header' || s.in === 'query' || s.in === 'cookie' ? s.in : undefined;
    m.in = where ? [where] : [];
    // The name runtime.js reads the key under (and, on an optional route, takes its presence from:
    // present): another name leaves a key sent under the spec's one unverified (NGX6).
    m.names = where === undefined ? [] : [where === 'header' ? name : String(s.name ?? '')];
    m.hideCredentials = where === 'query' ? (route.hideQuery ?? []).includes(s.name ?? '') : where === 'cookie' ? (route.hideCookies ?? []).includes(s.name ?? '') : where === 'header' ? cleared.has(name) : true;
  }
  if (s.kind === 'basic') m.hideCredentials = cleared.has('authorization');
  if (s.kind === 'jwt') {
    m.jwt = {
      issuer: s.issuer ?? null,
      audiences: [...(s.audiences ?? [])].sort(),
      algorithms: [...(s.algorithms ?? [])].sort(),
      clockSkewSeconds: s.skew ?? 0,
      keys: [...(s.keys ?? []).map(secretText), ...(s.jwks ? [jwksText(s.jwks, proxied)] : [])].sort().join(', '),
    };
    m.hideCredentials = cleared.has((s.header ?? 'authorization').toLowerCase());
    // The header runtime.js reads the token from (String(s.header): none is a header named "undefined").
    m.names = [typeof s.header === 'string' ? s.header.toLowerCase() : 'no header'];
  }
  // A forward scheme's service, answer headers and presence headers (an optional route takes a
  // request without any of them as anonymous: runtime.js present) are its check (NGX6).
  if (s.kind === 'forward') {
    const f = s.forward && typeof s.forward === 'object' ? s.forward : undefined;
    if (f) m.kind = `forward ${f.uri}`;
    // Without its `forward`, runtime.js checkForward answers 401 (and present() counts it as sent).
    m.verifier = f ? serviceText(f, proxied, cfg) : 'no service (runtime.js answers 401)';
  }
  else if (s.forward && typeof s.forward === 'object') m.service = serviceText(s.forward, proxied, cfg);
  return m;
}

/** A route's CFG entry. */
export function njsRoute(cfg: NjsConfig, routeId: string): RouteCfg | undefined {
  return Object.prototype.hasOwnProperty.call(cfg.routes, routeId) ? cfg.routes[routeId] : undefined;
}

/** The upstream path template of a route whose path nginx builds in njs (parameters as {N}). */
export function njsUpstream(cfg: NjsConfig, routeId: string): string | undefined {
  const parts = Object.prototype.hasOwnProperty.call(cfg.routes, routeId) ? cfg.routes[routeId]?.upstream : undefined;
  return parts?.map((p) => (typeof p === 'number' ? `{${p}}` : p)).join('');
}

/**
 * The request parts a route's cache key holds (Facts.cacheKey, in AWS's words: `header x-tenant`,
 * `query`, `method`, `host`, `consumer`, `route`), from the variables runtime.js's cacheKey digests:
 * without the route id two cached routes of the same host, method and query share their entries.
 */
export function njsCacheKey(cfg: NjsConfig, routeId: string): string[] | undefined {
  const names = Object.prototype.hasOwnProperty.call(cfg.routes, routeId) ? cfg.routes[routeId]?.cacheKey : undefined;
  if (!names) return undefined;
  const word = (v: string): string | undefined => {
    // The route id is what tells one route's entries from another's (the path is not in the key).
    if (/_route$/.test(v)) return 'route';
    if (/_id_key$/.test(v)) return 'consumer';
    if (v === 'args' || v === 'query_string') return 'query';
    if (v === 'request_method') return 'method';
    if (v.startsWith('http_')) return `header ${v.slice(5).replace(/_/g, '-')}`;
    if (v.startsWith('cookie_')) return `cookie ${v.slice(7)}`;
    return v;
  };
  return [...new Set(names.map(word).filter((w): w is string => w !== undefined))].sort();
}

/**
 * What runtime.js cacheCredential keeps out of a shared entry, as Facts.cacheKey bypass parts
 * (`verb`: `not stored` for proxy_no_cache, `not served` for proxy_cache_bypass): a query credential
 * in any spelling (cacheQuery), any line of a credential header (cacheHeaders: nginx's `$http_*`
 * reads the first only), a Cookie from an anonymous caller, a cookie beside the route's own key.
 * Each lives in the CFG, not the .conf: one dropped by hand let that caller's answer be stored for
 * every caller sharing the entry and read as no change (red team 14's bypass lines). A route the
 * module does not hold is never cached (cacheCredential answers '1').
 */
export function njsCacheBypass(route: RouteCfg | undefined, verb: string): string[] {
  if (!route) return [`${verb} always (the njs module holds no such route)`];
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return [
    ...list(route.cacheQuery).map((n) => `${verb} when query ${n} is sent (njs: any spelling)`),
    ...list(route.cacheHeaders).map((h) => `${verb} when header ${h.toLowerCase()} is sent (njs: any line)`),
    ...(route.cacheCookieAnonymous ? [`${verb} when an anonymous caller sends a Cookie (njs: ${String(route.cacheCookieAnonymous)})`] : []),
    // One part: a name added to the route's own keys narrows the bypass, one dropped widens it.
    ...(route.cacheCookieOwn ? [`${verb} when a cookie other than ${list(route.cacheCookieOwn).sort().join(', ') || 'none'} is sent (njs)`] : []),
  ];
}
