/**
 * How a lenient backend reads a query parameter name: the one rule behind every target's
 * "spellings a backend reads as the credential" (nginx's njs nameAsRead, Kong's query-spellings
 * pre-function). The table says it once; {@link queryNameAsRead} is its reference reading and
 * {@link queryNameAsReadLua} renders it for Kong (test/security/query-name-rule.test.ts holds the
 * njs runtime's own copy to the same answers).
 *
 * - `+` is a space (form encoding) and `%XX` is decoded where well formed (an invalid escape stays);
 * - the name ends at its first NUL (PHP's php_register_variable_ex takes the decoded name as a C
 *   string, main/php_variables.c: `api_key%00x=v` is `$_GET['api_key']`, `_method%00` is `_method`);
 * - blanks around the name go (PHP strips leading spaces; trimming both ends reads more names as
 *   the credential, the safe direction);
 * - ASCII letters fold (ASP.NET reads query names case-blind), and so do the four non-ASCII letters
 *   a Unicode case-blind reader takes for ASCII ones: KELVIN SIGN as `k`, LONG S as `s` (Go's
 *   strings.EqualFold: Echo binds `?ſession=` to a field named `session` when no exact name is
 *   there), dotless and dotted I as `i` (Java's equalsIgnoreCase), each as its UTF-8 bytes after
 *   decoding (ASP.NET's OrdinalIgnoreCase folds none of them: dotnet/runtime pal_casing.c);
 * - a leading run of `[`, `]` (and blanks among them) goes: Rack 2 (Rails <= 7.0) reads a name as
 *   `\A[\[\]]*([^\[\]]+)\]*` (Rack::Utils.normalize_params), so `[api_key]`, `[[api_key]]`,
 *   `]api_key` and `%5Dapi_key` are `params['api_key']`; Express's qs reads `[api_key]` as `api_key`.
 *   PHP drops a name starting with `[` (php_register_variable_ex: an empty name), so nothing is lost;
 * - then a name holding a `]` ends at its first `[` or `]`: the array and hash forms (`api_key[]`,
 *   `api_key[0]`, `api_key[a][b]`: PHP, Rack, qs) and Rack 2's `api_key]`, `api_key]]`, `api_key]x`
 *   (its `\]*` eats the run and nests the rest under `api_key`); a `[` no `]` follows stays (PHP reads
 *   it as `_` below). Empty after this (`[]`, `]]`, `[`) is the empty name (Rack 2 and PHP drop it);
 * - a space, `.` or `[` reads as `_` (PHP: `api.key`, `api key`, `api[key` are `$_GET['api_key']`).
 */

export const QUERY_NAME_RULE = {
  plusIsSpace: true,
  percentDecode: true,
  /** The decoded name ends at its first NUL (PHP reads names as C strings). */
  nulEnds: true,
  /** Blanks trimmed around the name: JavaScript's trim() on the bytes a decode can give (NBSP included). */
  blanks: '\t\n\v\f\r \u00a0',
  asciiCaseFold: true,
  /** Non-ASCII letters read as the ASCII letter (their UTF-8 bytes, after decoding): Go's EqualFold, Java's equalsIgnoreCase. */
  unicodeFold: { '\u212a': 'k', '\u017f': 's', '\u0131': 'i', '\u0130': 'i' },
  /** A leading run of `[`/`]` (blanks among them) goes (Rack 2's `\A[\[\]]*`). */
  leadingBrackets: true,
  /** A name holding a `]` ends at its first `[` or `]` (array/hash forms; Rack 2's trailing `]`). */
  arrayForm: true,
  asUnderscore: ' .[',
} as const;

const blankClass = `[${[...QUERY_NAME_RULE.blanks].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`;
const LEAD = new RegExp(`^${blankClass}+`);
const TRAIL = new RegExp(`${blankClass}+$`);
const trim = (s: string) => s.replace(LEAD, '').replace(TRAIL, '');
const LEAD_BRACKETS = new RegExp(`^[${[...QUERY_NAME_RULE.blanks].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}\\[\\]]+`);

/** QUERY_NAME_RULE.unicodeFold as (UTF-8 bytes, one char a byte) -> ASCII letter. */
const FOLDED: ReadonlyArray<readonly [string, string]> = Object.entries(QUERY_NAME_RULE.unicodeFold).map(([c, a]) => [Buffer.from(c, 'utf8').toString('latin1'), a] as const);

const READ = new Map<string, string>();

/** A raw query name (as sent, %XX and `+` included) as the table reads it; each byte of a decode is one character (Latin-1). */
export function queryNameAsRead(raw: string): string {
  // A pure function of `raw` (the rule is constant), asked for the same few names on every route
  // (`_method`, each scheme's credential name: #18, ~30,000 readings of a handful of names, each
  // building its RegExp, in a lint of synthetic-10000): read once per name. Bounded.
  let read = READ.get(raw);
  if (read === undefined) {
    if (READ.size >= 10_000) READ.clear();
    READ.set(raw, (read = readName(raw)));
  }
  return read;
}

function readName(raw: string): string {
  let n = QUERY_NAME_RULE.plusIsSpace ? raw.replace(/\+/g, ' ') : raw;
  if (QUERY_NAME_RULE.percentDecode) n = n.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  if (QUERY_NAME_RULE.nulEnds) n = n.split('\0')[0]!;
  n = trim(n);
  for (const [bytes, ascii] of FOLDED) n = n.split(bytes).join(ascii);
  if (QUERY_NAME_RULE.asciiCaseFold) n = n.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (QUERY_NAME_RULE.leadingBrackets) n = n.replace(LEAD_BRACKETS, '');
  // After the leading run the name starts with no bracket, so a cut is never at 0 (the old `[` check).
  if (QUERY_NAME_RULE.arrayForm && n.includes(']')) n = trim(n.slice(0, n.search(/[[\]]/)));
  return n.replace(new RegExp(`[${QUERY_NAME_RULE.asUnderscore.replace(/[\]\\[^-]/g, '\\$&')}]`, 'g'), '_');
}

/** A Lua pattern class of `chars`, each as a `\ddd` escape. */
const luaClass = (chars: string) => `[${[...chars].map((c) => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`).join('')}]`;

/**
 * The Lua (5.1/LuaJIT, Kong's default sandbox) of `decode(s)` and `as_read(raw)`: the same reading
 * as {@link queryNameAsRead}, byte for byte.
 */
export function queryNameAsReadLua(): string[] {
  // The rule is constant: its Lua is written once (every Kong route's pre-function asks, #18).
  return [...(readLua ??= renderQueryNameAsReadLua())];
}
let readLua: readonly string[] | undefined;

function renderQueryNameAsReadLua(): string[] {
  const blanks = luaClass(QUERY_NAME_RULE.blanks);
  return [
    'local function decode(s)',
    '  return (string.gsub(s, "%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))',
    'end',
    `local function trim(s) return (string.match(s, "^${blanks}*(.-)${blanks}*$")) end`,
    'local function as_read(raw)',
    `  local n = decode(${QUERY_NAME_RULE.plusIsSpace ? '(string.gsub(raw, "%+", " "))' : 'raw'})`,
    // A plain find: Lua 5.1 patterns cannot hold a NUL byte (%z is 5.1's class, gone in 5.2+).
    ...(QUERY_NAME_RULE.nulEnds ? ['  local nul = string.find(n, "\\0", 1, true)', '  if nul then n = string.sub(n, 1, nul - 1) end'] : []),
    '  n = trim(n)',
    // Plain patterns: bytes past 127 are no pattern characters.
    ...FOLDED.map(([bytes, ascii]) => `  n = string.gsub(n, "${[...bytes].map((c) => `\\${c.charCodeAt(0)}`).join('')}", "${ascii}")`),
    ...(QUERY_NAME_RULE.asciiCaseFold ? ['  n = string.lower(n)'] : []),
    // `%[%]` inside the class: a `\093` escape is a `]` by the time the pattern is read, and would close it.
    ...(QUERY_NAME_RULE.leadingBrackets ? [`  n = (string.gsub(n, "^${luaClass(QUERY_NAME_RULE.blanks).slice(0, -1)}%[%]]+", ""))`] : []),
    ...(QUERY_NAME_RULE.arrayForm ? ['  if string.find(n, "]", 1, true) then n = trim(string.sub(n, 1, string.find(n, "[%[%]]") - 1)) end'] : []),
    `  return (string.gsub(n, "${luaClass(QUERY_NAME_RULE.asUnderscore)}", "_"))`,
    'end',
  ];
}
