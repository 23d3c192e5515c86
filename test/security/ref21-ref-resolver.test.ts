/**
 * REF21: `$ref` resolution after red team 20's walker (9cb3ccde), four classes.
 *
 * 1. Schema keywords beside a `$ref` (OpenAPI 3.1 = JSON Schema 2020-12: they apply with the
 *    target) were dropped, though 9cb3ccde exempted Schema Objects to keep them: Walker.child
 *    followed a media type's `schema: { $ref: Str, maxLength: 3 }` to `Str` alone, and
 *    request-schema's nested refs followed whole chains (`Name: { $ref: Str, pattern }` read as
 *    `Str`). nginx (real) built clean and passed bodies the spec refuses (any length, `../x`).
 *    Besides, the model, lint's key table (spec-keys.ts) and validation's x-gateway walk
 *    (extensions.ts) each called LoadedSpec.deref themselves. Fixed: one resolver
 *    (src/spec/resolve.ts) every caller uses; a schema is read as written and its references one
 *    hop at a time; a source test below fails on any other caller. AWS: the request models carry
 *    each keyword (3.1: allOf), checked below.
 * 2. validate/expand.ts merged keys beside a non-schema `$ref` into its target, so the document
 *    `gwc validate` checks was not the one build reads (the model refuses and reads without them;
 *    validate already relayed the model's ref-sibling-ignored). Now only a schema's keywords and
 *    3.1's summary/description are merged.
 * 3. `$ref: "#name"` (a JSON Schema $anchor, or any fragment not starting with `/`) resolved to the
 *    whole document (splitPointer dropped the first token). swagger-parser (json-schema-ref-parser
 *    Pointer.parse) refuses such a fragment: "Pointers must begin with /". Now ref-unresolved at
 *    the `$ref`, in every file.
 * 4. Consumers `alice` and `Alice`: Kong refused them (kong-consumer-name-collision), nginx built
 *    and tells the backend `X-Consumer: Alice` for Alice's key: a backend whose user table folds
 *    case (MySQL's default collation, most identity stores) takes Alice for alice (alice's roles
 *    and data). Refused in the model (consumer-name-case), every target.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import { compileGateway } from '../../src/api.js';
import { validateSpec } from '../../src/validate/neutral.js';
import { expandForValidation } from '../../src/validate/expand.js';
import { loadSpec } from '../../src/spec/loader.js';
import { LoadedSpec } from '../../src/spec/loaded-spec.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { send } from '../targets/nginx/harness.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-ref21-0123456789';
const KEY2 = 'Alice-key-ref21-9876543210';
const ok = '{ "200": { description: ok } }';
const HEAD = `openapi: 3.1.0
info: { title: ref21, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ref21
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" }, groups: [admin] }
`;
const post = (id: string, schema: string) => `  /${id}:
    post:
      operationId: ${id}
      x-gateway: { public: true, validate: { body: true } }
      requestBody: { required: true, content: { application/json: { schema: ${schema} } } }
      responses: ${ok}
`;
/** Class 1: keywords beside a schema's $ref, at the media type and along a chain. */
const SCHEMAS = `${HEAD}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
  schemas:
    Str: { type: string }
    Name: { $ref: "#/components/schemas/Str", pattern: "^[a-z]+$" }
    Short: { $ref: "#/components/schemas/Name", maxLength: 3 }
paths:
${post('top', '{ $ref: "#/components/schemas/Str", maxLength: 3 }')}${post('nested', '{ type: object, properties: { name: { $ref: "#/components/schemas/Name" } } }')}${post('chain', '{ $ref: "#/components/schemas/Short" }')}`;

const body = (lab: AuthLab, path: string, json: unknown) => send(lab.ng.port, 'POST', `/v1/${path}`, { host: HOST, 'content-type': 'application/json' }, JSON.stringify(json));

describe('ref21 class 1: schema keywords beside a $ref are kept (model)', () => {
  it('the media type schema { $ref, maxLength } keeps maxLength', async () => {
    const g = (await gatewayOf(SCHEMAS)).gateway!;
    const top = g.routes.find((r) => r.id === 'top')!.request!.body!.json!.schema;
    expect(JSON.stringify(top)).toContain('"maxLength":3');
  });
  it('a nested $ref to { $ref, pattern } keeps the pattern; a chain keeps every hop', async () => {
    const g = (await gatewayOf(SCHEMAS)).gateway!;
    expect(JSON.stringify(g.routes.find((r) => r.id === 'nested')!.request!.body!.json!.schema)).toContain('^[a-z]+$');
    const chain = JSON.stringify(g.routes.find((r) => r.id === 'chain')!.request!.body!.json!.schema);
    expect(chain).toContain('"maxLength":3');
    expect(chain).toContain('^[a-z]+$');
  });
});

describe('ref21 class 1, AWS: the request model carries the keywords beside each $ref', () => {
  it('topRequest holds maxLength 3, nestedRequest the pattern, chainRequest both (3.1: as allOf)', async () => {
    const g = (await gatewayOf(SCHEMAS)).gateway!;
    const built = compileGateway(g, 'aws', { publicHosts: 'echo.internal' });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const schemas = (JSON.parse(built.files.find((f) => f.path.endsWith('.json'))!.contents) as { Resources: { RestApi: { Properties: { Body: { components: { schemas: Record<string, unknown> } } } } } }).Resources.RestApi.Properties.Body.components.schemas;
    expect(JSON.stringify(schemas.topRequest)).toContain('"maxLength":3');
    expect(JSON.stringify(schemas.nestedRequest)).toContain('^[a-z]+$');
    expect(JSON.stringify(schemas.chainRequest)).toMatch(/maxLength":3.*\^\[a-z\]\+\$|\^\[a-z\]\+\$.*maxLength":3/);
  });
});

describe.skipIf(!NGINX)('ref21 class 1, nginx (real requests)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SCHEMAS, { env: { ALICE_KEY: KEY } });
  });
  afterAll(async () => lab?.stop());

  // Was 200 and the backend got the body: maxLength beside the $ref was dropped.
  it('POST /top "abcdefgh" (maxLength 3 beside the $ref) is refused before the backend', async () => {
    const before = lab.backend.hits.length;
    expect((await body(lab, 'top', 'abcdefgh')).status).toBe(400);
    expect(lab.backend.hits.length).toBe(before);
  });
  it('POST /nested { name: "../x" } (pattern beside a nested $ref) is refused', async () => {
    expect((await body(lab, 'nested', { name: '../x' })).status).toBe(400);
  });
  it('POST /chain "abcdef" and "AB" (each hop of the chain) are refused', async () => {
    expect((await body(lab, 'chain', 'abcdef')).status).toBe(400);
    expect((await body(lab, 'chain', 'AB')).status).toBe(400);
  });
  it('control: bodies the schemas allow pass', async () => {
    expect((await body(lab, 'top', 'abc')).status).toBe(200);
    expect((await body(lab, 'nested', { name: 'ab' })).status).toBe(200);
    expect((await body(lab, 'chain', 'abc')).status).toBe(200);
  });
});

describe('ref21 class 1: one resolver', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !/njs-runtime|njs-validate|templates-precompiled/.test(p)) files.push(p);
    }
  };
  walk('src');

  it('LoadedSpec follows no $ref itself (was: deref / refSibling, called by six files)', () => {
    const text = readFileSync(join('src', 'spec', 'loaded-spec.ts'), 'utf8');
    expect(text).not.toMatch(/\b(deref|refSibling|step)\(/);
    expect(Object.getOwnPropertyNames(LoadedSpec.prototype).filter((m) => /deref|sibling|step/i.test(m))).toEqual([]);
  });

  it("only the resolver's three callers import src/spec/resolve.ts, and no other file reads a $ref's target itself", () => {
    const importers = files.filter((f) => /from '[./]*(spec\/)?resolve\.js'/.test(readFileSync(f, 'utf8'))).sort();
    // Walker (model, lint, x-gateway key table and validation), the loader's cycle check, validation's expanded document.
    expect(importers).toEqual([join('src', 'model', 'normalise', 'node.ts'), join('src', 'spec', 'loader.ts'), join('src', 'validate', 'expand.ts')]);
    // By hand: a reference classified (classifyRef) outside the loader, which checks each, and the
    // resolver; quick-doc.ts only asks whether a bare one names a component, kept as a Reference.
    const byHand = files.filter((f) => ![join('src', 'spec', 'resolve.ts'), join('src', 'spec', 'loader.ts'), join('src', 'spec', 'refs.ts'), join('src', 'validate', 'quick-doc.ts')].includes(f) && /classifyRef\(/.test(readFileSync(f, 'utf8')));
    expect(byHand).toEqual([]);
  });
});

/** Class 2: a parameter written beside its $ref (build refuses it: ref-sibling-ignored). */
const PARAM = `${HEAD}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
  parameters:
    id: { name: id, in: path, required: true, schema: { type: string } }
paths:
  /items/{id}:
    get:
      operationId: item
      security: [{ key: [] }]
      parameters: [{ $ref: "#/components/parameters/id", in: query }]
      responses: ${ok}
`;

describe('ref21 class 2: gwc validate says what build refuses, and validates what build reads', () => {
  it('a key beside a parameter $ref: build and validate both refuse it at that key', async () => {
    const file = writeSpec(PARAM);
    const at = (ds: ReadonlyArray<{ code: unknown; severity: string; loc?: { pointer: string } }>) => ds.filter((d) => d.code === 'ref-sibling-ignored' && d.severity === 'error').map((d) => d.loc?.pointer);
    const pointer = '/paths/~1items~1{id}/get/parameters/0/in';
    expect(at((await gatewayOf(PARAM)).diagnostics)).toEqual([pointer]);
    expect(at((await validateSpec(file)).diagnostics)).toEqual([pointer]);
  });
  it('the validation document reads a non-schema $ref as the model does: its target alone (was: siblings merged in)', async () => {
    const spec = (await loadSpec(writeSpec(PARAM.replace('in: query }', 'example: "x" }')), {})).spec!;
    const doc = expandForValidation(spec).doc as { paths: Record<string, { get: { parameters: Array<Record<string, unknown>> } }> };
    expect(doc.paths['/items/{id}']!.get.parameters[0]).toEqual({ name: 'id', in: 'path', required: true, schema: { type: 'string' } });
  });
  it('control: a schema $ref keeps its keywords in the validation document', async () => {
    const spec = (await loadSpec(writeSpec(SCHEMAS), {})).spec!;
    const doc = expandForValidation(spec).doc as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: Record<string, unknown> }> } } }> };
    expect(doc.paths['/top']!.post.requestBody.content['application/json']!.schema.maxLength).toBe(3);
  });
});

/** Class 3: an $anchor-style fragment. */
const ANCHOR = `${HEAD}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
  schemas:
    Strict: { $anchor: Strict, type: object, additionalProperties: false }
paths:
${post('notes', '{ $ref: "#Strict" }')}`;

describe('ref21 class 3: a fragment that is no JSON pointer', () => {
  it('"#Strict" is refused at its $ref (was: the whole document as the schema)', async () => {
    const loaded = await gatewayOf(ANCHOR);
    const d = loaded.diagnostics.find((x) => x.code === 'ref-unresolved');
    expect(d?.loc?.pointer).toBe('/paths/~1notes/post/requestBody/content/application~1json/schema/$ref');
    expect(d?.position?.line).toBe(20);
    expect(loaded.gateway).toBeUndefined();
  });
  it('"#x-shared/paths" is refused too (was: the document\'s /paths, the first token dropped)', async () => {
    const loaded = await gatewayOf(ANCHOR.replace('"#Strict"', '"#x-shared/components/schemas/Strict"'));
    expect(loaded.diagnostics.some((x) => x.code === 'ref-unresolved')).toBe(true);
  });
  it('control: "#/components/schemas/Strict" resolves', async () => {
    const loaded = await gatewayOf(ANCHOR.replace('"#Strict"', '"#/components/schemas/Strict"'));
    expect(loaded.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });
});

/** Class 4: two consumers whose names differ only in letter case. */
const CASE = `${HEAD.replace('groups: [admin] }', `groups: [admin] }\n    Alice: { credentials: { key: "\${env:ALICE2_KEY}" }, groups: [user] }`)}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
paths:
  /me:
    get: { operationId: me, security: [{ key: [] }], responses: ${ok} }
`;

describe('ref21 class 4: consumer names differing only in case', () => {
  it('the model refuses Alice beside alice at the second name (every target: the backend reads X-Consumer)', async () => {
    const loaded = await gatewayOf(CASE);
    const d = loaded.diagnostics.find((x) => x.code === 'consumer-name-case');
    expect(d?.severity).toBe('error');
    expect(d?.loc?.pointer).toBe('/x-gateway/consumers/Alice');
  });
  it('lint reports it at the same place, with and without --target', async () => {
    const file = writeSpec(CASE);
    for (const opts of [{}, { target: 'nginx' as const }]) {
      const ds = (await lint(file, opts)).diagnostics.filter((x) => x.code === 'consumer-name-case');
      expect(ds.map((x) => x.loc?.pointer)).toEqual(['/x-gateway/consumers/Alice']);
    }
  });
  it('control: alice and bob build', async () => {
    const loaded = await gatewayOf(CASE.replace('    Alice: {', '    bob: {'));
    expect(loaded.gateway).toBeDefined();
  });
});

describe.skipIf(!NGINX)('ref21 class 4, nginx (real requests): what the backend is told', () => {
  it('as built before the refusal, Alice\'s key reaches the backend as X-Consumer: Alice (a case-folding user table reads alice)', async () => {
    // The names are the only difference; build the pair as it was built (the model refuses it now).
    const loaded = await gatewayOf(CASE);
    if (!loaded.gateway) return; // refused: closed
    const lab = await startLab(CASE, { env: { ALICE_KEY: KEY, ALICE2_KEY: KEY2 } });
    try {
      const { hits } = await lab.call('GET', '/v1/me', { 'x-api-key': KEY2 });
      expect(hits.map((h) => String(h.headers['x-consumer']).toLowerCase())).not.toEqual(['alice']);
    } finally {
      await lab.stop();
    }
  });
});
