/**
 * Each API Gateway model against the operation's own schema (issue #19): ajv draft-04 over the
 * emitted model and ajv over the original schema (draft-04 rules plus `nullable` for OpenAPI 3.0,
 * 2020-12 for 3.1, ajv-formats in both) must agree on every sample, valid and invalid; what cannot
 * agree is refused, at the keyword's pointer. Every model must also be draft-04 (ajv-draft-04
 * compiles it against the draft-04 meta-schema).
 */
import * as draft04 from 'ajv-draft-04';
import Ajv2020Module from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { RequestSchema } from '../../../src/model/types.js';
import { toDraft04 } from '../../../src/targets/aws/models.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: object) => { compile(schema: object): Validator };
const ns = draft04 as unknown as { default: AjvLike & { default?: AjvLike } };
const AjvDraft04: AjvLike = ns.default.default ?? ns.default;
const Ajv2020 = (Ajv2020Module as unknown as { default: AjvLike }).default;
const addFormats = (formatsModule as unknown as { default: (a: unknown) => void }).default;

const LOC = { file: 'gateway.yaml', pointer: '/paths/~1a/post/requestBody/content/application~1json/schema' };
const schemaOf = (schema: unknown, definitions: Record<string, unknown> = {}): RequestSchema => ({
  schema,
  loc: LOC,
  definitions: Object.fromEntries(Object.entries(definitions).map(([n, s]) => [n, { schema: s, loc: { file: 'gateway.yaml', pointer: `/components/schemas/${n}` }, ref: `#/components/schemas/${n}` }])),
});

/** The original schema as ajv reads it: definitions beside it, so its `#/definitions/X` refs resolve. */
function original(version: string, s: RequestSchema): Validator {
  const ajv = version.startsWith('3.0') ? new AjvDraft04({ strict: false, allErrors: true }) : new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const defs = Object.fromEntries(Object.entries(s.definitions).map(([n, d]) => [n, d.schema]));
  const root = typeof s.schema === 'boolean' ? (s.schema ? {} : { not: {} }) : { ...(s.schema as object), definitions: defs };
  return ajv.compile(root);
}

function modelValidator(model: object): Validator {
  // No formats: a model carries none (each is translated or refused), so AWS's own format handling cannot matter.
  return new AjvDraft04({ strict: false, validateSchema: true, allErrors: true, validateFormats: false }).compile(model);
}

interface Agree {
  name: string;
  version?: string;
  schema: unknown;
  definitions?: Record<string, unknown>;
  valid: unknown[];
  invalid: unknown[];
  /** The schema as OpenAPI reads it for a request, when plain JSON Schema reads it otherwise. */
  reference?: unknown;
}

const PET = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, tag: { type: 'string', enum: ['cat', 'dog'] } }, additionalProperties: false };

const AGREE: Agree[] = [
  {
    name: 'nested object, enums, limits, additionalProperties',
    schema: { type: 'object', required: ['pet', 'count'], properties: { pet: { $ref: '#/definitions/Pet' }, count: { type: 'integer', minimum: 1, maximum: 10 }, note: { type: 'string', maxLength: 5, pattern: '^[a-z]+$', example: 'abc' } }, 'x-internal': true },
    definitions: { Pet: PET },
    valid: [{ pet: { name: 'a' }, count: 1 }, { pet: { name: 'a', tag: 'cat' }, count: 10, note: 'ab' }],
    invalid: [{}, { pet: { name: '' }, count: 1 }, { pet: { name: 'a', tag: 'cow' }, count: 1 }, { pet: { name: 'a', x: 1 }, count: 1 }, { pet: { name: 'a' }, count: 0 }, { pet: { name: 'a' }, count: 1.5 }, { pet: { name: 'a' }, count: 1, note: 'ABC' }, { pet: { name: 'a' }, count: 1, note: 'abcdef' }, [], 'x', null],
  },
  {
    name: 'oneOf and allOf over references',
    schema: { oneOf: [{ $ref: '#/definitions/Card' }, { $ref: '#/definitions/Bank' }] },
    definitions: { Card: { allOf: [{ $ref: '#/definitions/Base' }, { type: 'object', required: ['card'], properties: { card: { type: 'string' } } }] }, Bank: { type: 'object', required: ['iban'], properties: { iban: { type: 'string' } } }, Base: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } } },
    valid: [{ amount: 1, card: 'x' }, { iban: 'y' }],
    invalid: [{ amount: 1, card: 'x', iban: 'y' }, { card: 'x' }, {}, { amount: 'a', card: 'x' }],
  },
  { name: '3.0 nullable', schema: { type: 'string', nullable: true }, valid: ['a', null], invalid: [1, {}] },
  { name: '3.0 nullable enum without null refuses null', schema: { type: 'string', nullable: true, enum: ['a'] }, valid: ['a'], invalid: [null, 'b'] },
  { name: '3.0 nullable enum with null', schema: { type: 'string', nullable: true, enum: ['a', null] }, valid: ['a', null], invalid: ['b'] },
  { name: '3.0 boolean exclusive bounds', schema: { type: 'number', minimum: 1, exclusiveMinimum: true, maximum: 5, exclusiveMaximum: true }, valid: [1.5, 4.9], invalid: [1, 5, 0, 6] },
  { name: '3.1 numeric exclusive bounds', version: '3.1.0', schema: { type: 'number', exclusiveMinimum: 1, exclusiveMaximum: 5 }, valid: [1.5, 4.9], invalid: [1, 5] },
  { name: '3.1 exclusiveMinimum below minimum: minimum wins', version: '3.1.0', schema: { type: 'number', minimum: 3, exclusiveMinimum: 1 }, valid: [3, 4], invalid: [2, 1] },
  { name: '3.1 exclusiveMinimum above minimum: it wins', version: '3.1.0', schema: { exclusiveMinimum: 3, minimum: 1 }, valid: [3.5, 'x'], invalid: [3, 2] },
  { name: '3.1 type list and const', version: '3.1.0', schema: { type: 'object', properties: { kind: { const: 'order' }, v: { type: ['string', 'null'] } }, required: ['kind'] }, valid: [{ kind: 'order' }, { kind: 'order', v: null }], invalid: [{ kind: 'x' }, { kind: 'order', v: 1 }, {}] },
  { name: '3.1 boolean schemas', version: '3.1.0', schema: { type: 'object', properties: { any: true, never: false } }, valid: [{}, { any: [1] }], invalid: [{ never: 1 }] },
  { name: '3.1 dependentRequired', version: '3.1.0', schema: { type: 'object', dependentRequired: { card: ['cvv'] } }, valid: [{}, { card: 1, cvv: 2 }], invalid: [{ card: 1 }] },
  { name: '3.1 $ref with siblings', version: '3.1.0', schema: { $ref: '#/definitions/Pet', maxProperties: 1 }, definitions: { Pet: PET }, valid: [{ name: 'a' }], invalid: [{ name: 'a', tag: 'cat' }, {}] },
  { name: 'format int32 as bounds', schema: { type: 'integer', format: 'int32' }, valid: [0, 2147483647, -2147483648], invalid: [2147483648, -2147483649, 1.5, 'a'] },
  { name: 'format int32 on a number is an integer', schema: { type: 'number', format: 'int32', maximum: 10 }, valid: [10, -3], invalid: [11, 1.5] },
  { name: 'format int64 is an integer', schema: { type: 'number', format: 'int64' }, valid: [0, 9007199254740991, -5], invalid: [1.5, 'a'] },
  { name: 'format uuid as a pattern', schema: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, ref: { type: 'string', format: 'uuid', pattern: '^[0-9]' } } }, valid: [{ id: '123e4567-e89b-12d3-a456-426614174000' }, { id: 'URN:UUID:123E4567-E89B-12D3-A456-426614174000' }, { ref: '123e4567-e89b-12d3-a456-426614174000' }], invalid: [{ id: '123e4567e89b12d3a456426614174000' }, { id: 'x123e4567-e89b-12d3-a456-426614174000' }, { ref: 'a23e4567-e89b-12d3-a456-426614174000' }] },
  { name: 'a required readOnly property is not required of a request (OpenAPI: responses only)', schema: { type: 'object', required: ['id', 'name', 'ref'], properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' }, ref: { $ref: '#/definitions/Id' } } }, definitions: { Id: { type: 'string', readOnly: true } }, reference: { type: 'object', required: ['name'], properties: { id: { type: 'integer' }, name: { type: 'string' }, ref: { type: 'string' } } }, valid: [{ name: 'a' }, { name: 'a', id: 1 }], invalid: [{}, { name: 'a', id: 'x' }] },
  { name: 'formats that check nothing are dropped', schema: { type: 'object', properties: { p: { type: 'string', format: 'password' }, d: { type: 'number', format: 'double' } } }, valid: [{ p: 'x', d: 1.5 }], invalid: [{ p: 1 }] },
  { name: 'items and array limits', schema: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2, uniqueItems: true }, valid: [[1], [1, 2]], invalid: [[], [1, 2, 3], [1, 1], ['a']] },
  { name: '3.1 not, anyOf, empty required', version: '3.1.0', schema: { type: 'object', required: [], anyOf: [{ required: ['a'] }, { required: ['b'] }], not: { required: ['c'] } }, valid: [{ a: 1 }, { b: 1 }], invalid: [{}, { a: 1, c: 1 }] },
];

interface Refused {
  name: string;
  version?: string;
  schema: unknown;
  definitions?: Record<string, unknown>;
  /** [keyword, pointer relative to the place written] */
  refusals: Array<[string, string]>;
}

const REFUSED: Refused[] = [
  { name: 'a recursive reference', schema: { $ref: '#/definitions/Node' }, definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } }, refusals: [['$ref', '/components/schemas/Node/properties/next/$ref']] },
  { name: 'format email (AWS does not say whether it checks it)', schema: { type: 'object', properties: { mail: { type: 'string', format: 'email' } } }, refusals: [['format', `${LOC.pointer}/properties/mail/format`]] },
  { name: 'format date-time in a definition', schema: { $ref: '#/definitions/When' }, definitions: { When: { type: 'string', format: 'date-time' } }, refusals: [['format', '/components/schemas/When/format']] },
  { name: 'format int32 without a numeric type', schema: { format: 'int32' }, refusals: [['format', `${LOC.pointer}/format`]] },
  { name: '3.1 prefixItems', version: '3.1.0', schema: { type: 'array', prefixItems: [{ type: 'string' }] }, refusals: [['prefixItems', `${LOC.pointer}/prefixItems`]] },
  { name: '3.1 if/then', version: '3.1.0', schema: { if: { required: ['a'] }, then: { required: ['b'] } }, refusals: [['if', `${LOC.pointer}/if`], ['then', `${LOC.pointer}/then`]] },
  { name: '3.1 unevaluatedProperties, propertyNames, contains', version: '3.1.0', schema: { unevaluatedProperties: false, propertyNames: { maxLength: 3 }, contains: { type: 'string' } }, refusals: [['unevaluatedProperties', `${LOC.pointer}/unevaluatedProperties`], ['propertyNames', `${LOC.pointer}/propertyNames`], ['contains', `${LOC.pointer}/contains`]] },
  { name: 'a discriminator mapping', schema: { oneOf: [{ $ref: '#/definitions/A' }], discriminator: { propertyName: 'k', mapping: { a: '#/components/schemas/A' } } }, definitions: { A: { type: 'object' } }, refusals: [['discriminator', `${LOC.pointer}/discriminator/mapping`]] },
  { name: 'an unknown keyword', schema: { type: 'string', maxlength: 3 }, refusals: [['maxlength', `${LOC.pointer}/maxlength`]] },
];

describe('aws models: each model agrees with the operation schema', () => {
  it.each(AGREE)('$name', (c) => {
    const version = c.version ?? '3.0.3';
    const s = schemaOf(c.schema, c.definitions);
    const r = toDraft04(s, version);
    if (!('model' in r)) throw new Error(`refused: ${JSON.stringify(r.refusals)}`);
    expect(JSON.stringify(r.model)).not.toContain('$ref');
    const want = original(version, c.reference === undefined ? s : schemaOf(c.reference));
    const got = modelValidator(r.model);
    for (const sample of c.valid) {
      expect(want(sample), `original, valid ${JSON.stringify(sample)}`).toBe(true);
      expect(got(sample), `model, valid ${JSON.stringify(sample)}`).toBe(true);
    }
    for (const sample of c.invalid) {
      expect(want(sample), `original, invalid ${JSON.stringify(sample)}`).toBe(false);
      expect(got(sample), `model, invalid ${JSON.stringify(sample)}`).toBe(false);
    }
  });
});

describe('aws models: what draft 4 cannot say is refused at the keyword', () => {
  it.each(REFUSED)('$name', (c) => {
    const r = toDraft04(schemaOf(c.schema, c.definitions), c.version ?? '3.0.3');
    expect('refusals' in r).toBe(true);
    if (!('refusals' in r)) return;
    expect(r.refusals.map((x) => [x.keyword, x.loc.pointer])).toEqual(c.refusals);
  });
});
