/**
 * The walk paths-check.ts (OpenAPI 3.0) and paths-check-31.ts (3.1) share: path item, operation,
 * request body, responses, response, media type, example and security requirement are read the
 * same way by both schemas apart from what a {@link PathsDialect} says. Each answers true only when
 * the dialect's schema finds the value valid; false means "not sure", never "invalid".
 */
import { isObject } from './schema-check.js';

export const METHODS: ReadonlySet<string> = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
export const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
export const isString = (x: unknown): boolean => typeof x === 'string';

type Sure = (x: Record<string, unknown>) => boolean;

/** What the 3.0 and 3.1 schemas read differently in the shared walk. */
export interface PathsDialect {
  /** A path item's or an operation's `parameters`. */
  parameters(x: unknown): boolean;
  externalDocs(x: unknown): boolean;
  /** `oneOf [X, Reference]` (3.0) or X-or-reference (3.1). */
  refOr(v: unknown, sure: Sure): boolean;
  header: Sure;
  /** A media type's `schema`. */
  schema(x: unknown): boolean;
  /** 3.0: a media type holds `example` or `examples`, not both. */
  exampleXorExamples: boolean;
  /** `required: [k]` as the validator reads it (3.0's own key, 3.1's not undefined). */
  present(v: Record<string, unknown>, k: string): boolean;
  responseCode: RegExp;
  /** 3.0: an operation requires `responses`, with at least one key. */
  responsesRequired: boolean;
}

/** Every value of an object (own keys only) passes `sure`. */
export function allValues(v: unknown, sure: (x: unknown) => boolean): boolean {
  if (!isObject(v)) return false;
  for (const k in v) if (!hasOwn(v, k) || !sure(v[k])) return false;
  return true;
}

/** Every item of an array (holes included, as ajv's indexed loop reads them) passes `sure`. */
export function everyItem(v: unknown, sure: (x: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!sure(v[i])) return false;
  return true;
}

/** True when `v` is surely a valid path item in `d`'s schema. */
export function surePathItemIn(d: PathsDialect, v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-')) continue;
    const x = v[k];
    if (METHODS.has(k)) {
      if (!sureOperation(d, x)) return false;
    } else if (k === 'summary' || k === 'description') {
      if (typeof x !== 'string') return false;
    } else if (k === 'parameters') {
      if (!d.parameters(x)) return false;
    } else return false; // $ref, servers, or a key the schema refuses
  }
  return true;
}

function sureOperation(d: PathsDialect, v: unknown): boolean {
  if (!isObject(v) || (d.responsesRequired && !d.present(v, 'responses'))) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-')) continue;
    const x = v[k];
    switch (k) {
      case 'summary':
      case 'description':
      case 'operationId':
        if (typeof x !== 'string') return false;
        break;
      case 'deprecated':
        if (typeof x !== 'boolean') return false;
        break;
      case 'tags':
        if (!everyItem(x, isString)) return false;
        break;
      case 'externalDocs':
        if (!d.externalDocs(x)) return false;
        break;
      case 'parameters':
        if (!d.parameters(x)) return false;
        break;
      case 'requestBody':
        if (!d.refOr(x, (b) => sureRequestBody(d, b))) return false;
        break;
      case 'responses':
        if (!sureResponses(d, x)) return false;
        break;
      case 'security':
        if (!everyItem(x, sureSecurityRequirement)) return false;
        break;
      default:
        return false; // callbacks, servers, or a key the schema refuses
    }
  }
  return true;
}

function sureRequestBody(d: PathsDialect, v: Record<string, unknown>): boolean {
  if (!d.present(v, 'content')) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-')) continue;
    const x = v[k];
    if (k === 'description') {
      if (typeof x !== 'string') return false;
    } else if (k === 'required') {
      if (typeof x !== 'boolean') return false;
    } else if (k === 'content') {
      if (!allValues(x, (m) => sureMediaType(d, m))) return false;
    } else return false;
  }
  return true;
}

function sureResponses(d: PathsDialect, v: unknown): boolean {
  if (!isObject(v)) return false;
  let n = 0;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    n++;
    if (k.startsWith('x-')) continue;
    if (k !== 'default' && !d.responseCode.test(k)) return false;
    if (!d.refOr(v[k], (r) => sureResponse(d, r))) return false;
  }
  return !d.responsesRequired || n >= 1;
}

function sureResponse(d: PathsDialect, v: Record<string, unknown>): boolean {
  if (typeof v.description !== 'string') return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-') || k === 'description') continue;
    const x = v[k];
    if (k === 'headers') {
      if (!allValues(x, (h) => d.refOr(h, d.header))) return false;
    } else if (k === 'content') {
      if (!allValues(x, (m) => sureMediaType(d, m))) return false;
    } else return false; // links, or a key the schema refuses
  }
  return true;
}

/** A media type: schema, example (any), examples; encoding and anything else unsure. */
function sureMediaType(d: PathsDialect, v: unknown): boolean {
  if (!isObject(v) || (d.exampleXorExamples && hasOwn(v, 'example') && hasOwn(v, 'examples'))) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-') || k === 'example') continue;
    const x = v[k];
    if (k === 'schema') {
      if (!d.schema(x)) return false;
    } else if (k === 'examples') {
      if (!allValues(x, (e) => d.refOr(e, sureExample))) return false;
    } else return false; // encoding, or a key the schema refuses
  }
  return true;
}

/** An example: summary, description and externalValue strings, value (any), `^x-` keys. */
export function sureExample(v: Record<string, unknown>): boolean {
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-') || k === 'value') continue;
    if ((k !== 'summary' && k !== 'description' && k !== 'externalValue') || typeof v[k] !== 'string') return false;
  }
  return true;
}

/** An object of arrays of strings. */
function sureSecurityRequirement(v: unknown): boolean {
  return allValues(v, (scopes) => everyItem(scopes, isString));
}

/**
 * `doc` with each path item `sure` is sure of replaced by `{}` (a valid path item in both
 * schemas), on shallow copies of the document and its paths; the same document when there is
 * nothing to replace.
 */
export function pruneSurePathItems(doc: unknown, sure: (item: unknown) => boolean): unknown {
  if (!isObject(doc) || !isObject(doc.paths)) return doc;
  const paths = doc.paths;
  let pruned: Record<string, unknown> | undefined;
  for (const p in paths) {
    // Only the keys the Paths object reads as path items (`^\/`); `__proto__` never gets there.
    if (!hasOwn(paths, p) || !p.startsWith('/') || !sure(paths[p])) continue;
    (pruned ??= { ...paths })[p] = {};
  }
  return pruned ? { ...doc, paths: pruned } : doc;
}
