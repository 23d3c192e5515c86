/**
 * #18: the first pass over OpenAPI 3.0 path items (src/validate/paths-check.ts) may only be sure
 * of what ajv finds valid: `surePathItem(x)` true implies the 3.0 validator accepts x under
 * paths, on a table of edge cases (each definition's keys and types, ParameterLocation's
 * branches, SchemaXORContent, ExampleXORExamples, uniqueItems on parameters) and on seeded
 * mutations of GitHub's path items. It should be sure of nearly all of GitHub's.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openApiValidator } from '../../src/validate/openapi.js';
import { pruneSurePaths, surePathItem } from '../../src/validate/paths-check.js';

const ajv = openApiValidator('openapi-3.0');
const valid = (item: unknown) => ajv({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/p': item } });

const ok = { '200': { description: 'ok' } };
const op = (o: Record<string, unknown>) => ({ get: { responses: ok, ...o } });
const param = (p: Record<string, unknown>) => op({ parameters: [{ name: 'a', in: 'query', schema: { type: 'string' }, ...p }] });

const CASES: Array<[string, unknown]> = [
  ['empty', {}],
  ['operation', op({})],
  ['no responses', { get: { summary: 's' } }],
  ['responses empty', { get: { responses: {} } }],
  ['responses x- only', { get: { responses: { 'x-a': 1 } } }],
  ['response code 2XX', { get: { responses: { '2XX': { description: 'd' } } } }],
  ['response code 600', { get: { responses: { '600': { description: 'd' } } } }],
  ['response code 20', { get: { responses: { '20': { description: 'd' } } } }],
  ['response default ref', { get: { responses: { default: { $ref: '#/x', summary: 's' } } } }],
  ['response ref number', { get: { responses: { default: { $ref: 1 } } } }],
  ['response no description', { get: { responses: { '200': {} } } }],
  ['response links', { get: { responses: { '200': { description: 'd', links: {} } } } }],
  ['response headers', { get: { responses: { '200': { description: 'd', headers: { X: { schema: { type: 'string' }, style: 'simple' }, Y: { $ref: '#/h' } } } } } }],
  ['header style form', { get: { responses: { '200': { description: 'd', headers: { X: { schema: {}, style: 'form' } } } } } }],
  ['header no schema', { get: { responses: { '200': { description: 'd', headers: { X: { description: 'x' } } } } } }],
  ['header content', { get: { responses: { '200': { description: 'd', headers: { X: { content: { 'a/b': {} } } } } } } }],
  ['media type', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schema: { $ref: '#/s' }, examples: { e: { value: 1, summary: 's' }, f: { $ref: '#/e' } } } } } } } }],
  ['media type both examples', { get: { responses: { '200': { description: 'd', content: { 'a/b': { example: 1, examples: {} } } } } } }],
  ['media type encoding', { get: { responses: { '200': { description: 'd', content: { 'a/b': { encoding: {} } } } } } }],
  ['media type bad schema', { get: { responses: { '200': { description: 'd', content: { 'a/b': { schema: { type: 'nope' } } } } } } }],
  ['example bad key', { get: { responses: { '200': { description: 'd', content: { 'a/b': { examples: { e: { val: 1 } } } } } } } }],
  ['request body', op({ requestBody: { content: { 'a/b': {} }, required: true, description: 'd' } })],
  ['request body ref', op({ requestBody: { $ref: '#/rb' } })],
  ['request body no content', op({ requestBody: { required: true } })],
  ['request body required string', op({ requestBody: { content: {}, required: 'yes' } })],
  ['tags', op({ tags: ['a', 'b'], summary: 's', operationId: 'o', deprecated: false, 'x-y': {} })],
  ['tags number', op({ tags: [1] })],
  ['security', op({ security: [{ a: [] }, { b: ['r', 's'] }, {}] })],
  ['security scopes bad', op({ security: [{ a: [1] }] })],
  ['security object', op({ security: { a: [] } })],
  ['externalDocs', op({ externalDocs: { url: 'u' } })],
  ['callbacks', op({ callbacks: {} })],
  ['servers', op({ servers: [] })],
  ['unknown operation key', op({ summry: 's' })],
  ['path item $ref', { $ref: '#/p' }],
  ['path item summary', { summary: 's', description: 'd', 'x-a': 1 }],
  ['path item bad key', { gett: {} }],
  ['parameter', param({})],
  ['parameter ref', op({ parameters: [{ $ref: '#/p' }] })],
  ['parameter refs duplicate', op({ parameters: [{ $ref: '#/p' }, { $ref: '#/p' }] })],
  ['parameters duplicate', op({ parameters: [{ name: 'a', in: 'query', schema: {} }, { name: 'a', in: 'query', schema: {} }] })],
  ['parameters same name other place', op({ parameters: [{ name: 'a', in: 'query', schema: {} }, { name: 'a', in: 'header', schema: {} }] })],
  ['parameter path not required', param({ in: 'path' })],
  ['parameter path required', param({ in: 'path', required: true })],
  ['parameter path style label', param({ in: 'path', required: true, style: 'label' })],
  ['parameter path style form', param({ in: 'path', required: true, style: 'form' })],
  ['parameter query deepObject', param({ style: 'deepObject', explode: true, allowReserved: true, allowEmptyValue: true })],
  ['parameter header style form', param({ in: 'header', style: 'form' })],
  ['parameter cookie', param({ in: 'cookie', style: 'form' })],
  ['parameter in body', param({ in: 'body' })],
  ['parameter no name', op({ parameters: [{ in: 'query', schema: {} }] })],
  ['parameter content', op({ parameters: [{ name: 'a', in: 'query', content: { 'a/b': {} } }] })],
  ['parameter schema and content', param({ content: { 'a/b': {} } })],
  ['parameter example and examples', param({ example: 1, examples: {} })],
  ['parameter examples', param({ examples: { e: { value: 1 } } })],
  ['parameter required string', param({ required: 'true' })],
  ['parameter unknown key', param({ type: 'string' })],
  ['path-level parameters', { parameters: [{ name: 'id', in: 'path', required: true, schema: {} }], get: { responses: ok } }],
  ['parameters object', { parameters: {} }],
  ['operation array', { get: [] }],
  ['null', null],
];

describe('surePathItem (#18)', () => {
  it.each(CASES)('%s: sure only of what ajv accepts', (_name, item) => {
    if (surePathItem(item)) expect(valid(item)).toBe(true);
  });

  it('is sure of the plain valid cases, and of nothing ajv refuses', () => {
    const sure = CASES.filter(([, s]) => surePathItem(s)).map(([n]) => n);
    expect(sure).toEqual(
      expect.arrayContaining(['empty', 'operation', 'response default ref', 'response headers', 'media type', 'request body', 'tags', 'security', 'parameter', 'parameter ref', 'parameter path required', 'path-level parameters']),
    );
    for (const [n, s] of CASES) if (!valid(s)) expect(sure).not.toContain(n);
  });

  it("holds on GitHub's path items and seeded mutations of them", () => {
    const github = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as { paths: Record<string, unknown> };
    const items = Object.values(github.paths);
    expect(items.filter((i) => surePathItem(i)).length).toBeGreaterThan(items.length * 0.95);
    let seed = 18;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const odd: unknown[] = ['', 'x', -1, 1.5, true, null, [], [{}], {}, { $ref: '#/a' }, { $ref: 2 }, { description: 'd' }, { schema: {} }, 'path', 'query', 'simple', 'form'];
    const keys = ['responses', 'parameters', 'requestBody', 'content', 'schema', 'in', 'name', 'required', 'style', 'description', 'example', 'examples', 'headers', 'security', 'tags', '$ref', 'x-k', 'bogus', '200', 'default'];
    const mutate = (v: unknown): unknown => {
      const nodes: Array<Record<string, unknown> | unknown[]> = [];
      const copy = (x: unknown): unknown => {
        if (x === null || typeof x !== 'object') return x;
        const o = Array.isArray(x) ? x.map(copy) : Object.fromEntries(Object.entries(x).map(([k, y]) => [k, copy(y)]));
        nodes.push(o);
        return o;
      };
      const out = copy(v);
      const node = nodes[rnd(nodes.length)];
      if (Array.isArray(node)) {
        if (node.length && rnd(2)) node.push(node[rnd(node.length)]); // a repeated item
        else node.push(odd[rnd(odd.length)]);
      } else if (node) {
        const own = Object.keys(node);
        const k = rnd(3) === 0 && own.length ? own[rnd(own.length)]! : keys[rnd(keys.length)]!;
        if (rnd(5) === 0) delete node[k];
        else node[k] = odd[rnd(odd.length)];
      }
      return out;
    };
    let sure = 0;
    let refused = 0;
    for (const item of items.slice(0, 200)) {
      for (let i = 0; i < 8; i++) {
        const m = mutate(item);
        if (surePathItem(m)) {
          sure++;
          expect(valid(m), JSON.stringify(m).slice(0, 500)).toBe(true);
        } else if (!valid(m)) refused++;
      }
    }
    expect(sure).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});

describe('pruneSurePaths (#18)', () => {
  it('replaces the path items it is sure of on copies and leaves the document alone', () => {
    const paths = { '/a': op({}), '/b': { get: { summary: 's' } }, 'x-c': { get: 1 }, nope: op({}) };
    const d = { openapi: '3.0.3', paths };
    const out = pruneSurePaths(d) as typeof d;
    expect(out.paths).toEqual({ '/a': {}, '/b': { get: { summary: 's' } }, 'x-c': { get: 1 }, nope: op({}) });
    expect(d.paths['/a']).toEqual(op({}));
    expect(pruneSurePaths({ paths: { '/b': { get: 1 } } })).toEqual({ paths: { '/b': { get: 1 } } });
  });
});
