/**
 * The one strict JSON reader of gwc's Kong Lua (RFC 8259; Kong's `untrusted_lua = sandbox` has no
 * cjson): the nbf/aud chunk reads a token's claims with it (jwt-claims.ts), the name-readings chunk
 * a JSON request body's keys (name-readings.ts). Lua 5.1/LuaJIT and 5.3 alike, sandbox globals only
 * (string, table.concat, math.floor, tonumber, type).
 *
 * Read as lua-cjson reads (what jwt_parser and request-transformer decode with): `\uXXXX` escapes
 * as UTF-8, a surrogate pair as one character and a lone surrogate refused; a string ends at a raw
 * NUL (cjson: premature end, refused); containers nested at most {@link JSON_MAX_DEPTH} deep
 * (cjson's decode_max_depth). Stricter than cjson where it is lenient (`NaN`, `Infinity`, hex,
 * leading zeros: none a client or issuer writes): such a text is not JSON to gwc, and each caller
 * refuses what it cannot read.
 *
 * `value(s, i, on_key, depth)` reads the value at `i` and returns the index after it and its
 * reading (a number, a string's text, an array's list of readings, false for an object, `true`,
 * `false` or `null`), or nil when the text there is not JSON; `on_key(key, reading, depth)` is
 * called for every object member at any depth (1 = the top-level object's).
 */

/** lua-cjson's default decode_max_depth: a deeper text is refused, as cjson refuses it. */
export const JSON_MAX_DEPTH = 1000;

/** A JSON string's reader (utf8, ESC, str): the name-readings chunk reads object keys with it alone where it needs no whole-text reader. */
const STRING_LINES: readonly string[] = [
  // A code point as UTF-8 (cjson's json_append_unicode_escape).
  'local function utf8(c)',
  '  if c < 128 then return string.char(c) end',
  '  if c < 2048 then return string.char(192 + math.floor(c / 64), 128 + c % 64) end',
  '  if c < 65536 then return string.char(224 + math.floor(c / 4096), 128 + math.floor(c / 64) % 64, 128 + c % 64) end',
  '  return string.char(240 + math.floor(c / 262144), 128 + math.floor(c / 4096) % 64, 128 + math.floor(c / 64) % 64, 128 + c % 64)',
  'end',
  // A JSON string from its opening quote at i: the index after it and its text, or nil when malformed.
  'local ESC = { ["\\""] = "\\"", ["\\\\"] = "\\\\", ["/"] = "/", b = "\\8", f = "\\12", n = "\\n", r = "\\r", t = "\\t" }',
  'local function str(s, i)',
  '  local out, j = {}, i + 1',
  '  while true do',
  '    local k = string.find(s, "[\\"\\\\]", j)',
  '    if k == nil then return nil end',
  '    local part = string.sub(s, j, k - 1)',
  '    if string.find(part, "\\0", 1, true) then return nil end',
  '    out[#out + 1] = part',
  '    if string.byte(s, k) == 34 then return k + 1, table.concat(out) end',
  '    local c = string.sub(s, k + 1, k + 1)',
  '    if c == "u" then',
  '      local h = string.match(s, "^%x%x%x%x", k + 2)',
  '      if h == nil then return nil end',
  '      local code = tonumber(h, 16)',
  '      j = k + 6',
  '      if code >= 55296 and code < 56320 then',
  '        local l = string.match(s, "^\\\\u(%x%x%x%x)", j)',
  '        local low = l and tonumber(l, 16)',
  '        if low == nil or low < 56320 or low >= 57344 then return nil end',
  '        code = 65536 + (code - 55296) * 1024 + (low - 56320)',
  '        j = j + 6',
  '      elseif code >= 56320 and code < 57344 then return nil end',
  '      out[#out + 1] = utf8(code)',
  '    elseif ESC[c] then',
  '      out[#out + 1] = ESC[c]',
  '      j = k + 2',
  '    else return nil end',
  '  end',
  'end',
];

const LINES: readonly string[] = [
  ...STRING_LINES,
  'local function ws(s, i) return string.find(s, "[^ \\t\\n\\r]", i) end',
  // RFC 8259 number, or nil.
  'local function num(t)',
  '  local int, rest = string.match(t, "^%-?(%d+)(.*)$")',
  '  if int == nil or (#int > 1 and string.sub(int, 1, 1) == "0") then return nil end',
  '  if string.sub(rest, 1, 1) == "." then',
  '    local f = string.match(rest, "^%.%d+()")',
  '    if f == nil then return nil end',
  '    rest = string.sub(rest, f)',
  '  end',
  '  if rest ~= "" and not string.match(rest, "^[eE][%+%-]?%d+$") then return nil end',
  '  return tonumber(t)',
  'end',
  'local CLOSE = { [123] = 125, [91] = 93 }',
  'local function value(s, i, on_key, depth)',
  '  local c = string.byte(s, i)',
  '  if c == 34 then return str(s, i) end',
  '  local close = CLOSE[c]',
  '  if close then',
  `    if depth >= ${JSON_MAX_DEPTH} then return nil end`,
  '    local list = c == 91 and {} or false',
  '    local j = ws(s, i + 1)',
  '    if j == nil then return nil end',
  '    if string.byte(s, j) == close then return j + 1, list end',
  '    while true do',
  '      local key',
  '      if c == 123 then',
  '        if string.byte(s, j) ~= 34 then return nil end',
  '        local k',
  '        k, key = str(s, j)',
  '        if k == nil then return nil end',
  '        k = ws(s, k)',
  '        if k == nil or string.byte(s, k) ~= 58 then return nil end',
  '        j = ws(s, k + 1)',
  '        if j == nil then return nil end',
  '      end',
  '      local k, v = value(s, j, on_key, depth + 1)',
  '      if k == nil then return nil end',
  '      if key ~= nil then on_key(key, v, depth + 1) else list[#list + 1] = v end',
  '      j = ws(s, k)',
  '      if j == nil then return nil end',
  '      local b = string.byte(s, j)',
  '      if b == close then return j + 1, list end',
  '      if b ~= 44 then return nil end',
  '      j = ws(s, j + 1)',
  '      if j == nil then return nil end',
  '    end',
  '  end',
  '  local t = string.match(s, "^[^,}%]%s]+", i)',
  '  if t == nil then return nil end',
  '  local n = num(t)',
  '  if n ~= nil then return i + #t, n end',
  '  if t == "true" then return i + 4, true end',
  '  if t == "false" or t == "null" then return i + #t, false end',
  '  return nil',
  'end',
  // The whole text as one JSON value (whitespace around it): true when it is, on_key called for every member.
  'local function json_text(s, on_key)',
  '  local i = ws(s, 1)',
  '  if i == nil then return false end',
  '  local j = value(s, i, on_key, 0)',
  '  return j ~= nil and ws(s, j) == nil',
  'end',
];

/** The reader's Lua, to be written once into a chunk before the code that calls `value` or `json_text`. */
export function luaJsonLines(): readonly string[] {
  return LINES;
}

/** Only `str(s, i)` (and the `utf8` and `ESC` it uses): the first lines of {@link luaJsonLines}, for a chunk reading strings alone. */
export function luaJsonStringLines(): readonly string[] {
  return STRING_LINES;
}
