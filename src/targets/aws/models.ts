/**
 * An operation's OpenAPI 3.0 / 3.1 request schema as an API Gateway model: JSON Schema draft 4,
 * the only dialect REST API models take (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html).
 * The translation is exact or it is refused, keyword by keyword, at the line of the keyword: a
 * model that checks less than the schema would let through what other targets answer 400.
 *
 * - Exact rewrites: 3.0 `nullable` (a `null` type; an enum must list null itself), 3.1 numeric
 *   `exclusiveMinimum`/`exclusiveMaximum` (draft 4's boolean form), `const` (a one-value enum),
 *   boolean schemas (`{}` / `{ "not": {} }`), `dependentRequired` (draft 4 `dependencies`), format
 *   `int32` (its bounds), `int64` (an integer), `uuid` (a pattern) and the formats that check nothing (`float`, `double`, `password`, `binary`).
 * - `$ref`s are inlined (a model's own `$ref` must name another model by URL, and the spec's
 *   definitions are not models); a recursive schema cannot be inlined and is refused.
 * - Refused: every other format (API Gateway's validator does not document which formats it checks,
 *   so a format is neither known checked nor known ignored), keywords draft 4 has no meaning for
 *   (`prefixItems`, `contains`, `propertyNames`, `if`/`then`/`else`, `unevaluated*`, `dependentSchemas`,
 *   `$dynamicRef`, ...), `discriminator` mappings, and unknown keywords.
 * Annotations (`description`, `example`, `deprecated`, `readOnly`, `x-*`, ...) are dropped.
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import type { RequestSchema } from '../../model/types.js';
import { joinPointer } from '../../spec/pointer.js';

type Json = Record<string, unknown>;

/** One keyword draft 4 (as API Gateway runs it) cannot express. */
export interface ModelRefusal {
  keyword: string;
  detail: string;
  loc: Loc;
}

export type ModelResult = { model: Json } | { refusals: ModelRefusal[] };

/** Keywords draft 4 reads as written (their subschemas translated). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_ONE = new Set(['not', 'additionalProperties', 'items', 'additionalItems']);
const PLAIN = new Set(['type', 'enum', 'multipleOf', 'maximum', 'minimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'title', 'default']);
/** Annotations: no effect on what validates (OpenAPI and JSON Schema 2020-12 annotation vocabularies). */
const DROPPED = new Set(['description', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'xml', 'externalDocs', '$comment', '$schema', 'contentEncoding', 'contentMediaType', 'contentSchema']);
/** Read after the others (they depend on what the plain keywords wrote). */
const LATER = new Set(['nullable', 'discriminator', 'format', 'exclusiveMinimum', 'exclusiveMaximum']);
/** Formats gwc's validators treat as checking nothing (ajv-formats: any number, any string). */
const NO_CHECK_FORMATS = new Set(['float', 'double', 'password', 'binary']);
/** Where the largest inlined model stops: API Gateway bounds a model's size, and a shared subschema inlined everywhere grows fast. */
const MAX_MODEL_BYTES = 60_000;

const at = (loc: Loc, ...parts: Array<string | number>): Loc => ({ file: loc.file, pointer: parts.reduce<string>((p, k) => joinPointer(p, k), loc.pointer) });

/** The draft-04 model of `schema`, or why it cannot be one. `openapi` is the spec's version string. */
export function toDraft04(schema: RequestSchema, openapi: string): ModelResult {
  const v30 = openapi.startsWith('3.0');
  const refusals: ModelRefusal[] = [];
  const refuse = (keyword: string, detail: string, loc: Loc): Json => {
    refusals.push({ keyword, detail, loc });
    return {};
  };

  const walk = (node: unknown, loc: Loc, stack: readonly string[]): Json => {
    if (node === true) return {};
    if (node === false) return { not: {} };
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return refuse('schema', 'a schema is an object (or true/false in 3.1)', loc);
    const s = node as Json;
    if (typeof s.$ref === 'string') {
      const name = /^#\/definitions\/(.+)$/.exec(s.$ref)?.[1];
      const def = name !== undefined ? schema.definitions[name] : undefined;
      if (!def || name === undefined) return refuse('$ref', `${s.$ref} does not resolve`, at(loc, '$ref'));
      if (stack.includes(name)) return refuse('$ref', `${def.ref} refers back to itself; a model inlines every reference and cannot hold a recursive schema`, at(loc, '$ref'));
      const target = walk(def.schema, def.loc, [...stack, name]);
      // 3.1: keywords beside a $ref apply too (3.0 ignores them); as allOf both hold.
      const siblings = Object.keys(s).filter((k) => k !== '$ref' && !DROPPED.has(k) && !k.startsWith('x-'));
      if (v30 || siblings.length === 0) return target;
      const rest: Json = {};
      for (const k of siblings) rest[k] = s[k];
      return { allOf: [target, walk(rest, loc, stack)] };
    }
    const out: Json = {};
    for (const [k, x] of Object.entries(s)) {
      const kl = at(loc, k);
      if (k.startsWith('x-') || DROPPED.has(k) || LATER.has(k)) continue;
      if (PLAIN.has(k)) out[k] = x;
      else if (SCHEMA_MAPS.has(k) && x !== null && typeof x === 'object') {
        const m: Json = {};
        for (const [p, sub] of Object.entries(x as Json)) m[p] = walk(sub, at(kl, p), stack);
        out[k] = m;
      } else if (SCHEMA_LISTS.has(k) && Array.isArray(x)) out[k] = x.map((sub, i) => walk(sub, at(kl, i), stack));
      else if (SCHEMA_ONE.has(k)) {
        if (k === 'items' && Array.isArray(x)) out[k] = x.map((sub, i) => walk(sub, at(kl, i), stack));
        else out[k] = typeof x === 'boolean' && k !== 'items' ? x : walk(x, kl, stack);
      } else if (k === 'const') out.enum = [x];
      else if (k === 'dependentRequired' && x !== null && typeof x === 'object') out.dependencies = { ...(out.dependencies as Json | undefined), ...(x as Json) };
      else if (k === 'dependencies' && v30) refuse(k, 'not an OpenAPI 3.0 schema keyword', kl);
      else refuse(k, `draft 4, the only schema API Gateway models take, has no ${k}`, kl);
    }
    // After the plain keywords: a 3.1 exclusive bound and int32 both compare with minimum/maximum.
    for (const k of ['exclusiveMinimum', 'exclusiveMaximum'] as const) if (s[k] !== undefined) exclusive(s, k, out, at(loc, k));
    if (s.discriminator !== undefined) discriminator(s.discriminator, at(loc, 'discriminator'));
    if (s.format !== undefined) format(s, out, at(loc, 'format'));
    if (v30 && s.nullable === true) nullable(s, out, at(loc, 'nullable'));
    // OpenAPI: a required property marked readOnly is required in responses only, so a request
    // need not send it (as the nginx validator reads it: a server-set id must not fail a create).
    if (Array.isArray(out.required)) out.required = out.required.filter((n) => !(typeof n === 'string' && readOnly((s.properties as Json | undefined)?.[n])));
    if (Array.isArray(out.required) && out.required.length === 0) delete out.required; // draft 4: at least one name
    return out;
  };

  /** 3.1 numbers become draft 4's boolean flag beside minimum/maximum; 3.0 booleans stay. */
  const exclusive = (s: Json, k: 'exclusiveMinimum' | 'exclusiveMaximum', out: Json, loc: Loc): void => {
    const x = s[k];
    if (typeof x === 'boolean') {
      out[k] = x;
      return;
    }
    if (typeof x !== 'number') return void refuse(k, 'a number (3.1) or true/false (3.0)', loc);
    const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
    const other = s[bound];
    // Both given: the tighter bound wins; draft 4 can hold one bound with one flag.
    const tighter = typeof other !== 'number' || (bound === 'minimum' ? x >= other : x <= other);
    if (tighter) {
      out[bound] = x;
      out[k] = true;
    }
  };

  const discriminator = (d: unknown, loc: Loc): void => {
    // Without a mapping the discriminator only names the property oneOf already decides on;
    // a mapping picks the branch by value, which draft 4 cannot.
    if (d !== null && typeof d === 'object' && (d as Json).mapping !== undefined) refuse('discriminator', 'a discriminator mapping selects the schema by value, which draft 4 cannot', at(loc, 'mapping'));
  };

  const format = (s: Json, out: Json, loc: Loc): void => {
    const f = String(s.format);
    if (NO_CHECK_FORMATS.has(f)) return;
    if (f === 'uuid') {
      // ajv-formats' uuid (case-insensitive, optional urn:uuid: prefix) as a draft-4 pattern, which
      // has no flags; beside the schema's own pattern both must hold.
      const uuid = '^(?:[uU][rR][nN]:[uU][uU][iI][dD]:)?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$';
      if (out.pattern === undefined) out.pattern = uuid;
      else out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), { pattern: uuid }];
      return;
    }
    if (f === 'int64' && (out.type === 'integer' || out.type === 'number')) {
      out.type = 'integer'; // ajv-formats: any integer (JSON numbers past 2^53 are not exact anyway)
      return;
    }
    if (f === 'int32' && (out.type === 'integer' || out.type === 'number')) {
      // ajv-formats: an integer from -2^31 to 2^31-1; as bounds, with the schema's own if tighter.
      out.type = 'integer';
      if (typeof out.minimum !== 'number' || (out.minimum as number) < -2147483648) (out.minimum = -2147483648), delete out.exclusiveMinimum;
      if (typeof out.maximum !== 'number' || (out.maximum as number) > 2147483647) (out.maximum = 2147483647), delete out.exclusiveMaximum;
      return;
    }
    refuse('format', `format ${f}: API Gateway's model validator does not say whether it checks it, so the model could admit what other targets refuse`, loc);
  };

  const nullable = (s: Json, out: Json, loc: Loc): void => {
    if (s.type === undefined) return; // 3.0: nullable without type adds nothing (any value, null included)
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return void refuse('nullable', 'type is not a single name', loc);
    // An enum without null still refuses null, as ajv reads a nullable enum (OpenAPI 3.0.3 says so too).
  };

  /** A property schema marked readOnly, itself or through its $ref. */
  const readOnly = (p: unknown): boolean => {
    if (p === null || typeof p !== 'object') return false;
    const x = p as Json;
    if (x.readOnly === true) return true;
    const name = typeof x.$ref === 'string' ? /^#\/definitions\/(.+)$/.exec(x.$ref)?.[1] : undefined;
    const def = name !== undefined ? schema.definitions[name]?.schema : undefined;
    return def !== null && typeof def === 'object' && (def as Json).readOnly === true;
  };

  const model = walk(schema.schema, schema.loc, []);
  if (refusals.length > 0) return { refusals };
  const out = { $schema: 'http://json-schema.org/draft-04/schema#', ...model };
  if (JSON.stringify(out).length > MAX_MODEL_BYTES) return { refusals: [{ keyword: 'schema', detail: `inlined, the model is over ${MAX_MODEL_BYTES} bytes`, loc: schema.loc }] };
  return { model: out };
}
