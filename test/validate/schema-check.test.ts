/**
 * #18: the first pass over OpenAPI 3.0 Schema Objects (src/validate/schema-check.ts) may only be
 * sure of what ajv finds valid: `sureSchemaOrRef(x)` true implies the 3.0 validator accepts x as
 * a components/schemas entry, on a table of edge cases (each keyword's type, ajv's integer and
 * minimum tests, the oneOf with Reference) and on seeded mutations of real schemas. It should be
 * sure of every valid schema of GitHub's description (else it buys nothing).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openApiValidator } from '../../src/validate/openapi.js';
import { pruneSureSchemas, sureSchemaOrRef } from '../../src/validate/schema-check.js';

const ajv = openApiValidator('openapi-3.0');
const doc = (s: unknown) => ({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas: { S: s } } });
const valid = (s: unknown) => ajv(doc(s));

const CASES: Array<[string, unknown]> = [
  ['empty', {}],
  ['type', { type: 'string' }],
  ['type unknown', { type: 'strin' }],
  ['type list', { type: ['string'] }],
  ['extension', { 'x-a': 1, type: 'object' }],
  ['unknown key', { typ: 'object' }],
  ['$ref', { $ref: '#/a' }],
  ['$ref and siblings', { $ref: '#/a', description: 'd', type: 7 }],
  ['$ref not a string', { $ref: 7 }],
  ['nullable', { nullable: true }],
  ['nullable string', { nullable: 'true' }],
  ['multipleOf 0', { multipleOf: 0 }],
  ['multipleOf 0.5', { multipleOf: 0.5 }],
  ['multipleOf NaN', { multipleOf: NaN }],
  ['multipleOf Infinity', { multipleOf: Infinity }],
  ['maximum', { maximum: -1.5 }],
  ['maximum NaN', { maximum: NaN }],
  ['maximum string', { maximum: '1' }],
  ['minLength -1', { minLength: -1 }],
  ['minLength 1.5', { minLength: 1.5 }],
  ['minLength Infinity', { minLength: Infinity }],
  ['minLength NaN', { minLength: NaN }],
  ['minLength 0', { minLength: 0 }],
  ['minLength -0', { minLength: -0 }],
  ['maxItems 1e300', { maxItems: 1e300 }],
  ['required', { required: ['a', 'b'] }],
  ['required empty', { required: [] }],
  ['required duplicate', { required: ['a', 'a'] }],
  ['required __proto__ twice', { required: ['__proto__', '__proto__'] }],
  ['required number', { required: [1] }],
  ['required string', { required: 'a' }],
  ['enum', { enum: [1, 'a', null, {}] }],
  ['enum empty', { enum: [] }],
  ['enum duplicates', { enum: [1, 1] }],
  ['enum object', { enum: { a: 1 } }],
  ['properties', { properties: { a: { type: 'string' }, b: { $ref: '#/x' } } }],
  ['properties bad', { properties: { a: { type: 'strin' } } }],
  ['properties array', { properties: [{ type: 'string' }] }],
  ['properties of null', { properties: { a: null } }],
  ['items', { items: { type: 'string' } }],
  ['items array', { items: [{ type: 'string' }] }],
  ['allOf', { allOf: [{ type: 'string' }, { $ref: '#/x' }] }],
  ['allOf empty', { allOf: [] }],
  ['allOf object', { allOf: { a: {} } }],
  ['anyOf bad', { anyOf: [{ type: 1 }] }],
  ['not', { not: { type: 'string' } }],
  ['not boolean', { not: true }],
  ['additionalProperties true', { additionalProperties: true }],
  ['additionalProperties schema', { additionalProperties: { type: 'string' } }],
  ['additionalProperties string', { additionalProperties: 'no' }],
  ['additionalProperties bad', { additionalProperties: { type: 2 } }],
  ['default and example', { default: { any: [1] }, example: null }],
  ['discriminator', { discriminator: { propertyName: 'k', mapping: { a: '#/a' }, other: 1 } }],
  ['discriminator no name', { discriminator: { mapping: {} } }],
  ['discriminator mapping number', { discriminator: { propertyName: 'k', mapping: { a: 1 } } }],
  ['discriminator array', { discriminator: ['k'] }],
  ['externalDocs', { externalDocs: { url: 'u', description: 'd', 'x-y': 1 } }],
  ['externalDocs no url', { externalDocs: { description: 'd' } }],
  ['externalDocs extra', { externalDocs: { url: 'u', extra: 1 } }],
  ['xml', { xml: { name: 'n', namespace: 'ns', prefix: 'p', attribute: true, wrapped: false, 'x-y': 1 } }],
  ['xml attribute string', { xml: { attribute: 'true' } }],
  ['xml extra', { xml: { extra: 1 } }],
  ['format any string', { format: 'not-a-format', pattern: '([' }],
  ['title number', { title: 1 }],
  ['array', []],
  ['null', null],
  ['string', 'x'],
];

describe('sureSchemaOrRef (#18)', () => {
  it.each(CASES)('%s: sure only of what ajv accepts', (_name, s) => {
    if (sureSchemaOrRef(s)) expect(valid(s)).toBe(true);
  });

  it('is sure of the plain valid cases (else it buys nothing)', () => {
    const sure = CASES.filter(([, s]) => sureSchemaOrRef(s)).map(([n]) => n);
    expect(sure).toEqual(expect.arrayContaining(['empty', 'type', 'extension', '$ref', '$ref and siblings', 'properties', 'allOf', 'discriminator', 'xml', 'required', 'enum duplicates']));
    // and every case ajv refuses is one it is not sure of
    for (const [n, s] of CASES) if (!valid(s)) expect(sure).not.toContain(n);
  });

  it('holds on seeded mutations of real schemas', () => {
    const github = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as { components: { schemas: Record<string, unknown> } };
    const bases = Object.values(github.components.schemas).slice(0, 150);
    let seed = 18;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const odd: unknown[] = ['', 'x', -1, 0, 0.5, 1, NaN, Infinity, true, null, [], ['a', 'a'], {}, { type: 'string' }, { $ref: 1 }, { $ref: '#/a' }, { bogus: 1 }];
    const keys = ['type', 'properties', 'items', 'required', 'enum', 'minLength', 'multipleOf', 'nullable', 'allOf', 'additionalProperties', 'discriminator', 'xml', 'externalDocs', '$ref', 'x-k', 'bogus', 'format'];
    /** A copy of `v` with one node (chosen by position) changed: a key set to an odd value, or removed. */
    const mutate = (v: unknown): unknown => {
      const nodes: Array<Record<string, unknown>> = [];
      const copy = (x: unknown): unknown => {
        if (x === null || typeof x !== 'object') return x;
        if (Array.isArray(x)) return x.map(copy);
        const o = Object.fromEntries(Object.entries(x).map(([k, y]) => [k, copy(y)]));
        nodes.push(o);
        return o;
      };
      const out = copy(v);
      const node = nodes[rnd(nodes.length)];
      if (node) {
        const k = rnd(4) === 0 && Object.keys(node).length ? Object.keys(node)[rnd(Object.keys(node).length)]! : keys[rnd(keys.length)]!;
        if (rnd(5) === 0) delete node[k];
        else node[k] = odd[rnd(odd.length)];
      }
      return out;
    };
    let sure = 0;
    let refused = 0;
    for (const base of bases) {
      expect(sureSchemaOrRef(base)).toBe(valid(base));
      for (let i = 0; i < 12; i++) {
        const m = mutate(base);
        if (sureSchemaOrRef(m)) {
          sure++;
          expect(valid(m), JSON.stringify(m)).toBe(true);
        } else if (!valid(m)) refused++;
      }
    }
    expect(sure).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});

describe('pruneSureSchemas (#18)', () => {
  it('replaces the entries it is sure of on copies, leaves the document and References alone', () => {
    const schemas = { A: { type: 'string' }, B: { type: 'strin' }, C: { $ref: '#/components/schemas/A' }, D: 'x' };
    const d = { openapi: '3.0.3', components: { schemas, responses: {} } };
    const out = pruneSureSchemas(d) as typeof d;
    expect(out.components.schemas).toEqual({ A: {}, B: { type: 'strin' }, C: { $ref: '#/components/schemas/A' }, D: 'x' });
    expect(d.components.schemas.A).toEqual({ type: 'string' });
    expect(out.components.responses).toBe(d.components.responses);
    expect(pruneSureSchemas({ components: { schemas: { B: { type: 1 } } } })).toEqual({ components: { schemas: { B: { type: 1 } } } });
  });
});
