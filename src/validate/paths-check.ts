/**
 * The first pass of schema-check.ts for OpenAPI 3.0 path items (#18: with the component schemas
 * pruned, the paths were most of what the precompiled validator still walked on GitHub's
 * description). `surePathItem` answers true only when the 3.0 schema (definitions PathItem,
 * Operation, Parameter, RequestBody, Responses, Response, MediaType, Header, Example,
 * SecurityRequirement and the Schema/Reference oneOf) finds the value valid; false means "not
 * sure". It models the common shapes only and is unsure of the rest: a path item with `$ref` or
 * servers, callbacks, links, encodings, a parameter or header with `content`, two parameters
 * that could be equal (uniqueItems compares them deeply). Each test is the one ajv's generated
 * code makes (see schema-check.ts).
 */
import { allValues, hasOwn, pruneSurePathItems, sureExample, surePathItemIn, type PathsDialect } from './paths-walk.js';
import { isObject, sureExternalDocs, sureSchemaOrRef } from './schema-check.js';

/** The value is written as a Reference Object (`$ref`, whatever else it holds). */
function isRef(v: Record<string, unknown>): boolean {
  return hasOwn(v, '$ref');
}

/**
 * `oneOf: [X, Reference]`: a value with `$ref` is a valid Reference when it is a string (any other
 * key is allowed), and then X must fail: every X used here has additionalProperties false
 * without `$ref` among its properties, so it does.
 */
function refOr(v: unknown, sure: (x: Record<string, unknown>) => boolean): boolean {
  if (!isObject(v)) return false;
  if (isRef(v)) return typeof v.$ref === 'string' && ownOnly(v);
  return sure(v);
}

function ownOnly(v: object): boolean {
  for (const k in v) if (!hasOwn(v, k)) return false;
  return true;
}

const DIALECT: PathsDialect = {
  parameters: sureParameters,
  externalDocs: sureExternalDocs,
  refOr,
  header: sureHeader,
  schema: sureSchemaOrRef,
  exampleXorExamples: true,
  present: hasOwn,
  responseCode: /^[1-5](?:\d{2}|XX)$/,
  responsesRequired: true,
};

/** True when `v` is surely a valid PathItem. */
export function surePathItem(v: unknown): boolean {
  return surePathItemIn(DIALECT, v);
}

/**
 * `type: array, items: oneOf [Parameter, Reference], uniqueItems: true`. Unique is judged
 * conservatively: References written alone with distinct `$ref`s, and parameters with distinct
 * (in, name) (two items deeply equal would repeat both).
 */
function sureParameters(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  const seen = new Set<string>();
  for (let i = 0; i < v.length; i++) {
    const p: unknown = v[i];
    if (!isObject(p)) return false;
    let key: string;
    if (isRef(p)) {
      if (typeof p.$ref !== 'string' || Object.keys(p).length !== 1) return false;
      key = `$ref\0${p.$ref}`;
    } else {
      if (!sureParameter(p)) return false;
      key = `${p.in as string}\0${p.name as string}`;
    }
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** Parameter in the form with `schema` (SchemaXORContent's first branch) and ParameterLocation's branch for its `in`. */
function sureParameter(p: Record<string, unknown>): boolean {
  if (typeof p.name !== 'string' || typeof p.in !== 'string' || !hasOwn(p, 'schema') || hasOwn(p, 'content')) return false;
  if (hasOwn(p, 'example') && hasOwn(p, 'examples')) return false;
  for (const k in p) {
    if (!hasOwn(p, k)) return false;
    if (k.startsWith('x-')) continue;
    const x = p[k];
    if (k === 'name' || k === 'in' || k === 'style') {
      if (typeof x !== 'string') return false;
    } else if (!sureSharedField(k, x)) return false;
  }
  const style = p.style;
  switch (p.in) {
    case 'path':
      return p.required === true && (style === undefined || style === 'matrix' || style === 'label' || style === 'simple');
    case 'query':
      return style === undefined || style === 'form' || style === 'spaceDelimited' || style === 'pipeDelimited' || style === 'deepObject';
    case 'header':
      return style === undefined || style === 'simple';
    case 'cookie':
      return style === undefined || style === 'form';
    default:
      return false;
  }
}

/** Header in the form with `schema` (SchemaXORContent's first branch). */
function sureHeader(v: Record<string, unknown>): boolean {
  if (!hasOwn(v, 'schema') || hasOwn(v, 'content') || (hasOwn(v, 'example') && hasOwn(v, 'examples'))) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-') || k === 'example') continue;
    const x = v[k];
    if (k === 'style') {
      if (x !== 'simple') return false;
    } else if (!sureSharedField(k, x)) return false;
  }
  return true;
}

/**
 * A field Parameter and Header share in the form with `schema` (the schema's own checks for each);
 * false for any other key, which the caller has not handled (the schema refuses it).
 */
function sureSharedField(k: string, x: unknown): boolean {
  switch (k) {
    case 'description':
      return typeof x === 'string';
    case 'required':
    case 'deprecated':
    case 'allowEmptyValue':
    case 'explode':
    case 'allowReserved':
      return typeof x === 'boolean';
    case 'schema':
      return sureSchemaOrRef(x);
    case 'examples':
      return allValues(x, (e) => refOr(e, sureExample));
    case 'example':
      return true;
    default:
      return false;
  }
}

/**
 * `doc` with each path item `surePathItem` is sure of replaced by `{}` (a valid PathItem), on
 * shallow copies of the document and its paths; the same document when there is nothing to replace.
 */
export function pruneSurePaths(doc: unknown): unknown {
  return pruneSurePathItems(doc, surePathItem);
}
