/**
 * The document a valid spec is checked against without copying it (#18): the spec as written,
 * where a `$ref` to a component of the kind its slot expects stays a Reference Object, and every
 * other `$ref` is expanded as expand.ts does, on copies of the nodes above it only.
 *
 * Why a valid answer here is the full expansion's answer: that expansion checks each component
 * where it is written (components/<kind>/<name>, against the same OpenAPI definition a slot of
 * that kind uses) and again at the first slot that references it. A Reference kept here points
 * at such a component, which the schema checks in place, so the second check adds nothing. Kept
 * only when nothing could make the two differ: one file (every `$ref` local), no keys beside
 * `$ref` (expand.ts merges them into the target), a component name the schema's components
 * pattern covers (`^[a-zA-Z0-9.\-_]+$` in 3.0 and 3.1; 3.0 leaves other names unchecked), no
 * shared nodes (YAML aliases) and no `__proto__` key (a copy assigns keys and would drop it).
 * Path items, operations and the other slots without a Reference Object are expanded as before.
 *
 * An invalid answer is not trusted: the caller runs the full expansion, whose errors carry the
 * locations explain.ts needs (every diagnostic as before).
 */
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { getAt, splitPointer, unescapeToken } from '../spec/pointer.js';
import { classifyRef } from '../spec/refs.js';
import { expander, lowerHttpScheme, slotKind } from './expand.js';

/** The components map each Reference-taking slot kind points into. */
const COMPONENT_OF: Readonly<Record<string, string>> = {
  schema: 'schemas',
  response: 'responses',
  parameter: 'parameters',
  example: 'examples',
  requestBody: 'requestBodies',
  header: 'headers',
  securityScheme: 'securitySchemes',
  link: 'links',
  callback: 'callbacks',
};
/** The component names the OpenAPI schema checks (Components' patternProperties in 3.0, propertyNames in 3.1). */
const COMPONENT_NAME = /^[a-zA-Z0-9.\-_]+$/;

interface Trie {
  /** A `$ref` here is expanded (with everything under it). */
  expand?: boolean;
  /** An http security scheme: copied, for lowerHttpScheme. */
  lower?: boolean;
  kids: Map<string, Trie>;
}

/** Up to `n` last tokens of a JSON pointer, unescaped (slotKind reads no more). */
function lastTokens(pointer: string, n: number): string[] {
  let end = pointer.length;
  const out: string[] = [];
  while (out.length < n && end > 0) {
    const slash = pointer.lastIndexOf('/', end - 1);
    out.unshift(unescapeToken(pointer.slice(slash + 1, end)));
    end = slash;
  }
  return out;
}

/** The document to validate, or undefined when only the full expansion can answer. */
export function quickDoc(spec: LoadedSpec): unknown {
  const root = spec.files.get(spec.rootFile);
  if (!spec.refs || spec.files.size !== 1 || !root || root.mayShareNodes || root.mayHoldProtoKey) return undefined;
  const data = root.data;
  const top: Trie = { kids: new Map() };
  const mark = (tokens: readonly string[]): Trie => {
    let t = top;
    for (const k of tokens) {
      let n = t.kids.get(k);
      if (!n) t.kids.set(k, (n = { kids: new Map() }));
      t = n;
    }
    return t;
  };
  const targets = new Map<string, readonly string[] | undefined>();
  for (const { holder, ref, alone, tail } of spec.refs) {
    // The slot's kind is read from the pointer's last three tokens (the loader's, when it kept
    // them); the whole pointer is split only for a reference that is expanded (#18).
    if (alone !== true || !keepsReference(ref, tail ?? lastTokens(holder.pointer, 3))) mark(splitPointer(holder.pointer)).expand = true;
  }
  // expand.ts reads an http scheme lower-cased: the schemes it would change are copied too.
  const schemes = getAt(data, ['components', 'securitySchemes']).value;
  if (schemes !== null && typeof schemes === 'object') {
    for (const [name, s] of Object.entries(schemes)) {
      if (s !== null && typeof s === 'object' && (s as { type?: unknown }).type === 'http') mark(['components', 'securitySchemes', name]).lower = true;
    }
  }

  function keepsReference(ref: string, tail: readonly string[]): boolean {
    const map = COMPONENT_OF[slotKind(tail)];
    if (!map) return false;
    let target = targets.get(ref);
    if (!targets.has(ref)) {
      const t = classifyRef(ref, spec.rootFile);
      const tt = t.kind === 'local' ? splitPointer(t.pointer) : undefined;
      target = tt?.length === 3 && tt[0] === 'components' && COMPONENT_NAME.test(tt[2]!) && getAt(data, tt).found ? tt : undefined;
      targets.set(ref, target);
    }
    return target !== undefined && target[1] === map;
  }

  const { walkAt } = expander(spec);
  const path: string[] = [];
  const copy = (value: unknown, trie: Trie): unknown => {
    if (trie.expand) return walkAt(value, path);
    if (value === null || typeof value !== 'object' || (trie.kids.size === 0 && !trie.lower)) return value;
    const node = value as Record<string, unknown>;
    const out: Record<string, unknown> = Array.isArray(node) ? ([...node] as unknown as Record<string, unknown>) : { ...node };
    for (const [k, kid] of trie.kids) {
      if (!Object.prototype.hasOwnProperty.call(node, k)) continue;
      path.push(k);
      out[k] = copy(node[k], kid);
      path.pop();
    }
    lowerHttpScheme(out, path);
    return out;
  };
  return copy(data, top);
}
