/**
 * The checks a Kong route makes for its backend's sake besides its auth plugins (Facts.guards),
 * read from the plugins gwc writes for them: the query-spellings pre-function (query-spellings.ts),
 * the kept-credentials post-function (unverified-credentials.ts), the name-readings pre-function
 * (`_method` and `access_token` in any spelling: name-readings.ts), the jwt nbf pre-function
 * (jwt-claims.ts) and request-transformer's
 * `remove.querystring` (a hidden query key, a bearer token's `?access_token=`: auth.ts). Without
 * these facts a deployed Kong whose post-function was dropped (a caller verified by basic auth
 * sends a forged `?api_key=` the backend takes as the key) compared equal to gwc's.
 *
 * The Lua is gwc's own: it is known by its first line (the MARKs) and read line by line for the
 * names it removes, written by luaString (`\ddd` escapes), so another key name, a header dropped
 * from the list or the function replaced is a guard gone. Lua that is not gwc's is no guard: the
 * name-readings chunk is rendered again from its sets and compared whole (readNameReadings), the
 * previous release's known by hash and read as the checks it made.
 */
import type { Guards, Json } from '../../diff/entity.js';
import { isObject, sortedStrings, type JsonObject } from '../../diff/json-util.js';
import { METHOD_OVERRIDE_QUERY_FORMS } from '../../model/overrides.js';
import { createHash } from 'node:crypto';
import { NAME_READINGS_MARK, nameReadingsLua, READ_LIMIT_LINE } from './name-readings.js';
import { QUERY_SPELLINGS_MARK } from './query-spellings.js';
import { luaText } from './lua-text.js';
import { spellingGuards } from './query-spellings-releases.js';
import { UNVERIFIED_MARK } from './unverified-credentials.js';
import { JWT_NBF_MARK, readJwtNbfRelease } from './jwt-claims.js';
import { HEADER_FAMILY_MARK, headerFamilyFraming, headerFamilyLimits } from './header-family.js';
import { WS_GUARD_MARK } from './websocket-guard.js';
import { readWsGuardRelease } from './websocket-guard-releases.js';

// luaText lives in lua-text.ts (query-spellings-releases.ts reads it too); re-exported for the readers.
export { luaText } from './lua-text.js';

const STRING = /"(?:[^"\\]|\\.)*"/g;

/** The Lua chunks of an enabled pre- or post-function that start with `mark`. */
export function chunks(p: JsonObject | undefined, mark: string): string[] {
  if (!p || p.enabled === false || !isObject(p.config) || !Array.isArray(p.config.access)) return [];
  return p.config.access.filter((code): code is string => typeof code === 'string' && code.startsWith(mark));
}

/** The guard only the chunks since red team 17 make (query-names.ts leadingBrackets, arrayForm's trailing `]`). */
const BRACKET_READING = 'query, form and multipart names read with a leading [ ] run and a trailing ] stripped as Rack 2 and qs read them ([api_key], ]api_key, api_key]) (pre-function)';


/**
 * What the name-readings pre-function removes or refuses (name-readings.ts): each watched name
 * (`_method`, `access_token`) in any spelling a backend reads, in the query and a form or
 * multipart body.
 */
function readingGuards(lua: string, method: string[], credential: string[]): void {
  const set = (name: string) => [...(new RegExp(`^local ${name} = \\{(.*)\\}$`, 'm').exec(lua)?.[1] ?? '').matchAll(/\[("(?:[^"\\]|\\.)*")\] = true/g)].map((m) => luaText(m[1]!));
  const names = set('watched');
  const body = set('body_watched');
  for (const n of names.length || body.length ? names : ['(unread)']) {
    (n === '_method' ? method : credential).push(`${n} in any spelling, in the query or a form or multipart body: removed or refused (pre-function)`);
  }
  // A query key's name in a body (name-readings.ts Watched.body).
  for (const n of body) credential.push(`${n} in any spelling, in a form or multipart body: removed or refused (pre-function)`);
  // An API key's name as a JSON body's key at any depth (Watched.json).
  for (const n of set('json_watched')) credential.push(`${n} in any spelling, a key of a JSON body at any depth (or a body not JSON): refused 400 (pre-function)`);
  // A body nginx buffered to a file: read (Kong 3.8+) up to the limit, else refused 413. A chunk
  // without it (gwc before this) passed such a body unread: the guard is gone.
  const limit = READ_LIMIT_LINE.exec(lua)?.[1];
  if (limit !== undefined) {
    const text = `a form, multipart or JSON body past client_body_buffer_size: read up to ${limit} bytes or refused 413 (pre-function)`;
    if (names.includes('_method')) method.push(text);
    if (names.some((n) => n !== '_method') || body.length > 0) credential.push(text);
  }
}

/** A set line of the name-readings chunk exactly as luaSet writes it, and its read limit line. */
const SET_LINE = /^local (watched|body_watched|json_watched) = (\{(?:\["(?:[^"\\]|\\.)*"\] = true(?:, \["(?:[^"\\]|\\.)*"\] = true)*)?\})$/gm;

const SET_STRIP = new RegExp(`${SET_LINE.source}\\n`, 'gm');

/**
 * SHA-256 of each name-readings chunk the previous gwc wrote (1f2a45b to 6ffb214: form, multipart
 * and, on a keyed route, JSON bodies read; no untyped body, content coding or nested `_method`),
 * less its set and read-limit lines (one text per variant: a body-only set or not, a JSON key set
 * or not, watched names or none). test/security/fixtures/kong-name-readings-v1-*.lua hold two. Not
 * the text watching nothing (56150e33..., fixture -v1-empty): withNameReadings wrote no chunk then
 * (test/security/kong20-name-readings-empty.test.ts), so no deployment holds it.
 */
const READINGS_V1 = new Set([
  '33bb47076cf82ff23174eb1a29ad08ffb1fd6e6f06a9647b219c3e24bdb571e5',
  '114f6e29cf2352e0f7719115dbd2aea576e6a9156a4a5795053ce074d380f7ca',
  '9d7330c628402417eee25627fc4d756e72734eb2a9d498b038c123ed5a6d6d50',
  'c3e4cab8d7a921a4921a8afd1da522182eda1ea04e197da8d46cdbaed46e6af5',
  'c20da129678e452589c44748a0bf2097e137c42f8b4562b6ffcdbd8ec3658318',
  '717588200ed62f5ff0fd9eee8c674e3fb3719a20ac9c6d9b347f6fd51000fa9d',
  '0f58607cc14a28cd23aad0959034d52687a17fc056cc8e42d14f2e11cec0892a',
]);

/**
 * Likewise the chunk of 2d02427 (every body reading, a second Content-Type or Content-Encoding line
 * refused; a `Content_Type` line not: Kong >= 3.6 and Mongrel-family servers read it), one per
 * variant (a body-only set or not, a JSON key set or not). test/security/fixtures/kong-name-readings-v2-keyed.lua holds one.
 */
const READINGS_V2 = new Set([
  'bfa4851c0763e33eb6b5455ff4f0c386620af77bcfc36dbb3579365cfaea3ff3',
  '09c549e141038ab3a61fbba9add7228741d10e083b5492efb7c11fa31ce61712',
  'ba3a9a0984b68e2772703e299504bc0a8da743696dc5d0f8a881492107c49d84',
  '22764573f4270e9a8592977119fe3de1c0b3f118cb87c1bbc64fe6e281df97ec',
]);

/**
 * Likewise the chunk of 1925d51 (a `Content_Type` line refused; query, form and multipart names
 * folded ASCII only; `access_token` as a JSON key left to request-transformer, which strips the
 * top-level one under application/json only), one per variant (a body-only set or not, a JSON key set
 * or not). test/security/fixtures/kong-name-readings-v3-keyed.lua holds one.
 */
const READINGS_V3 = new Set([
  '96bf47f3a5fc810d52fdff9c5b493810140125b096ab38567490352a4f516765',
  '8809b82be95f95f00aca58783fe1e6b86b7c1e3e3df21fcc23e2137069332ada',
  '00a9ba9795a9722841f8e6a74ee747608f11c388077c4c2dea8edfb9e13a92d0',
  '76b3d4866124909fbc3e64132a3d60cf877a907740e28b3ee166499416db5436',
]);

/**
 * Likewise the chunk of 6167441 and before (a JSON body read under `/json`, `+json` or no type only:
 * text/x-json, application/x-json and application/csp-report, which Rails, Symfony and
 * koa-bodyparser parse as JSON, passed unread), one per variant (a bearer route or not, a body-only
 * set or not, a JSON key set or not). test/security/fixtures/kong-name-readings-v4-{keyed,bearer}.lua hold two.
 */
const READINGS_V4 = new Set([
  '997b9caa159a5191b7b92f093416ec0f136259e9f0466e42b3bca852b255aea2',
  '3ba1fbcdafd02b5aa4556e49e015cdac0aea6966fedf72458e0bfeef7d1304d2',
  '7a028bccaab046d0fa2f34e9e0fa0d6565e897d1d31a01e2f089d658d37774a1',
  'bd4ddcbac7d3070b40f48605de7fdb40f36ea935bde68a1c6add696d5b4243d0',
  'f80be33d73b83ddd0a4982df9ca2aa1f205393dba88854c34d2147a30094b831',
  '63f9cb506a91b4db6ad781f31e120e17a1b1eda598a1fa49b59c55c883d33664',
  'f5bdf81211f5d367bf8fe49c9f45437441645eb8f746f8824d0e3d641ee48f11',
  '65ef9523e3a6ec0fea6cdad07bf1381fe1c6a63689bdb34c9e5bf280f9593b20',
]);

/**
 * Likewise the chunk of 7b15f9b and before (888fe7a on: query, form and multipart names read with
 * no leading `[`/`]` run stripped and a trailing `]` kept, so Rack 2's `]api_key`, `api_key]`,
 * `[api_key]` passed), one per variant (a bearer route or not, a body-only set or not, a JSON key set
 * or not). test/security/fixtures/kong-name-readings-v5-{keyed,bearer}.lua hold two.
 */
const READINGS_V5 = new Set([
  '3a8c104d4cdf4856328ac3fbcfa94d5b080d1127f829fb28fb602953c4a363b2',
  '44bf4d47c0ad2ab9f08a391bed7a6d91a0c3a22bda5c330408bf2797a37a5fc1',
  '05a66f83d68e32226ca021633387ec14b9b5989b5a0bc22763fe8dd24b1ec498',
  '02da92a97b48a195985a172fd51ef637e2ab99c1939996eb4776217c3cec5dcf',
  'e6011c57b7fc03191350218d1a4ab156830bad523858ac2fb1cd53c14391e456',
  '5029836472dcfeb3185bd7d92d6483e75a0d3b891ffdbe22337c5723f42534aa',
  '282df84a6642454f3c30ad2c9250e542ec3b4ef14626b621f27cb0a9f1471ace',
  '8125b833e0f9eab91386e8344dd43e47c934afb8e25733f5bcb297b85161a9c8',
]);

/**
 * Likewise the first release, c5c4caf to 0c38272 (before 1f2a45b): the query, a form and a multipart
 * body read, no read limit (a body nginx buffered to a file passed unread: no limit line, so no such
 * guard) and no JSON body; with a body-only set since fee7fdb (a route's query key). Read as v1 is.
 * test/security/fixtures/kong-name-readings-v0-{keyed,body}.lua hold both.
 */
const READINGS_V0 = new Set(['0ead9905b8101a6daef24c07feaaf95374a2b9ad41835ab6d46e0263bfcf2e1d', '7717782c9c126a89695b50044fa0cc5cbcbbe837f31ae52781353e886722429d']);

type Readings = 'current' | 'v5' | 'v4' | 'v3' | 'v2' | 'v1' | 'v0';

const readingsRead = new Map<string, Readings | undefined>();

/**
 * Which name-readings chunk `lua` is: exactly the one gwc writes for its own sets and limit
 * ('current'), one an earlier gwc wrote ('v4', 'v3', 'v2', 'v1': the same checks, fewer bodies read, so an upgraded
 * deployment reads as the guards it has, never as guards gone), or neither (edited by hand: no
 * guard). Memoised: the routes of a deployed gwc file share a few texts.
 */
export function readNameReadings(lua: string): Readings | undefined {
  if (readingsRead.has(lua)) return readingsRead.get(lua);
  const sets = new Map<string, string[]>();
  for (const m of lua.matchAll(SET_LINE)) sets.set(m[1]!, [...m[2]!.matchAll(/\[("(?:[^"\\]|\\.)*")\] = true/g)].map((x) => luaText(x[1]!)));
  const limit = READ_LIMIT_LINE.exec(lua)?.[1];
  let version: Readings | undefined;
  if (sets.has('watched') && limit !== undefined && nameReadingsLua(sets.get('watched')!, sets.get('body_watched') ?? [], Number(limit), sets.get('json_watched') ?? []) === lua) version = 'current';
  else {
    const hash = createHash('sha256').update(lua.replace(SET_STRIP, '').replace(/^local read_limit = \d+\n/m, '')).digest('hex');
    version = READINGS_V5.has(hash) ? 'v5' : READINGS_V4.has(hash) ? 'v4' : READINGS_V3.has(hash) ? 'v3' : READINGS_V2.has(hash) ? 'v2' : READINGS_V1.has(hash) ? 'v1' : READINGS_V0.has(hash) ? 'v0' : undefined;
  }
  if (readingsRead.size >= 1000) readingsRead.clear();
  readingsRead.set(lua, version);
  return version;
}

/**
 * What the current chunk reads besides v1's (name-readings.ts): `_method` as a JSON key at any
 * depth under any JSON type, and the bodies a backend reads that v1 passed unread.
 */
function bodyGuards(lua: string, method: string[], credential: string[], version: Readings): void {
  const watched = [...(/^local watched = \{(.*)\}$/m.exec(lua)?.[1] ?? '').matchAll(/\[("(?:[^"\\]|\\.)*")\] = true/g)].map((m) => luaText(m[1]!));
  const text = 'a body without Content-Type (read as a form and as JSON) or of any multipart type, in a content coding, with Content-Type or Content-Encoding sent twice, or JSON not UTF-8: read or refused 400 (pre-function)';
  // Not 2d02427's: a `Content_Type` line, which Kong >= 3.6 and Mongrel-family servers read as the type.
  const texts = [text, ...(version !== 'v2' ? ['Content-Type or Content-Encoding spelt with _: refused 400 (pre-function)'] : [])];
  const since1925d51 = version === 'current' || version === 'v5' || version === 'v4';
  // Since 1925d51's: names read with the four non-ASCII letters Go and Java fold (query-names.ts unicodeFold).
  if (since1925d51) texts.push('query, form and multipart names read with KELVIN SIGN, LONG S and dotless/dotted I as k, s, i (pre-function)');
  // Since 6167441's successor (not 6167441's): the JSON synonyms frameworks parse by default, read as JSON.
  if (version === 'current' || version === 'v5') texts.push('a body typed text/x-json, application/x-json or application/csp-report (Rails, Symfony, koa-bodyparser parse it as JSON): read as JSON (pre-function)');
  // Today's only (not 7b15f9b's): Rack 2's and qs's bracket spellings read as the name (query-names.ts leadingBrackets, arrayForm).
  if (version === 'current') texts.push(BRACKET_READING);
  if (watched.includes('_method')) method.push('_method in any spelling, a key of a JSON body at any depth under any JSON type: refused 400 (pre-function)', ...texts);
  if (watched.some((n) => n !== '_method') || /^local (body_watched|json_watched) = /m.test(lua)) credential.push(...texts);
  // Today's only: RFC 6750's token as a JSON key; request-transformer strips the top-level one under application/json.
  if (since1925d51 && watched.includes('access_token')) credential.push('access_token in any spelling, a key of a JSON body at any depth under any JSON reading (but the top-level one request-transformer strips): refused 400 (pre-function)');
}

/** What the kept-credentials post-function removes, line by line (unverifiedCredentialsLua). */
function keptGuards(lua: string): string[] {
  const out: string[] = [];
  for (const line of lua.split('\n')) {
    const strings = (line.match(STRING) ?? []).map(luaText);
    const unless = () => strings.slice(0, -1).join(' or ');
    if (/^\s*kong\.service\.request\.clear_header\(/.test(line)) out.push(`header ${strings[0]}: a spelling of a kept credential, removed (post-function)`);
    else if (/^\s*if by ~= .* then kong\.service\.request\.clear_header\(/.test(line)) out.push(`header ${strings.at(-1)}: removed unless ${unless()} verified the caller (post-function)`);
    else if (/^\s*if by ~= .* then drop_query\(/.test(line)) out.push(`query ${strings.at(-1)}: removed unless ${unless()} verified the caller (post-function)`);
    else if (/^\s*if by == "basic-auth" and kong\.request\.get_header\("proxy-authorization"\) ~= nil then$/.test(line)) out.push('header authorization and proxy-authorization: both removed when both were sent (post-function)');
  }
  return out;
}

/** The route's guards from its effective plugins (route over service over global). */
export function kongGuards(effective: Map<string, JsonObject>): Guards {
  const credential: string[] = [];
  const method: string[] = [];
  for (const lua of chunks(effective.get('pre-function'), QUERY_SPELLINGS_MARK)) credential.push(...spellingGuards(lua));
  for (const lua of chunks(effective.get('post-function'), UNVERIFIED_MARK)) credential.push(...keptGuards(lua));
  for (const lua of chunks(effective.get('pre-function'), NAME_READINGS_MARK)) {
    // Only gwc's own text (today's or the previous release's): an edited chunk is no guard.
    const version = readNameReadings(lua);
    if (version === undefined) continue;
    readingGuards(lua, method, credential);
    if (version !== 'v1' && version !== 'v0') bodyGuards(lua, method, credential, version);
  }
  // A bearer token not valid yet (jwt-claims.ts): the check itself, its skew read as the jwt
  // mechanism's clockSkewSeconds (deployed-normalise.ts), so a raised skew is jwt-clock-skew-raised.
  for (const lua of chunks(effective.get('pre-function'), JWT_NBF_MARK)) {
    const read = readJwtNbfRelease(lua);
    if (!read) continue;
    const { header } = read.check;
    credential.push(`bearer token in header ${header}: nbf ahead of the clock (past the skew) or not a number, refused 401 (pre-function)`);
    // The chunks before red team 8 read the exact name only: jwt (Kong >= 3.6, $http_) also reads X_Token for X-Token.
    if (read.everySpelling && /[-_]/.test(header)) credential.push(`bearer token in header ${header}: checked on every line in any -/_ spelling (pre-function)`);
    // The chunks before red team 12 let a second line pass: jwt (3.4) verified the first, a kept token's every line went on.
    if (read.oneLine) credential.push(`bearer token in header ${header}: a second line in any -/_ spelling refused 401 (pre-function)`);
    // The chunks of 5da6ef1 and before named no issuer: on an AND a token of any issuer Kong holds a key for passed.
    if (read.check.issuer !== undefined) credential.push(`bearer token in header ${header}: an iss claim other than ${JSON.stringify(read.check.issuer)} refused 401 (pre-function)`);
  }
  // https://docs.konghq.com/hub/kong-inc/request-transformer/: remove.querystring and remove.body
  // take names. gwc removes `_method` (and the spellings PHP reads as it) from both, and a hidden
  // query key, a bearer token's `?access_token=` or a body `access_token` (policies.ts).
  const rt = effective.get('request-transformer');
  const remove: Json | undefined = rt && rt.enabled !== false && isObject(rt.config) ? rt.config.remove : undefined;
  for (const where of ['querystring', 'body'] as const) {
    const names = isObject(remove) ? sortedStrings(remove[where]).map((n) => n.split(':')[0]!) : [];
    const place = where === 'body' ? 'body field' : 'query';
    for (const n of names) ((METHOD_OVERRIDE_QUERY_FORMS as readonly string[]).includes(n) ? method : credential).push(`${place} ${n}: removed (request-transformer)`);
  }
  // The header-family chunk's framing refusal (header-family.ts render): only today's text makes
  // it; the previous release's, which reads as the same names, passes `Transfer_Encoding` on.
  const family = chunks(effective.get('pre-function'), HEADER_FAMILY_MARK);
  const header = family.some(headerFamilyFraming)
    ? ['Transfer-Encoding or Content-Length spelt with `_` (a CGI-style backend frames the body by it): refused 400 (pre-function)']
    : [];
  // Today's only (f48ff69): a request Kong's plugins read cut off (more header lines or query pairs
  // than lua_max_req_headers / lua_max_uri_args) is refused; before, key-auth missed a second key.
  if (family.some(headerFamilyLimits)) header.push("more header lines or query pairs than Kong's plugins read (get_headers()/get_query() truncated): refused 431/414 (pre-function)");
  // The websocket guard (websocket-guard.ts): gwc's text (today's or a release's), so an edit reads as the checks gone.
  // An earlier release checked less (websocket-guard-releases.ts): each check names the release that added it.
  for (const lua of chunks(effective.get('pre-function'), WS_GUARD_MARK)) {
    const r = readWsGuardRelease(lua);
    const g = r?.guard;
    if (g?.token) credential.push('Sec-WebSocket-Protocol carrying a bearer token (a JWT, access_token, Bearer, k8s bearer.authorization.) on any line, in any -/_ spelling: refused 400 (pre-function)');
    if (g?.token && r!.release >= 3) credential.push('Sec-WebSocket-Protocol carrying a JWT in padded base64 (= + /): refused 400 (pre-function)');
    if (g?.token && r!.release >= 4) credential.push('Sec-WebSocket-Protocol carrying a marker element (authorization, auth, token, jwt) or an element starting header- or base64url. / base64url-: refused 400 (pre-function)');
    if (g?.token && r!.release >= 5) credential.push('Sec-WebSocket-Protocol carrying a credential word (id_token, refresh_token, auth_token, api_token, session_token, api_key, x-api-key; any -/_/. spelling): refused 400 (pre-function)');
    if (g?.origin === 'own') {
      header.push("an upgrade whose Origin is present and not the request's own host[:port]: refused 403 (pre-function)");
      if (r!.release >= 2) header.push("an upgrade whose Origin's scheme is not the request's (an http:// page of an https route): refused 403 (pre-function)");
    } else if (g?.origin) header.push(`an upgrade whose Origin is present and not one of ${g.origin.join(', ')}: refused 403 (pre-function)`);
  }
  return { credential: [...new Set(credential)].sort(), method: [...new Set(method)].sort(), header };
}
