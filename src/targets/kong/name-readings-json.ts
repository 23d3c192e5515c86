/**
 * The body readers of the name-readings chunk (name-readings.ts): Lua lines it holds to read a JSON
 * body's keys (leniently, and strictly as one text through lua-json.ts) and a media type's charset.
 * Split from the chunk's renderer by concern; the rendered text is the same.
 */

/**
 * A JSON key as backends read it: the rule of query-names.ts with `-` as `_` (also the name before
 * a `[`, as nginx's pattern ends it); the rule folds the non-ASCII letters a case-blind backend reads
 * as ASCII ones (Go's encoding/json EqualFold, Java's equalsIgnoreCase; not .NET's OrdinalIgnoreCase):
 * KELVIN SIGN (U+212A) as `k`, LONG S (U+017F) as `s`, dotless and dotted I (U+0131, U+0130) as `i`,
 * in query and form names as in JSON keys.
 * `json_key_named` finds every key as a lenient parser does (a string followed by `:`, nginx's
 * bodyNames), whether or not the whole text is JSON; a key string the reader cannot read counts as named.
 */
export const JSON_KEY_LINES: readonly string[] = String.raw`local function json_name(k)
  return (string.gsub(as_read(k), "%-", "_"))
end
local function json_named(k)
  if json_names[json_name(k)] then return true end
  local open = string.find(k, "[", 2, true)
  return open ~= nil and json_names[json_name(string.sub(k, 1, open - 1))] == true
end
local function json_key_named(body)
  local i = 1
  while true do
    local q = string.find(body, "\"", i, true)
    if q == nil then return false end
    local e, text = str(body, q)
    if e == nil then
      e = q + 1
      while true do
        local k = string.find(body, "[\"\\]", e)
        if k == nil then return false end
        if string.byte(body, k) == 92 then e = k + 2 else e = k + 1; break end
      end
    end
    if string.find(body, "^[ \t\n\r]*:", e) and (text == nil or json_named(text)) then return true end
    i = e
  end
end`.split('\n');

/**
 * A JSON body read by the one strict reader (lua-json.ts): refused when a key at any depth is named
 * (json_named), or when the body is not one JSON text (nothing the chunk cannot read reaches a
 * backend that may: lua-cjson and most parsers take no less).
 */
export const JSON_TEXT_LINES: readonly string[] = [
  // `strip`: request-transformer removes the top-level `access_token` (depth 1, the exact name cjson decodes).
  'local function json_refused(body, strip)',
  '  local hit = false',
  '  local ok = json_text(body, function(key, _, depth)',
  '    if not hit and json_named(key) and not (strip and depth == 1 and key == "access_token") then hit = true end',
  '  end)',
  '  return hit or not ok',
  'end',
];

/** Whether a (lowercased) Content-Type names a charset other than UTF-8, in any of its `charset` parameters. */
export const CHARSET_LINES: readonly string[] = [
  'local function charset_other(low)',
  '  for v in string.gmatch(low, "charset%s*=%s*([^;,]*)") do',
  '    if string.match(v, "^\\"?%s*(.-)%s*\\"?%s*$") ~= "utf-8" then return true end',
  '  end',
  '  return false',
  'end',
];
