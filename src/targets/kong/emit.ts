/**
 * The decK file as YAML. Escaping is by construction: every string scalar is written double
 * quoted by the `yaml` package (which escapes quotes, backslashes and control characters), keys
 * are sorted, and the document is built from plain data, never from text templates.
 *
 * decK renders the file as a Go template (`${{ ... }}`) before parsing it, so a user string
 * holding `${{` would be executed by decK (it could read the CI's environment into the Kong
 * config). gwc's own credential templates are the only `${{` allowed; they are written as plain
 * scalars so decK's substitution yields a double-quoted scalar (see secrets.ts). Anything else is
 * refused.
 */
import { Document, visit } from 'yaml';
import type { Entity } from './context.js';
import { DECK_ENV_TEMPLATE } from './secrets.js';

export function emitYaml(doc: Entity): { text: string; refused: string[] } {
  const d = new Document(doc, { sortMapEntries: true, aliasDuplicateObjects: false });
  const refused: string[] = [];
  visit(d, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (DECK_ENV_TEMPLATE.test(node.value)) node.type = 'PLAIN';
      else if (node.value.includes('${{')) refused.push(node.value);
    },
  });
  return { text: d.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }), refused };
}
