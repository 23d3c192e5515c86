/**
 * Raw query or form names a lenient backend reads as a given name, generated from the one rule
 * table (src/targets/query-names.ts QUERY_NAME_RULE), not a hand list: every blank the rule trims
 * (raw, `+`, %XX) before and after, runs of them, ASCII case spellings, each character the rule reads
 * as `_` in place of `_`, each character %-escaped (either hex case), the array and hash forms.
 * Only spellings the rule's own reading (queryNameAsRead) reads as the name are returned.
 */
import { QUERY_NAME_RULE, queryNameAsRead } from '../../src/targets/query-names.js';

const hex = (c: string, lower = false) => {
  const h = `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  return lower ? h.toLowerCase() : h;
};
/** A blank as it may be sent: `+` for a space (when the rule reads `+` as one), %XX in either case. */
const blankForms = (b: string): string[] => [...(b === ' ' && QUERY_NAME_RULE.plusIsSpace ? ['+'] : []), hex(b), hex(b, true)];
/** A character read as `_` as it may be sent. */
const underscoreForms = (c: string): string[] => [...(c === ' ' ? [] : [c]), ...(c === ' ' && QUERY_NAME_RULE.plusIsSpace ? ['+'] : []), hex(c), hex(c, true)];

/** Case spellings of `name`: UPPER, Capitalised words, alternating, each letter flipped alone. */
function caseSpellings(name: string): string[] {
  const letters = [...name].map((c, i) => (/[a-z]/i.test(c) ? i : -1)).filter((i) => i >= 0);
  const flip = (i: number) => [...name].map((c, j) => (j === i ? c.toUpperCase() : c)).join('');
  return [
    name.toUpperCase(),
    name.replace(/(^|[_\-. ])([a-z])/g, (_m, s: string, c: string) => s + c.toUpperCase()),
    [...name].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join(''),
    ...letters.map(flip),
  ];
}

/**
 * Spellings of `name` (a plain lowercase name: letters, digits, `_`, `-`) the rule reads as `name`,
 * the name itself excluded. Deterministic.
 */
export function spellingsOf(name: string): string[] {
  const want = queryNameAsRead(name);
  const out = new Set<string>();
  const add = (s: string) => out.add(s);
  for (const c of caseSpellings(name)) add(c);
  // Each `_` as each character the rule reads as `_`.
  [...name].forEach((c, i) => {
    if (c !== '_') return;
    for (const u of QUERY_NAME_RULE.asUnderscore) for (const f of underscoreForms(u)) add(name.slice(0, i) + f + name.slice(i + 1));
  });
  // Each character %-escaped.
  [...name].forEach((c, i) => add(name.slice(0, i) + hex(c) + name.slice(i + 1)));
  // Blanks before and after, alone and in runs.
  for (const b of QUERY_NAME_RULE.blanks) {
    for (const f of blankForms(b)) {
      add(f + name);
      add(name + f);
      add(f + f + name + f);
    }
  }
  // Array and hash forms, a blank before the bracket, brackets escaped.
  if (QUERY_NAME_RULE.arrayForm) for (const tail of ['[]', '[0]', '[a][b]', '%5B%5D', '%5b0%5d', '[x%5D', '+[]', '%20[1]', '[]]', '[[]']) add(name + tail);
  // Combined: leading blanks, a case spelling, an array form.
  add(`%20%20${name.toUpperCase()}[]`);
  add(`+${caseSpellings(name)[1]}%5B0%5D`);
  out.delete(name);
  // The rule decides: a proposal it reads otherwise (a leading `_` sent as a space is trimmed) is dropped.
  return [...out].filter((s) => queryNameAsRead(s) === want);
}

/** Names near `name` the rule reads as something else (controls: they must pass). */
export function neighboursOf(name: string): string[] {
  const want = queryNameAsRead(name);
  const all = [`x${name}`, `${name}s`, `${name}_`, name.replace(/^_/, ''), `[${name}]`, `${name}x[]`, `a[${name}]`, `${name.slice(0, -1)}`];
  return all.filter((n) => queryNameAsRead(n) !== want);
}

/** Whether a decoded name (as a parser gives it) reads as `name`. */
export const readsAs = (decoded: string, name: string): boolean => queryNameAsRead(decoded.replace(/%/g, '%25').replace(/\+/g, '%2B')) === queryNameAsRead(name);
