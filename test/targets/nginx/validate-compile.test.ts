/**
 * nginx request validation, compile side (src/targets/nginx/validate.ts, validate-schema.ts): what
 * the njs validator cannot check is refused with its code, params and the spec node to edit; an
 * unknown format is a warning; user text from schemas reaches the njs module only inside JSON.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { gatewayOf } from '../../helpers/spec.js';

const HEAD = 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\nservers: [{ url: https://api.example.com }]\n';
const spec = (op: string, components = '') => `${HEAD}x-gateway:
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { public: true, validate: true }
paths:
  /a/{id}:
${op}${components}`;
const body = (schema: string, extra = '') => `    post:
      operationId: a
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
      requestBody:
        content:
          application/json:
            schema: ${schema}
${extra}`;

async function build(text: string) {
  const { gateway, diagnostics } = await gatewayOf(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const r = compileGateway(gateway!, 'nginx', {});
  return { ...r, found: r.diagnostics.map((d) => ({ code: d.code, params: d.params, pointer: d.loc?.pointer })) };
}

const BODY_SCHEMA = '/paths/~1a~1{id}/post/requestBody/content/application~1json/schema';

describe('nginx validation refusals', () => {
  it('a lookbehind pattern is refused at the pattern', async () => {
    const r = await build(spec(body('{ type: object, properties: { code: { type: string, pattern: "(?<=A)B" } } }')));
    expect(r.files).toEqual([]);
    expect(r.found).toEqual([{ code: 'nginx-validate-schema', params: { route: 'a', keyword: 'pattern', why: 'uses lookbehind, which njs 0.7 cannot run' }, pointer: `${BODY_SCHEMA}/properties/code/pattern` }]);
  });

  it('a Unicode property escape and an invalid regular expression are refused', async () => {
    const r = await build(spec(body('{ type: object, properties: { a: { type: string, pattern: "\\\\p{L}+" }, b: { type: string, pattern: "([" } } }')));
    expect(r.found.map((d) => [d.code, d.params.keyword, d.pointer]).sort()).toEqual([
      ['nginx-validate-schema', 'pattern', `${BODY_SCHEMA}/properties/a/pattern`],
      ['nginx-validate-schema', 'pattern', `${BODY_SCHEMA}/properties/b/pattern`],
    ]);
  });

  it('format url is refused, an unknown format only warned', async () => {
    const r = await build(spec(body('{ type: object, properties: { a: { type: string, format: url }, b: { type: string, format: sku } } }')));
    expect(r.found.map((d) => [d.code, d.params.keyword ?? d.params.format, d.pointer]).sort()).toEqual([
      ['nginx-validate-format-ignored', 'sku', `${BODY_SCHEMA}/properties/b/format`],
      ['nginx-validate-schema', 'format: url', `${BODY_SCHEMA}/properties/a/format`],
    ]);
  });

  it('a keyword the validator does not check is refused at its place in the component', async () => {
    const r = await build(spec(body("{ $ref: '#/components/schemas/T' }"), '\ncomponents:\n  schemas:\n    T: { type: object, unevaluatedProperties: false }\n').replace('openapi: 3.0.3', 'openapi: 3.1.0'));
    expect(r.found).toEqual([{ code: 'nginx-validate-schema', params: { route: 'a', keyword: 'unevaluatedProperties', why: 'is not a keyword the nginx validator (JSON Schema draft-07) checks' }, pointer: '/components/schemas/T/unevaluatedProperties' }]);
  });

  it('a deepObject or object parameter is refused at the parameter', async () => {
    const op = `    get:
      operationId: a
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: f, in: query, style: deepObject, schema: { type: object } }
        - { name: g, in: query, schema: { type: object } }
      responses: { '200': { description: ok } }
`;
    const r = await build(spec(op));
    expect(r.found).toEqual([
      { code: 'nginx-validate-parameter', params: { route: 'a', parameter: 'f', in: 'query', why: 'has style deepObject; only form (the default) is read' }, pointer: '/paths/~1a~1{id}/get/parameters/1' },
      { code: 'nginx-validate-parameter', params: { route: 'a', parameter: 'g', in: 'query', why: 'is an object' }, pointer: '/paths/~1a~1{id}/get/parameters/2' },
    ]);
  });

  it('a body that also accepts a non-JSON media type is refused at that media type', async () => {
    const r = await build(spec(body('{ type: object }', '          multipart/form-data: {}\n')));
    expect(r.found).toEqual([{ code: 'nginx-validate-media-type', params: { route: 'a', mediaType: 'multipart/form-data' }, pointer: '/paths/~1a~1{id}/post/requestBody/content/multipart~1form-data' }]);
  });

  it('validate: { body: false } lets a form body through without a refusal', async () => {
    const op = body('{ type: object }', '          multipart/form-data: {}\n').replace('      operationId: a\n', '      operationId: a\n      x-gateway: { validate: { body: false } }\n');
    const r = await build(spec(op));
    expect(r.found).toEqual([]);
  });

  it('schema text reaches the njs module only inside JSON strings, placeholders included', async () => {
    const hostile = ['/*CFG*/null', '/*VALIDATORS*/null', '"});r.return(200);//', '\u2028', '*/', '`${x}`'];
    const r = await build(spec(body(`{ type: string, enum: ${JSON.stringify(hostile)}, description: ${JSON.stringify(hostile.join(' '))} }`)));
    expect(r.found).toEqual([]);
    const mod = r.files.find((f) => f.path.endsWith('.validate.js'))!.contents;
    expect(mod).not.toContain('\u2028');
    expect(mod).not.toContain('description');
    // Evaluated as JavaScript (the njs module minus its export line): the configuration is the
    // compiler's (no placeholder inside the schema's strings was replaced), and the enum holds the exact strings.
    const code = mod.replace(/^export default .*$/m, '');
    const got = new Function(`${code}; return { CFG: CFG, VALIDATORS: VALIDATORS };`)() as { CFG: { routes: Record<string, { body: { fn: string } }> }; VALIDATORS: Record<string, (v: unknown) => boolean> };
    const fn = got.VALIDATORS[got.CFG.routes['0']!.body.fn]!;
    for (const h of hostile) expect(fn(h)).toBe(true);
    expect(fn('other')).toBe(false);
  });

  it('the validate location has a name of its own beside a per-consumer limit (whose verify location is v/N)', async () => {
    const { gateway } = await gatewayOf(`${HEAD}x-gateway:
  backends: { app: { url: http://app.internal:8080 } }
  consumers: { alice: { credentials: { key: "\${env:K}" } } }
  defaults: { validate: true, rateLimit: { requests: 2, per: minute, by: consumer } }
security: [{ key: [] }]
paths:
  /a: { post: { operationId: a, responses: { '200': { description: ok } }, requestBody: { content: { application/json: { schema: { type: object } } } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`);
    const conf = compileGateway(gateway!, 'nginx', {}).files.find((f) => f.path.startsWith('conf.d/'))!.contents;
    const names = [...conf.matchAll(/^\s*location = (\S+) \{/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(4);
    expect(new Set(names).size).toBe(names.length);
  });

  it('a required readOnly property is not required in a request (OpenAPI: required applies to responses only)', async () => {
    const r = await build(spec(body('{ type: object, required: [id, name], properties: { id: { type: integer, readOnly: true }, name: { type: string } } }')));
    const mod = r.files.find((f) => f.path.endsWith('.validate.js'))!.contents.replace(/^export default .*$/m, '');
    const got = new Function(`${mod}; return { CFG: CFG, VALIDATORS: VALIDATORS };`)() as { CFG: { routes: Record<string, { body: { fn: string } }> }; VALIDATORS: Record<string, (v: unknown) => boolean> };
    const fn = got.VALIDATORS[got.CFG.routes['0']!.body.fn]!;
    expect([fn({ name: 'a' }), fn({ id: 1, name: 'a' }), fn({ id: 1 })]).toEqual([true, true, false]);
  });

  it("the runtime's ports of ajv-formats' functions agree with ajv-formats on a table of values", async () => {
    const { fullFormats } = await import('ajv-formats/dist/formats.js');
    const formats = ['date', 'time', 'date-time', 'uri', 'byte', 'int32', 'int64'] as const;
    const props = formats.map((f) => `f_${f.replace('-', '_')}: { type: ${f.startsWith('int') ? 'number' : 'string'}, format: ${f} }`).join(', ');
    const r = await build(spec(body(`{ type: object, properties: { ${props} } }`)));
    const mod = r.files.find((f) => f.path.endsWith('.validate.js'))!.contents.replace(/^export default .*$/m, '');
    const got = new Function(`${mod}; return { CFG: CFG, VALIDATORS: VALIDATORS };`)() as { CFG: { routes: Record<string, { body: { fn: string } }> }; VALIDATORS: Record<string, (v: unknown) => boolean> };
    const fn = got.VALIDATORS[got.CFG.routes['0']!.body.fn]!;
    const values: Record<(typeof formats)[number], unknown[]> = {
      date: ['2024-02-29', '2023-02-29', '2024-13-01', '2024-1-01', '2024-04-31', '20240101'],
      time: ['12:00:00Z', '23:59:60Z', '12:00:00', '24:00:00Z', '12:00:00+01:00', '12:00:00.5-05:30', '23:59:60+01:00'],
      'date-time': ['2024-02-29T12:00:00Z', '2024-02-29t12:00:00z', '2024-02-29 12:00:00Z', '2024-02-30T12:00:00Z', '2024-02-29T12:00:00'],
      uri: ['https://a.example/x?y#z', 'urn:isbn:123', 'relative/path', 'http://a b', 'mailto:a@b.c', 'x:'],
      byte: ['', 'YQ==', 'YWI=', 'YWJj', 'YQ', 'Y Q==', 'YQ==\nYQ=='],
      int32: [0, 2147483647, 2147483648, -2147483648, -2147483649, 1.5],
      int64: [0, 2 ** 53, 1.5],
    };
    const mismatches: string[] = [];
    for (const f of formats) {
      const def = (fullFormats as Record<string, unknown>)[f] as RegExp | ((s: string) => boolean) | { validate: RegExp | ((v: unknown) => boolean) };
      const check: (v: unknown) => boolean = typeof def === 'function' ? (v) => def(v as string) : def instanceof RegExp ? (v: unknown) => def.test(String(v)) : (v: unknown) => (def.validate instanceof RegExp ? def.validate.test(String(v)) : def.validate(v));
      for (const v of values[f]) {
        const want = f === 'byte' && typeof v === 'string' && v.includes('\n') ? false : check(v); // ajv-formats' byte reads lines apart (its m flag); the port does not
        if (fn({ [`f_${f.replace('-', '_')}`]: v }) !== want) mismatches.push(`${f} ${JSON.stringify(v)}: want ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
