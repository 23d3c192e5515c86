/** Reading the spec for rules: path items and operations, located, through $refs. */
import type { Loc } from '../diagnostics/diagnostic.js';
import { isObj, Walker } from '../model/normalise/node.js';
import type { LoadedSpec, Located } from '../spec/loaded-spec.js';
import { joinPointer } from '../spec/pointer.js';
import { extend } from './rule.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface PathEntry {
  path: string;
  /** The path key itself in the paths object. */
  keyLoc: Loc;
  item: Located;
}

export interface OperationEntry extends PathEntry {
  method: (typeof METHODS)[number];
  op: Located;
}

const walkers = new WeakMap<LoadedSpec, Walker>();
export function walker(spec: LoadedSpec): Walker {
  let w = walkers.get(spec);
  if (!w) walkers.set(spec, (w = new Walker(spec)));
  return w;
}

// The entries of a spec, made once per lint run: several rules read them, one of them once per
// finding (path-param-shadows-protected), 10,000 operations each time on a large spec (#18).
// Rules only read them.
const paths = new WeakMap<LoadedSpec, readonly PathEntry[]>();
const operations = new WeakMap<LoadedSpec, readonly OperationEntry[]>();

export function pathEntries(spec: LoadedSpec): readonly PathEntry[] {
  let list = paths.get(spec);
  if (!list) paths.set(spec, (list = readPathEntries(spec)));
  return list;
}

export function operationEntries(spec: LoadedSpec): readonly OperationEntry[] {
  let list = operations.get(spec);
  if (!list) operations.set(spec, (list = readOperationEntries(spec)));
  return list;
}

function readPathEntries(spec: LoadedSpec): PathEntry[] {
  const w = walker(spec);
  const paths = w.child(spec.root, 'paths');
  if (!isObj(paths.value)) return [];
  return Object.keys(paths.value)
    .filter((p) => !p.startsWith('x-'))
    .map((path) => ({ path, keyLoc: { file: paths.loc.file, pointer: joinPointer(paths.loc.pointer, path) }, item: w.child(paths, path) }))
    .filter((e) => isObj(e.item.value));
}

function readOperationEntries(spec: LoadedSpec): OperationEntry[] {
  const w = walker(spec);
  const out: OperationEntry[] = [];
  for (const e of pathEntries(spec)) {
    for (const method of METHODS) {
      // No operation: no location built for it (#18: 8 per path item, 40,000 on 5,000 paths).
      // A value that is there may be a $ref, which the walker follows.
      if ((e.item.value as Record<string, unknown>)[method] === undefined) continue;
      const op = w.child(e.item, method);
      if (isObj(op.value)) out.push(extend(e, { method, op }));
    }
  }
  return out;
}

export { isObj };
