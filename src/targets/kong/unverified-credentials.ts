/**
 * On a Kong route with alternatives (OR), a credential kept for the backend (`hideCredentials:
 * false`) reaches it only when its own plugin verified it (DESIGN.md 7.1, 7.3).
 *
 * Kong tries the auth plugins of an OR route in priority order, each with `anonymous` set: once one
 * authenticates, the others skip (kong/plugins/key-auth/handler.lua: `if conf.anonymous and
 * kong.client.get_credential() then return end`), and a plugin that fails maps to the anonymous
 * consumer, so a later one may still authenticate. A scheme whose credential is hidden is removed by
 * request-transformer whichever alternative authenticated (auth.ts removeHeaders/removeQuery); a
 * scheme with `hideCredentials: false` keeps its credential, and a caller verified by basic auth
 * could send a forged `?api_key=` (or `X-Api-Key`, or a bearer token) that reached the backend as
 * sent, never verified (red team 2).
 *
 * A `post-function` (serverless-functions, bundled with Kong OSS; priority -1000: after every auth
 * plugin, acl and request-transformer, https://docs.konghq.com/hub/kong-inc/post-function/) reads
 * which plugin's credential Kong authenticated (`kong.client.get_credential()`: a jwt_secret has an
 * `algorithm`, a basicauth_credential a `username`, a keyauth_credential a `key` only) and removes
 * each kept credential whose plugin it was not: the header, or every `&` pair of the query whose
 * decoded name is the key's (its other spellings are the pre-function's, query-spellings.ts). Only
 * The other `-`/`_` spellings of a kept credential header (X_Api_Key beside a verified X-Api-Key)
 * are cleared by the same function on every route, OR or not: request-transformer removes the
 * spellings of hidden headers only (policies.ts), and a kept name's spellings were never cleared.
 * PDK calls Kong's default `untrusted_lua = sandbox` allows
 * (https://github.com/Kong/kong/blob/master/kong/tools/sandbox/environment/handler.lua); user text
 * enters the Lua only through luaString (escape by construction).
 */
import type { SecurityScheme } from '../../model/types.js';
import type { Entity } from './context.js';
import { luaString } from './query-spellings.js';
import { underscoreSpellings } from './underscores.js';

/** The first line of the Lua, so a reader of the deployed state knows the plugin. */
export const UNVERIFIED_MARK = '-- gwc: credentials kept for the backend reach it only when their own plugin verified them';

/** The plugin verifying each kind of scheme Kong enforces. */
const PLUGIN: Record<string, string> = { apiKey: 'key-auth', basic: 'basic-auth', jwt: 'jwt' };

/** What one kept credential is: headers or a query name, and the plugin whose credential it is. */
interface Kept {
  plugin: string;
  headers: string[];
  query?: string;
}

function keptOf(s: SecurityScheme): Kept | undefined {
  const plugin = PLUGIN[s.kind];
  if (!plugin || s.hideCredentials) return undefined;
  if (s.kind === 'apiKey' && s.apiKey) return s.apiKey.in === 'query' ? { plugin, headers: [], query: s.apiKey.name } : { plugin, headers: [s.apiKey.name.toLowerCase()] };
  // basic-auth reads Proxy-Authorization first, then Authorization (kong/plugins/basic-auth/access.lua).
  if (s.kind === 'basic') return { plugin, headers: ['authorization', 'proxy-authorization'] };
  if (s.kind === 'jwt') return { plugin, headers: [(s.jwt?.header ?? 'authorization').toLowerCase()] };
  return undefined;
}

/**
 * The Lua of the post-function for a route whose schemes are `schemes` (`or`: the route has
 * alternatives); undefined when it has nothing to do. On every route, the other `-`/`_` spellings
 * of a kept credential header go (Kong runs underscores_in_headers on, and a CGI/WSGI/Rack backend
 * reads X_Api_Key as X-Api-Key: underscores.ts); on an OR route, also each kept credential whose
 * plugin did not authenticate the caller.
 */
export function unverifiedCredentialsLua(schemes: readonly SecurityScheme[], or = true): string | undefined {
  const kept = schemes.flatMap((s) => keptOf(s) ?? []);
  // Spellings of a kept header: never the credential a gwc consumer was given, always cleared.
  const spelt = [...new Set(kept.flatMap((k) => k.headers.flatMap((h) => underscoreSpellings(h).map((x) => x.toLowerCase()))))]
    .filter((x) => !kept.some((k) => k.headers.includes(x)))
    .sort();
  if (kept.length === 0 || (!or && spelt.length === 0)) return undefined;
  // Per header: the plugins whose verified credential it is (two kept schemes may share Authorization).
  const headers = new Map<string, Set<string>>();
  const queries = new Map<string, Set<string>>();
  if (or) {
    for (const k of kept) for (const h of k.headers) headers.set(h, new Set([...(headers.get(h) ?? []), k.plugin]));
    for (const k of kept) if (k.query !== undefined) queries.set(k.query, new Set([...(queries.get(k.query) ?? []), k.plugin]));
  }
  const unless = (plugins: Set<string>) => [...plugins].sort().map((p) => `by ~= ${luaString(p)}`).join(' and ');
  const lines = [
    ...UNVERIFIED_HEAD,
    ...spelt.map((h) => `  kong.service.request.clear_header(${luaString(h)})`),
    // basic-auth reads Proxy-Authorization first and Authorization only when that names no user:
    // with both sent, which one it verified is not known here, so neither goes on (red team 3).
    ...(kept.some((k) => k.plugin === 'basic-auth') ? UNVERIFIED_BASIC : []),
    ...[...headers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, p]) => `  if ${unless(p)} then kong.service.request.clear_header(${luaString(h)}) end`),
    ...[...queries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([q, p]) => `  if ${unless(p)} then drop_query(${luaString(q)}) end`),
    'end',
    '',
  ];
  return lines.join('\n');
}

/**
 * The chunk's fixed lines up to the per-route ones (gwc diff knows a deployed chunk as gwc's by
 * them: deployed-chunks.ts).
 */
export const UNVERIFIED_HEAD: readonly string[] = [
  UNVERIFIED_MARK,
  'local function decode(s)',
  '  return (string.gsub(s, "%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))',
  'end',
  'local function drop_query(exact)',
  '  local raw = kong.request.get_raw_query()',
  '  if raw == nil or raw == "" then return end',
  '  local kept, changed = {}, false',
  '  for chunk in string.gmatch(raw .. "&", "([^&]*)&") do',
  '    local eq = string.find(chunk, "=", 1, true)',
  '    local name = eq and string.sub(chunk, 1, eq - 1) or chunk',
  '    if decode((string.gsub(name, "%+", " "))) == exact then changed = true else kept[#kept + 1] = chunk end',
  '  end',
  '  if changed then kong.service.request.set_raw_query(table.concat(kept, "&")) end',
  'end',
  'return function()',
  '  local c = kong.client.get_credential()',
  '  local by = ""',
  '  if type(c) == "table" then',
  '    if c.algorithm ~= nil then by = "jwt" elseif c.username ~= nil then by = "basic-auth" elseif c.key ~= nil then by = "key-auth" end',
  '  end',
];

/** The lines a route with a basic scheme kept gets (both headers dropped when Proxy-Authorization was sent). */
export const UNVERIFIED_BASIC: readonly string[] = ['  if by == "basic-auth" and kong.request.get_header("proxy-authorization") ~= nil then', '    kong.service.request.clear_header("authorization")', '    kong.service.request.clear_header("proxy-authorization")', '  end'];

/** The route's post-function, or undefined when it needs none. */
export function unverifiedCredentialsPlugin(schemes: readonly SecurityScheme[], or: boolean): Entity | undefined {
  const lua = unverifiedCredentialsLua(schemes, or);
  return lua === undefined ? undefined : { name: 'post-function', config: { access: [lua] } };
}
