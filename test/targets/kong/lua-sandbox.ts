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
local code, raw, body, ctype, V34 = CODE, RAW, BODY, CTYPE, VERSION == "3.4"
local buffer, reads_file = tonumber(BUFFER), READS_FILE == "1"
local lines, ordered = {}, {}
local function add(name, v)
  -- ngx.req.get_headers: names lowercased as sent, a name sent twice an array of its values.
  local lower = string.lower(name)
  ordered[#ordered + 1] = { lower, v }
  local had = lines[lower]
  if had == nil then lines[lower] = v elseif type(had) == "table" then had[#had + 1] = v else lines[lower] = { had, v } end
end
for line in string.gmatch(HEADERS, "[^\\n]+") do
  local colon = string.find(line, ":", 1, true)
  add(string.sub(line, 1, colon - 1), string.sub(line, colon + 1))
end
-- A Content-Type given apart from the lines (runPreFunctionOn's contentType) when no line reads as one.
local typed = false
for _, l in ipairs(ordered) do if string.gsub(l[1], "-", "_") == "content_type" then typed = true end end
if ctype ~= "" and not typed then add("content-type", ctype) end
-- ngx.req.get_headers()[name]: the lines of that lowercased name (the first when several); a miss is
-- tried again with "_" as "-" (lua-nginx-module's __index on the table).
local function from_table(name)
  local v = lines[name]
  if v == nil then
    local n = string.gsub(name, "_", "-")
    if n ~= name then v = lines[n] end
  end
  if type(v) == "table" then return v[1] end
  return v
end
-- kong.request.get_header(name). Kong < 3.6 (kong/pdk/request.lua): get_headers()[name], so a line
-- spelt with "_" is never read for a "-" name. Kong >= 3.6 (Kong/kong#12370, kong/tools/http.lua
-- get_header): nginx's $http_<name> (every line whose lowercased name reads with "-" as "_" the same,
-- joined by ", " since nginx 1.23), and get_headers()[name] when that holds ", ".
local function get_header(h)
  local lower = string.lower(h)
  if not V34 then
    local key, parts = string.gsub(lower, "-", "_"), {}
    for _, l in ipairs(ordered) do if string.gsub(l[1], "-", "_") == key then parts[#parts + 1] = l[2] end end
    if #parts == 0 then return nil end
    local value = table.concat(parts, ", ")
    if not string.find(value, ", ", 1, true) then return value end
  end
  return from_table(lower)
end
-- nginx keeps a body of at most client_body_buffer_size in memory, else buffers it to a file.
local in_memory = body == nil or #body <= buffer
local result, newbody, exited, set_headers = nil, nil, nil, {}
${SANDBOX_PICK}local env = {
${SANDBOX_GLOBALS}  kong = {
    request = {
      get_raw_query = function() return raw end,
      -- kong/pdk/request.lua get_headers(max): 1 <= max <= 1000 (the header-family chunk before
      -- gwc's other chunks refuses a request with more lines, so none is cut off here).
      get_headers = function(max)
        if max ~= nil and (type(max) ~= "number" or max < 1 or max > 1000) then error("invalid max_headers") end
        return lines
      end,
      get_header = function(h)
        if type(h) ~= "string" then error("header name must be a string") end
        return get_header(h)
      end,
      -- kong/pdk/request.lua get_raw_body: "" without a body; a body buffered to a file is nil and
      -- an error before Kong 3.8, and from 3.8 (max_allowed_file_size, #13431) read from the file
      -- when max is 0 (unlimited) or at least its size.
      get_raw_body = function(max)
        if body == nil then return "" end
        if in_memory then return body end
        if not reads_file or max == nil or max < 0 then return nil, "request body did not fit into client body buffer, consider raising 'client_body_buffer_size'" end
        if max > 0 and #body > max then return nil, "request body file too big" end
        return body
      end,
    },
    service = { request = {
      set_raw_query = function(q)
        if type(q) ~= "string" then error("query must be a string") end
        result = q
      end,
      set_raw_body = function(b)
        if type(b) ~= "string" then error("body must be a string") end
        newbody, body, in_memory = b, b, true
      end,
      set_header = function(h, v)
        if type(h) ~= "string" then error("header name must be a string") end
        if type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then error("invalid header value") end
        set_headers[#set_headers + 1] = string.lower(h) .. ":" .. tostring(v)
      end,
    } },
    response = { exit = function(status, message)
      if type(status) ~= "number" then error("status must be a number") end
      if message ~= nil and type(message) ~= "table" and type(message) ~= "string" then error("body must be a table or string") end
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
SET = table.concat(set_headers, "\\n")
`;

/** The query the upstream gets after `code` ran on a request whose raw query is `raw` (unchanged: `raw`). */
export function runPreFunction(code: string, raw: string): string {
  return runPreFunctionOn(code, { raw }).query;
}

/** How Kong holds a request body: nginx's client_body_buffer_size, and whether get_raw_body(max) reads a buffered file. */
export interface BodyBuffering {
  /** client_body_buffer_size in bytes (Kong's default 8k: kong/templates/kong_defaults.lua). */
  buffer?: number;
  /** Kong 3.8+ reads a body buffered to a file when asked (get_raw_body(max_allowed_file_size)); earlier releases give nil. */
  readsFile?: boolean;
}

/**
 * How kong.request.get_header reads a header: '3.4' (Kong before 3.6, still an LTS: get_headers()[name])
 * or '3.6' (Kong 3.6 and later: nginx's $http_<name>, which reads `_` spellings and joins lines).
 */
export type KongHeaderRelease = '3.4' | '3.6';

/** The header-reading release of a Kong version (major.minor). */
export const headerRelease = (v: string): KongHeaderRelease => {
  const [a = 0, b = 0] = v.split('.').map(Number);
  return a > 3 || (a === 3 && b >= 6) ? '3.6' : '3.4';
};

/** Kong's default client_body_buffer_size (kong_defaults.lua nginx_http_client_body_buffer_size = 8k). */
export const CLIENT_BODY_BUFFER = 8192;

/**
 * `code` run on a request with raw query `raw`, and a body `body` of type `contentType`
 * (kong.request.get_header, get_raw_body as Kong gives it for `buffering`): the query and body the
 * upstream gets, whether the chunk set the body (then in memory), the headers it set, and the status
 * when the chunk answered itself (kong.response.exit).
 */
export function runPreFunctionOn(
  code: string,
  req: { raw: string; body?: string; contentType?: string; headers?: Record<string, string>; lines?: ReadonlyArray<readonly [string, string]>; kongVersion?: KongHeaderRelease } & BodyBuffering,
): { query: string; body?: string; bodySet: boolean; set: Record<string, string>; exit?: number } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  // Request headers as kong.request.get_header reads them (lowercased names; no newline in a test value).
  // Every line as sent when given (a header sent twice is an array to get_headers), else one per name.
  const sent = (req.lines ?? Object.entries(req.headers ?? {})).map(([k, v]) => `${k.toLowerCase()}:${v}`).join('\n');
  const globals = [['CODE', code], ['RAW', req.raw], ['CTYPE', req.contentType ?? ''], ['HEADERS', sent], ['BUFFER', String(req.buffer ?? CLIENT_BODY_BUFFER)], ['READS_FILE', req.readsFile ? '1' : '0'], ['VERSION', req.kongVersion ?? '3.6']] as const;
  for (const [k, v] of globals) {
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
  const set = global('BODYOUT');
  const body = set ?? req.body;
  const exit = global('EXIT');
  const setHeaders = Object.fromEntries((global('SET') ?? '').split('\n').filter((l) => l !== '').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
  return { query, ...(body !== undefined ? { body } : {}), bodySet: set !== undefined, set: setHeaders, ...(exit !== undefined ? { exit: Number(exit) } : {}) };
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
