/**
 * Whether a deployed Lua chunk that starts with one of gwc's marks is a gwc release (gwc diff).
 * The readers of gwc's chunks (deployed-guards.ts, cache-bypass.ts, header-family.ts) read the names
 * each chunk removes; some read a chunk line by line (the kept-credentials post-function) or by one
 * line (query spellings), so Lua added inside a marked chunk
 * (`kong.service.request.set_header('X-Consumer', 'admin')`) was read as gwc's. A marked chunk is
 * gwc's only when its whole text is today's for the parameters it names, or an earlier release the
 * readers know (by rendering again or by hash: the Kong chunk release fixtures,
 * test/security/fixtures/kong-*.lua); any other is Lua gwc did not write (deployed-unread.ts:
 * unread-changed, security either way). Tests: test/security/diff-kong-chunk-bodies.test.ts.
 */
import { CACHE_BYPASS_MARK, readCacheBypass } from './cache-bypass.js';
import { HEADER_FAMILY_MARK, readHeaderFamily } from './header-family.js';
import { JWT_NBF_MARK, readJwtNbfRelease } from './jwt-claims.js';
import { NAME_READINGS_MARK } from './name-readings.js';
import { QUERY_SPELLINGS_MARK } from './query-spellings.js';
import { querySpellingsRelease } from './query-spellings-releases.js';
import { UNVERIFIED_BASIC, UNVERIFIED_HEAD, UNVERIFIED_MARK } from './unverified-credentials.js';
import { readNameReadings } from './deployed-guards.js';
import { WS_GUARD_MARK } from './websocket-guard.js';
import { readWsGuardRelease } from './websocket-guard-releases.js';

/** A string literal as luaString writes it: [A-Za-z0-9_] and `\ddd` escapes only. */
const STR = String.raw`"(?:[A-Za-z0-9_]|\\\d{3})*"`;
const esc = (line: string) => line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `by ~= "<plugin>"`, joined by ` and `, as unverifiedCredentialsLua writes it (luaString of the plugin names). */
const BY = String.raw`by ~= "(?:key\\045auth|basic\\045auth|jwt)"`;
/**
 * The kept-credentials post-function's per-route lines, in the order gwc writes them: the other
 * spellings cleared, basic's both-headers block, each kept header or query name dropped unless its
 * plugin verified the caller. Nothing else sits between its fixed head and its last `end`.
 */
const UNVERIFIED_BODY = new RegExp(
  [
    `(?:  kong\\.service\\.request\\.clear_header\\(${STR}\\)\\n)*`,
    `(?:${UNVERIFIED_BASIC.map((l) => `${esc(l)}\\n`).join('')})?`,
    `(?:  if ${BY}(?: and ${BY})* then kong\\.service\\.request\\.clear_header\\(${STR}\\) end\\n)*`,
    `(?:  if ${BY}(?: and ${BY})* then drop_query\\(${STR}\\) end\\n)*`,
  ].join(''),
);
const UNVERIFIED_TEXT = new RegExp(`^${esc(UNVERIFIED_HEAD.join('\n'))}\\n${UNVERIFIED_BODY.source}end\\n$`);

const known = new Map<string, boolean>();

/** Whether `lua` (a chunk starting with one of gwc's marks) is a gwc release. Memoised: a deployed gwc file shares a few texts. */
export function gwcChunk(lua: string): boolean {
  let is = known.get(lua);
  if (is !== undefined) return is;
  if (lua.startsWith(`${CACHE_BYPASS_MARK}\n`)) is = readCacheBypass(lua) !== undefined;
  else if (lua.startsWith(`${HEADER_FAMILY_MARK}\n`)) is = readHeaderFamily(lua) !== undefined;
  else if (lua.startsWith(`${JWT_NBF_MARK}\n`)) is = readJwtNbfRelease(lua) !== undefined;
  else if (lua.startsWith(`${NAME_READINGS_MARK}\n`)) is = readNameReadings(lua) !== undefined;
  // Today's text for its key, or an earlier release by hash with its want line checked (query-spellings-releases.ts).
  else if (lua.startsWith(`${QUERY_SPELLINGS_MARK}\n`)) is = querySpellingsRelease(lua) !== undefined;
  else if (lua.startsWith(`${UNVERIFIED_MARK}\n`)) is = UNVERIFIED_TEXT.test(lua);
  // Today's text for the guard its lines name, or an earlier release by hash (websocket-guard-releases.ts).
  else if (lua.startsWith(`${WS_GUARD_MARK}\n`)) is = readWsGuardRelease(lua) !== undefined;
  else is = false;
  if (known.size >= 1000) known.clear();
  known.set(lua, is);
  return is;
}
