/**
 * What one path parameter value may hold, on every target that can restrict it (DESIGN.md 7.5:
 * what the gateway forwards cannot be read by the backend as a different, protected route). One
 * definition, read by the nginx, Kong and Traefik path regexes and by the tests that hold them to it
 * (test/security/param-value-guard.test.ts), so the three cannot drift (red team 16: nginx's
 * `[^/]+` took `..\admin\1` and `%2e%2e%2f` spelled with `%25` while Kong and Traefik refused them).
 *
 * Each gateway matches on the decoded path (nginx `$uri`, Kong's normalised path, Traefik's
 * req.URL.Path), so a value is refused when it holds, decoded once:
 * - `/`: a parameter is one segment (section 3, rule 2);
 * - `;`: Tomcat/Spring read `me;x` as `me` and `..;` as `..`;
 * - `%` (sent `%25`): a backend behind another proxy, or a framework decoding a route value again,
 *   reads `%2e%2e%2f` as `../`;
 * - `\` (raw or `%5C`): IIS/http.sys and Tomcat with allowBackslash read it as `/`, so `..\admin`
 *   climbs;
 * - a control byte (`%00`-`%1F`, `%7F`): a backend in C or PHP ends a name at NUL (`me%00` is `me`);
 * - a whole `.` or `..`: the segment itself or its parent.
 * Non-ASCII text passes (names in any script are ordinary values): the fullwidth and compatibility
 * spellings of `/`, `\` and `.` (U+FF0F, U+FF3C, U+FF0E, U+2024) become ASCII only under NFKC, which
 * none of the backends above applies to a path (test/security/param-value-guard.test.ts pins it).
 *
 * Not expressible on API Gateway (a resource `{x}` takes any segment; request validation checks
 * presence, not pattern): aws/confusable.ts refuses the routes a value could turn into others there.
 */

/** Single characters a value never holds (after the gateway's one decoding). */
export const PARAM_VALUE_REFUSED_CHARS = ['/', ';', '%', '\\'] as const;
/** Code-point ranges a value never holds: the C0 controls and DEL. */
export const PARAM_VALUE_REFUSED_RANGES = [
  [0x00, 0x1f],
  [0x7f, 0x7f],
] as const;
/** Whole values refused: dot segments. */
export const PARAM_VALUE_REFUSED_WHOLE = ['.', '..'] as const;

/** Whether `value` (decoded, as the gateway matches it) is a value every target routes. */
export function paramValueAllowed(value: string): boolean {
  if (value === '' || (PARAM_VALUE_REFUSED_WHOLE as readonly string[]).includes(value)) return false;
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if ((PARAM_VALUE_REFUSED_CHARS as readonly string[]).includes(ch)) return false;
    if (PARAM_VALUE_REFUSED_RANGES.some(([lo, hi]) => c >= lo && c <= hi)) return false;
  }
  return true;
}

const hex = (c: number): string => `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * The negated character class of the refused characters, with `extra` refused too. Written with
 * `\xHH` escapes and `\\` only, which PCRE (nginx), Rust's regex crate and PCRE (Kong), RE2
 * (Traefik) and JavaScript all read the same way.
 */
function refusedClass(extra = ''): string {
  const chars = PARAM_VALUE_REFUSED_CHARS.map((c) => (c === '\\' ? '\\\\' : c)).join('');
  const ranges = PARAM_VALUE_REFUSED_RANGES.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
  return `[^${chars}${extra}${ranges}]`;
}

/**
 * One parameter value as a regex, without look-around (RE2 and Rust's regex crate have none): it
 * starts with a non-dot, or one dot and a non-dot, or two dots and something, so `.` and `..` alone
 * never match. `lazy` makes the repetitions lazy, for a parameter beside literal text in one
 * segment where a target splits the segment at the first literal (nginx's `{a}.{b}`).
 */
export function paramValueRegex(opts: { lazy?: boolean; group?: 'none' | 'plain' } = {}): string {
  const q = opts.lazy ? '?' : '';
  const ch = refusedClass();
  const noDot = refusedClass('.');
  const alts = `${noDot}${ch}*${q}|\\.${noDot}${ch}*${q}|\\.\\.${ch}+${q}`;
  return opts.group === 'plain' ? `(${alts})` : `(?:${alts})`;
}
