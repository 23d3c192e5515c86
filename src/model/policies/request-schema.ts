/**
 * What a route's request must look like, read from the operation's own OpenAPI: its parameters
 * (path item's, overridden by the operation's of the same name and place) and its request body,
 * each schema made self-contained (every `$ref` followed with the loader's resolver, which stops at
 * cycles and dangling references, and rewritten to a local definition, so a recursive schema is a
 * finite graph, never an endless copy). Read for the routes that validate (validate.ts).
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { joinPointer } from '../../spec/pointer.js';
import { isObj, type Walker } from '../normalise/node.js';
import type { RequestBody, RequestParam, RequestSchema, RequestShape } from '../types.js';

const PLACES = ['path', 'query', 'header', 'cookie'] as const;

/** The request shape of one operation (`item` its path item). */
export function requestShape(w: Walker, item: Located, op: Located): RequestShape {
  const params: RequestParam[] = [];
  const same = (a: RequestParam, b: RequestParam) => a.in === b.in && (a.in === 'header' ? a.name.toLowerCase() === b.name.toLowerCase() : a.name === b.name);
  for (const node of [...w.items(w.child(item, 'parameters')), ...w.items(w.child(op, 'parameters'))]) {
    const p = readParam(w, node);
    if (!p) continue;
    const i = params.findIndex((q) => same(q, p));
    // OpenAPI 3.1 section 4.8.9.1: an operation's parameter overrides the path item's of the same name and place.
    if (i >= 0) params[i] = p;
    else params.push(p);
  }
  const shape: RequestShape = { params };
  const body = readBody(w, w.child(op, 'requestBody'));
  if (body) shape.body = body;
  return shape;
}

function readParam(w: Walker, node: Located): RequestParam | undefined {
  const v = node.value;
  if (!isObj(v) || typeof v.name !== 'string' || !(PLACES as readonly unknown[]).includes(v.in)) return undefined;
  const p: RequestParam = { name: v.name, in: v.in as RequestParam['in'], required: v.in === 'path' || v.required === true, loc: node.loc };
  if (typeof v.style === 'string') p.style = v.style;
  if (typeof v.explode === 'boolean') p.explode = v.explode;
  if (v.schema !== undefined) p.schema = resolveSchema(w, w.child(node, 'schema', { schema: true }));
  else if (isObj(v.content)) {
    const [mediaType] = Object.keys(v.content);
    if (mediaType !== undefined) {
      p.mediaType = mediaType;
      const media = w.child(w.child(node, 'content'), mediaType);
      if (isObj(media.value) && media.value.schema !== undefined) p.schema = resolveSchema(w, w.child(media, 'schema', { schema: true }));
    }
  }
  return p;
}

/** `application/json` or any `+json` type (RFC 6839), parameters ignored. */
export function isJsonMediaType(mediaType: string): boolean {
  const t = mediaType.split(';')[0]!.trim().toLowerCase();
  return t === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(t);
}

function readBody(w: Walker, node: Located): RequestBody | undefined {
  const v = node.value;
  if (!isObj(v)) return undefined;
  const content = w.child(node, 'content');
  const mediaTypes = isObj(content.value) ? Object.keys(content.value) : [];
  const body: RequestBody = { required: v.required === true, mediaTypes, loc: node.loc };
  const json = mediaTypes.find((m) => m.split(';')[0]!.trim().toLowerCase() === 'application/json') ?? mediaTypes.find(isJsonMediaType);
  if (json !== undefined) {
    const media = w.child(content, json);
    // A JSON media type without a schema accepts any JSON value (OpenAPI: no schema, no constraint).
    const schema = isObj(media.value) && media.value.schema !== undefined ? resolveSchema(w, w.child(media, 'schema', { schema: true })) : { schema: {}, loc: media.loc, definitions: {} };
    body.json = { mediaType: json, schema };
  }
  return body;
}

/**
 * The schema at `node`, self-contained (see RequestSchema). A reference the resolver cannot follow
 * (a cycle of bare references, a dangling one: the loader has reported both) becomes `false`, a
 * schema nothing matches: validation fails closed rather than accepting anything there.
 */
export function resolveSchema(w: Walker, node: Located): RequestSchema {
  const definitions: RequestSchema['definitions'] = {};
  const names = new Map<string, string>();
  const refTo = (ref: string, at: Loc): string | undefined => {
    // One schema reference at a time (Walker.schemaRef): a target with keywords beside its own
    // `$ref` becomes a definition holding both, not its chain's last schema alone (REF21).
    const target = w.schemaRef(ref, at);
    if (!target) return undefined;
    const key = `${target.loc.file}#${target.loc.pointer}`;
    const known = names.get(key);
    if (known) return known;
    const name = defName(target.loc.pointer, definitions);
    names.set(key, name);
    definitions[name] = { schema: {}, loc: target.loc, ref };
    definitions[name].schema = copy(target.value, target.loc);
    return name;
  };
  const copy = (value: unknown, loc: Loc): unknown => {
    if (Array.isArray(value)) return value.map((x, i) => copy(x, { file: loc.file, pointer: joinPointer(loc.pointer, i) }));
    if (!isObj(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      if (LITERAL_KEYWORDS.has(k)) out[k] = x; // values, not schemas: a `$ref` in an enum value is data
      else if (k === '$ref' && typeof x === 'string') {
        const name = refTo(x, loc);
        if (name === undefined) return false;
        out.$ref = `#/definitions/${name}`;
      } else out[k] = copy(x, { file: loc.file, pointer: joinPointer(loc.pointer, k) });
    }
    return out;
  };
  return { schema: copy(node.value, node.loc), loc: node.loc, definitions };
}

/** Keywords whose value is instance data, never a schema to walk. */
const LITERAL_KEYWORDS: ReadonlySet<string> = new Set(['enum', 'const', 'default', 'example', 'examples']);

/** A definition's name: its pointer's last token as letters and digits (AWS model names are that), made unique. */
function defName(pointer: string, taken: Record<string, unknown>): string {
  const last = pointer.split('/').pop() ?? '';
  const base = last.replace(/[^A-Za-z0-9]/g, '') || 'Schema';
  let name = base;
  for (let i = 2; Object.prototype.hasOwnProperty.call(taken, name); i++) name = `${base}${i}`;
  return name;
}
