/**
 * Traefik v3 router rules, built so user text can never change their meaning.
 *
 * Rules are parsed by vulcand/predicate with Go's expression parser, so each argument is a Go
 * string literal: a raw `backquoted` string, or an interpreted "..." string where the text holds a
 * backquote (https://doc.traefik.io/traefik/routing/routers/#rule). Regular expressions are Go RE2;
 * gwc only writes the subset RE2 and JavaScript read the same way (escaped literals, classes,
 * anchors), so tests can evaluate the rules in JavaScript.
 */
import type { PathSegment } from '../../model/types.js';
import { paramValueRegex } from '../param-value.js';

/** Text a rule cannot hold (`value`: '' or text with a control character); reported as its own code by index.ts. */
export class RuleTextError extends Error {
  constructor(readonly value: string) {
    super(value === '' ? 'empty matcher argument (Traefik rejects it)' : `"${JSON.stringify(value)}" holds a control character`);
  }
}

/** Control characters, lone surrogates and the Unicode line separators are refused everywhere. */
export const UNSAFE_TEXT = /[\0-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every character UNSAFE_TEXT can match (any surrogate, paired or not): one scan without lookarounds. */
const MAYBE_UNSAFE = /[\0-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

/**
 * `UNSAFE_TEXT.test(text)`, the cheap scan first: a text with none of its characters (nearly every
 * text) is answered by it alone, about twice as fast on a 10,000-route configuration (#18).
 */
export function unsafeText(text: string): boolean {
  return MAYBE_UNSAFE.test(text) && UNSAFE_TEXT.test(text);
}

/** A Go string literal holding exactly `text`. */
export function goString(text: string): string {
  if (text === '') throw new RuleTextError(text);
  if (unsafeText(text)) throw new RuleTextError(text);
  if (!text.includes('`')) return `\`${text}\``;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Escapes every RE2 metacharacter; `\` before punctuation is a literal in both RE2 and JS. */
export function reEscape(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/**
 * One parameter value. Traefik matches PathRegexp on the decoded path (req.URL.Path), so `%3B`,
 * `%2F`, `%5C` arrive here as `;`, `/`, `\`. A value holding `;` (`me;`, `..;x`) or `\` is read
 * by Tomcat/Spring-style backends as another path (`/users/me`, a parent), which may be protected
 * differently, and a literal `%` (sent as `%25`) would be decoded a second time by some; the dot
 * segments `.` and `..` name the segment itself or its parent; a control byte (`%00`) ends a name
 * for a backend in C or PHP. All are refused (no router matches: 404), whatever the entry point's
 * sanitizePath and encodedCharacters settings (https://doc.traefik.io/traefik/security/request-path/).
 * The set is the one every target reads (../param-value.ts), written without lookahead, which RE2 lacks.
 */
const PARAM = paramValueRegex({ group: 'plain' });

/** The anchored regex for a public path: a parameter is exactly one non-empty segment (DESIGN.md section 3). */
export function pathRegex(segments: PathSegment[]): string {
  const p = PARAM;
  const seg = (s: PathSegment): string => {
    if (s.kind === 'literal') return reEscape(s.value);
    if (s.kind === 'param') return p;
    return s.parts.map((x) => ('literal' in x ? reEscape(x.literal) : p)).join('');
  };
  return `^${segments.map((s) => `/${seg(s)}`).join('')}$`;
}

export const m = {
  host: (h: string) => `Host(${goString(h)})`,
  pathRegexp: (re: string) => `PathRegexp(${goString(re)})`,
  method: (x: string) => `Method(${goString(x)})`,
  header: (k: string, v: string) => `Header(${goString(k)}, ${goString(v)})`,
  headerRegexp: (k: string, re: string) => `HeaderRegexp(${goString(k)}, ${goString(re)})`,
  queryRegexp: (k: string, re: string) => `QueryRegexp(${goString(k)}, ${goString(re)})`,
};

/** `or()` always parenthesises, so a conjunction never needs to. */
export function and(parts: string[]): string {
  return parts.join(' && ');
}

export function or(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
}

/** A case-insensitive prefix without inline flags (JS and RE2 disagree on `(?i)` support). */
export function caseInsensitivePrefix(word: string): string {
  return `^${[...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : reEscape(c))).join('')}`;
}
