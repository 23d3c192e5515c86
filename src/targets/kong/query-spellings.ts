/**
 * Query API keys on Kong: every spelling a backend reads as the key, and the gateway did not verify,
 * is removed before the backend sees it (DESIGN.md 7.1, 7.3; the nginx runtime's credentialPairs
 * does the same, src/targets/nginx/njs/runtime.js).
 *
 * key-auth reads the key by its exact name (`kong.request.get_query()`: split on `&`, names decoded)
 * and hides that name only; request-transformer's `remove.querystring` also takes exact names. A
 * backend reads more: ASP.NET reads query names case-blind (`API_KEY`), PHP reads `api.key`,
 * `api key` and `api[key` as `api_key` (and `api_key[]`, `api_key[0]` as the array `api_key`), Python before 3.9.2 and Go before 1.17 split on `;` too
 * (`a=1;api_key=x`). Such a pair beside a verified key, or on a route authenticated by another
 * alternative, reached the backend as the key, never verified. The case spellings alone are 2^n
 * names, so no list of exact names can hold them: a `pre-function` (the serverless-functions plugin
 * bundled with Kong OSS, https://docs.konghq.com/hub/kong-inc/pre-function/) runs before every auth
 * plugin (priority 1000000 against key-auth's 1250) and drops every `&` part holding a pair whose
 * name, read as those backends read it, is the key's; a part that is the key spelt as key-auth reads
 * it, alone in its `&` part, is left for key-auth to verify (and hide).
 *
 * The Lua uses only what Kong's default `untrusted_lua = sandbox` allows (string, table, tonumber,
 * kong.request.get_raw_query, kong.service.request.set_raw_query:
 * https://github.com/Kong/kong/blob/master/kong/tools/sandbox/environment/handler.lua). A Kong run
 * with `untrusted_lua = off` rejects the plugin at `deck gateway sync`: the route is then not
 * deployed rather than deployed open. User text (the key name) enters the Lua only through
 * luaString, as decimal escapes: escape by construction.
 */
import { queryNameAsRead, queryNameAsReadLua } from '../query-names.js';
import type { Entity } from './context.js';

/** The first line of the Lua: how gwc diff's reader knows the plugin (deployed-normalise.ts). */
export const QUERY_SPELLINGS_MARK = '-- gwc: query pairs a backend reads as the API key, not spelt as key-auth reads it, never reach the backend';

/** A Lua string literal holding `s` (its UTF-8 bytes), every byte but [A-Za-z0-9_] as a `\ddd` escape. */
export function luaString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9_]/.test(c) ? c : `\\${String(b).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * A key name as a lenient backend reads it (the spec's name, not percent-encoded): the table's
 * reading of targets/query-names.ts with `%` and `+` kept as written. The Lua's `as_read` applies
 * the same to a raw name after decoding it.
 */
export function nameAsRead(name: string): string {
  return queryNameAsRead(name.replace(/%/g, '%25').replace(/\+/g, '%2B'));
}

/**
 * The Lua of the pre-function for the query key `name`. It returns a function (Kong runs the chunk
 * once and that function per request), so the helpers are built once per worker.
 */
export function querySpellingsLua(name: string): string {
  return [
    QUERY_SPELLINGS_MARK,
    `local want, exact = ${luaString(nameAsRead(name))}, ${luaString(name)}`,
    // decode and as_read: the one query-name rule (targets/query-names.ts), rendered for Lua.
    ...queryNameAsReadLua(),
    'local function name_of(kv)',
    '  local eq = string.find(kv, "=", 1, true)',
    '  if eq then return string.sub(kv, 1, eq - 1) end',
    '  return kv',
    'end',
    'return function()',
    '  local raw = kong.request.get_raw_query()',
    '  if raw == nil or raw == "" then return end',
    '  local kept, changed = {}, false',
    '  for chunk in string.gmatch(raw .. "&", "([^&]*)&") do',
    '    local drop, parts = false, 0',
    '    for part in string.gmatch(chunk .. ";", "([^;]*);") do',
    '      parts = parts + 1',
    '      if part ~= "" and as_read(name_of(part)) == want then drop = true end',
    '    end',
    '    if drop and parts == 1 and decode((string.gsub(name_of(chunk), "%+", " "))) == exact then drop = false end',
    '    if drop then changed = true else kept[#kept + 1] = chunk end',
    '  end',
    '  if changed then kong.service.request.set_raw_query(table.concat(kept, "&")) end',
    'end',
    '',
  ].join('\n');
}

/** The route's pre-function plugin for its query key scheme's name. */
export function querySpellingsPlugin(name: string): Entity {
  return { name: 'pre-function', config: { access: [querySpellingsLua(name)] } };
}
