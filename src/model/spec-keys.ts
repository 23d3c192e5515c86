/**
 * Where each x-gateway key (src/model/keys.ts) is written in a loaded spec: the root x-gateway,
 * every path item's and operation's, and every security scheme's, with map keys read as `*` and
 * array items as `[]`. The core uses it to say, at the key's own line, that a target does not
 * apply a key its key table answers with a warning or a refusal (src/targets/key-answers.ts).
 */
import type { Loc } from '../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../spec/loaded-spec.js';
import { joinPointer } from '../spec/pointer.js';
import { KEYS, type KeyId } from './keys.js';
import { Walker } from './normalise/node.js';

export interface KeyOccurrence {
  id: KeyId;
  value: unknown;
  /** The object the key is written in (its siblings), `{}` for an array item. */
  parent: Record<string, unknown>;
  loc: Loc;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** The parts of an environment overlay (`environments.NAME`) that are x-gateway keys once overlaid. */
const OVERLAID = ['backends', 'policies', 'consumers', 'defaults'] as const;

/**
 * Every key the spec writes. With `env`, the keys of that environment's overlay count too, each at
 * its own line under `environments.NAME` (gwc build --env overlays them before the model reads them).
 */
export function keyOccurrences(spec: LoadedSpec, env?: string): readonly KeyOccurrence[] {
  // Once per spec and environment: every target compiled from one model asks (lint and
  // `--target all` four times; 40,000 occurrences at 10,000 operations, #18). A loaded spec is
  // read-only, as its loader-checked `refs` already assume.
  let byEnv = occurrencesOf.get(spec);
  if (!byEnv) occurrencesOf.set(spec, (byEnv = new Map()));
  let known = byEnv.get(env);
  if (!known) byEnv.set(env, (known = Object.freeze(findOccurrences(spec, env))));
  return known;
}
const occurrencesOf = new WeakMap<LoadedSpec, Map<string | undefined, readonly KeyOccurrence[]>>();

function findOccurrences(spec: LoadedSpec, env?: string): KeyOccurrence[] {
  const out: KeyOccurrence[] = [];
  // Through $refs, as the model reads them: a key behind a $ref is said where it is written.
  // The one resolver (Walker.follow, src/spec/resolve.ts), as the model reads the same places.
  const w = new Walker(spec);
  const child = (n: Located, key: string): Located => w.follow({ value: (n.value as Record<string, unknown> | null)?.[key], loc: { file: n.loc.file, pointer: joinPointer(n.loc.pointer, key) } });
  const visit = (n: Located, prefix: string) => {
    const v = n.value;
    if (Array.isArray(v)) {
      const id = `${prefix}[]`;
      v.forEach((_, i) => collect({ value: v[i], loc: { file: n.loc.file, pointer: joinPointer(n.loc.pointer, i) } }, id, {}));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const k of Object.keys(v)) {
      const named = prefix ? `${prefix}.${k}` : k;
      const id = Object.hasOwn(KEYS, named) ? named : `${prefix}.*`;
      collect(child(n, k), id, v as Record<string, unknown>);
    }
  };
  const collect = (n: Located, id: string, parent: Record<string, unknown>) => {
    // null removes an inherited key in an overlay: nothing is used.
    if (n.value === null) return;
    if (Object.hasOwn(KEYS, id)) out.push({ id: id as KeyId, value: n.value, parent, loc: n.loc });
    // A map value (`backends.*`) or array item is no key itself; its own keys are.
    if (Object.hasOwn(KEYS, id) || id.endsWith('*') || id.endsWith('[]')) visit(n, id);
  };
  const root = spec.root;
  const x = child(root, 'x-gateway');
  if (x.value !== undefined) visit(x, '');
  if (env !== undefined) {
    const overlay = child(child(x, 'environments'), env);
    for (const part of OVERLAID) visit(child(overlay, part), part);
  }
  const paths = child(root, 'paths');
  for (const p of Object.keys((paths?.value as object) ?? {})) {
    const item = child(paths, p);
    if (typeof item.value !== 'object' || item.value === null) continue;
    visit(child(item, 'x-gateway'), 'route');
    for (const m of Object.keys(item.value)) {
      if (!METHODS.has(m)) continue;
      const op = child(item, m);
      visit(child(op, 'x-gateway'), 'route');
    }
  }
  const schemes = child(child(root, 'components'), 'securitySchemes');
  for (const s of Object.keys((schemes?.value as object) ?? {})) {
    const scheme = child(schemes, s);
    visit(child(scheme, 'x-gateway'), 'scheme');
  }
  return out;
}
