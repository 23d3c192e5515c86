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
import { Document, Scalar } from 'yaml';
import { fastYamlStringify } from '../yaml-out.js';
import { DeckTemplate, type Entity } from './context.js';

export function emitYaml(doc: Entity): { text: string; refused: string[] } {
  const refused: string[] = [];
  let templates = 0;
  // A walk over the plain data (not yaml's visit over the built Document, which took seconds at
  // 10,000 routes): templates become PLAIN scalar nodes, which the Document keeps as they are.
  const mark = (v: unknown): unknown => {
    // By type, not by shape: a user string spelled exactly like gwc's template is still refused.
    if (v instanceof DeckTemplate) templates += 1;
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
  const text =
    fastYamlStringify(marked, { sortKeys: true }) ??
    new Document(marked, { sortMapEntries: true, aliasDuplicateObjects: false }).toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
  // Second lock, on the bytes decK will read: exactly gwc's own templates open a `${{`, so no
  // escaping or joining of user text can have produced one.
  const opened = text.split('${{').length - 1;
  if (opened !== templates) refused.push(`the written file (${opened} template openings for ${templates} credential templates)`);
  return { text, refused };
}
