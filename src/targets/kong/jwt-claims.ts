/**
 * A bearer token whose `nbf` is ahead of the clock never opens a Kong route (RFC 7519 section 4.1.5;
 * DESIGN.md 7.1). Kong's jwt plugin checks a claim only when `claims_to_verify` lists it, and then
 * requires it (kong/plugins/jwt/jwt_parser.lua verify_registered_claims: "must be a number"), so
 * listing `nbf` refused every token without one (most issuers omit it) and gwc lists `exp` only
 * (auth.ts): a token not valid yet was accepted. A post-function cannot look: request-transformer
 * (priority 801) has removed a hidden Authorization by then, and `kong.ctx.shared` is outside the
 * sandbox. So a chunk of the route's `pre-function` (runs before jwt, priority 1450) reads the token
 * as jwt's retrieve_tokens does with gwc's config (`header_names` the scheme's header only,
 * `uri_param_names` and `cookie_names` empty; `\s*[Bb]earer\s+(.+)` in the header's value), on
 * every line whose name reads as the header's, lower case with `-` as `_` (red team 8): jwt reads
 * kong.request.get_header, which was `get_headers()[name]` (the first line of that exact lowercased
 * name) before Kong 3.6 and is nginx's `$http_x_token` since (Kong/kong#12370, kong/tools/http.lua
 * get_header: every line whose name so reads, `X_Token` too, as Kong runs underscores_in_headers on;
 * joined by ", " on nginx >= 1.23, and then get_headers()[name] again), so the line jwt verifies is
 * one of those on every release. Each is checked; more than one such line is refused (401: jwt on
 * 3.4 verifies the first, a kept token's every line reaches the backend, PHP reads the last: red
 * team 12, test/security/redteam12-kong-kept-duplicate.test.ts), more than 1000 lines (431) as the
 * header-family chunk does. It decodes the claims as jwt_parser does
 * (tokenize on the first two `.`; base64url padded, the text up to the first `=`, ngx.decode_base64's
 * alphabet and length rule), and answers 401 when
 * - `nbf` is a number later than the request's start plus the scheme's clockSkewSeconds, or
 * - `nbf` is present and not a JSON number (cjson would give jwt a string, a table or ngx.null), or
 * - the claims' `iss` is not the scheme's issuer, a string exactly: jwt finds its key by
 *   `claims.iss or header.iss` among every consumer's jwt_secrets, so a token naming another issuer
 *   (another scheme's, another gateway's on a shared Kong) was verified with that issuer's key; acl
 *   caught it except on an AND, where it sees the consumer key-auth or basic-auth set last
 *   (test/security/kong20-jwt-issuer-pin.test.ts), or
 * - the claims are not one JSON object the chunk reads exactly (strict RFC 8259 at the top level;
 *   lua-cjson also takes `NaN`, `Infinity`, hex and leading zeros, which no issuer writes).
 * A token without two `.` is left to jwt, which refuses it (decode_token: no signature part).
 * Refusing before verification refuses nothing jwt with `nbf` checked would accept, except a token
 * in the skew window's other side (none: the check is `nbf > now + skew`) and the non-standard JSON
 * above. Kong's own `exp` check has no leeway (stricter than clockSkewSeconds: tokens expire on time).
 *
 * Only what Kong's default `untrusted_lua = sandbox` gives (string, table.concat, math.floor,
 * tonumber, type, pairs, ipairs, kong.request.get_headers, kong.request.get_start_time,
 * kong.response.exit; no ngx.*, no cjson, no bit library). The header name enters the Lua only
 * through luaString (`\ddd` escapes), the skew as an integer.
 */
import { createHash } from 'node:crypto';
import type { Route } from '../../model/types.js';
import type { Ctx, Entity } from './context.js';
import { compareText } from '../../diagnostics/collate.js';
import { fixedCodeOpens } from './chunk-template.js';
import { luaJsonLines } from './lua-json.js';
import { luaString } from './query-spellings.js';

/** The first line of the chunk: how gwc diff's reader knows it (deployed-guards.ts). */
export const JWT_NBF_MARK = '-- gwc: a bearer token whose nbf is ahead of the clock (or not a number) never reaches the jwt plugin';

/** The chunk's line naming the header and the skew: what gwc diff reads back. */
export const JWT_NBF_LINE = /^local header, skew = ("(?:[^"\\]|\\.)*"), (\d+)$/m;

/** The chunk's line naming the audiences a token's aud must hold one of (absent: aud unchecked). */
export const JWT_AUD_LINE = /^local audiences = \{(.*)\}$/m;

/** The chunk's line naming the issuer a token's iss claim must be (absent: the releases of 5da6ef1 and before). */
export const JWT_ISS_LINE = /^local issuer = ("(?:[^"\\]|\\.)*")$/m;

/**
 * What the chunk checks on one route: the jwt scheme's header (lowercased, as jwt's header_names),
 * its clock skew, its audiences (sorted; empty: aud unchecked, `anyAudience` or an HMAC-only scheme)
 * and its issuer, the only `iss` the token's claims may name (absent: a scheme without one, refused
 * by kong-jwt-issuer-missing; or a deployed release before the pin).
 */
export interface NbfCheck {
  header: string;
  skew: number;
  audiences?: string[];
  issuer?: string;
}

/**
 * The route's jwt scheme (Kong puts one jwt plugin on a route: auth.ts kong-plugin-shared), as the
 * jwt plugin reads it; undefined when the route has none or Kong does not run it (a mock, a
 * refused route: the caller passes the route's plugins).
 */
export function nbfCheck(ctx: Ctx, route: Route, plugins: readonly Entity[]): NbfCheck | undefined {
  const jwt = plugins.find((p) => p.name === 'jwt');
  if (!jwt) return undefined;
  const header = ((jwt.config as { header_names?: string[] } | undefined)?.header_names ?? [])[0];
  if (header === undefined) return undefined;
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s?.kind === 'jwt' && s.jwt && s.jwt.header.toLowerCase() === header) {
        const audiences = [...new Set(s.jwt.audiences)].sort(compareText);
        return {
          header,
          skew: Math.max(0, Math.trunc(s.jwt.clockSkewSeconds)),
          ...(audiences.length > 0 ? { audiences } : {}),
          ...(s.jwt.issuer ? { issuer: s.jwt.issuer } : {}),
        };
      }
    }
  }
  return undefined;
}

const chunks = new Map<string, string>();

/** The chunk for `check`, made once per distinct header and skew (routes of a service share it: hoist.ts). */
export function jwtNbfLua(check: NbfCheck): string {
  const id = JSON.stringify([check.header, check.skew, check.audiences ?? [], check.issuer ?? null]);
  let lua = chunks.get(id);
  if (lua === undefined) chunks.set(id, (lua = render(check)));
  return lua;
}

function render({ header, skew, audiences = [], issuer }: NbfCheck): string {
  return [
    JWT_NBF_MARK,
    `local header, skew = ${luaString(header)}, ${Math.trunc(skew)}`,
    ...(audiences.length > 0 ? [`local audiences = {${audiences.map((a) => `[${luaString(a)}] = true`).join(', ')}}`] : []),
    ...(issuer !== undefined ? [`local issuer = ${luaString(issuer)}`] : []),
    // ngx.decode_base64's alphabet after jwt_parser's `-` -> `+`, `_` -> `/`.
    'local B64 = {}',
    'do',
    '  local a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"',
    '  for i = 1, 64 do B64[string.byte(a, i)] = i - 1 end',
    '  B64[45], B64[95] = 62, 63',
    'end',
    // ngx_decode_base64: the text up to the first "=", every byte in the alphabet, not 1 mod 4 long.
    'local function unb64(s)',
    '  local e = string.find(s, "=", 1, true)',
    '  if e then s = string.sub(s, 1, e - 1) end',
    '  if #s % 4 == 1 then return nil end',
    '  local out, n, bits = {}, 0, 0',
    '  for i = 1, #s do',
    '    local v = B64[string.byte(s, i)]',
    '    if v == nil then return nil end',
    '    n, bits = n * 64 + v, bits + 6',
    '    if bits >= 8 then',
    '      bits = bits - 8',
    '      local b = math.floor(n / 2 ^ bits)',
    '      out[#out + 1] = string.char(b)',
    '      n = n - b * 2 ^ bits',
    '    end',
    '  end',
    '  return table.concat(out)',
    'end',
    ...luaJsonLines(),
    // The claims' top-level members (the last of a duplicate, as cjson keeps), or nil when the text is not one JSON object.
    'local function claims_of(s)',
    '  local i = ws(s, 1)',
    '  if i == nil or string.byte(s, i) ~= 123 then return nil end',
    '  local top = {}',
    '  if not json_text(s, function(key, v, depth) if depth == 1 then top[key] = v end end) then return nil end',
    '  return top',
    'end',
    ...(audiences.length > 0
      ? [
          // RFC 7519 4.1.3: aud a string or an array of strings, one of them exactly an audience of the scheme.
          'local function aud_ok(aud)',
          '  if type(aud) == "string" then return audiences[aud] == true end',
          '  if type(aud) ~= "table" then return false end',
          '  for _, a in ipairs(aud) do',
          '    if type(a) == "string" and audiences[a] == true then return true end',
          '  end',
          '  return false',
          'end',
        ]
      : []),
    'local function refused(token)',
    // jwt_parser tokenize(token, ".", 3): the claims are between the first two dots; without a
    // second one jwt has no signature part and refuses the token itself.
    '  local d1 = string.find(token, ".", 1, true)',
    '  local d2 = d1 and string.find(token, ".", d1 + 1, true)',
    '  if d2 == nil then return false end',
    '  local claims = unb64(string.sub(token, d1 + 1, d2 - 1))',
    '  if claims == nil then return true end',
    '  local top = claims_of(claims)',
    '  if top == nil then return true end',
    // jwt looks its credential up by `claims.iss or header.iss` (kong/plugins/jwt/handler.lua) among
    // every consumer's jwt_secrets, keys unique in Kong: only the scheme's issuer, a string in the
    // claims, leaves jwt one key to verify with, this scheme's (on an AND acl sees another plugin's consumer).
    ...(issuer !== undefined ? ['  if top.iss ~= issuer then return true end'] : []),
    '  local nbf = top.nbf',
    '  if nbf ~= nil and (type(nbf) ~= "number" or nbf > kong.request.get_start_time() / 1000 + skew) then return true end',
    ...(audiences.length > 0 ? ['  return not aud_ok(top.aud)'] : ['  return false']),
    'end',
    // Every line whose name reads as the header's (lower case, `-` as `_`): the one jwt reads is
    // among them on every release (get_headers()[name] before 3.6, nginx's $http_ variable since).
    'local key = string.gsub(header, "%-", "_")',
    'return function()',
    '  local headers, err = kong.request.get_headers(1000)',
    '  if err ~= nil then return kong.response.exit(431, { message = "Request Header Fields Too Large" }) end',
    // More than one such line is refused whatever it holds: jwt verifies one (the first on 3.4),
    // every line reaches the backend when the token is kept, and one reading the last took claims
    // nobody verified (red team 12). Kong >= 3.6 joins the lines and refuses them itself.
    '  local lines = 0',
    '  for name, v in pairs(headers) do',
    '    if string.gsub(string.lower(name), "%-", "_") == key then',
    '      if type(v) ~= "table" then v = { v } end',
    '      lines = lines + #v',
    '      if lines > 1 then return kong.response.exit(401, { message = "Unauthorized" }) end',
    '      for _, line in ipairs(v) do',
    '        local token = string.match(line, "[Bb]earer%s+(.+)")',
    '        if token and refused(token) then',
    '          return kong.response.exit(401, { message = "Unauthorized" })',
    '        end',
    '      end',
    '    end',
    '  end',
    'end',
    '',
  ].join('\n');
}

/** Whether a chunk can hold a decK template opening `${{`: fixed code around luaString literals and an integer (chunk-template.ts). */
export const jwtNbfOpensTemplate = fixedCodeOpens(() => [render({ header: 'x', skew: 0, audiences: ['x'], issuer: 'x' })]);

/** `plugins` with the chunk for `check` in the route's pre-function (after the chunks already there), or a pre-function of its own. */
export function withJwtNbf(plugins: Entity[], check: NbfCheck | undefined): Entity[] {
  if (!check) return plugins;
  const chunk = jwtNbfLua(check);
  const pre = plugins.find((p) => p.name === 'pre-function');
  if (!pre) return [...plugins, { name: 'pre-function', config: { access: [chunk] } }];
  const config = pre.config as { access: string[] };
  return plugins.map((p) => (p === pre ? { ...p, config: { ...config, access: [...config.access, chunk] } } : p));
}

/** What a deployed chunk checks (gwc's own text, its header and skew read back), else undefined. */
export function readJwtNbf(code: string): NbfCheck | undefined {
  return readJwtNbfRelease(code)?.check;
}

/**
 * What a deployed chunk checks, whether it reads the header in every `-`/`_` spelling (the chunks
 * since red team 8; before, by its exact name only: a `X_Token` line skipped the check while jwt on
 * Kong >= 3.6 verified it) and whether it refuses a second line (today's; before red team 12, a
 * kept token's second line of unsigned claims passed the check and reached the backend while jwt
 * verified the first). gwc diff reads an older one as the weaker check.
 */
export function readJwtNbfRelease(code: string): { check: NbfCheck; everySpelling: boolean; oneLine: boolean } | undefined {
  if (!code.startsWith(`${JWT_NBF_MARK}\n`)) return undefined;
  const m = JWT_NBF_LINE.exec(code);
  if (!m) return undefined;
  const text = (literal: string) => Buffer.from(literal.slice(1, -1).replace(/\\(\d{3})/g, (_x, d: string) => String.fromCharCode(Number(d))), 'latin1').toString('utf8');
  const aud = JWT_AUD_LINE.exec(code)?.[1];
  const audiences = aud === undefined ? [] : [...aud.matchAll(/\[("(?:[^"\\]|\\.)*")\] = true/g)].map((x) => text(x[1]!));
  const iss = JWT_ISS_LINE.exec(code)?.[1];
  const check: NbfCheck = { header: text(m[1]!), skew: Number(m[2]), ...(audiences.length > 0 ? { audiences } : {}), ...(iss !== undefined ? { issuer: text(iss) } : {}) };
  // Exactly gwc's chunk for this header and skew, or no check: an edited chunk is not taken for one.
  if (jwtNbfLua(check) === code) return { check, everySpelling: true, oneLine: true };
  if (iss !== undefined) return undefined;
  // An earlier release's chunk, known by hash less its header/skew and audiences lines: the same nbf
  // (and aud) check, so a deployment made by it reads as that check, not as the check gone.
  // d591093 (nbf only), then 1b257a9 and before (nbf and aud, exact name), then 6167441 and before
  // (every spelling, a second line not refused), then 5da6ef1 and before (no issuer line: any iss
  // jwt holds a key for; read as the check without `issuer`) (test/security/fixtures/kong-jwt-nbf-v*.lua).
  const hash = createHash('sha256').update(code.replace(JWT_NBF_LINE, '').replace(/^local audiences = \{.*\}\n/m, '')).digest('hex');
  if (hash === (audiences.length === 0 ? NBF_V4 : NBF_AUD_V4)) return { check, everySpelling: true, oneLine: true };
  if (hash === (audiences.length === 0 ? NBF_V3 : NBF_AUD_V3)) return { check, everySpelling: true, oneLine: false };
  const known = audiences.length === 0 ? hash === NBF_ONLY_V1 || hash === NBF_V2 : hash === NBF_AUD_V2;
  return known ? { check, everySpelling: false, oneLine: false } : undefined;
}

/** SHA-256 of the nbf-only chunk of d591093 without its `local header, skew = ...` line (one text for every header and skew). */
const NBF_ONLY_V1 = '6cd19e725ebd0d96731be1d27afe04da7a29b03d0d69c53fe296cb0c4b737f66';
/** Likewise the chunk of 1b257a9 and before that read the header by its exact name: without audiences, and with them (less that line too). */
const NBF_V2 = '3185870b24e185111254f6098c2d5fc06d19f7b46654f1d876a3669285f61bc7';
const NBF_AUD_V2 = '7cfdb87a840d2474cc472b0ab8b9341d7b6f683a4ae4251dca2c5017328fc4f5';
/** Likewise the chunk of 6167441 and before that read every spelling but let a second line pass. */
const NBF_V3 = '727c6acb11d6157fb97df4ac615a3d3f27709e998d7debcb4375c29045311197';
const NBF_AUD_V3 = '420218d737f10de1fbdc3df474f86f9534da39624907dec7d863739eff7035d9';
/** Likewise the chunk of 5da6ef1 and before that named no issuer (any iss jwt holds a key for passed on). */
const NBF_V4 = 'a78f2d4cf859fadf7a215b79b7a03da38c0c5b2ebb13b4024dc69f3c7351ae81';
const NBF_AUD_V4 = 'c5f71a6b7fb68b95308e8f3d6ec26d6618a1eb1282bb75a7c966e041d1675162';
