/**
 * The document the OpenAPI schema is checked against: every `$ref` replaced by what it points at,
 * as Redocly and swagger-parser read a spec, except where that cannot end or would only repeat.
 *
 * swagger-parser's `dereference` with `circular: 'ignore'` keeps as `$ref` every reference whose
 * target CONTAINS a cycle, not only the one that closes it. An operation written as `$ref:
 * resources/apps/apps_list.yml` (DigitalOcean's layout) whose responses reach a recursive schema
 * therefore stayed `{ $ref }`, which the schema refuses for an operation ("must have required
 * property 'responses'"): a false error on a valid spec. Here only the reference that closes a
 * cycle (its target is being expanded above it) stays a `$ref`, and so does a repeat: a target
 * already expanded in a slot of the same kind (a schema, a response, ...) is checked once, where
 * it was first met. That keeps the document linear in the spec's size (Stripe's schemas are one
 * large cycle) while every reference is still checked against the slot it sits in: a response
 * that `$ref`s a schema is expanded as a response and refused as one.
 *
 * Slots where OpenAPI allows no Reference Object (operations, media types, ...) are always
 * expanded, so a `$ref` there is never left for the schema to refuse.
 *
 * The copy is also where validation-only readings happen: an http security scheme's `scheme` is
 * compared lower-cased (RFC 7235 section 2.1: auth-scheme names are case-insensitive), so `Bearer`
 * with a `bearerFormat` passes the schema's `bearer`-only branch, as the model already reads it.
 */
import type { Loc } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { escapeToken, joinPointer, splitPointer } from '../spec/pointer.js';
import { chainEnd } from '../spec/resolve.js';

export interface Expanded {
  doc: unknown;
  /** Where the value at `instancePath` (a pointer into `doc`, as ajv reports it) was written. */
  locOf(instancePath: string): Loc;
  /** The `$ref` whose target is the value at `instancePath`, when it was written as one. */
  refAt(instancePath: string): { ref: string; loc: Loc } | undefined;
}

type Kind = 'schema' | 'response' | 'parameter' | 'example' | 'requestBody' | 'header' | 'securityScheme' | 'link' | 'callback' | 'pathItem' | 'other';

const SCHEMA_KEYS = new Set(['schema', 'items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems', 'contentSchema']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'allOf', 'anyOf', 'oneOf', 'prefixItems', '$defs', 'definitions', 'dependentSchemas']);
const MAP_KINDS: Record<string, Kind> = {
  responses: 'response',
  parameters: 'parameter',
  examples: 'example',
  requestBodies: 'requestBody',
  headers: 'header',
  securitySchemes: 'securityScheme',
  links: 'link',
  callbacks: 'callback',
  paths: 'pathItem',
  webhooks: 'pathItem',
  pathItems: 'pathItem',
};

/** What the OpenAPI schema expects at `tokens` (a path from the document root), from its last keys. */
export function slotKind(tokens: readonly string[]): Kind {
  const last = tokens.at(-1);
  const parent = tokens.at(-2);
  if (last === undefined) return 'other';
  // A schema property named like an OpenAPI map ("responses") is still a schema.
  if (parent !== undefined && SCHEMA_MAPS.has(parent)) return 'schema';
  if (SCHEMA_KEYS.has(last)) return 'schema';
  if (parent === 'schemas') return 'schema';
  if (last === 'requestBody') return 'requestBody';
  if (tokens.at(-3) === 'callbacks') return 'pathItem';
  return (parent !== undefined && MAP_KINDS[parent]) || 'other';
}

export function expandForValidation(spec: LoadedSpec): Expanded {
  const { walk, locs, refs } = expander(spec);
  const root = spec.root;
  const doc = walk(root.value);
  return {
    doc,
    locOf(instancePath: string): Loc {
      let node: unknown = doc;
      let loc: Loc = root.loc;
      for (const token of splitPointer(instancePath)) {
        node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined;
        const known = node !== null && typeof node === 'object' ? locs.get(node) : undefined;
        loc = known ?? { file: loc.file, pointer: joinPointer(loc.pointer, token) };
      }
      return loc;
    },
    refAt(instancePath: string) {
      let node: unknown = doc;
      for (const token of splitPointer(instancePath)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined;
      return node !== null && typeof node === 'object' ? refs.get(node) : undefined;
    },
  };
}

/**
 * The expansion's walk, with its state: `walk(value)` expands the root; `walkAt(value, tokens)`
 * expands the value at `tokens` of the root file as that walk would have reached it there (its
 * slot read from `tokens`), for a caller that expands only part of the document (quick-doc.ts).
 */
export function expander(spec: LoadedSpec) {
  const locs = new WeakMap<object, Loc>();
  const refs = new WeakMap<object, { ref: string; loc: Loc }>();
  const expanded = new Set<string>();
  const onPath = new Set<string>();
  const objectsOnPath = new Set<object>();

  const copyRef = (node: Record<string, unknown>, loc: Loc) => {
    const out = { ...node };
    locs.set(out, loc);
    return out;
  };

  // Where the node being walked was written: `base` (the root, or where the last $ref led) plus
  // the keys of `path` after `baseDepth`. `path` is the node's place in the expanded document
  // (what slotKind reads). A pointer is built only where one is needed (at a $ref): building one
  // and a token array for every node was a third of validating GitHub's description. Plain nodes
  // get no entry in `locs`, since locOf's fallback (the parent's location plus the key) names them.
  const path: string[] = [];
  let base: Loc = spec.root.loc;
  let baseDepth = 0;
  const here = (): Loc => {
    let pointer = base.pointer;
    for (let i = baseDepth; i < path.length; i++) pointer += `/${escapeToken(path[i]!)}`;
    return { file: base.file, pointer };
  };

  const walk = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (objectsOnPath.has(value)) return undefined; // a YAML alias inside itself: never finite
    const node = value as Record<string, unknown>;
    if (!Array.isArray(node) && typeof node.$ref === 'string') {
      const loc = here();
      const target = chainEnd(spec, { value: node, loc });
      if (!target) return copyRef(node, loc); // cycle or dangling: the loader has said so
      const key = `${target.loc.file}#${target.loc.pointer}`;
      const kind = slotKind(path);
      // A target above this point (reached by a $ref or by plain nesting) closes a cycle.
      const above = onPath.has(key) || (target.value !== null && typeof target.value === 'object' && objectsOnPath.has(target.value));
      if (above || (kind !== 'other' && expanded.has(`${kind} ${key}`))) return copyRef(node, loc);
      if (kind !== 'other') expanded.add(`${kind} ${key}`);
      onPath.add(key);
      const [savedBase, savedDepth] = [base, baseDepth];
      base = target.loc;
      baseDepth = path.length;
      let out = walk(target.value);
      base = savedBase;
      baseDepth = savedDepth;
      onPath.delete(key);
      if (out !== null && typeof out === 'object') locs.set(out, target.loc);
      // Keys beside the $ref are kept as swagger-parser merges them where they mean something to
      // the model: a schema's own keywords, 3.1's summary/description. Any other is what the
      // model refuses (ref-sibling-ignored) and reads without: validated without it too, so the
      // document checked is the one built (REF21).
      const extra = Object.keys(node).filter((k) => k !== '$ref' && (kind === 'schema' || k === 'summary' || k === 'description'));
      if (extra.length > 0 && out !== null && typeof out === 'object' && !Array.isArray(out)) {
        const merged: Record<string, unknown> = { ...(out as Record<string, unknown>) };
        for (const k of extra) {
          if (k in merged) continue;
          path.push(k);
          merged[k] = walk(node[k]);
          path.pop();
        }
        locs.set(merged, target.loc);
        out = merged;
      }
      if (out !== null && typeof out === 'object' && !refs.has(out)) refs.set(out, { ref: node.$ref, loc: { file: loc.file, pointer: joinPointer(loc.pointer, '$ref') } });
      return out;
    }
    objectsOnPath.add(node);
    const out: Record<string, unknown> | unknown[] = Array.isArray(node) ? [] : {};
    for (const k of Object.keys(node)) {
      path.push(k);
      (out as Record<string, unknown>)[k] = walk(node[k]);
      path.pop();
    }
    objectsOnPath.delete(node);
    lowerHttpScheme(out, path);
    return out;
  };

  const walkAt = (value: unknown, tokens: readonly string[]): unknown => {
    path.length = 0;
    path.push(...tokens);
    base = { file: spec.rootFile, pointer: joinPointer('', ...tokens) };
    baseDepth = tokens.length;
    const out = walk(value);
    path.length = 0;
    base = spec.root.loc;
    baseDepth = 0;
    return out;
  };
  return { walk, walkAt, locs, refs };
}

/** `scheme: Bearer` is `bearer` (RFC 7235 section 2.1), in the validation copy only. */
export function lowerHttpScheme(node: Record<string, unknown> | unknown[], tokens: readonly string[]): void {
  if (Array.isArray(node) || tokens.at(-2) !== 'securitySchemes') return;
  if (node.type === 'http' && typeof node.scheme === 'string') node.scheme = node.scheme.toLowerCase();
}
