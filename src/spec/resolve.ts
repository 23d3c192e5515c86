/**
 * The one place a `$ref` is followed (REF21). Callers reach it through Walker (src/model/normalise/
 * node.ts: the model, lint, the x-gateway key table and validation's x-gateway walk), validation's
 * expanded document (src/validate/expand.ts) and the loader's cycle check; a source test
 * (test/security/ref21-ref-resolver.test.ts) fails on any other importer. Before, six files
 * called LoadedSpec.deref themselves, each deciding alone what a key beside a `$ref` meant: the
 * model refused it, validation merged it, request schemas dropped it (a `maxLength` beside a
 * schema's `$ref` let any length through on nginx).
 *
 * What a key beside a `$ref` means, for every caller:
 * - outside a Schema Object it is refused (ref-sibling-ignored; summary and description aside,
 *   OpenAPI 3.1 lets a Reference Object carry them): `chainSibling` finds it along a chain;
 * - in a Schema Object it keeps its JSON Schema meaning: `schemaTarget` follows a reference only
 *   through holders with nothing but annotations beside their `$ref`, so the first holder with a
 *   keyword is read as written (its keywords and its own `$ref`).
 */
import type { Loc } from '../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from './loaded-spec.js';
import { getAt, joinPointer, splitPointer } from './pointer.js';
import { classifyRef } from './refs.js';

/** A key written beside a `$ref`, with where it is. */
export interface RefSibling {
  key: string;
  ref: string;
  loc: Loc;
}

/**
 * Follows `$ref` (and chains of them) from `node` to the value they end at. Undefined for a cycle
 * or a dangling reference (the loader has already reported those). Keys beside each `$ref` are not
 * read: a caller outside a Schema Object refuses them (`chainSibling`).
 */
export function chainEnd(spec: LoadedSpec, node: Located): Located | undefined {
  // Most values walked are not references: answered before any allocation (#18).
  const first = node.value as { $ref?: unknown } | null;
  if (first === null || typeof first !== 'object' || typeof first.$ref !== 'string') return node;
  let cur = node;
  const seen = new Set<string>();
  for (;;) {
    const v = cur.value as { $ref?: unknown } | null;
    if (v === null || typeof v !== 'object' || typeof v.$ref !== 'string') return cur;
    const key = `${cur.loc.file}#${cur.loc.pointer}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const next = refHop(spec, v.$ref, cur.loc);
    if (!next) return undefined;
    cur = next;
  }
}

/**
 * The first key written beside a `$ref` on the chain `chainEnd` follows from `node` (summary and
 * description aside), with where it is: `chainEnd` reads the last target alone, so such a key
 * would be dropped without a word (red team 19).
 */
export function chainSibling(spec: LoadedSpec, node: Located): RefSibling | undefined {
  let cur: Located | undefined = node;
  for (let hops = 0; cur && hops < 64; hops++) {
    const v = cur.value as Record<string, unknown> | null;
    if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof v.$ref !== 'string') return undefined;
    for (const k of Object.keys(v)) {
      if (k !== '$ref' && k !== 'summary' && k !== 'description') return { key: k, ref: v.$ref, loc: { file: cur.loc.file, pointer: joinPointer(cur.loc.pointer, k) } };
    }
    cur = refHop(spec, v.$ref, cur.loc);
  }
  return undefined;
}

/**
 * Where the schema reference `ref`, written at `at`, leads: through holders whose other keys are
 * annotations only (they validate nothing), to the first value that is no `$ref` or a holder with
 * a keyword beside its `$ref` (read as written: JSON Schema 2020-12 applies both). Undefined when
 * the chain never ends (a cycle, a dangling reference): a schema that cannot be read.
 */
export function schemaTarget(spec: LoadedSpec, ref: string, at: Loc): Located | undefined {
  if (!chainEnd(spec, { value: { $ref: ref }, loc: at })) return undefined;
  let cur = refHop(spec, ref, at);
  for (let hops = 0; cur && hops < 64 && annotatedRef(cur.value); hops++) cur = refHop(spec, (cur.value as { $ref: string }).$ref, cur.loc);
  return cur;
}

/** A `$ref` holder with nothing but annotations beside it (a Schema Object read as its target). */
export function annotatedRef(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { $ref?: unknown }).$ref !== 'string') return false;
  for (const k of Object.keys(value)) if (k !== '$ref' && !SCHEMA_ANNOTATIONS.has(k) && !k.startsWith('x-')) return false;
  return true;
}

/** Schema keywords that validate nothing (JSON Schema 2020-12 annotations, OpenAPI's own). */
const SCHEMA_ANNOTATIONS: ReadonlySet<string> = new Set(['title', 'description', 'summary', '$comment', 'example', 'examples', 'deprecated', 'externalDocs', 'xml']);

/** One hop of a `$ref` written at `at`: its target, or undefined when it points nowhere. */
export function refHop(spec: LoadedSpec, ref: string, at: Loc): Located | undefined {
  const target = classifyRef(ref, at.file);
  if (target.kind === 'invalid') return undefined;
  const file = target.kind === 'local' ? at.file : target.kind === 'file' ? target.file : target.url;
  const source = spec.files.get(file);
  if (!source) return undefined;
  const tokens = splitPointer(target.pointer);
  const got = getAt(source.data, tokens);
  return got.found ? { value: got.value, loc: { file, pointer: joinPointer('', ...tokens) } } : undefined;
}
