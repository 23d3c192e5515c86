/**
 * Runs the Lua of a `pre-function` gwc emits, for real, in a Lua VM (fengari: Lua 5.3 in
 * JavaScript; the code gwc writes is also Lua 5.1/LuaJIT, which Kong runs), with only the globals
 * Kong's default `untrusted_lua = sandbox` environment gives
 * (https://github.com/Kong/kong/blob/master/kong/tools/sandbox/environment/lua.lua and handler.lua)
 * and the two PDK calls gwc's code may use: a chunk reaching for anything else (io, os.execute,
 * require, ngx.var) fails here as it would on Kong. Like serverless-functions, a chunk that returns a
 * function has that function run per request.
 */
import fengari from 'fengari';

const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;

const HARNESS = `
local code, raw = CODE, RAW
local result = nil
local function pick(lib, names)
  local t = {}
  for name in string.gmatch(names, "%S+") do t[name] = lib[name] end
  return t
end
local env = {
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  select = select, tonumber = tonumber, tostring = tostring, type = type, xpcall = xpcall,
  string = pick(string, "byte char find format gmatch gsub len lower match rep reverse sub upper"),
  table = pick(table, "concat insert remove sort unpack"),
  math = pick(math, "abs ceil floor max min"),
  kong = {
    request = { get_raw_query = function() return raw end },
    service = { request = { set_raw_query = function(q)
      if type(q) ~= "string" then error("query must be a string") end
      result = q
    end } },
  },
}
local chunk = assert(load(code, "=pre-function", "t", env))
local f = chunk()
if type(f) == "function" then f() end
OUT = result
`;

/** The query the upstream gets after `code` ran on a request whose raw query is `raw` (unchanged: `raw`). */
export function runPreFunction(code: string, raw: string): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  lua.lua_pushstring(L, to_luastring(code));
  lua.lua_setglobal(L, to_luastring('CODE'));
  lua.lua_pushstring(L, to_luastring(raw));
  lua.lua_setglobal(L, to_luastring('RAW'));
  if (lauxlib.luaL_loadstring(L, to_luastring(HARNESS)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`pre-function failed: ${to_jsstring(lua.lua_tostring(L, -1))}`);
  }
  lua.lua_getglobal(L, to_luastring('OUT'));
  const out = lua.lua_isnil(L, -1) ? raw : to_jsstring(lua.lua_tostring(L, -1));
  return out;
}
