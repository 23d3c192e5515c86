/**
 * What a scalar's text means, as yaml 2 reads it (see yaml-fast.ts): plain scalars resolved by
 * the core schema, double-quoted escapes, where a quoted scalar closes, and a key's data key and
 * lookup name. Pure functions of the text: the block and flow readers share them.
 */
import { bail, find } from './yaml-fast-lines.js';

/** The closing `"` of a double-quoted scalar in s[i, end) (escapes skipped), or -1. */
export function closeDouble(s: string, i: number, end: number): number {
  for (let j = i; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x22) return j;
    if (c === 0x5c) j++;
  }
  return -1;
}

/** The closing `'` of a single-quoted scalar in s[i, end) (`''` is a quote inside it), or -1. */
export function closeSingle(s: string, i: number, end: number): number {
  for (let j = i; ; ) {
    const k = find(s, 0x27, j, end);
    if (k >= end) return -1;
    if (k + 1 < end && s.charCodeAt(k + 1) === 0x27) {
      j = k + 2;
      continue;
    }
    return k;
  }
}

/** How many `\\` end `s` (an odd count escapes what follows). */
export function trailingBackslashes(s: string): number {
  let n = 0;
  while (s.charCodeAt(s.length - 1 - n) === 0x5c) n++;
  return n;
}

/** YAML 1.2 section 5.7's escapes, as yaml decodes them. */
const ESCAPES = new Map(Object.entries({ '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' }));
const HEX_DIGITS = new Map(Object.entries({ x: 2, u: 4, U: 8 }));
const HEX_ESCAPE = /^[0-9a-fA-F]+$/;

/** The text of a double-quoted scalar's line (between its quotes or its line ends). */
export function unescapeDouble(raw: string): string {
  let i = raw.indexOf('\\');
  if (i === -1) return raw;
  let out = '';
  let start = 0;
  for (; i !== -1; i = raw.indexOf('\\', start)) {
    out += raw.slice(start, i);
    const e = raw[i + 1] ?? bail();
    const simple = ESCAPES.get(e);
    if (simple !== undefined) {
      out += simple;
      start = i + 2;
      continue;
    }
    const n = HEX_DIGITS.get(e) ?? bail();
    const hex = raw.slice(i + 2, i + 2 + n);
    if (hex.length !== n || !HEX_ESCAPE.test(hex)) bail();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) bail();
    out += String.fromCodePoint(code);
    start = i + 2 + n;
  }
  return out + raw.slice(start);
}


const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/** A plain scalar as yaml 2's core schema resolves it (yaml/dist/schema/core, in its order). */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only these can start a non-string: digits, sign, dot, ~, n/N, t/T, f/F (and '' for null).
  if (s.length > 0 && !((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x7e || 'nNtTfF'.includes(s[0]!))) return s;
  // A letter starts only null or a bool, both 4 or 5 letters (`name`, `type`, `format` are most
  // keys: no regex for them, #18).
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) {
    if (s.length !== 4 && s.length !== 5) return s;
    if (NULL.test(s)) return null;
    return BOOL.test(s) ? s[0] === 't' || s[0] === 'T' : s;
  }
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (HEX.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_INF.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** 1 for the characters a plain scalar resolvePlain may read as other than its text starts with (digits, + - . ~ n N t T f F). */
export const MAY_RESOLVE = new Uint8Array(128);
for (const c of '0123456789+-.~nNtTfF') MAY_RESOLVE[c.charCodeAt(0)] = 1;

/** The data key (yaml's toJS: null is '') and the key positions look up (yaml's String(key.value)). */
export const keyNames = (v: unknown): { key: string; name: string } => ({ key: v === null ? '' : String(v), name: String(v) });
