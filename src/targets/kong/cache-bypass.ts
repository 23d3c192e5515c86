/**
 * A per-consumer proxy-cache and a SECOND credential Kong did not verify (DESIGN.md 7.4).
 *
 * proxy-cache keys an entry on the consumer, the route, the method, the path and the query as
 * cache_key.lua writes it (below; gwc refuses a cache on a route whose callers share a
 * consumer: kong-cache-key-ambiguous, kong-cache-identity-shared). A consumer is often an app whose
 * key its end users share; beside that key a request may carry a credential Kong never looks at on
 * this route (a Cookie or Authorization session, another scheme's header key, a form-body token),
 * the backend answers per it, and the entry is then served to the consumer's next request: user 1's
 * answer reaches user 2 (test/security/kong-second-credential.test.ts).
 *
 * proxy-cache's only per-request bypass is the request's Cache-Control: with `cache_control: true`
 * (gwc's), `no-store` or `no-cache` is neither answered from the cache nor stored
 * (handler.lua cacheable_request; it also tests `ngx.var.authorization`, a variable nginx never
 * sets, so it never bypasses on Authorization). So the route's `pre-function` (priority 1000000,
 * before proxy-cache's 100) gets a last chunk that, when the request carries a carrier of the
 * spec's credentials (credential-carriers.ts) the route does not verify, appends `no-store` to the
 * request's Cache-Control. proxy-cache reads `ngx.var.http_cache_control`, which nginx matches on
 * the name lower-cased with `-` as `_`, the FIRST such line before nginx 1.23: a client's own
 * `Cache_Control: max-age=9` sent first would be read instead, so every line whose name reads as
 * cache_control is cleared and their values sent again in one `Cache-Control` line with `no-store`.
 *
 * The backend receives that `no-store` too (kong.service.request.set_header changes the upstream
 * request): a request directive to caches (RFC 9111 section 5.2.1.5), which an origin server does
 * not act on, and a cache between Kong and the backend must not store an answer to a request
 * carrying a credential it does not key on either. The client's own directives are kept.
 *
 * What counts: a header carrier, read as the header-family chunk reads names (lower case, `_` for
 * `-`: Kong runs underscores_in_headers on, and a CGI/WSGI/Rack backend reads `X_Other_Key` as
 * X-Other-Key); the Cookie header whatever it holds (Kong has no cookie API key: kong-api-key-cookie);
 * a body (Content-Length other than 0, Transfer-Encoding, or a body read without either: HTTP/2) when a scheme of the spec reads a
 * form-body token (RFC 6750 access_token) or has a query or header API key the route does not
 * verify (a backend reads the key's name from a body field too), no body being part of the key. Not counted: a carrier of one of the route's own schemes.
 *
 * The query is in the key only as cache_key.lua writes it (params_key, vary_query_params unset):
 * `kong.request.get_query()`, the first lua_max_uri_args pairs (kong.conf, 100 by default), each
 * `name=value` (a name alone: `name`), sorted by name and joined by `:`, a repeated name's values
 * sorted and joined by `,`. That is not one key per query: `?q=a%3Ab%3D1` and `?q=a&b=1` both key as
 * `q=a:b=1`, `?ids=1,2` as `?ids=2&ids=1`, `?t=a&t=b` as `?t=b&t=a` (a backend reading the first
 * value answers two ways), and a pair past the limit is in no key (a session after 100 padding pairs,
 * on a route whose request-transformer leaves the query alone). So on EVERY cached route the chunk
 * also keeps a request out of the cache unless its query keys whole (test/security/kong-cache-query-key.test.ts):
 * get_query() not truncated, no name sent twice, no `:` or `=` in a name, and every `:` part of a
 * value reading, up to its first `=`, as a name no later than the pair's own (byte order). Such
 * queries are a set on which the key text is one-to-one: split at each `:` whose part reads as a
 * later name, the text gives back every pair (the items are sorted and each starts with its name).
 * Removing whole names keeps a query in that set, so what request-transformer removes after the
 * chunk (remove.querystring, then set_uri_args) leaves proxy-cache reading a query that keys whole.
 * Times (`T05:30:00`) and most `:` values still cache: their parts read as names before the pair's.
 * The route's vary_headers (keyHeaders) go into the key the same way (headers_key: `headers[field]`,
 * `field=value` joined by `:`, two lines sorted and joined by `,`), and a `_` spelling of one
 * (`X_Tenant`) is never read there while a CGI-style backend reads it as the header: so a vary
 * header sent twice, in another spelling, or with a `:` in its value keeps the request out too.
 * Kong verifies it, or removes it before the backend when it is hidden (request-transformer), or,
 * kept on an OR route another plugin authenticated, the kept-credentials post-function clears it
 * (unverified-credentials.ts; one plugin per kind on a route: kong-plugin-shared).
 *
 * The chunk holds no `$` (user text only as `\ddd` escapes of [^A-Za-z0-9_]): it can never open a
 * decK template, so lint's Kong compile (compile.ts chunksOpen) need not build it.
 */
import { compareText } from '../../diagnostics/collate.js';
import type { Route } from '../../model/types.js';
import { credentialCarriers } from '../credential-carriers.js';
import type { Ctx, Entity } from './context.js';
import { headerKey } from './header-family.js';

/** The first line of the chunk: how a reader knows it (gwc diff). */
export const CACHE_BYPASS_MARK = "-- gwc: a credential this route does not verify keeps the request out of the consumer's cache (Cache-Control: no-store)";

/** The second line of today's chunk, which also reads the query (gwc diff tells it from the previous releases' by it). */
export const CACHE_QUERY_MARK = '-- gwc: and so does a query or vary header proxy-cache would not key whole (past its pair limit, a repeated name, a `:` reading as another pair)';

/**
 * What makes a request bypass the route's cache: header names as headerKey reads them, whether a
 * body does, and whether a query proxy-cache does not key whole does (`query`: every chunk gwc
 * writes today; false only for the previous releases' chunks gwc diff still reads).
 */
export interface Bypass {
  headers: string[];
  body: boolean;
  query?: boolean;
  /** With `query`: the route's vary_headers (lower case, as proxy-cache reads them). */
  vary?: string[];
}

/** The carriers of the spec the route does not verify, and the query check every cached route gets. */
export function cacheBypass(ctx: Ctx, route: Route): Bypass {
  const own = new Set(route.security.flatMap((alt) => alt.map((i) => i.scheme)));
  const headers = new Set<string>();
  let body = false;
  for (const c of credentialCarriers(ctx.gateway)) {
    if (c.in === 'header' && c.name === 'cookie') headers.add('cookie');
    else if (c.schemes.some((n) => own.has(n))) continue;
    else if (c.in === 'body') body = true;
    else {
      if (c.in === 'header') headers.add(headerKey(c.name));
      // An API key's name is read from a body field too (Laravel's input(), PHP's $_REQUEST and Rack
      // read one over the query parameter; a header key's name as a parameter): the name-readings
      // chunk refuses it only on a route verifying that key, and no body is in proxy-cache's key, so
      // a body bypasses (nginx's 9778081; test/security/kong-cache-body-key.test.ts).
      if (c.in === 'query' || (c.in === 'header' && c.schemes.some((n) => ctx.scheme(n)?.kind === 'apiKey'))) body = true;
    }
  }
  const vary = route.policy.cache ? [...route.policy.cache.keyHeaders].map((h) => h.toLowerCase()).sort(compareText) : [];
  return { headers: [...headers].sort(compareText), body, query: true, vary };
}

/** A single-quoted Lua string of `words` joined by spaces, each byte but [A-Za-z0-9_] a `\ddd` escape. */
function luaWords(words: readonly string[]): string {
  const word = (w: string) => [...Buffer.from(w, 'utf8')].map((b) => (/[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join('');
  return `'${words.map(word).join(' ')}'`;
}

/**
 * The Lua (5.1/LuaJIT, Kong's default sandbox) of the chunk. With neither Content-Length nor
 * Transfer-Encoding the body is read too: over HTTP/2 and HTTP/3 a body travels in DATA frames with
 * neither header, and nginx proxies it (get_raw_body: "" without a body, nil for one buffered to a
 * file; test/security/kong-cache-body-h2.test.ts). `h2: false` renders the previous release's chunk,
 * which gwc diff still reads as the same bypass.
 */
export function cacheBypassLua(b: Bypass, h2 = true): string {
  return [
    CACHE_BYPASS_MARK,
    ...(b.query ? [CACHE_QUERY_MARK] : []),
    'local watched = {}',
    `for n in string.gmatch(${luaWords(b.headers)}, '%S+') do watched[n] = true end`,
    `local body = ${b.body ? 'true' : 'false'}`,
    "local function key(name) return (string.gsub(string.lower(name), '%-', '_')) end",
    ...(b.query ? ['local vary = {}', `for n in string.gmatch(${luaWords(b.vary ?? [])}, '%S+') do vary[key(n)] = n end`] : []),
    'return function()',
    // The header-family chunk before this one answered 431 to more than 100 header lines.
    '  local headers = kong.request.get_headers(1000)',
    '  local hit = false',
    '  for name in pairs(headers) do',
    '    if watched[key(name)] then hit = true end',
    '  end',
    "  if not hit and body then",
    "    local cl = headers['content-length']",
    "    if headers['transfer-encoding'] ~= nil or (cl ~= nil and cl ~= '0') then hit = true end",
    ...(h2
      ? [
          '    if not hit then',
          '      local raw = kong.request.get_raw_body()',
          "      if raw == nil or raw ~= '' then hit = true end",
          '    end',
        ]
      : []),
    '  end',
    ...(b.query
      ? [
          // proxy-cache's own read (no limit argument: lua_max_uri_args); "truncated" past it.
          '  if not hit then',
          '    local args, cut = kong.request.get_query()',
          '    if cut ~= nil then hit = true end',
          '    for name, v in pairs(args) do',
          "      if type(v) == 'table' or string.find(name, '[:=]') then hit = true end",
          "      if type(v) == 'string' then",
          "        for part in string.gmatch(v, ':([^:]*)') do",
          "          if string.match(part, '^[^=]*') > name then hit = true end",
          '        end',
          '      end',
          '    end',
          // A vary header (headers_key: headers[field], `field=value` joined by `:`, two lines sorted
          // and joined by `,`; a `_` spelling is never read, a CGI-style backend reads it as the header).
          '    local seen = {}',
          '    for name, v in pairs(headers) do',
          '      local f = vary[key(name)]',
          '      if f ~= nil then',
          "        if seen[f] or type(v) == 'table' or name ~= f or string.find(v, ':', 1, true) then hit = true end",
          '        seen[f] = true',
          '      end',
          '    end',
          '  end',
        ]
      : []),
    '  if not hit then return end',
    '  local cc = {}',
    '  for name, v in pairs(headers) do',
    "    if key(name) == 'cache_control' then",
    "      if type(v) == 'table' then for _, x in ipairs(v) do cc[#cc + 1] = x end else cc[#cc + 1] = v end",
    '      kong.service.request.clear_header(name)',
    '    end',
    '  end',
    "  cc[#cc + 1] = 'no-store'",
    "  kong.service.request.set_header('Cache-Control', table.concat(cc, ', '))",
    'end',
    '',
  ].join('\n');
}

/** `plugins` with the chunk last in the route's pre-function when the route has a proxy-cache; unchanged otherwise. */
export function withCacheBypass(ctx: Ctx, route: Route, plugins: Entity[]): Entity[] {
  if (!plugins.some((p) => p.name === 'proxy-cache')) return plugins;
  const chunk = cacheBypassLua(cacheBypass(ctx, route));
  const pre = plugins.find((p) => p.name === 'pre-function');
  if (!pre) return [...plugins, { name: 'pre-function', config: { access: [chunk] } }];
  const config = pre.config as { access: string[] };
  return plugins.map((p) => (p === pre ? { ...p, config: { ...config, access: [...config.access, chunk] } } : p));
}

/**
 * A route rule setting, replacing or removing the request's Cache-Control (any case, `-`/`_`
 * spelling: headerKey) on a cached route (every one gets the chunk) is refused (kong-cache-control-rule,
 * at the rule): request-transformer (priority 801) runs after pre-function (1000000) and before proxy-cache
 * (100), so the rule would overwrite the chunk's `no-store` and the answer to a request carrying an
 * unverified credential, or a query the key does not hold whole, would be stored as the consumer's entry. No OSS plugin runs Lua between the
 * two (post-function is -1000, after proxy-cache), so the chunk cannot be ordered after the rule.
 * Called on every compile (lint's findingsOnly one too): lint and build say it at the same line.
 * Tests: test/security/redteam6-kong-cache-control-rule.test.ts.
 */
export function refuseCacheControlRule(ctx: Ctx, route: Route, plugins: readonly Entity[]): void {
  if (!plugins.some((p) => p.name === 'proxy-cache')) return;
  const ops = ctx.plan.enforced(route.id, 'requestHeaders') ? route.policy.requestHeaders : undefined;
  const header = ops ? [...Object.keys(ops.set), ...ops.remove].find((h) => headerKey(h) === 'cache_control') : undefined;
  if (header === undefined) return;
  ctx.report('kong-cache-control-rule', { route: route.id, header }, ops!.loc);
}

/** The words of a luaWords literal's body. */
const words = (text: string): string[] => text.split(' ').filter((w) => w !== '').map((w) => Buffer.from(w.replace(/\\(\d{3})/g, (_x, d: string) => String.fromCharCode(Number(d))), 'latin1').toString('utf8'));

/** What a deployed chunk watches (gwc diff): exactly gwc's chunk for some bypass, else undefined. */
export function readCacheBypass(code: string): Bypass | undefined {
  if (!code.startsWith(`${CACHE_BYPASS_MARK}\n`)) return undefined;
  const m = /^for n in string\.gmatch\('((?:[A-Za-z0-9_ ]|\\\d{3})*)', '%S\+'\) do watched\[n\] = true end$/m.exec(code);
  const body = /^local body = (true|false)$/m.exec(code)?.[1];
  if (!m || body === undefined) return undefined;
  const headers = words(m[1]!);
  const b = { headers, body: body === 'true' };
  if (code.startsWith(`${CACHE_BYPASS_MARK}\n${CACHE_QUERY_MARK}\n`)) {
    const v = /^for n in string\.gmatch\('((?:[A-Za-z0-9_ ]|\\\d{3})*)', '%S\+'\) do vary\[key\(n\)\] = n end$/m.exec(code);
    if (!v) return undefined;
    const q = { ...b, query: true, vary: words(v[1]!) };
    return cacheBypassLua(q) === code ? q : undefined;
  }
  return cacheBypassLua(b) === code || cacheBypassLua(b, false) === code ? b : undefined;
}

/**
 * What keeps a request out of the route's cache, read from its effective pre-function (gwc diff,
 * Facts.cacheKey in nginx's words: `not stored or served when ...`): one text per watched header
 * and the body. A chunk that is not gwc's (edited, or another list) keeps nothing out.
 */
export function cacheBypassFacts(pre: { enabled?: unknown; config?: unknown } | undefined): string[] {
  const config = pre && pre.enabled !== false && typeof pre.config === 'object' && pre.config !== null ? (pre.config as { access?: unknown }) : undefined;
  const access = Array.isArray(config?.access) ? config.access.filter((c): c is string => typeof c === 'string') : [];
  const out: string[] = [];
  for (const code of access) {
    const b = readCacheBypass(code);
    if (!b) continue;
    out.push(...b.headers.map((h) => `not stored or served when header ${h.replace(/_/g, '-')} (any -/_ spelling) is sent`));
    if (b.body) out.push('not stored or served when a body is sent');
    if (b.query) out.push('not stored or served when the query does not key whole (past the pair limit, a repeated name, a `:` reading as another pair)');
    for (const h of b.vary ?? []) out.push(`not stored or served when header ${h} is sent twice, in another -/_ spelling or with a \`:\``);
  }
  return out;
}
