/**
 * Which release of the query-spellings pre-function (query-spellings.ts) a deployed chunk is, and
 * the guards each makes (gwc diff: deployed-guards.ts kongGuards, deployed-chunks.ts gwcChunk).
 * The chunk is a function of its key name alone: its `local want, exact` line names the key
 * (`exact`) and the key as a backend reads it (`want`, the reading each pair's name is compared
 * to). Today's is rendered again from `exact`; an earlier release is known by the SHA-256 of its
 * text without that line, and the line itself must read `want` as nameAsRead(`exact`) (REV18: a
 * hand-edited `want` strips another name's spellings and leaves the key's own, yet hashed as gwc's).
 * Every release wrote `want` so for the key names Kong takes (auth.ts HEADER_NAME: no brackets,
 * no blanks), so one check covers them all. Each release reads fewer spellings than the next, so
 * an older one reads as a subset of the guards (a downgrade shows what it loses, an upgrade what it
 * adds: `tightened`), never as unread Lua. Fixtures: test/security/fixtures/kong-query-spellings-*.lua.
 */
import { createHash } from 'node:crypto';
import { luaText } from './lua-text.js';
import { nameAsRead, querySpellingsLua } from './query-spellings.js';

/** A string literal as luaString writes it: [A-Za-z0-9_] and `\ddd` escapes only. */
const STR = String.raw`"(?:[A-Za-z0-9_]|\\\d{3})*"`;
const WANT_LINE = new RegExp(`^local want, exact = (${STR}), (${STR})\\n`, 'm');

/** The releases, oldest first: each reads every spelling the one before it reads, and more. */
const ORDER = ['first', 'array', 'nul', 'fold', 'current'] as const;
export type SpellingsRelease = (typeof ORDER)[number];

/** SHA-256 of each earlier release's text less its `local want, exact` line. */
const RELEASES: Record<string, SpellingsRelease> = {
  // f2b2c26..bbcca59: no array or hash form (api_key[]=, api_key[0]= passed), no NUL end.
  b851677f2fbe4aeccc7a73d6fc63f8f206b4815a24f561e794e7af95f93faa26: 'first',
  // 0de71cd: the one query-name rule (array and hash forms read as the name); a NUL inside a name kept.
  '9019161a6290cb26f17ff47e947343a65863af2f614e90f913d40d9606532160': 'array',
  // 08562f9..2d02427: a name ends at its first NUL; KELVIN SIGN, LONG S, dotless/dotted I not folded.
  '70308197b4da624d4ce59914a32c718e8c845a5be085d2410e363ac3576b3bed': 'nul',
  // 888fe7a..7b15f9b: the non-ASCII folding; Rack 2's and qs's bracket runs not stripped (red team 17).
  '32e3ae5282c8595cda342933225b819dbd8afd643b8aa1894897e38398af7a18': 'fold',
};

const read = new Map<string, SpellingsRelease | undefined>();

/** The release `lua` is, or undefined: not gwc's text (edited, or a `want` that is not the key's reading). */
export function querySpellingsRelease(lua: string): SpellingsRelease | undefined {
  if (read.has(lua)) return read.get(lua);
  const line = WANT_LINE.exec(lua);
  let release: SpellingsRelease | undefined;
  if (line) {
    const exact = luaText(line[2]!);
    if (querySpellingsLua(exact) === lua) release = 'current';
    else if (luaText(line[1]!) === nameAsRead(exact)) release = RELEASES[createHash('sha256').update(lua.replace(line[0], '')).digest('hex')];
  }
  if (read.size >= 1000) read.clear();
  read.set(lua, release);
  return release;
}

/**
 * What the chunk removes: the other spellings of its key (any chunk with the mark: an edited one
 * is unread-changed besides, deployed-unread.ts), and each reading the release it is makes.
 */
export function spellingGuards(lua: string): string[] {
  const exact = /^local want, exact = ("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")$/m.exec(lua)?.[2];
  const key = exact === undefined ? 'a key' : luaText(exact);
  const release = querySpellingsRelease(lua);
  const since = (r: SpellingsRelease) => release !== undefined && ORDER.indexOf(release) >= ORDER.indexOf(r);
  const at = (what: string) => `query: spellings of ${key} ${what} removed (pre-function)`;
  return [
    at('a backend reads as the key'),
    ...(since('array') ? [at(`in the array and hash forms PHP, Rack and qs read as the key (${key}[], ${key}[0], ${key}[a][b])`)] : []),
    ...(since('nul') ? [at('cut at their first NUL byte, as backends read a name')] : []),
    ...(since('fold') ? [at('with KELVIN SIGN, LONG S and dotless/dotted I read as k, s, i')] : []),
    ...(since('current') ? [at(`with a leading [ ] run or a trailing ] as Rack 2 and qs read them ([${key}], ]${key}, ${key}])`)] : []),
  ];
}
