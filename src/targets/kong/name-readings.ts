/**
 * Names Kong never verifies, in every spelling a backend reads as them (DESIGN.md 7.3, 7.5): `_method`
 * (Symfony, Laravel, Express method-override run the method it names) unless the operation declares
 * it, and `access_token` on a route with an Authorization bearer scheme (RFC 6750 sections 2.2, 2.3:
 * Spring, passport-http-bearer read the token from the query or a form body; Kong's jwt plugin reads
 * the header only); in a body only, a query API key's name (key-auth verified the query one; Laravel's
 * input(), PHP's $_REQUEST and Rack's params read a body field of that name over it).
 *
 * request-transformer removes exact names only (`remove.querystring`, `remove.body`), and reads a
 * multipart field's name by dropping its first and last characters (Kong/lua-multipart decode:
 * `name=_method` is read as `metho`, and of two `_method` parts `delete` removes one). A backend
 * reads more: PHP trims leading blanks and turns ` `, `.`, `[` into `_` (` _method`, `.method`),
 * ASP.NET reads names case-blind (`ACCESS_TOKEN`), PHP, Rack and qs read `access_token[0]` as the
 * array `access_token`. The rule is targets/query-names.ts's, rendered to Lua (queryNameAsReadLua):
 * this chunk of the route's `pre-function` (query-spellings.ts says why a pre-function, and what the
 * sandbox allows) drops every `&` pair of the query and of a form body whose name reads as one of
 * them, and answers 400 to a multipart body naming one in any Content-Disposition `name` parameter
 * (quoted with `"` or `'`, bare, folded onto another line), as nginx does (njs bodyCheck).
 *
 * It reads a body every way a backend may, and refuses (400) what it cannot read as the backend does:
 * with no media type (none, empty, blank) as a form (Rack::Request#form_data? takes a POST without a
 * type) and as JSON (fastapi/routing.py reads a body without content-type as JSON), by a lenient key
 * scan (nginx's bodyNames: a string followed by `:`, NaN and any nesting allowed), a NUL byte refused
 * (UTF-16/32 JSON, which Python's json decodes by its bytes); any multipart/* (Rack parses mixed and
 * related), and without `boundary=` also as a form (Rack::Request#POST parses the body as a query
 * then); JSON wherever `/json` or `+json` stands (Laravel's isJson), parameters included, and under
 * the JSON synonyms frameworks parse into parameters by default: `x-json` (Rails registers text/x-json
 * as JSON, action_dispatch mime_types.rb; Symfony's json format holds application/x-json, which
 * FOSRestBundle's body listener decodes) and `csp-report` (koa-bodyparser's and AdonisJS's default
 * JSON types; red team 13), in UTF-8
 * only (body-parser decodes utf-7 and utf-16 before parsing); `_method` as a JSON key at any depth
 * (request-transformer removes it at the top level only). A read body in a content coding is
 * refused (body-parser inflates gzip, deflate and br before parsing; `identity` is none), and so is
 * a second Content-Type or Content-Encoding line (Kong reads the first, gunicorn the last) or one
 * spelt with `_` (Kong >= 3.6 reads `Content_Type` as $http_content_type, a Mongrel-family server as
 * CONTENT_TYPE; Kong before 3.6 not at all: test/security/kong-gateway-header-spellings.test.ts).
 *
 * A body nginx buffered to a file (larger than client_body_buffer_size, Kong's default 8k) is nil to
 * `kong.request.get_raw_body()` (kong/pdk/request.lua), and request-transformer passes it unread
 * (transform_body). Kong 3.8+ reads the file when asked (`get_raw_body(max_allowed_file_size)`,
 * Kong #13431, 3.8.0); the sandbox has no `io` to read it on earlier releases. So the chunk asks for
 * it up to {@link BODY_READ_LIMIT} (or the route's smaller body limit) and answers 413 to a form,
 * multipart or (where request-transformer removes body fields) JSON body it still cannot read: on
 * Kong before 3.8, every such body past client_body_buffer_size, unless the operator raises
 * `nginx_http_client_body_buffer_size` (the deploy hint says so). A JSON body read from the file is
 * set back (set_raw_body, in memory) so request-transformer's remove.body reads it too.
 */
import { METHOD_OVERRIDE_QUERY } from '../../model/overrides.js';
import type { Route } from '../../model/types.js';
import { queryNameAsRead, queryNameAsReadLua } from '../query-names.js';
import type { Entity } from './context.js';
import { luaJsonLines, luaJsonStringLines } from './lua-json.js';
import { CHARSET_LINES, JSON_KEY_LINES, JSON_TEXT_LINES } from './name-readings-json.js';
import { luaString } from './query-spellings.js';

/** The first line of the chunk: how a reader knows it (gwc diff). */
export const NAME_READINGS_MARK = '-- gwc: names a backend reads as _method or an unverified access_token never reach the backend, in any spelling';

/**
 * The largest form, multipart or JSON body the chunk reads from a file (Kong 3.8+): a larger one is
 * refused (413). The same bound as nginx's body check (nginx/route-view.ts BODY_CHECK_BUFFER), so a
 * spec takes the same bodies on both.
 */
export const BODY_READ_LIMIT = 1024 * 1024;

/** The chunk's line naming its read limit: gwc diff reads a deployed chunk without it as one that passes a large body unread. */
export const READ_LIMIT_LINE = /^local read_limit = (\d+)$/m;

/** RFC 6750's query and form-body token parameter. */
const BEARER_PARAMETER = 'access_token';

/**
 * The names a route's backend must never receive, as the rule reads them: `query` in the query and
 * a body, `body` in a body only (a query API key's name: key-auth verified the query one, and
 * Laravel's input(), PHP's $_REQUEST and Rack's params read a body field over it). Empty for none.
 */
export interface Watched {
  query: string[];
  body: string[];
  /**
   * The largest body read from a file (bytes): BODY_READ_LIMIT on every route, so routes of one
   * service share one chunk text (a route's smaller body limit is request-size-limiting's, which
   * runs after: priority 951).
   */
  limit: number;
  /**
   * The route's API key names (query and header keys, a jwt scheme's own header), as the rule reads
   * them with `-` read as `_` (header-spellings.ts): a JSON body holding one as a key at any depth is
   * refused (400), as nginx refuses it (njs bodyKey). Empty for none (the chunk then reads no JSON keys).
   */
  json: string[];
}

export function watchedNames(route: Route, bearerRoute: boolean, queryKeys: readonly string[] = [], headerKeys: readonly string[] = []): Watched {
  const declared = (route.declaredOverrides ?? []).some((d) => d.in === 'query' && d.name === METHOD_OVERRIDE_QUERY);
  const keys = new Set(queryKeys.map(queryNameAsRead));
  // A credential header's name in the query or a body (`?x-api-key=`): never a query key of the
  // route itself (that one key-auth verifies; the kept-credentials post-function drops it otherwise).
  const headers = [...new Set(headerKeys.map(queryNameAsRead))].filter((n) => !keys.has(n)).sort();
  const query = [...new Set([...[...(declared ? [] : [METHOD_OVERRIDE_QUERY]), ...(bearerRoute ? [BEARER_PARAMETER] : [])].map(queryNameAsRead), ...headers])];
  const body = [...new Set(queryKeys.map(queryNameAsRead))].filter((n) => !query.includes(n)).sort();
  const json = [...new Set([...queryKeys, ...headerKeys].map((n) => queryNameAsRead(n).replace(/-/g, '_')))].sort();
  return { query, body, limit: BODY_READ_LIMIT, json };
}

const luaSet = (names: readonly string[]) => `{${names.map((n) => `[${luaString(n)}] = true`).join(', ')}}`;

/**
 * The Lua (5.1/LuaJIT, Kong's default sandbox) of the chunk for `names` (each as the rule reads it),
 * reading a body buffered to a file up to `limit` bytes. A JSON body read from a file is set back in
 * memory: request-transformer removes a top-level `access_token` from it then. gwc diff reads a
 * deployed chunk by rendering it again from its sets (deployed-guards.ts readNameReadings): the
 * text is a function of the arguments alone.
 */
export function nameReadingsLua(names: readonly string[], bodyNames: readonly string[] = [], limit = BODY_READ_LIMIT, jsonNames: readonly string[] = []): string {
  // Made once per distinct input: GitHub's 1,223 routes share two texts (#18). JSON of the lists:
  // injective; the limit as its own text (JSON would write NaN and Infinity alike).
  const key = `${limit} ${JSON.stringify([names, bodyNames, jsonNames])}`;
  let chunk = chunks.get(key);
  if (chunk === undefined) chunks.set(key, (chunk = chunkText(names, bodyNames, limit, jsonNames)));
  return chunk;
}
const chunks = new Map<string, string>();

function chunkText(names: readonly string[], bodyNames: readonly string[], limit: number, jsonNames: readonly string[]): string {
  // With no body-only names the chunk is written as before (one set): deployed chunks read the same.
  const two = bodyNames.length > 0;
  const inBody = two ? 'body_watched' : 'watched';
  const bodySet = two ? ', body_watched' : '';
  // The strict whole-text JSON reader: on a route with an API key, and on a bearer route (whether
  // request-transformer can strip a top-level access_token exactly).
  const keys = jsonNames.length > 0;
  const bearer = names.includes(BEARER_PARAMETER);
  const strict = keys || bearer;
  const refuse = 'return kong.response.exit(400, { message = "Bad Request" })';
  return [
    NAME_READINGS_MARK,
    `local watched = ${luaSet(names)}`,
    `local read_limit = ${Math.trunc(limit)}`,
    // A body-only set (a query key's name) is written only where there is one: other routes' chunks stay as they were.
    ...(two ? [`local body_watched = ${luaSet(bodyNames)}`, 'for k in pairs(watched) do body_watched[k] = true end'] : []),
    ...(keys ? [`local json_watched = ${luaSet(jsonNames)}`] : []),
    // A JSON key refused at any depth: an API key's name, and `_method` where it is watched (nginx's bodyOverrides).
    'local json_names = {}',
    'if watched["_method"] then json_names["_method"] = true end',
    // RFC 6750's token: refused at any depth too, but where request-transformer strips it (json_refused's strip).
    ...(bearer ? ['json_names["access_token"] = true'] : []),
    ...(keys ? ['for k in pairs(json_watched) do json_names[k] = true end'] : []),
    ...queryNameAsReadLua(),
    ...(strict ? luaJsonLines() : luaJsonStringLines()),
    ...JSON_KEY_LINES,
    ...(strict ? JSON_TEXT_LINES : []),
    'local function name_of(kv)',
    '  local eq = string.find(kv, "=", 1, true)',
    '  if eq then return string.sub(kv, 1, eq - 1) end',
    '  return kv',
    'end',
    // Pairs split on `&`, each part of a pair on `;` too (Python < 3.9.2, Go < 1.17).
    `local function kept(raw${two ? ', set' : ''})`,
    '  local out, changed = {}, false',
    '  for chunk in string.gmatch(raw .. "&", "([^&]*)&") do',
    '    local drop = false',
    '    for part in string.gmatch(chunk .. ";", "([^;]*);") do',
    `      if part ~= "" and ${two ? 'set' : 'watched'}[as_read(name_of(part))] then drop = true end`,
    '    end',
    '    if drop then changed = true else out[#out + 1] = chunk end',
    '  end',
    '  if changed then return table.concat(out, "&") end',
    'end',
    // Every `name` parameter of the body, lowercased: "quoted", 'quoted', bare, with and without backslashes.
    'local function names_a_watched(body)',
    '  local low = string.lower(body)',
    '  for at in string.gmatch(low, "[;%s]name%s*%*?%s*=()") do',
    '    for _, p in ipairs({ "^%s*\\"([^\\"]*)", "^%s*\'([^\']*)", "^%s*([^;%s]*)" }) do',
    '      local v = string.match(low, p, at)',
    `      if v and (${inBody}[as_read(v)] or ${inBody}[as_read((string.gsub(v, "\\\\", "")))]) then return true end`,
    '    end',
    '  end',
    '  return false',
    'end',
    ...CHARSET_LINES,
    'return function()',
    '  local raw = kong.request.get_raw_query()',
    '  if raw ~= nil and raw ~= "" then',
    `    local q = kept(raw${two ? ', watched' : ''})`,
    '    if q then kong.service.request.set_raw_query(q) end',
    '  end',
    // Kong reads the first line of a header, gunicorn (WSGI CONTENT_TYPE) the last: one of each only,
    // and in its `-` spelling only: since Kong 3.6 get_header is nginx's $http_content_type, which a
    // `Content_Type` line matches too (falling back to the `-` line when several do), and a
    // Mongrel-family server (Puma < 6.4.3, Unicorn, Thin) takes `Content_Type` as CONTENT_TYPE.
    // The header-family chunk before this one refused more lines than get_headers(1000) reads.
    '  local ct = kong.request.get_header("content-type")',
    '  local ce = kong.request.get_header("content-encoding")',
    '  for name, v in pairs(kong.request.get_headers(1000)) do',
    '    local k = string.gsub(string.lower(name), "_", "-")',
    `    if (k == "content-type" or k == "content-encoding") and (k ~= name or type(v) == "table") then ${refuse} end`,
    '  end',
    // Each reading some backend makes of the type (nginx's bodyKinds, widened): no media type at all
    // (Rack reads a form, FastAPI JSON), any multipart/* (Rack), a urlencoded form, and JSON where
    // `/json` or `+json` stands anywhere (Laravel's isJson), parameters included, or a JSON synonym
    // a framework parses by default: `x-json` (Rails' text/x-json, Symfony's application/x-json),
    // `csp-report` (koa-bodyparser, AdonisJS).
    '  local low = string.lower(ct or "")',
    '  local bare = string.match(low, "^%s*([^;,%s]*)") == ""',
    '  local multi = string.find(low, "multipart/", 1, true)',
    '  local form = string.find(low, "x-www-form-urlencoded", 1, true)',
    '  local json = string.find(low, "/json", 1, true) or string.find(low, "+json", 1, true) or string.find(low, "x-json", 1, true) or string.find(low, "csp-report", 1, true)',
    '  if not bare and not multi and not form and not json then return end',
    // request-transformer reads a type holding application/json as JSON (access.lua get_content_type)
    // and removes a top-level access_token from what cjson decodes: the one JSON token stripped exactly.
    ...(bearer ? ['  local strip = string.find(low, "application/json", 1, true) ~= nil'] : []),
    // nil: nginx buffered the body to a file. Kong 3.8+ reads it when given a size; earlier, nil again.
    '  local body = kong.request.get_raw_body()',
    '  local spooled = body == nil',
    '  if spooled then body = kong.request.get_raw_body(read_limit) end',
    '  if body == nil then return kong.response.exit(413, { message = "Request body too large for the gateway to inspect" }) end',
    '  if body == "" then return end',
    // A content coding hides the body from this chunk, not from a backend that inflates it (body-parser).
    '  local coding = string.match(string.lower(ce or ""), "^%s*(.-)%s*$")',
    `  if coding ~= "" and coding ~= "identity" then ${refuse} end`,
    `  if multi and names_a_watched(body) then ${refuse} end`,
    '  if json or bare then',
    // A NUL byte: UTF-16/32 JSON (Python's json reads it by its bytes); a charset but UTF-8 (body-parser decodes utf-7, utf-16).
    `    if string.find(body, "\\0", 1, true) or charset_other(low) then ${refuse} end`,
    keys
      ? `    if json and json_refused(body, ${bearer ? 'strip' : 'false'}) or not json and json_key_named(body) then ${refuse} end`
      : `    if json_key_named(body)${bearer ? ' and (not strip or json_refused(body, true))' : ''} then ${refuse} end`,
    '  end',
    // Removed from a form body; refused where the body is also read otherwise, or read as a form by
    // Rack only (no type; a multipart type without a boundary: Rack::Request#POST parses the body as a query).
    '  if form and not multi and not json and not bare then',
    `    local b = kept(body${bodySet})`,
    '    if b then return kong.service.request.set_raw_body(b) end',
    `  elseif (form or bare or multi and not string.find(low, "boundary=", 1, true)) and kept(body${bodySet}) then`,
    `    ${refuse}`,
    '  end',
    // In memory again, so request-transformer (which asks without a size) reads what the chunk read.
    '  if spooled and json then kong.service.request.set_raw_body(body) end',
    'end',
    '',
  ].join('\n');
}

/**
 * `plugins` with the chunk for `names` last in the route's pre-function (the chunks before it read
 * other inputs), or a pre-function of its own; unchanged when there is nothing to watch.
 */
export function withNameReadings(plugins: Entity[], names: Watched): Entity[] {
  if (names.query.length === 0 && names.body.length === 0 && names.json.length === 0) return plugins;
  const chunk = nameReadingsLua(names.query, names.body, names.limit, names.json);
  const pre = plugins.find((p) => p.name === 'pre-function');
  if (!pre) return [...plugins, { name: 'pre-function', config: { access: [chunk] } }];
  const config = pre.config as { access: string[] };
  return plugins.map((p) => (p === pre ? { ...p, config: { ...config, access: [...config.access, chunk] } } : p));
}
