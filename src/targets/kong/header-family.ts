/**
 * Headers no client may send (the identity headers of every gwc gateway, client forwarding headers,
 * undeclared method and URL overrides: policies.ts headerFamily) are removed on Kong by a chunk of
 * the route's `pre-function` that reads each request header's name as a CGI-style backend does
 * (lower case, `_` for `-`: underscores.ts says why) and clears every header whose name so read is
 * one of them (issue #18). Listing every `-`/`_` spelling on each route's request-transformer
 * instead was ~400 names a route, 83% of GitHub's 24 MB kong.yaml.
 *
 * Kong's behaviour this relies on (Kong 3.x source):
 * - `kong.request.get_headers(max)` (kong/pdk/request.lua) is `ngx.req.get_headers`: names
 *   lowercased and otherwise as sent (Kong's nginx runs `underscores_in_headers on`,
 *   kong/templates/nginx_kong.lua, so `X_Consumer_ID` arrives as `x_consumer_id`; the table's
 *   `__index` folds `_` on lookup only, pairs() gives the raw names), at most `max` lines
 *   (1..1000; the default is lua_max_req_headers, 100), with "truncated" as a second value when
 *   there were more.
 * - `kong.service.request.clear_header(name)` is `ngx.req.clear_header`: every line of that name.
 * - request-transformer's `remove.headers` (the route-specific names left there) is applied to
 *   `get_headers()`, the first 100 lines only (kong/plugins/request-transformer/access.lua
 *   transform_headers): a name sent after 100 other lines passed it. The chunk answers 431 to a
 *   request of more than 100 header lines, or of more than get_headers() reads under the Kong's
 *   configured lua_max_req_headers, so neither it nor request-transformer sees a truncated list.
 * - pre-function runs first (priority 1000000; key-auth 1250, basic-auth 1100, jwt 1450), so Kong's
 *   own consumer headers (X-Consumer-ID, -Username, -Custom-ID, X-Credential-Identifier,
 *   X-Anonymous-Consumer), which the auth plugins set or clear after verification (set_consumer),
 *   still reach the backend, in their dash spelling, as Kong set them; the client's spellings of
 *   them are gone before any plugin runs.
 *
 * Only what Kong's default `untrusted_lua = sandbox` allows (pairs, type, string.gmatch,
 * string.lower, string.gsub, kong.request.get_headers, kong.request.get_query, kong.service.request.clear_header,
 * kong.response.exit: kong/tools/sandbox/environment/). Names enter the Lua only through luaWords,
 * every byte but [A-Za-z0-9_] a decimal escape: escape by construction. The Lua's own strings are
 * single-quoted, so the YAML writer's double-quoted scalar escapes none of them (the chunk is on
 * every route: #18).
 */
import { compareText } from '../../diagnostics/collate.js';
import type { Entity } from './context.js';
import { fixedCodeOpens } from './chunk-template.js';

/** The first line of the chunk: how gwc diff's reader knows it (deployed-normalise.ts). */
export const HEADER_FAMILY_MARK = '-- gwc: headers no client may send (identity, forwarding, overrides) never reach the backend, in any case or -/_ spelling';

/** Kong's default lua_max_req_headers: the lines request-transformer reads; a request with more is refused. */
export const MAX_HEADER_LINES = 100;

/** A header name as the chunk compares it: lower case, `_` for `-`. */
export const headerKey = (name: string): string => name.toLowerCase().replace(/-/g, '_');

const chunks = new Map<string, string>();
/** By the names as given (NUL never occurs in a header name): most routes of a build give the same list (#18). */
const byNames = new Map<string, string>();

/** The chunk removing every spelling of `names`, made once per distinct set (every route of a build shares one, #18). */
export function headerFamilyLua(names: readonly string[]): string {
  const given = names.join('\u0000');
  const known = byNames.get(given);
  if (known !== undefined) return known;
  const keys = [...new Set(names.map(headerKey))].sort(compareText);
  const id = keys.join('\n');
  let lua = chunks.get(id);
  if (lua === undefined) chunks.set(id, (lua = render(keys)));
  byNames.set(given, lua);
  return lua;
}

/**
 * Whether a chunk can hold a decK template opening `${{`: fixed code around one luaWords literal,
 * whose only characters are [A-Za-z0-9_], `\`, digits, spaces and its quotes (chunk-template.ts).
 */
export const headerFamilyOpensTemplate = fixedCodeOpens(() => [render(['x'])]);

/**
 * A single-quoted Lua string of `words` joined by spaces, each byte of a word but [A-Za-z0-9_] a
 * `\ddd` escape (no `$` or `{` ever: headerFamilyOpensTemplate relies on it).
 */
function luaWords(words: readonly string[]): string {
  const word = (w: string) => [...Buffer.from(w, 'utf8')].map((b) => (/[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join('');
  return `'${words.map(word).join(' ')}'`;
}

/**
 * The chunk for `keys`. `limits` (today's) also refuses a request some plugin would read cut off:
 * one with more header lines than `kong.request.get_headers()` reads (431) or more query pairs than
 * `kong.request.get_query()` reads (414). Kong's plugins call both with no limit argument, which is
 * lua_max_req_headers / lua_max_uri_args (kong.conf, 100 each by default, 1..1000; lua-resty-core
 * counts a query's pairs as its `&` plus one, empty ones too), and read the first ones only:
 * proxy-cache keys on the first 100 pairs and vary headers, key-auth finds no duplicate query key
 * after the 100th pair (a second `?api_key=` then reaches a backend reading the last one: PHP),
 * request-transformer writes the query back from the first 100 pairs (set_uri_args) and removes a
 * header only among the first lua_max_req_headers lines, and before 3.6 get_header reads that many
 * too. A request past either limit is so refused on every release and configuration, where the
 * fixed 431 above holds only at the default (test/security/kong-request-limits.test.ts).
 * `framing` (false with `limits` false renders the chunk gwc wrote before both, which gwc
 * diff still reads as its names) also refuses (400) a line whose name reads as Transfer-Encoding or
 * Content-Length and holds `_` (`Transfer_Encoding`, `content_LENGTH`): nginx matches its framing
 * headers by their exact `-` name, so such a line is an unknown header proxied as sent, beside the
 * Content-Length nginx writes for the body it read, and a backend reading `_` as `-` (Puma < 6.4.3,
 * Unicorn, Thin, WSGI: HTTP_TRANSFER_ENCODING) frames the body a second way: request smuggling on
 * the kept-alive upstream connection (test/security/kong-framing-spellings.test.ts).
 */
function render(keys: readonly string[], framing = true, limits = framing): string {
  return [
    HEADER_FAMILY_MARK,
    'local drop = {}',
    `for n in string.gmatch(${luaWords(keys)}, '%S+') do drop[n] = true end`,
    'return function()',
    '  local headers, err = kong.request.get_headers(1000)',
    '  local lines = 0',
    "  for _, v in pairs(headers) do lines = lines + (type(v) == 'table' and #v or 1) end",
    `  if err ~= nil or lines > ${MAX_HEADER_LINES} then return kong.response.exit(431, { message = 'Request Header Fields Too Large' }) end`,
    ...(limits
      ? [
          // What the plugins read with no limit argument (lua_max_req_headers, lua_max_uri_args:
          // kong.conf, 100 by default, an operator may lower them): "truncated" past it.
          '  local _, cut = kong.request.get_headers()',
          "  if cut ~= nil then return kong.response.exit(431, { message = 'Request Header Fields Too Large' }) end",
          '  local _, qcut = kong.request.get_query()',
          "  if qcut ~= nil then return kong.response.exit(414, { message = 'URI Too Long' }) end",
        ]
      : []),
    '  for name in pairs(headers) do',
    ...(framing
      ? [
          "    local k = string.gsub(string.lower(name), '%-', '_')",
          "    if (k == 'transfer_encoding' or k == 'content_length') and string.find(name, '_', 1, true) then return kong.response.exit(400, { message = 'Bad Request' }) end",
          '    if drop[k] then kong.service.request.clear_header(name) end',
        ]
      : ["    if drop[(string.gsub(string.lower(name), '%-', '_'))] then kong.service.request.clear_header(name) end"]),
    '  end',
    'end',
    '',
  ].join('\n');
}

const previous = new Map<string, [string, string]>();
/**
 * The chunks gwc wrote for `keys` before today's: before the framing check
 * (test/security/fixtures/kong-header-family-v1.lua) and before the limits (-v2.lua).
 */
function previousReleases(keys: readonly string[]): [string, string] {
  const id = keys.join('\n');
  let lua = previous.get(id);
  if (lua === undefined) {
    if (previous.size >= 100) previous.clear();
    previous.set(id, (lua = [render(keys, false, false), render(keys, true, false)]));
  }
  return lua;
}

/** `plugins` with `lua` first in the route's pre-function, or a pre-function of its own. */
export function withHeaderFamily(plugins: Entity[], lua: string): Entity[] {
  const pre = plugins.find((p) => p.name === 'pre-function');
  if (!pre) return [{ name: 'pre-function', config: { access: [lua] } }, ...plugins];
  const config = pre.config as { access: string[] };
  return plugins.map((p) => (p === pre ? { ...p, config: { ...config, access: [lua, ...config.access] } } : p));
}

const read = new Map<string, string[] | undefined>();
const framing = new Map<string, boolean>();

/**
 * Whether a deployed chunk is one of gwc's chunks for its names that also refuse (400) a
 * Transfer-Encoding or Content-Length line spelt with `_` (today's, or the one before the limits):
 * the first release's text reads as the same names (readHeaderFamily) but passes those lines on
 * (gwc diff's framing guard).
 */
export function headerFamilyFraming(code: string): boolean {
  let is = framing.get(code);
  if (is === undefined) {
    const keys = readHeaderFamily(code);
    is = keys !== undefined && (headerFamilyLua(keys) === code || previousReleases([...new Set(keys)].sort(compareText))[1] === code);
    if (framing.size >= 100) framing.clear();
    framing.set(code, is);
  }
  return is;
}

/**
 * Whether a deployed chunk is today's for its names, the one that also answers 431 / 414 to a
 * request Kong's plugins read cut off (get_headers()/get_query() "truncated": a second `?api_key=`
 * after pair 100 that key-auth never saw; test/security/kong-request-limits.test.ts). The releases
 * before read as the same names but pass such a request on (gwc diff's limits guard).
 */
export function headerFamilyLimits(code: string): boolean {
  const keys = readHeaderFamily(code);
  return keys !== undefined && headerFamilyLua(keys) === code;
}

/**
 * The names (as headerKey reads them) a deployed chunk removes: exactly gwc's chunk for some set
 * of names, else undefined (an edited chunk is not taken for a removal). Memoised: every route of
 * a deployed gwc file holds the same chunk.
 */
export function readHeaderFamily(code: string): string[] | undefined {
  if (read.has(code)) return read.get(code);
  let keys: string[] | undefined;
  const m = /^for n in string\.gmatch\('((?:[A-Za-z0-9_ ]|\\\d{3})*)', '%S\+'\) do drop\[n\] = true end$/m.exec(code);
  if (code.startsWith(`${HEADER_FAMILY_MARK}\n`) && m) {
    keys = m[1]!.split(' ').filter((w) => w !== '').map((w) => Buffer.from(w.replace(/\\(\d{3})/g, (_x, d: string) => String.fromCharCode(Number(d))), 'latin1').toString('utf8'));
    // Exactly gwc's chunk for these names (today's or a previous release's), or nothing. The
    // previous ones read as the same names: gwc diff reads the framing check from
    // headerFamilyFraming and the limits check from headerFamilyLimits.
    if (headerFamilyLua(keys) !== code && !previousReleases([...new Set(keys)].sort(compareText)).includes(code)) keys = undefined;
  }
  read.set(code, keys);
  return keys;
}
