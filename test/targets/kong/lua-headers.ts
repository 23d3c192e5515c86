/**
 * Runs a `pre-function` chunk that reads and clears request headers (gwc's header-family chunk,
 * src/targets/kong/header-family.ts) for real in a Lua VM (fengari), with only the globals Kong's
 * default `untrusted_lua = sandbox` gives (kong/tools/sandbox/environment/lua.lua, handler.lua) and
 * the PDK calls such a chunk may use, each as Kong implements it:
 * - kong.request.get_headers(max) (kong/pdk/request.lua): 1 <= max <= 1000, default
 *   lua_max_req_headers (100); ngx.req.get_headers reads at most `max` header lines, names
 *   lowercased and otherwise as sent (`_` kept: Kong's nginx runs underscores_in_headers on), a name
 *   sent twice an array, and returns "truncated" as a second value when there were more lines.
 * - kong.service.request.clear_header(name) (kong/pdk/service/request.lua): ngx.req.clear_header,
 *   every line of that name, case-blind (`-` and `_` differ).
 * - kong.service.request.set_header(name, value): ngx.req.set_header, every line of that name
 *   replaced by one (gwc's cache-bypass chunk, src/targets/kong/cache-bypass.ts).
 * - kong.request.get_start_time(): the request's start in Unix epoch milliseconds.
 * - kong.request.get_forwarded_scheme(): the scheme the client used (`scheme`, default https).
 * - kong.request.get_raw_body(): the body, "" without one (gwc's cache-bypass chunk).
 * - kong.request.get_query(max) (kong/pdk/request.lua): ngx.req.get_uri_args as lua-resty-core's FFI
 *   reads it (proxy-cache-key.ts getUriArgs): 1 <= max <= 1000, default lua_max_uri_args (100);
 *   "truncated" as a second value when the query has more `&` parts than max. kong.request.get_raw_query().
 * - kong.response.exit(status, body): the request is answered, nothing after it runs.
 */
import fengari from 'fengari';
import { SANDBOX_GLOBALS, SANDBOX_PICK } from './lua-sandbox.js';

const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;

const HARNESS = `
local code = CODE
local cleared, exited, set = {}, nil, {}
local lines = {}
for line in string.gmatch(LINES, "[^\\n]+") do
  local colon = string.find(line, ":", 1, true)
  lines[#lines + 1] = { string.sub(line, 1, colon - 1), string.sub(line, colon + 1) }
end
local function is_cleared(name)
  for _, c in ipairs(cleared) do if c == name then return true end end
  return false
end
-- ngx.req.get_headers' table: a missed lookup is tried again lowercased with "_" as "-".
local FOLD = { __index = function(t, k)
  if type(k) ~= "string" then return nil end
  local n = string.gsub(string.lower(k), "_", "-")
  if n ~= k then return rawget(t, n) end
end }
local function get_headers(max)
  if max == nil then max = tonumber(MAX_HEADERS) end
  if type(max) ~= "number" then error("max_headers must be a number") end
  if max < 1 then error("max_headers must be >= 1") end
  if max > 1000 then error("max_headers must be <= 1000") end
  local t, n = {}, 0
  for _, l in ipairs(lines) do
    if not is_cleared(l[1]) then
      if n >= max then return t, "truncated" end
      n = n + 1
      local v = t[l[1]]
      if v == nil then t[l[1]] = l[2] elseif type(v) == "table" then v[#v + 1] = l[2] else t[l[1]] = { v, l[2] } end
    end
  end
  return setmetatable(t, FOLD)
end
-- ngx.req.get_uri_args (lua-resty-core FFI): count = number of "&" plus one, capped at max
-- ("truncated"); the first count pairs with a non-empty name, decoded; a name alone is true.
local function unescape(t)
  t = string.gsub(t, "%+", " ")
  return (string.gsub(t, "%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end
local function get_query(max)
  if max == nil then max = tonumber(MAX_ARGS) end
  if type(max) ~= "number" then error("max_args must be a number") end
  if max < 1 then error("max_args must be >= 1") end
  if max > 1000 then error("max_args must be <= 1000") end
  local raw = RAW
  if raw == "" then return {} end
  local count = 1
  for _ in string.gmatch(raw, "&") do count = count + 1 end
  local cut = nil
  if count > max then count, cut = max, "truncated" end
  local t, n = {}, 0
  for part in string.gmatch(raw .. "&", "([^&]*)&") do
    if n == count then break end
    local eq = string.find(part, "=", 1, true)
    local name = unescape(eq and string.sub(part, 1, eq - 1) or part)
    if name ~= "" then
      n = n + 1
      local v = true
      if eq then v = unescape(string.sub(part, eq + 1)) end
      local had = t[name]
      if had == nil then t[name] = v elseif type(had) == "table" then had[#had + 1] = v else t[name] = { had, v } end
    end
  end
  return t, cut
end
${SANDBOX_PICK}local env = {
${SANDBOX_GLOBALS}  kong = {
    -- kong/pdk/request.lua get_start_time: the request's start, Unix epoch milliseconds.
    -- kong/pdk/request.lua get_raw_body: "" without a body (HTTP/2 and HTTP/3 send one with neither
    -- Content-Length nor Transfer-Encoding), the text of one in memory (set_raw_body's, once set).
    request = { get_headers = get_headers, get_query = get_query, get_raw_query = function() return RAW end, get_start_time = function() return tonumber(START) end,
      -- kong/pdk/request.lua get_forwarded_scheme: X-Forwarded-Proto from a trusted address, else $scheme.
      get_forwarded_scheme = function() return SCHEME end,
      get_raw_body = function() if BODY == nil then return "" end return BODY end },
    response = { exit = function(status)
      if type(status) ~= "number" then error("status must be a number") end
      exited = status
      error("gwc-sandbox-exit", 0)
    end },
    service = { request = { clear_header = function(h)
      if type(h) ~= "string" then error("header must be a string") end
      cleared[#cleared + 1] = string.lower(h)
    end, set_header = function(h, v)
      if type(h) ~= "string" then error("header name must be a string") end
      if type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then error("invalid header value") end
      set[#set + 1] = string.lower(h) .. ":" .. tostring(v)
    end } },
  },
}
local chunk = assert(load(code, "=pre-function", "t", env))
local ok, err = pcall(function()
  local f = chunk()
  if type(f) == "function" then f() end
end)
if not ok and exited == nil then error(err, 0) end
CLEARED = table.concat(cleared, "\\n")
EXITED = exited
SET = table.concat(set, "\\n")
`;

/** The request start kong.request.get_start_time gives when a test names none (ms; 2027-01-15). */
export const DEFAULT_START_MS = 1_800_000_000_000;

/**
 * `code` run on a request whose header lines are `lines` (in the order sent, names as sent): the
 * header names it cleared (lowercased), and the status when it answered itself.
 */
export function runHeaderChunk(
  code: string,
  lines: ReadonlyArray<readonly [string, string]>,
  startMs = DEFAULT_START_MS,
  body?: string,
  /** The raw query (kong.request.get_query, get_raw_query), Kong's lua_max_uri_args / lua_max_req_headers (default 100 each), the client's scheme (default https). */
  req: { rawQuery?: string; maxUriArgs?: number; maxReqHeaders?: number; scheme?: string } = {},
): { cleared: string[]; set: Array<[string, string]>; exit?: number } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  if (body === undefined) lua.lua_pushnil(L);
  else lua.lua_pushstring(L, to_luastring(body));
  lua.lua_setglobal(L, to_luastring('BODY'));
  const sent = lines.map(([k, v]) => `${k.toLowerCase()}:${v}`).join('\n');
  for (const [k, v] of [['CODE', code], ['LINES', sent], ['START', String(startMs)], ['RAW', req.rawQuery ?? ''], ['MAX_ARGS', String(req.maxUriArgs ?? 100)], ['MAX_HEADERS', String(req.maxReqHeaders ?? 100)], ['SCHEME', req.scheme ?? 'https']] as const) {
    lua.lua_pushstring(L, to_luastring(v));
    lua.lua_setglobal(L, to_luastring(k));
  }
  if (lauxlib.luaL_loadstring(L, to_luastring(HARNESS)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`pre-function failed: ${to_jsstring(lua.lua_tostring(L, -1))}`);
  }
  lua.lua_getglobal(L, to_luastring('CLEARED'));
  const text = to_jsstring(lua.lua_tostring(L, -1));
  lua.lua_getglobal(L, to_luastring('EXITED'));
  const exit = lua.lua_isnil(L, -1) ? undefined : Number(to_jsstring(lua.lua_tostring(L, -1)));
  lua.lua_getglobal(L, to_luastring('SET'));
  const setText = to_jsstring(lua.lua_tostring(L, -1));
  // kong.service.request.set_header: ngx.req.set_header, every line of that name replaced by one (after the clears).
  const set = setText === '' ? [] : setText.split('\n').map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]);
  return { cleared: text === '' ? [] : text.split('\n'), set, ...(exit === undefined ? {} : { exit }) };
}
