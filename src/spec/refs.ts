/**
 * $ref classification and the safety rules around it: no remote reference unless asked, no file
 * outside the spec's folder unless asked (symlinks included), no cycle of references.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

export type RefTarget =
  | { kind: 'local'; pointer: string }
  | { kind: 'file'; file: string; pointer: string }
  | { kind: 'remote'; url: string; pointer: string }
  /** A ref with a malformed percent-escape (`#/a%zz`): it points nowhere (loader: ref-unresolved). */
  | { kind: 'invalid'; detail: string };

/** Where `ref`, written in `fromFile`, points. `fromFile` may itself be a URL. */
export function classifyRef(ref: string, fromFile: string): RefTarget {
  const hash = ref.indexOf('#');
  const location = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : decoded(ref.slice(hash + 1));
  if (pointer === undefined) return { kind: 'invalid', detail: 'its fragment holds a malformed percent-escape' };
  // A fragment is a JSON pointer (OpenAPI's Reference Object; swagger-parser: "Pointers must begin
  // with /"). `#Name` (a JSON Schema $anchor) or `#x/y` read as one would drop its first token and
  // name the whole document, or another place than written (REF21): refused, not guessed.
  if (pointer !== '' && !pointer.startsWith('/')) return { kind: 'invalid', detail: `its fragment "${pointer}" is no JSON pointer (it must begin with "/", e.g. "#/components/schemas/Name"); gwc resolves no $anchor names` };
  if (location === '') return { kind: 'local', pointer };
  if (/^https?:\/\//i.test(location)) return { kind: 'remote', url: location, pointer };
  if (/^https?:\/\//i.test(fromFile)) return { kind: 'remote', url: new URL(location, fromFile).href, pointer };
  const file = location.startsWith('file://') ? decoded(location.slice('file://'.length)) : decoded(location);
  if (file === undefined) return { kind: 'invalid', detail: 'its file name holds a malformed percent-escape' };
  return { kind: 'file', file: path.resolve(path.dirname(fromFile), file), pointer };
}

/** `text` with its percent-escapes decoded; undefined when one is malformed (`%zz`, half a UTF-8 sequence). */
function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** True when `file` (after resolving symlinks) lies inside `rootDir`. */
export function isInside(rootDir: string, file: string): boolean {
  let real = file;
  try {
    real = realpathSync(file);
  } catch {
    // A file that does not exist is reported as unresolved later; judge the path as written.
  }
  let realRoot = rootDir;
  try {
    realRoot = realpathSync(rootDir);
  } catch {
    /* keep as written */
  }
  const rel = path.relative(realRoot, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A `$ref` of a document: the string, the pointer of the object holding it, and the holder's last keys. */
export interface FoundRef {
  ref: string;
  pointer: string;
  /** Nothing beside the $ref (a Reference Object as written; validation reads it, #18). */
  alone: boolean;
  /** The last (up to three) tokens of `pointer`, unescaped: what validation's slotKind reads (#18). */
  tail: readonly string[];
}

/** Every `$ref` string in a document, with the pointer of the object that holds it. */
export function collectRefs(root: unknown): FoundRef[] {
  return collectRefsAndKeys(root).refs;
}

/**
 * collectRefs, and the number of own keys of all the document's objects, from the one walk (a
 * JSON file's duplicate-key check needs that count: json-scan.ts, #18), and whether one of those
 * keys is `__proto__` (validation's quick document cannot copy such an object, quick-doc.ts).
 *
 * The order is the one of the stack walk this replaced (a pre-order popping an object's last key
 * first, reversed at the end): post-order, an object's members in key order, an array's items
 * last to first. The walk keeps the path as tokens, so each ref gets its holder's last keys
 * without reading its pointer again (validation's first reading of 10,000 pointers was ~20 ms),
 * and builds a pointer only for an object holding a `$ref`, sharing prefixes with the refs beside
 * it. It recurses with `for...in` (#18: no key array per object; half the time of the explicit
 * stack on GitHub's 80,000 objects); nesting deeper than RECURSION_DEPTH, which JSON.parse
 * accepts beyond the call stack, is walked again by the explicit stack (`collectDeep`).
 */
export function collectRefsAndKeys(root: unknown): { refs: FoundRef[]; keys: number; protoKey: boolean } {
  const out: FoundRef[] = [];
  if (root === null || typeof root !== 'object') return { refs: out, keys: 0, protoKey: false };
  const tokens: Array<string | number> = [''];
  const pointers: Array<string | undefined> = [''];
  const pointerAt = pointerBuilder(tokens, pointers);
  let count = 0;
  let protoKey = false;
  const walk = (node: object, d: number): void => {
    if (d === RECURSION_DEPTH) throw TOO_DEEP;
    const below = d + 1;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const child: unknown = node[i];
        if (child === null || typeof child !== 'object') continue;
        tokens[below] = i;
        pointers[below] = undefined;
        walk(child, below);
      }
      return;
    }
    let keys = 0;
    // Own enumerable keys, in Object.keys' order: every object here is a parsed document's plain
    // object, and nothing makes a key of Object.prototype enumerable.
    for (const key in node) {
      keys++;
      if (key === '__proto__') protoKey = true;
      const child: unknown = (node as Record<string, unknown>)[key];
      if (child === null || typeof child !== 'object') continue;
      tokens[below] = key;
      pointers[below] = undefined;
      walk(child, below);
    }
    count += keys;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const tail: string[] = [];
      for (let j = Math.max(1, d - 2); j <= d; j++) tail.push(String(tokens[j]));
      out.push({ ref, pointer: pointerAt(d), alone: keys === 1, tail });
    }
  };
  try {
    walk(root, 0);
  } catch {
    // Too deep (TOO_DEEP, or the call stack itself ran out first): the explicit stack walks it.
    return collectDeep(root);
  }
  return { refs: out, keys: count, protoKey };
}

/** How deep collectRefsAndKeys recurses before it leaves the document to the explicit stack. */
const RECURSION_DEPTH = 2000;
const TOO_DEEP = new Error('nesting too deep to recurse');

/** The pointer at depth d of a walk's path, built from the deepest one known and kept per depth. */
function pointerBuilder(tokens: Array<string | number>, pointers: Array<string | undefined>): (depth: number) => string {
  return (depth) => {
    let j = depth;
    while (pointers[j] === undefined) j--;
    let p = pointers[j]!;
    for (j++; j <= depth; j++) {
      const t = tokens[j]!;
      p += typeof t === 'number' ? `/${t}` : `/${t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t}`;
      pointers[j] = p;
    }
    return p;
  };
}

/** collectRefsAndKeys' walk from an explicit stack, for nesting deeper than the call stack. */
function collectDeep(root: object): { refs: FoundRef[]; keys: number; protoKey: boolean } {
  const out: FoundRef[] = [];
  // Frame d: the container, its keys (an object's; null for an array), the next member to visit
  // (an array counts down), the token that leads to it and its pointer once built ('' at the root).
  const nodes: object[] = [root];
  const keyLists: Array<string[] | null> = [Array.isArray(root) ? null : Object.keys(root)];
  const next: number[] = [Array.isArray(root) ? root.length - 1 : 0];
  const tokens: Array<string | number> = [''];
  const pointers: Array<string | undefined> = [''];
  let count = keyLists[0]?.length ?? 0;
  let protoKey = keyLists[0]?.includes('__proto__') ?? false;
  let d = 0;
  const pointerAt = pointerBuilder(tokens, pointers);
  for (;;) {
    const node = nodes[d]!;
    const keys = keyLists[d]!;
    let child: unknown;
    let token: string | number;
    if (keys === null) {
      const i = next[d]!;
      if (i < 0) {
        if (d-- === 0) break;
        continue;
      }
      next[d] = i - 1;
      child = (node as unknown[])[i];
      token = i;
    } else {
      const i = next[d]!;
      if (i === keys.length) {
        const ref = (node as { $ref?: unknown }).$ref;
        if (typeof ref === 'string') {
          const tail: string[] = [];
          for (let j = Math.max(1, d - 2); j <= d; j++) tail.push(String(tokens[j]));
          out.push({ ref, pointer: pointerAt(d), alone: keys.length === 1, tail });
        }
        if (d-- === 0) break;
        continue;
      }
      next[d] = i + 1;
      token = keys[i]!;
      child = (node as Record<string, unknown>)[token];
    }
    if (child === null || typeof child !== 'object') continue;
    d++;
    nodes[d] = child;
    tokens[d] = token;
    pointers[d] = undefined;
    if (Array.isArray(child)) {
      keyLists[d] = null;
      next[d] = child.length - 1;
    } else {
      const ks = Object.keys(child);
      count += ks.length;
      if (ks.includes('__proto__')) protoKey = true;
      keyLists[d] = ks;
      next[d] = 0;
    }
  }
  return { refs: out, keys: count, protoKey };
}
