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

/** Every `$ref` string in a document, with the pointer of the object that holds it. */
export function collectRefs(root: unknown): Array<{ ref: string; pointer: string; alone: boolean }> {
  return collectRefsAndKeys(root).refs;
}

/**
 * collectRefs, and the number of own keys of all the document's objects, from the one walk (a
 * JSON file's duplicate-key check needs that count: json-scan.ts, #18).
 */
export function collectRefsAndKeys(root: unknown): { refs: Array<{ ref: string; pointer: string; alone: boolean }>; keys: number } {
  const out: Array<{ ref: string; pointer: string; alone: boolean }> = [];
  let count = 0;
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${pointer}/${i}`]);
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      const keys = Object.keys(obj);
      count += keys.length;
      // `alone`: nothing beside the $ref (a Reference Object as written; validation reads it, #18).
      if (typeof obj.$ref === 'string') out.push({ ref: obj.$ref, pointer, alone: keys.length === 1 });
      for (const key of keys) {
        const v = obj[key];
        if (v !== null && typeof v === 'object') stack.push([v, `${pointer}/${key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key}`]);
      }
    }
  }
  return { refs: out.reverse(), keys: count };
}
