/**
 * Walking the spec with locations: every value is read together with the file and pointer it
 * came from, through $refs and environment overlays alike.
 */
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../../spec/loaded-spec.js';
import { escapeToken } from '../../spec/pointer.js';
import { annotatedRef, chainEnd, chainSibling, schemaTarget } from '../../spec/resolve.js';

/** Merged objects remember, per key, where each child came from. */
const ORIGINS = Symbol('gwc.origins');
type WithOrigins = Record<string, unknown> & { [ORIGINS]?: Record<string, Loc> };

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The size from which Walker.entries keeps an object's list. */
const LISTED_KEPT = 64;

export class Walker {
  /**
   * What each `$ref` resolved to, by the file it is written in and its text: the answer depends
   * on nothing else, and a large spec repeats the same few (GitHub's 1,223 operations name
   * `#/components/parameters/owner` hundreds of times; each resolution split and re-joined the
   * pointer, a fifth of the model phase, #18). Null: a cycle or a dangling reference.
   */
  private readonly resolved = new Map<string, Located | null>();

  /**
   * Every key written beside a `$ref` that `child` or `itemValues` followed (summary and
   * description aside), or beside a `$ref` its reference leads through, by where it is written:
   * the walker reads the last target alone, so each would be dropped without a word. Red team 19
   * refused them at path items, operations and security (refuseRefSibling, per site); red team 20
   * found the same drop at every other object the model reads (the paths object: a keyed
   * `/users/me` beside its $ref vanished and the public `/users/{id}` served it; a server's url;
   * the securitySchemes map), so the walker keeps them all and normalise refuses each
   * (ref-sibling-ignored). A Schema Object is read with `{ schema: true }`: JSON Schema 2020-12
   * gives the keywords beside its `$ref` a meaning, and the validate policy reads them.
   */
  readonly siblings = new Map<string, { key: string; ref: string; loc: Loc }>();
  /** The first key beside a `$ref` further along the chain a reference starts, by file and reference (null: none). */
  private readonly chained = new Map<string, { key: string; ref: string; loc: Loc } | null>();

  constructor(readonly spec: LoadedSpec | undefined) {}

  child(node: Located, key: string | number, options?: { schema?: boolean }): Located {
    const parent = node.value as WithOrigins | unknown[] | null | undefined;
    const value = parent === null || parent === undefined ? undefined : (parent as Record<string | number, unknown>)[key];
    const origin = isObj(parent) ? (parent as WithOrigins)[ORIGINS]?.[String(key)] : undefined;
    // The pointer written out, not through joinPointer's rest list (an array per child, #18).
    const loc = origin ?? { file: node.loc.file, pointer: `${node.loc.pointer}/${typeof key === 'number' ? key : escapeToken(key)}` };
    // Most values are not references: answered before any lookup.
    const ref = this.spec && value !== null && typeof value === 'object' ? (value as { $ref?: unknown }).$ref : undefined;
    if (typeof ref !== 'string') return { value, loc };
    if (options?.schema === true) return this.schema({ value, loc }, ref);
    return this.resolve({ value, loc }, ref);
  }

  /**
   * `node` itself, or where its `$ref` leads, as `child` reads a value: for a caller that holds a
   * located value rather than its parent (the x-gateway key table, validation's x-gateway walk).
   * A key beside the `$ref` is kept for refuseSiblings like any `child` reads.
   */
  follow(node: Located): Located {
    const ref = this.spec && node.value !== null && typeof node.value === 'object' ? (node.value as { $ref?: unknown }).$ref : undefined;
    return typeof ref === 'string' ? this.resolve(node, ref) : node;
  }

  /**
   * Where the schema reference `ref` written at `at` leads (resolve.ts schemaTarget): the first
   * holder with a keyword beside its `$ref` is read as written, so its keywords hold (REF21: a
   * `Name: { $ref: Str, pattern }` reached by a nested reference was read as `Str`).
   */
  schemaRef(ref: string, at: Loc): Located | undefined {
    return this.spec ? schemaTarget(this.spec, ref, at) : undefined;
  }

  /** A Schema Object written as `node`: as written when a keyword is beside its `$ref`, else its target. */
  private schema(node: Located, ref: string): Located {
    if (!annotatedRef(node.value)) return node;
    const target = this.schemaRef(ref, node.loc);
    return target ?? { value: undefined, loc: node.loc };
  }

  private resolve(node: Located, ref: string): Located {
    const { value, loc } = node;
    this.keepSiblings(value as Record<string, unknown>, loc, ref);
    const memo = `${loc.file}#${ref}`;
    let target = this.resolved.get(memo);
    if (target === undefined) this.resolved.set(memo, (target = chainEnd(this.spec!, { value, loc }) ?? null));
    return target ? { value: target.value, loc: target.loc } : { value: undefined, loc };
  }

  /** Keeps the first key beside the `$ref` of `holder` (written at `loc`), or beside one along its chain (Walker.siblings). */
  private keepSiblings(holder: Record<string, unknown>, loc: Loc, ref: string): void {
    if (Array.isArray(holder)) return;
    for (const k in holder) {
      if (k === '$ref' || k === 'summary' || k === 'description') continue;
      const at = { file: loc.file, pointer: `${loc.pointer}/${escapeToken(k)}` };
      this.siblings.set(`${at.file}#${at.pointer}`, { key: k, ref, loc: at });
      return;
    }
    // Beyond the first hop the chain depends only on the reference and the file it is written in.
    const memo = `${loc.file}#${ref}`;
    let later = this.chained.get(memo);
    if (later === undefined) this.chained.set(memo, (later = chainSibling(this.spec!, { value: { $ref: ref }, loc }) ?? null));
    if (later) this.siblings.set(`${later.loc.file}#${later.loc.pointer}`, later);
  }

  /**
   * The first key written beside a `$ref` at `node`'s `key`, on the whole chain of references
   * `child` follows (resolve.ts chainSibling): `child` reads the last target alone, so such a key
   * would be dropped without a word (red team 19: an operation `{ $ref, security }` compiled open,
   * a path item's x-gateway beside its $ref was lost). Undefined when there is none.
   */
  refSibling(node: Located, key: string | number): { key: string; ref: string; loc: Loc } | undefined {
    const parent = node.value as WithOrigins | unknown[] | null | undefined;
    const value = parent === null || typeof parent !== 'object' ? undefined : (parent as Record<string | number, unknown>)[key];
    if (!this.spec || !isObj(value) || typeof value.$ref !== 'string') return undefined;
    const origin = isObj(parent) ? (parent as WithOrigins)[ORIGINS]?.[String(key)] : undefined;
    const loc = origin ?? { file: node.loc.file, pointer: `${node.loc.pointer}/${typeof key === 'number' ? key : escapeToken(key)}` };
    return chainSibling(this.spec, { value, loc });
  }

  /**
   * A large object's members as entries() listed them, by the object and the place it was read
   * at: the model lists a spec's paths four times (routes, the Kong and API Gateway inputs, the
   * callbacks note), each member a located child whose pointer escapes the path (#18). Only objects
   * of LISTED_KEPT keys or more are kept, so a walker that lives on (lint's) holds few lists.
   */
  private readonly listed = new WeakMap<object, { file: string; pointer: string; entries: ReadonlyArray<[string, Located]> }>();

  /** The object's members, located, in key order as written (read-only: a large object's list is shared). */
  entries(node: Located): Array<[string, Located]> {
    const value = node.value;
    if (!isObj(value)) return [];
    const known = this.listed.get(value);
    if (known && known.file === node.loc.file && known.pointer === node.loc.pointer) return known.entries as Array<[string, Located]>;
    const keys = Object.keys(value);
    const entries = keys.map((k): [string, Located] => [k, this.child(node, k)]);
    if (keys.length >= LISTED_KEPT) this.listed.set(value, { file: node.loc.file, pointer: node.loc.pointer, entries });
    return entries;
  }

  items(node: Located): Located[] {
    if (!Array.isArray(node.value)) return [];
    return node.value.map((_, i) => this.child(node, i));
  }

  /**
   * The values `items` would give, without their locations: a `$ref` followed as `child` follows
   * it (the same memo, by the list's file and the reference). For readers of the values alone
   * (#18: a route's parameters were located, each with its own pointer, only to read their names).
   */
  itemValues(node: Located): unknown[] {
    const list = node.value;
    if (!Array.isArray(list)) return [];
    const out: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
      const value: unknown = list[i];
      const ref = this.spec && value !== null && typeof value === 'object' ? (value as { $ref?: unknown }).$ref : undefined;
      if (typeof ref !== 'string') {
        out.push(value);
        continue;
      }
      const known = this.resolved.get(`${node.loc.file}#${ref}`);
      if (known === undefined) {
        out.push(this.child(node, i).value);
        continue;
      }
      // child() keeps a key beside the $ref; answered from the memo, this holder is still looked at.
      this.keepSiblings(value as Record<string, unknown>, { file: node.loc.file, pointer: `${node.loc.pointer}/${i}` }, ref);
      out.push(known === null ? undefined : known.value);
    }
    return out;
  }
}

/**
 * Overlays `over` onto `base` (DESIGN.md section 2, environments): objects merge key by key,
 * anything else (lists included) replaces, null removes. Each merged key keeps the location of
 * the side its value came from.
 */
export function overlay(walker: Walker, base: Located, over: Located): Located {
  if (over.value === undefined) return base;
  if (!isObj(base.value) || !isObj(over.value)) return over;
  const merged: WithOrigins = {};
  const origins: Record<string, Loc> = {};
  for (const [k, child] of walker.entries(base)) {
    merged[k] = child.value;
    origins[k] = child.loc;
  }
  const fromBase = new Set(Object.keys(merged));
  for (const [k, child] of walker.entries(over)) {
    fromBase.delete(k);
    if (child.value === null) {
      delete merged[k];
      delete origins[k];
      continue;
    }
    const prior: Located | undefined = k in merged ? { value: merged[k], loc: origins[k]! } : undefined;
    const result = prior ? overlay(walker, prior, child) : child;
    merged[k] = result.value;
    origins[k] = result.loc;
  }
  Object.defineProperty(merged, ORIGINS, { value: origins, enumerable: false });
  // An object the overlay wrote every key of is the overlay's (a finding about it points where its
  // values are written); one that keeps any of the base's keys stays where the base wrote it.
  return { value: merged, loc: fromBase.size === 0 ? over.loc : base.loc };
}

/** A key beside the `$ref` at `holder`'s `key` (Walker.refSibling), which the walker would drop: refused at that key. */
export function refuseRefSibling(w: Walker, holder: Located, key: string | number, what: string, out: Diagnostic[]): void {
  const beside = w.refSibling(holder, key);
  if (beside) out.push(diag('ref-sibling-ignored', { what, key: beside.key, ref: beside.ref }, beside.loc));
}

/**
 * Walker.siblings as ref-sibling-ignored errors, each place once: refuseRefSibling may have said a
 * place already, naming its object. Called when the model has read everything it reads.
 */
export function refuseSiblings(w: Walker, out: Diagnostic[]): void {
  if (w.siblings.size === 0) return;
  const said = new Set<string>();
  for (const d of out) if (d.code === 'ref-sibling-ignored' && d.loc) said.add(`${d.loc.file}#${d.loc.pointer}`);
  for (const [at, s] of w.siblings) if (!said.has(at)) out.push(diag('ref-sibling-ignored', { what: objectAt(s.loc.pointer), key: s.key, ref: s.ref }, s.loc));
}

/** What the object holding the key at `pointer` is, for the message. */
function objectAt(pointer: string): string {
  const tokens = pointer.split('/');
  const holder = tokens.at(-2);
  const parent = tokens.at(-3);
  if (tokens.length === 3 && holder === 'paths') return 'paths object';
  if (parent === 'servers') return 'server';
  if (parent === 'parameters') return 'parameter';
  if (holder === 'securitySchemes') return 'securitySchemes map';
  if (holder === 'requestBody') return 'request body';
  return 'object';
}
