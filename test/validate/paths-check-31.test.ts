/**
 * #18: the first pass over OpenAPI 3.1 path items (src/validate/paths-check-31.ts) may only be
 * sure of what ajv finds valid: `surePathItem31(x)` true implies the 3.1 validator accepts x under
 * paths, on a table of edge cases (each definition's keys and types, where 3.1's schema differs
 * from 3.0's, the styles-for-<in> branches, schema XOR content, References) and on seeded mutations
 * of the synthetic spec's and the fixtures' 3.1 path items.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { syntheticSpec } from '../../bench/synthetic.js';
import { openApiValidator } from '../../src/validate/openapi.js';
import { pruneSurePaths31, surePathItem31 } from '../../src/validate/paths-check-31.js';

const ajv = openApiValidator('openapi-3.1');
const valid = (item: unknown) => ajv({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/p': item } });

const ok = { '200': { description: 'ok' } };
const op = (o: Record<string, unknown>) => ({ get: { responses: ok, ...o } });
const param = (p: Record<string, unknown>) => op({ parameters: [{ name: 'a', in: 'query', schema: { type: 'string' }, ...p }] });
const header = (h: Record<string, unknown>) => ({ get: { responses: { '200': { description: 'd', headers: { X: h } } } } });

const CASES: Array<[string, unknown]> = [
  ['empty', {}],
  ['operation', op({})],
  ['no responses', { get: { summary: 's' } }],
  ['responses empty', { get: { responses: {} } }],
  ['responses x- only', { get: { responses: { 'x-a': 1 } } }],
  ['response code 2XX', { get: { responses: { '2XX': { description: 'd' } } } }],
  ['response code 2X0', { get: { responses: { '2X0': { description: 'd' } } } }],
  ['response code 600', { get: { responses: { '600': { description: 'd' } } } }],
  ['response code 20', { get: { responses: { '20': { description: 'd' } } } }],
  ['response default ref', { get: { responses: { default: { $ref: '#/x', summary: 's', description: 'd' } } } }],
  ['response ref with x-', { get: { responses: { default: { $ref: '#/x', 'x-a': 1 } } } }],
  ['response ref with other key', { get: { responses: { default: { $ref: '#/x', content: {} } } } }],
  ['response ref number', { get: { responses: { default: { $ref: 1 } } } }],
  ['response ref summary number', { get: { responses: { default: { $ref: '#/x', summary: 1 } } } }],
  ['response no description', { get: { responses: { '200': {} } } }],
  ['response description number', { get: { responses: { '200': { description: 1 } } } }],
  ['response links', { get: { responses: { '200': { description: 'd', links: {} } } } }],
  ['response unknown key', { get: { responses: { '200': { description: 'd', schema: {} } } } }],
  ['response headers', header({ schema: { type: 'string' }, style: 'simple', explode: true, allowReserved: false, required: true, deprecated: false, allowEmptyValue: true, description: 'd', example: 1 })],
  ['header ref', header({ $ref: '#/h' })],
  ['header style form', header({ schema: {}, style: 'form' })],
  ['header no schema', header({ description: 'x' })],
  ['header no schema style', header({ style: 'simple' })],
  ['header content', header({ content: { 'a/b': {} } })],
  ['header schema and content', header({ schema: {}, content: { 'a/b': {} } })],
  ['header schema boolean', header({ schema: true })],
  ['header schema number', header({ schema: 1 })],
  ['header schema array', header({ schema: [] })],
  ['header examples', header({ schema: {}, examples: { e: { value: 1 }, f: { $ref: '#/e' } } })],
  ['header unknown key', header({ schema: {}, name: 'x' })],
  ['media type', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schema: { $ref: '#/s' }, examples: { e: { value: 1, summary: 's', externalValue: 'u' }, f: { $ref: '#/e' } } } } } } } }],
  ['media type both examples', { get: { responses: { '200': { description: 'd', content: { 'a/b': { example: 1, examples: {} } } } } } }],
  ['media type encoding', { get: { responses: { '200': { description: 'd', content: { 'a/b': { encoding: {} } } } } } }],
  ['media type schema false', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schema: false } } } } } }],
  ['media type schema string', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schema: 'x' } } } } } }],
  ['media type schema any keys', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schema: { type: 'nope', nullable: 3 } } } } } } }],
  ['media type unknown key', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schemas: {} } } } } } }],
  ['content array', { get: { responses: { '200': { description: 'd', content: [] } } } }],
  ['example bad key', { get: { responses: { '200': { description: 'd', content: { 'a/b': { examples: { e: { val: 1 } } } } } } } }],
  ['example externalValue number', { get: { responses: { '200': { description: 'd', content: { 'a/b': { examples: { e: { externalValue: 1 } } } } } } } }],
  ['request body', op({ requestBody: { content: { 'a/b': {} }, required: true, description: 'd', 'x-a': 1 } })],
  ['request body ref', op({ requestBody: { $ref: '#/rb' } })],
  ['request body no content', op({ requestBody: { required: true } })],
  ['request body required string', op({ requestBody: { content: {}, required: 'yes' } })],
  ['tags', op({ tags: ['a', 'b'], summary: 's', operationId: 'o', deprecated: false, description: 'd', 'x-y': {} })],
  ['tags number', op({ tags: [1] })],
  ['tags hole', op({ tags: new Array(2) })],
  ['deprecated string', op({ deprecated: 'no' })],
  ['security', op({ security: [{ a: [] }, { b: ['r', 's'] }, {}] })],
  ['security scopes bad', op({ security: [{ a: [1] }] })],
  ['security object', op({ security: { a: [] } })],
  ['externalDocs', op({ externalDocs: { url: 'u', description: 'd', 'x-a': 1 } })],
  ['externalDocs no url', op({ externalDocs: { description: 'd' } })],
  ['externalDocs url number', op({ externalDocs: { url: 1 } })],
  ['callbacks', op({ callbacks: {} })],
  ['servers', op({ servers: [] })],
  ['unknown operation key', op({ summry: 's' })],
  ['operation array', { get: [] }],
  ['operation string', { get: 'x' }],
  ['path item $ref', { $ref: '#/p' }],
  ['path item summary', { summary: 's', description: 'd', 'x-a': 1 }],
  ['path item summary number', { summary: 1 }],
  ['path item servers', { servers: [] }],
  ['path item bad key', { gett: {} }],
  ['path item upper-case method', { GET: op({}).get }],
  ['parameter', param({})],
  ['parameter no name', op({ parameters: [{ in: 'query', schema: {} }] })],
  ['parameter name number', param({ name: 1 })],
  ['parameter no in', op({ parameters: [{ name: 'a', schema: {} }] })],
  ['parameter in body', param({ in: 'body' })],
  ['parameter ref', op({ parameters: [{ $ref: '#/p' }] })],
  ['parameter ref with summary', op({ parameters: [{ $ref: '#/p', summary: 's', description: 'd' }] })],
  ['parameter ref with name', op({ parameters: [{ $ref: '#/p', name: 'a' }] })],
  ['parameter refs duplicate', op({ parameters: [{ $ref: '#/p' }, { $ref: '#/p' }] })],
  ['parameters duplicate', op({ parameters: [{ name: 'a', in: 'query', schema: {} }, { name: 'a', in: 'query', schema: {} }] })],
  ['parameter path not required', param({ in: 'path' })],
  ['parameter path required string', param({ in: 'path', required: 'true' })],
  ['parameter path required', param({ in: 'path', required: true })],
  ['parameter path style label', param({ in: 'path', required: true, style: 'label' })],
  ['parameter path style matrix', param({ in: 'path', required: true, style: 'matrix' })],
  ['parameter path style form', param({ in: 'path', required: true, style: 'form' })],
  ['parameter query deepObject', param({ style: 'deepObject', explode: true, allowReserved: true, allowEmptyValue: true, deprecated: true, required: false })],
  ['parameter query style simple', param({ style: 'simple' })],
  ['parameter query style number', param({ style: 1 })],
  ['parameter header style form', param({ in: 'header', style: 'form' })],
  ['parameter header simple', param({ in: 'header', style: 'simple' })],
  ['parameter cookie form', param({ in: 'cookie', style: 'form' })],
  ['parameter cookie simple', param({ in: 'cookie', style: 'simple' })],
  ['parameter content', op({ parameters: [{ name: 'a', in: 'query', content: { 'a/b': {} } }] })],
  ['parameter neither schema nor content', op({ parameters: [{ name: 'a', in: 'query' }] })],
  ['parameter schema and content', param({ content: { 'a/b': {} } })],
  ['parameter example and examples', param({ example: 1, examples: {} })],
  ['parameter examples', param({ examples: { e: { value: 1 } } })],
  ['parameter examples array', param({ examples: [] })],
  ['parameter explode string', param({ explode: 'yes' })],
  ['parameter schema boolean', param({ schema: false })],
  ['parameter schema null', param({ schema: null })],
  ['parameter unknown key', param({ type: 'string' })],
  ['parameter x- key', param({ 'x-k': 1 })],
  ['path-level parameters', { parameters: [{ name: 'id', in: 'path', required: true, schema: {} }], get: { responses: ok } }],
  ['parameters object', { parameters: {} }],
  ['parameters hole', { parameters: new Array(1) }],
  ['parameter null', op({ parameters: [null] })],
  ['null', null],
  ['array', []],
];

describe('surePathItem31 (#18)', () => {
  it.each(CASES)('%s: sure only of what ajv accepts', (_name, item) => {
    if (surePathItem31(item)) expect(valid(item)).toBe(true);
  });

  it('is sure of the plain valid cases, and of nothing ajv refuses', () => {
    const sure = CASES.filter(([, s]) => surePathItem31(s)).map(([n]) => n);
    expect(sure).toEqual(
      expect.arrayContaining([
        'empty', 'operation', 'no responses', 'responses empty', 'response code 2X0', 'response default ref', 'response headers', 'header examples', 'media type',
        'request body', 'tags', 'security', 'externalDocs', 'parameter', 'parameter no name', 'parameter ref', 'parameter ref with summary', 'parameter refs duplicate',
        'parameter path required', 'parameter example and examples', 'path-level parameters',
      ]),
    );
    for (const [n, s] of CASES) if (!valid(s)) expect(sure).not.toContain(n);
  });

  it("holds on the synthetic spec's path items and seeded mutations of them and of the table", () => {
    const synthetic = parse(syntheticSpec(400)) as { paths: Record<string, unknown> };
    const items = [...Object.values(synthetic.paths).slice(0, 120), ...CASES.map(([, s]) => s).filter((s) => s !== null && typeof s === 'object')];
    expect(Object.values(synthetic.paths).every((i) => surePathItem31(i))).toBe(true);
    let seed = 31;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const odd: unknown[] = ['', 'x', -1, 1.5, true, false, null, [], [{}], {}, { $ref: '#/a' }, { $ref: 2 }, { description: 'd' }, { schema: {} }, 'path', 'query', 'header', 'cookie', 'simple', 'form', 'label'];
    const keys = ['responses', 'parameters', 'requestBody', 'content', 'schema', 'in', 'name', 'required', 'style', 'explode', 'description', 'summary', 'example', 'examples', 'headers', 'security', 'tags', '$ref', 'x-k', 'bogus', '200', '2XX', 'default', 'get', 'url', 'value'];
    const mutate = (v: unknown): unknown => {
      const nodes: Array<Record<string, unknown> | unknown[]> = [];
      const copy = (x: unknown): unknown => {
        if (x === null || typeof x !== 'object') return x;
        const o = Array.isArray(x) ? x.map(copy) : Object.fromEntries(Object.entries(x).map(([k, y]) => [k, copy(y)]));
        nodes.push(o);
        return o;
      };
      const out = copy(v);
      for (let n = 1 + rnd(2); n > 0; n--) {
        const node = nodes[rnd(nodes.length)];
        if (Array.isArray(node)) {
          if (node.length && rnd(2)) node.push(node[rnd(node.length)]);
          else node.push(odd[rnd(odd.length)]);
        } else if (node) {
          const own = Object.keys(node);
          const k = rnd(3) === 0 && own.length ? own[rnd(own.length)]! : keys[rnd(keys.length)]!;
          if (rnd(5) === 0) delete node[k];
          else node[k] = odd[rnd(odd.length)];
        }
      }
      return out;
    };
    let sure = 0;
    let refused = 0;
    for (const item of items) {
      for (let i = 0; i < 12; i++) {
        const m = mutate(item);
        if (surePathItem31(m)) {
          sure++;
          expect(valid(m), JSON.stringify(m).slice(0, 500)).toBe(true);
        } else if (!valid(m)) refused++;
      }
    }
    expect(sure).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });
});

describe('pruneSurePaths31 (#18)', () => {
  it('replaces the path items it is sure of on copies and leaves the document alone', () => {
    const paths = { '/a': op({}), '/b': { get: { summary: 1 } }, 'x-c': { get: 1 }, nope: op({}) };
    const d = { openapi: '3.1.0', paths };
    const out = pruneSurePaths31(d) as typeof d;
    expect(out.paths).toEqual({ '/a': {}, '/b': { get: { summary: 1 } }, 'x-c': { get: 1 }, nope: op({}) });
    expect(d.paths['/a']).toEqual(op({}));
    expect(pruneSurePaths31({ paths: { '/b': { get: 1 } } })).toEqual({ paths: { '/b': { get: 1 } } });
  });
});
