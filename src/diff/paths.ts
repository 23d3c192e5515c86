import { jsRegex } from './regex-dialect.js';
/**
 * The request paths a route answers, in one form every reader can write (`Facts.route.paths`: JS
 * regular expressions over the path): so `gwc diff` can ask which remaining route answers the path
 * of a route that went away or moved (plan.ts fallThrough). Target neutral; readers convert their matchers.
 */

const SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** A regular expression source matching `text` exactly as written. */
export const escapeRegex = (text: string): string => text.replace(SPECIAL, '\\$&');

/** `^...$` matching exactly `path`. */
export const exactPath = (path: string): string => `^${escapeRegex(path)}$`;

/** `^...` matching `prefix` and everything below it (Kong plain paths, Traefik PathPrefix). */
export const prefixPath = (prefix: string): string => `^${escapeRegex(prefix)}`;

/**
 * One path `source` answers, built from the expression itself: literals as written, each class or
 * `.` one character that is no separator (`g` where it may be), `*` and `?` nothing, `+` and
 * `{n,m}` the least they take, the first alternative of a group. A template's parameters so read
 * as `g`, which no spec's literal segment is likely to be: the path is one the route itself
 * answered rather than a more specific neighbour. Undefined for what it cannot read (lookaround,
 * back references) or a sample the expression does not match.
 */
export function samplePath(source: string): string | undefined {
  // The gateway's leading inline flags ((?i) of nginx `~*`, Kong, Traefik) are no path text.
  const flags = /^(?:\(\?[ism]+\))+/.exec(source)?.[0] ?? '';
  const body = source.slice(flags.length);
  const reader = { text: body, at: 0 };
  let out: string | undefined;
  try {
    out = alternatives(reader);
    if (out === undefined || reader.at !== body.length || !(jsRegex(source)?.test(out) ?? false)) return undefined;
  } catch {
    return undefined;
  }
  return out;
}

/**
 * samplePath's path, and for a case-blind expression (`(?i)`) the same path upper-cased too: the
 * paths a route answers that a case-sensitive neighbour does not (`~` made `~*`: route-widened).
 */
export function samplePaths(source: string): string[] {
  const s = samplePath(source);
  if (s === undefined) return [];
  const upper = s.toUpperCase();
  return upper !== s && jsRegex(source)?.flags.includes('i') ? [s, upper] : [s];
}

/**
 * Paths that tell a route's expression from a wider one (routeWidened): samplePath's path of each
 * top-level alternative (`^/a$|^/b$`: both), its upper-cased form under `(?i)`, and each of those
 * extended by a character, a segment and a trailing slash (a prefix, `.*` or `/?` for an exact
 * path answers them).
 */
export function probePaths(source: string): string[] {
  const flags = /^(?:\(\?[ism]+\))+/.exec(source)?.[0] ?? '';
  const body = source.slice(flags.length);
  const reader = { text: body, at: 0 };
  const samples: string[] = [];
  try {
    for (;;) {
      const seq = sequence(reader);
      if (seq !== undefined) samples.push(seq);
      if (reader.text[reader.at] !== '|') break;
      reader.at++;
    }
  } catch {
    return [];
  }
  const re = jsRegex(source);
  if (!re || reader.at !== body.length) return [];
  const all = samples.filter((s) => re.test(s)).flatMap((s) => (re.flags.includes('i') && s.toUpperCase() !== s ? [s, s.toUpperCase()] : [s]));
  return [...new Set(all.flatMap((s) => [s, `${s}g`, `${s}/gwcx`, `${s}/`]))];
}

interface Reader { text: string; at: number }

const FILLER = 'gwcx0-_~';

/** `a|b|...` up to the group's end: the first alternative that can be read. */
function alternatives(r: Reader): string | undefined {
  let first: string | undefined;
  let readable = false;
  for (;;) {
    const seq = sequence(r);
    if (!readable && seq !== undefined) [first, readable] = [seq, true];
    if (r.text[r.at] !== '|') break;
    r.at++;
  }
  return readable ? first : undefined;
}

function sequence(r: Reader): string | undefined {
  let out = '';
  let ok = true;
  while (r.at < r.text.length && r.text[r.at] !== '|' && r.text[r.at] !== ')') {
    const atom = readAtom(r);
    const times = quantifier(r);
    if (atom === undefined) ok = false;
    else out += atom.repeat(times);
  }
  return ok ? out : undefined;
}

/** The least repetitions the quantifier after an atom takes (1 without one); a lazy `?` is read. */
function quantifier(r: Reader): number {
  const c = r.text[r.at];
  let n = 1;
  if (c === '*' || c === '?') [n, r.at] = [0, r.at + 1];
  else if (c === '+') r.at++;
  else if (c === '{') {
    const m = /^\{(\d+)(?:,\d*)?\}/.exec(r.text.slice(r.at));
    if (!m) return 1;
    [n, r.at] = [Number(m[1]), r.at + m[0].length];
  } else return 1;
  if (r.text[r.at] === '?') r.at++;
  return n;
}

function readAtom(r: Reader): string | undefined {
  const c = r.text[r.at++]!;
  if (c === '^' || c === '$') return '';
  if (c === '.') return 'g';
  if (c === '[') return charClass(r);
  if (c === '\\') return escaped(r.text[r.at++]);
  if (c !== '(') return c;
  if (r.text[r.at] === '?') {
    const named = /^\?<[A-Za-z_][A-Za-z0-9_]*>/.exec(r.text.slice(r.at));
    if (named) r.at += named[0].length;
    else if (r.text.startsWith('?:', r.at)) r.at += 2;
    else throw new Error('lookaround'); // (?= (?! (?<= (?<!
  }
  const inner = alternatives(r);
  if (r.text[r.at++] !== ')') throw new Error('unclosed group');
  return inner;
}

function escaped(c: string | undefined): string | undefined {
  if (c === undefined) throw new Error('trailing escape');
  if (c === 'd') return '0';
  if (c === 'w') return 'g';
  // RE2/PCRE anchors (\A start, \z \Z end): no path text.
  if (c === 'A' || c === 'z' || c === 'Z') return '';
  if (/[0-9A-Za-z]/.test(c)) throw new Error('escape'); // \b, \s, back references: not read
  return c;
}

/** `[...]` or `[^...]`: a member (the first one), or the first filler character it does not exclude. */
function charClass(r: Reader): string | undefined {
  const negated = r.text[r.at] === '^';
  if (negated) r.at++;
  const members: string[] = [];
  let first = true;
  while (r.at < r.text.length && (r.text[r.at] !== ']' || first)) {
    first = false;
    let c = r.text[r.at++]!;
    if (c === '\\') {
      c = r.text[r.at++]!;
      const hex = c === 'x' ? /^[0-9A-Fa-f]{2}/.exec(r.text.slice(r.at))?.[0] : undefined;
      if (hex) [c, r.at] = [String.fromCharCode(parseInt(hex, 16)), r.at + 2]; // \xHH (Kong's control-byte exclusion)
      else if (/[A-Za-z0-9]/.test(c)) throw new Error('class escape');
    }
    if (r.text[r.at] === '-' && r.text[r.at + 1] !== ']' && r.at + 1 < r.text.length) {
      const end = r.text[r.at + 1]!;
      r.at += 2;
      for (let x = c.charCodeAt(0); x <= end.charCodeAt(0) && members.length < 512; x++) members.push(String.fromCharCode(x));
    } else members.push(c);
  }
  if (r.text[r.at++] !== ']') throw new Error('unclosed class');
  if (!negated) return members.find((m) => FILLER.includes(m)) ?? members[0];
  return [...FILLER].find((f) => !members.includes(f) && f !== '/');
}

/** An OpenAPI path template as an expression: `{x}` one segment, `{x+}` (API Gateway greedy) the rest. */
export function templatePath(template: string): string {
  const parts = template.split(/(\{[^}]*\})/);
  return `^${parts.map((p) => (/^\{[^}]*\+\}$/.test(p) ? '.+' : /^\{[^}]*\}$/.test(p) ? '[^/]+' : escapeRegex(p))).join('')}$`;
}

/** Whether any of `sources` matches `path` (an expression JS cannot compile matches nothing). */
export function answers(sources: readonly string[], path: string): boolean {
  // The gateway's dialect read as precedence.ts reads it; one not exactly readable answers every path (fail closed).
  return sources.some((s) => jsRegex(s)?.test(path) ?? true);
}
