/**
 * The decK file as YAML. Escaping is by construction: every string scalar is written double
 * quoted by the `yaml` package (which escapes quotes, backslashes and control characters), keys
 * are sorted, and the document is built from plain data, never from text templates.
 *
 * decK renders the file as a Go template (`${{ ... }}`) before parsing it, so a user string
 * holding `${{` would be executed by decK (it could read the CI's environment into the Kong
 * config). gwc's own credential templates (DeckTemplate values, created only in secrets.ts) are the only
 * `${{` allowed; they are written as plain scalars so decK's substitution yields a double-quoted
 * scalar. Any string holding `${{` is refused, whatever it looks like.
 */
import { Scalar } from 'yaml';
import { fastYamlStringify, yamlStringify } from '../yaml-out.js';
import { DeckTemplate, type Entity } from './context.js';

/**
 * `findingsOnly` (lint, #18): when no string or key holds `${{`, both locks below find nothing
 * (the writer quotes each scalar whole and puts `: `, `- ` or a quote between scalars, so no
 * `${{` can form across two; each credential template opens exactly one), and the text, the
 * largest allocation of a Kong compile, is not built. Otherwise the whole emit runs, so the
 * refusals are exactly a build's.
 */
export function emitYaml(doc: Entity, findingsOnly = false): { text: string; refused: string[] } {
  if (findingsOnly && !holdsTemplateOpening(doc)) return { text: '', refused: [] };
  const refused: string[] = [];
  let templates = 0;
  // The first lock, on the plain data as it is (copying the tree to mark templates was a fifth
  // of a Kong compile, #18): every string and key holding `${{`, and the templates, counted.
  // Walked only when the fast writer's text holds a `${{`: it writes every string, key and
  // template verbatim inside its slot (a template's text opens with `${{`, JSON quoting and
  // plain keys never split one), so a text without one means the walk would find nothing.
  // (Keys of undefined values are not written, but they are gwc's own field names.)
  const check = (v: unknown): void => {
    if (v instanceof DeckTemplate) templates += 1;
    else if (typeof v === 'string') {
      if (v.includes('${{')) refused.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) check(x);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('${{')) refused.push(k);
        check(x);
      }
    }
  };
  // The fast writer reads the data as it is, a template written as its PLAIN scalar would be.
  let text = fastYamlStringify(doc, { sortKeys: true, plain: (v) => (v instanceof DeckTemplate ? v.template : undefined) });
  if (text?.includes('${{')) check(doc);
  if (text === undefined) {
    // Where it is unsure: the marked copy, through the fast writer or yaml's Document, as before.
    templates = 0;
    refused.length = 0;
    text = markedText(doc, refused, () => (templates += 1));
  }
  // Second lock, on the bytes decK will read: exactly gwc's own templates open a `${{`, so no
  // escaping or joining of user text can have produced one.
  const opened = text.split('${{').length - 1;
  if (opened !== templates) refused.push(`the written file (${opened} template openings for ${templates} credential templates)`);
  return { text, refused };
}

/** The decK text from a copy of `doc` whose templates are yaml PLAIN scalars (the path before #18, kept for what the fast writer leaves). */
function markedText(doc: Entity, refused: string[], template: () => void): string {
  // A walk over the plain data (not yaml's visit over the built Document, which took seconds at
  // 10,000 routes): templates become PLAIN scalar nodes, which the Document keeps as they are.
  const mark = (v: unknown): unknown => {
    // By type, not by shape: a user string spelled exactly like gwc's template is still refused.
    if (v instanceof DeckTemplate) template();
    if (v instanceof DeckTemplate) return Object.assign(new Scalar(v.template), { type: Scalar.PLAIN });
    if (typeof v === 'string') {
      if (v.includes('${{')) refused.push(v);
      return v;
    }
    if (Array.isArray(v)) return v.map(mark);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => {
          if (k.includes('${{')) refused.push(k);
          return [k, mark(x)];
        }),
      );
    }
    return v;
  };
  const marked = mark(doc);
  // The same bytes without yaml's Document where the fast writer is sure of them (#18).
  return fastYamlStringify(marked, { sortKeys: true }) ?? yamlStringify(marked, { sortKeys: true });
}

/**
 * True when a string or key of the plain data (gwc's own credential templates aside) holds `${{`.
 * `clean`: lists of strings this compile already found clean, not walked again (lint shares one
 * request-transformer removal list, ~400 names, among the routes that have the same one, #18).
 */
export function holdsTemplateOpening(v: unknown, clean?: Set<unknown>): boolean {
  if (typeof v === 'string') return v.includes('${{');
  if (v === null || typeof v !== 'object' || v instanceof DeckTemplate) return false;
  // Indexed and for-in loops: no closure per list and no key array per object (lint 10k, #18).
  if (Array.isArray(v)) {
    if (clean?.has(v)) return false;
    let strings = true;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'string') strings = false;
      if (holdsTemplateOpening(x, clean)) return true;
    }
    // Only long lists of strings, which no compile changes once made (policies.ts routeRemovals).
    if (clean && strings && v.length >= 32) clean.add(v);
    return false;
  }
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (k.includes('${{') || holdsTemplateOpening((v as Record<string, unknown>)[k], clean)) return true;
  }
  return false;
}
