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

/**
 * The globals Kong's default `untrusted_lua = sandbox` gives a chunk (kong/tools/sandbox), as Lua
 * table fields for a harness's `env`, and the `pick` they are made with: every harness here uses both.
 */
export const SANDBOX_PICK = `local function pick(lib, names)
  local t = {}
  for name in string.gmatch(names, "%S+") do t[name] = lib[name] end
  return t
end
`;
export const SANDBOX_GLOBALS = `  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  select = select, tonumber = tonumber, tostring = tostring, type = type, xpcall = xpcall,
  string = pick(string, "byte char find format gmatch gsub len lower match rep reverse sub upper"),
  table = pick(table, "concat insert remove sort unpack"),
  math = pick(math, "abs ceil floor max min"),
`;

const HARNESS = `
local code, raw, body, ctype = CODE, RAW, BODY, CTYPE
local result, newbody, exited = nil, nil, nil
${SANDBOX_PICK}local env = {
${SANDBOX_GLOBALS}  kong = {
    request = {
      get_raw_query = function() return raw end,
      get_header = function(h)
        if string.lower(h) == "content-type" and ctype ~= "" then return ctype end
        return nil
      end,
      get_raw_body = function() return body end,
    },
    service = { request = {
      set_raw_query = function(q)
        if type(q) ~= "string" then error("query must be a string") end
        result = q
      end,
      set_raw_body = function(b)
        if type(b) ~= "string" then error("body must be a string") end
        newbody = b
      end,
    } },
    response = { exit = function(status)
      if type(status) ~= "number" then error("status must be a number") end
      exited = status
    end },
  },
}
local chunk = assert(load(code, "=pre-function", "t", env))
local f = chunk()
if type(f) == "function" then f() end
OUT = result
BODYOUT = newbody
EXIT = exited
`;

/** The query the upstream gets after `code` ran on a request whose raw query is `raw` (unchanged: `raw`). */
export function runPreFunction(code: string, raw: string): string {
  return runPreFunctionOn(code, { raw }).query;
}

/**
 * `code` run on a request with raw query `raw`, and a body `body` of type `contentType`
 * (kong.request.get_header("content-type"), get_raw_body): the query and body the upstream gets,
 * and the status when the chunk answered itself (kong.response.exit).
 */
export function runPreFunctionOn(code: string, req: { raw: string; body?: string; contentType?: string }): { query: string; body?: string; exit?: number } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  for (const [k, v] of [['CODE', code], ['RAW', req.raw], ['CTYPE', req.contentType ?? '']] as const) {
    lua.lua_pushstring(L, to_luastring(v));
    lua.lua_setglobal(L, to_luastring(k));
  }
  if (req.body === undefined) lua.lua_pushnil(L);
  else lua.lua_pushstring(L, to_luastring(req.body));
  lua.lua_setglobal(L, to_luastring('BODY'));
  if (lauxlib.luaL_loadstring(L, to_luastring(HARNESS)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`pre-function failed: ${to_jsstring(lua.lua_tostring(L, -1))}`);
  }
  const global = (n: string) => {
    lua.lua_getglobal(L, to_luastring(n));
    const v = lua.lua_isnil(L, -1) ? undefined : to_jsstring(lua.lua_tostring(L, -1));
    lua.lua_pop(L, 1);
    return v;
  };
  const query = global('OUT') ?? req.raw;
  const body = global('BODYOUT') ?? req.body;
  const exit = global('EXIT');
  return { query, ...(body !== undefined ? { body } : {}), ...(exit !== undefined ? { exit: Number(exit) } : {}) };
}

const POST_HARNESS = `
local code, raw, by, headers = CODE, RAW, BY, {}
for line in string.gmatch(HEADERS, "[^\\n]+") do
  local colon = string.find(line, ":", 1, true)
  headers[string.sub(line, 1, colon - 1)] = string.sub(line, colon + 1)
end
local result, cleared = nil, {}
${SANDBOX_PICK}-- The credential entity Kong authenticated, shaped as its DAO row (kong/plugins/*/daos.lua).
local credential = nil
if by == "key-auth" then credential = { id = "c", key = "k" }
elseif by == "basic-auth" then credential = { id = "c", username = "u", password = "hash" }
elseif by == "jwt" then credential = { id = "c", key = "iss", secret = "s", algorithm = "RS256" } end
local env = {
${SANDBOX_GLOBALS}  kong = {
    client = { get_credential = function() return credential end },
    request = {
      get_raw_query = function() return result or raw end,
      get_header = function(h)
        local v = headers[string.lower(h)]
        for _, c in ipairs(cleared) do if c == string.lower(h) then v = nil end end
        return v
      end,
    },
    service = { request = {
      set_raw_query = function(q)
        if type(q) ~= "string" then error("query must be a string") end
        result = q
      end,
      clear_header = function(h)
        if type(h) ~= "string" then error("header must be a string") end
        cleared[#cleared + 1] = string.lower(h)
      end,
    } },
  },
}
local chunk = assert(load(code, "=post-function", "t", env))
local f = chunk()
if type(f) == "function" then f() end
OUT = result
CLEARED = table.concat(cleared, "\\n")
`;

/**
 * Runs a `post-function` chunk as Kong would after the auth plugins: `by` is the plugin whose
 * credential Kong authenticated ('' for none or the anonymous consumer), the query is what the
 * upstream would get so far (kong.request.get_raw_query reads $args, which earlier plugins rewrote),
 * `headers` what kong.request.get_header reads.
 * Returns the query after it ran and the header names it cleared (lowercased).
 */
export function runPostFunction(code: string, raw: string, by: string, headers: Record<string, string> = {}): { query: string; cleared: string[] } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  // The request headers as kong.request.get_header sees them (lowercased names; no newline in a test value).
  const sent = Object.entries(headers).map(([k, v]) => `${k.toLowerCase()}:${v}`).join('\n');
  for (const [k, v] of [['CODE', code], ['RAW', raw], ['BY', by], ['HEADERS', sent]] as const) {
    lua.lua_pushstring(L, to_luastring(v));
    lua.lua_setglobal(L, to_luastring(k));
  }
  if (lauxlib.luaL_loadstring(L, to_luastring(POST_HARNESS)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`post-function failed: ${to_jsstring(lua.lua_tostring(L, -1))}`);
  }
  lua.lua_getglobal(L, to_luastring('OUT'));
  const query = lua.lua_isnil(L, -1) ? raw : to_jsstring(lua.lua_tostring(L, -1));
  lua.lua_getglobal(L, to_luastring('CLEARED'));
  const text = to_jsstring(lua.lua_tostring(L, -1));
  return { query, cleared: text === '' ? [] : text.split('\n') };
}
