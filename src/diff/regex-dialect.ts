/** A gateway's path regex (PCRE: Kong, nginx; RE2: Traefik; Rust regex: Kong ATC) read exactly in JS, or not at all. */

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f', word: '0-9A-Za-z_', blank: '\\t ', punct: '!-\\/:-@\\[-`{-~', cntrl: '\\x00-\\x1f\\x7f',
};
/** Escapes JS (no u flag) reads as the engines do; any other letter escape is not exact. */
const SAME_ESCAPE = /[dDwWsSbBnrtf0-9]/;

/**
 * `source` in a gateway's regex dialect as a JS RegExp, or null when it cannot be read exactly:
 * leading inline flags (?i) (?s) (?m) become flags, \A \z \Z anchors, [[:alpha:]] classes,
 * (?P<n>...) named groups; any other (?x construct or letter escape is not translated.
 */
export function jsRegex(source: string): RegExp | null {
  let flags = '';
  let s = source;
  for (let m = /^\(\?([ism]+)\)/.exec(s); m; m = /^\(\?([ism]+)\)/.exec(s)) {
    for (const f of m[1]!) if (!flags.includes(f)) flags += f;
    s = s.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) return null;
      i++;
      if (/[A-Za-z]/.test(n)) {
        if (!inClass && n === 'A') out += '(?<![\\s\\S])';
        else if (!inClass && n === 'z') out += '(?![\\s\\S])';
        else if (!inClass && n === 'Z') out += '(?=\\n?(?![\\s\\S]))';
        else if (SAME_ESCAPE.test(n) && !(inClass && n === 'b')) out += c + n;
        else if (n === 'x' && /^[0-9A-Fa-f]{2}/.test(s.slice(i + 1))) out += c + n;
        else return null;
      } else out += c + n;
      continue;
    }
    if (inClass) {
      if (c === '[' && s[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(s.slice(i));
        if (!m || m[1] || !POSIX[m[2]!]) return null;
        out += POSIX[m[2]!];
        i += m[0].length - 1;
        continue;
      }
      if (c === '[') return null; // nested class / set operation (Rust, Java): not JS
      if (c === ']' && !out.endsWith('[') && !out.endsWith('[^')) inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading ']' is a literal in PCRE/RE2, the end of an empty class in JS.
      if (s[i + 1] === '^') out += s[++i];
      if (s[i + 1] === ']') return null;
      continue;
    }
    if (c === '(' && s[i + 1] === '?') {
      const rest = s.slice(i + 2);
      const m = /^P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (m) {
        out += `(?<${m[1]}>`;
        i += 1 + m[0].length;
        continue;
      }
      if (!/^(:|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.test(rest)) return null;
    }
    // Possessive quantifiers (PCRE a++ a*+ a?+ a{n}+) are SyntaxErrors in JS already.
    out += c;
  }
  if (inClass) return null;
  try {
    return new RegExp(out, flags);
  } catch {
    return null;
  }
}
