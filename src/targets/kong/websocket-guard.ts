/**
 * The WebSocket holes of red team 18 on Kong. Kong proxies an upgrade on every route
 * (kong/runloop/handler.lua: `Upgrade: websocket`, any case, sets $upstream_upgrade), so each route
 * that needs one of these checks carries it in its `pre-function` (priority 1000000: before every
 * auth plugin):
 * - A bearer token in `Sec-WebSocket-Protocol` (src/targets/subprotocol-token.ts: `access_token,
 *   <jwt>`, `Bearer, <jwt>`, k8s `base64url.bearer.authorization.k8s.io.<token>`): Kong's jwt plugin
 *   reads header_names / uri_param_names / cookie_names only (kong/plugins/jwt/handler.lua
 *   retrieve_tokens) and request-transformer passes the header on, so beside alice's verified
 *   Authorization a forged subprotocol token reached the backend. On a route with a bearer scheme
 *   (bearer.ts bearerInQuery, as Traefik and nginx choose) a request whose subprotocol list carries
 *   one, on any line whose name reads as the header's (lower case, `-` as `_`: Kong runs
 *   underscores_in_headers on, a CGI-style backend reads `Sec_WebSocket_Protocol` as it), is
 *   answered 400, upgrade or not (as nginx's map and Traefik's rule do).
 * - Cross-Site WebSocket Hijacking: a browser sends cookies and cached basic credentials with a
 *   cross-site handshake and applies no CORS to it, and Kong's cors plugin acts on a preflight only
 *   (kong/plugins/cors/handler.lua access). A request carrying Upgrade (any value) whose Origin is
 *   present and not allowed is answered 403: on a route with a CORS policy (origins not `*`),
 *   allowed is one of cors.origins compared exactly (as nginx's map and Traefik's rule); on a
 *   route with security and no such policy, allowed is the request's own origin (the Origin's
 *   scheme the request's, kong.request.get_forwarded_scheme, and its host[:port] the Host line's,
 *   ASCII case-blind: `http://api.test` is another origin than `https://api.test`, RFC 6454, a
 *   network attacker's forged page, REV19; the scheme's default port written on one side only is
 *   the same origin, `Host: api.test:443` and `https://api.test`, NGX8). No Origin (a non-browser client) passes;
 *   a plain request is left to CORS.
 *
 * The token shapes are Lua patterns (no alternation: several patterns, TOKEN_LINES;
 * test/targets/kong/websocket-guard.test.ts holds them to SUBPROTOCOL_TOKEN_REGEX on the shared
 * example table and random values). Only what Kong's default `untrusted_lua = sandbox` gives
 * (pairs, ipairs, type, string.find/gmatch/gsub/lower/match/rep, kong.request.get_headers,
 * kong.response.exit). User text (the CORS origins) enters the Lua only through luaString
 * (`[A-Za-z0-9_]` and `\ddd`), gwc's own pattern text through `plain` (a fixed alphabet, else it
 * throws): escape by construction, and no `${{` for decK (wsGuardOpensTemplate).
 */
import type { Route } from '../../model/types.js';
import { bearerInQuery } from '../bearer.js';
import { ELEMENT_MARKERS, WORD_MARKERS, wordMarkerSpellings } from '../subprotocol-token.js';
import { compareText } from '../../diagnostics/collate.js';
import { protectedRoute, upgradeOrigins } from '../websocket-origin.js';
import type { Ctx, Entity } from './context.js';
import { fixedCodeOpens } from './chunk-template.js';
import { luaString } from './query-spellings.js';

/** The first line of the chunk: how gwc diff's reader knows it (deployed-chunks.ts, deployed-guards.ts). */
export const WS_GUARD_MARK = '-- gwc: a WebSocket handshake carries no unverified bearer token and comes from an allowed Origin';

/** What the chunk checks on one route. */
export interface WsGuard {
  /** Refuse (400) a bearer token in Sec-WebSocket-Protocol. */
  token: boolean;
  /** Refuse (403) an upgrade from another Origin: one of these (a CORS policy's), or the request's own ('own'). */
  origin?: string[] | 'own';
}

/** A Lua pattern matching `text` literally. */
const literal = (text: string) => text.replace(/[\^$()%.[\]*+\-?]/g, '%$&');

/**
 * A Lua string literal of gwc's own pattern text, written as is (readable in the deployed file):
 * only pattern characters that need no Lua escape and can open no decK template pass; anything
 * else throws (user text goes through luaString instead).
 */
function plain(text: string): string {
  if (!/^[A-Za-z0-9_%.\-[\]^$*=+/ ]*$/.test(text)) throw new Error(`not a plain Lua pattern: ${text}`);
  return `"${text}"`;
}

/** base64url with `=`, `+`, `/` (padded segments, REV19), and the run before a JWT's first `.` (SUBPROTOCOL_TOKEN_REGEX: 16 classes spelt out). */
const B64 = '[A-Za-z0-9_=+/%-]';
const RUN = 16;
/** Not a letter or digit (after string.lower: ASCII only, as the regex's letter classes). */
const EDGE = '[^a-z0-9]';
/** The credential words (WORD_MARKERS: `access[_.-]?token`, `api[_.-]?key`, `bearer`, ...), every spelling, as Lua patterns. */
const MARKERS = WORD_MARKERS.flatMap(wordMarkerSpellings).map(literal);

/**
 * SUBPROTOCOL_TOKEN_REGEX's branches as Lua patterns (Lua has no alternation: one pattern per
 * branch). On the value as sent: a JWT-shaped element, 16 base64url characters then `.`, base64url,
 * `.` (the regex's run of 16 and more before its first `.` is read at the 16 just before that dot:
 * the same values, and no backtracking over a long run). On the value lowercased: k8s's prefix
 * anywhere; a marker not between letters or digits (at the start or after EDGE, at the end or
 * before EDGE: four patterns a marker); an element marker as a whole element and an element
 * starting `header-` / `base64url[.-]` (SEP: `,`, space, tab; string.char(9), as plain() takes no escape).
 */
const TOKEN_LINES: readonly string[] = [
  `local B64, EDGE = ${plain(B64)}, ${plain(EDGE)}`,
  `local as_sent = { string.rep(B64, ${RUN}) .. "%." .. B64 .. "*%." }`,
  `local lower = { ${plain(literal('bearer.authorization.'))} }`,
  `for m in string.gmatch(${plain(MARKERS.join(' '))}, "%S+") do`,
  '  for _, p in ipairs({ "^" .. m .. "$", "^" .. m .. EDGE, EDGE .. m .. "$", EDGE .. m .. EDGE }) do lower[#lower + 1] = p end',
  'end',
  // NGX8: a marker as a whole element (between `,`, space, tab or the ends), and an element
  // starting `header-` (AppSync) or `base64url.` / `base64url-`.
  'local SEP = "[, " .. string.char(9) .. "]"',
  `for m in string.gmatch(${plain(ELEMENT_MARKERS.map(literal).join(' '))}, "%S+") do`,
  '  for _, p in ipairs({ "^" .. m .. "$", "^" .. m .. SEP, SEP .. m .. "$", SEP .. m .. SEP }) do lower[#lower + 1] = p end',
  'end',
  `for _, e in ipairs({ ${plain(literal('header-'))}, ${plain(`${literal('base64url')}[.%-]`)} }) do`,
  '  lower[#lower + 1] = "^" .. e',
  '  lower[#lower + 1] = SEP .. e',
  'end',
  'local function carries_token(v)',
  '  for _, p in ipairs(as_sent) do if string.find(v, p) then return true end end',
  '  local l = string.lower(v)',
  '  for _, p in ipairs(lower) do if string.find(l, p) then return true end end',
  '  return false',
  'end',
];

/** The check `route` needs (undefined: none). `cors` is the route's CORS origins when Kong enforces its policy. */
export function wsGuard(ctx: Ctx, route: Route, cors: readonly string[] | undefined): WsGuard | undefined {
  const schemes = route.security.flat().flatMap((i) => ctx.scheme(i.scheme) ?? []);
  const token = schemes.some(bearerInQuery);
  // Which pages may upgrade is websocket-origin.ts's decision, as on nginx and Traefik (REV20): an
  // IP-allow-listed route and an ambient credential under a cors list without credentials (or `*`)
  // are own-origin only. A `listed` route whose cors Kong does not enforce keeps its own origin.
  const mode = upgradeOrigins(route, schemes);
  const listed = mode === 'listed' && cors !== undefined && cors.length > 0 && !cors.includes('*');
  const origin = listed ? [...new Set(cors)].sort(compareText) : mode === 'same' || (mode === 'listed' && protectedRoute(route)) ? ('own' as const) : undefined;
  if (!token && origin === undefined) return undefined;
  return { token, ...(origin !== undefined ? { origin } : {}) };
}

const chunks = new Map<string, string>();

/** The chunk for `guard`, made once per distinct guard (routes of a service share it: hoist.ts). */
export function wsGuardLua(guard: WsGuard): string {
  const id = JSON.stringify([guard.token, guard.origin ?? null]);
  let lua = chunks.get(id);
  if (lua === undefined) {
    if (chunks.size >= 1000) chunks.clear();
    chunks.set(id, (lua = render(guard)));
  }
  return lua;
}

function render({ token, origin }: WsGuard): string {
  return [
    WS_GUARD_MARK,
    `local token_check = ${token ? 'true' : 'false'}`,
    origin === undefined ? 'local origin_check = false' : origin === 'own' ? 'local origin_check = "own"' : `local origin_check = {${origin.map((o) => `[${luaString(o)}] = true`).join(', ')}}`,
    ...(token ? TOKEN_LINES : []),
    // An Origin the route allows: one of the CORS origins exactly, or scheme://host[:port] whose
    // scheme is the request's and host[:port] the Host line's (ASCII case-blind), the scheme's
    // default port (:443, :80) written on either side or neither (NGX8).
    'local DEFAULT_PORT = { https = ":443$", http = ":80$" }',
    'local function bare(authority, s)',
    '  local a = string.lower(authority)',
    '  if DEFAULT_PORT[s] then a = string.gsub(a, DEFAULT_PORT[s], "") end',
    '  return a',
    'end',
    'local function allowed(o, host, scheme)',
    '  if type(origin_check) == "table" then return origin_check[o] == true end',
    '  local s, authority = string.match(o, "^([A-Za-z][A-Za-z0-9+.%-]*)://([^/]+)$")',
    '  if authority == nil or type(host) ~= "string" or type(scheme) ~= "string" then return false end',
    '  s = string.lower(s)',
    '  return s == string.lower(scheme) and bare(authority, s) == bare(host, s)',
    'end',
    'return function()',
    '  local headers, err = kong.request.get_headers(1000)',
    '  if err ~= nil then return kong.response.exit(431, { message = "Request Header Fields Too Large" }) end',
    '  local upgrade, origins = false, {}',
    '  for name, v in pairs(headers) do',
    '    local k = string.gsub(string.lower(name), "%-", "_")',
    '    if type(v) ~= "table" then v = { v } end',
    '    for _, line in ipairs(v) do',
    '      if type(line) ~= "string" then line = "" end',
    '      if token_check and k == "sec_websocket_protocol" and carries_token(line) then',
    '        return kong.response.exit(400, { message = "Bad Request" })',
    '      end',
    '      if k == "upgrade" and string.find(line, "%S") then upgrade = true end',
    '      if k == "origin" then origins[#origins + 1] = line end',
    '    end',
    '  end',
    '  if origin_check and upgrade and #origins > 0 then',
    '    local host, scheme = headers["host"], kong.request.get_forwarded_scheme()',
    '    for _, o in ipairs(origins) do',
    '      if not allowed(o, host, scheme) then return kong.response.exit(403, { message = "Forbidden" }) end',
    '    end',
    '  end',
    'end',
    '',
  ].join('\n');
}

/** Whether a chunk can hold a decK template opening `${{`: fixed code around luaString literals (chunk-template.ts), in both origin shapes. */
export const wsGuardOpensTemplate = fixedCodeOpens(() => [render({ token: true, origin: ['x'] }), render({ token: true, origin: 'own' })]);

/** `plugins` with the chunk for `guard` in the route's pre-function (after the chunks already there), or a pre-function of its own. */
export function withWsGuard(plugins: Entity[], guard: WsGuard | undefined): Entity[] {
  if (!guard) return plugins;
  const chunk = wsGuardLua(guard);
  const pre = plugins.find((p) => p.name === 'pre-function');
  if (!pre) return [...plugins, { name: 'pre-function', config: { access: [chunk] } }];
  const config = pre.config as { access: string[] };
  return plugins.map((p) => (p === pre ? { ...p, config: { ...config, access: [...config.access, chunk] } } : p));
}

const ORIGIN_LINE = /^local origin_check = (false|"own"|\{(.*)\})$/m;
const TOKEN_LINE = /^local token_check = (true|false)$/m;

const read = new Map<string, WsGuard | undefined>();
/**
 * What a deployed chunk checks: exactly gwc's chunk for the guard its lines name, else undefined
 * (an edited chunk is no check: gwc diff reads it as the guard gone). Memoised.
 */
export function readWsGuard(lua: string): WsGuard | undefined {
  if (read.has(lua)) return read.get(lua);
  let guard: WsGuard | undefined;
  const t = TOKEN_LINE.exec(lua);
  const o = ORIGIN_LINE.exec(lua);
  if (lua.startsWith(`${WS_GUARD_MARK}\n`) && t && o) {
    const origin = o[1] === 'false' ? undefined : o[1] === '"own"' ? ('own' as const) : [...(o[2] ?? '').matchAll(/\[("(?:[^"\\]|\\.)*")\] = true/g)].map((x) => luaText(x[1]!));
    guard = { token: t[1] === 'true', ...(origin !== undefined ? { origin } : {}) };
    if (wsGuardLua(guard) !== lua) guard = undefined;
  }
  if (read.size >= 1000) read.clear();
  read.set(lua, guard);
  return guard;
}

/** The text of a luaString literal. */
function luaText(literal: string): string {
  return Buffer.from(literal.slice(1, -1).replace(/\\(\d{3})/g, (_x, d: string) => String.fromCharCode(Number(d))), 'latin1').toString('utf8');
}
