/**
 * OpenAPI structural validation on specs people have (#16.2) and its errors as sentences at the
 * key to edit (#16.3). Asserts codes, params and line:col, not prose.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../src/api.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { loadSpec } from '../../src/spec/loader.js';
import { locateAll } from '../../src/spec/positions.js';
import { slotKind } from '../../src/validate/expand.js';
import { validateOpenApi } from '../../src/validate/openapi.js';

const REAL = path.resolve(__dirname, '../../fixtures/real');

async function structural(file: string): Promise<Diagnostic[]> {
  const { spec, diagnostics } = await loadSpec(file);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  // The validator keeps pointers only; line:col are the edge's, as the pipeline's exit does it.
  return locateAll(spec!, await validateOpenApi(spec!));
}

/** A temp folder holding `files` (path -> text). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-structure-'));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: 'w' });
  }
  return dir;
}

const short = (d: Diagnostic) => `${path.basename(d.loc?.file ?? '')}:${d.position?.line}:${d.position?.column} ${d.code}`;

describe('specs people have validate (#16.2)', () => {
  it("DigitalOcean's layout: operations $ref'd to files whose schemas are recursive", async () => {
    const file = path.join(REAL, 'recursive-ref/DigitalOcean-public.v2.yaml');
    expect(await structural(file)).toEqual([]);
    const { diagnostics } = await loadGateway(file);
    expect(diagnostics.filter((d) => String(d.code).startsWith('openapi-'))).toEqual([]);
  });

  it("the OAI's 3.1 tictactoe example: scheme: Bearer with a bearerFormat", async () => {
    const file = path.join(REAL, 'tictactoe/tictactoe.yaml');
    expect(await structural(file)).toEqual([]);
  });

  it.each(['Bearer', 'BEARER', 'bEaReR'])('scheme: %s with bearerFormat is valid on 3.0 and 3.1', async (scheme) => {
    for (const version of ['3.0.3', '3.1.0']) {
      const dir = folder({
        'openapi.yaml': `openapi: ${version}\ninfo: { title: t, version: '1' }\npaths: {}\ncomponents:\n  securitySchemes:\n    b: { type: http, scheme: ${scheme}, bearerFormat: JWT }\n`,
      });
      expect(await structural(path.join(dir, 'openapi.yaml'))).toEqual([]);
    }
  });

  it('a bearerFormat on a scheme that is not bearer is still refused', async () => {
    const dir = folder({ 'openapi.yaml': "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths: {}\ncomponents:\n  securitySchemes:\n    b: { type: http, scheme: Basic, bearerFormat: JWT }\n" });
    expect((await structural(path.join(dir, 'openapi.yaml'))).length).toBeGreaterThan(0);
  });

  it('the model reads Bearer and BASIC as bearer and basic (case-insensitive everywhere)', async () => {
    const file = path.join(REAL, 'tictactoe/tictactoe.yaml');
    const { diagnostics } = await loadGateway(file);
    // bearerHttpAuthentication is a bearer scheme (asks how to verify), never "unsupported http/Bearer".
    expect(diagnostics.filter((d) => d.code === 'scheme-unsupported')).toEqual([]);
    expect(diagnostics.some((d) => d.code === 'scheme-unverifiable' && d.params.scheme === 'bearerHttpAuthentication')).toBe(true);
  });

  it.each(['BASIC', 'Basic'])('scheme: %s is an http basic scheme in the model', async (scheme) => {
    const dir = folder({
      'openapi.yaml': `openapi: 3.1.0\ninfo: { title: t, version: '1' }\nx-gateway:\n  backends: { app: { url: 'http://app:80' } }\n  consumers:\n    bob: { credentials: { b: { username: bob, password: '\${env:BOB_PW}' } } }\npaths:\n  /a:\n    get: { security: [{ b: [] }], responses: { '200': { description: ok } } }\ncomponents:\n  securitySchemes:\n    b: { type: http, scheme: ${scheme} }\n`,
    });
    const { gateway, diagnostics } = await loadGateway(path.join(dir, 'openapi.yaml'));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(gateway!.securitySchemes.map((s) => [s.name, s.kind])).toEqual([['b', 'basic']]);
  });

  const wrongKind = {
    'openapi.yaml': [
      'openapi: 3.0.3',
      "info: { title: t, version: '1' }",
      'paths:',
      '  /a:',
      '    get:',
      '      responses:',
      "        '200':",
      "          $ref: '#/components/schemas/Node'",
      '  /b:',
      '    get:',
      "      $ref: 'models/node.yml'",
      'components:',
      '  schemas:',
      "    Node: { $ref: 'models/node.yml' }",
      '',
    ].join('\n'),
    'models/node.yml': "type: object\nproperties:\n  children:\n    type: array\n    items: { $ref: 'node.yml' }\n",
  };

  it('still catches a $ref to an object of the wrong kind, recursive target included, at the $ref', async () => {
    const dir = folder(wrongKind);
    const got = await structural(path.join(dir, 'openapi.yaml'));
    const missing = got.filter((d) => d.code === 'openapi-missing-key').map((d) => [short(d), d.params]);
    expect(missing).toEqual([
      ['openapi.yaml:8:11 openapi-missing-key', { key: 'description', object: 'response', ref: '#/components/schemas/Node' }],
      ['openapi.yaml:11:7 openapi-missing-key', { key: 'responses', object: 'operation', ref: 'models/node.yml' }],
    ]);
    // The schema's own keys, in the file they are written in, said not to belong to a response.
    expect(got.filter((d) => d.code === 'openapi-unexpected-key').map(short)).toContain('node.yml:1:1 openapi-unexpected-key');
  });

  it('a schema that refers to itself from inside its own definition (callfire.com on APIs.guru)', async () => {
    const dir = folder({
      'openapi.yaml': [
        'openapi: 3.0.3',
        "info: { title: t, version: '1' }",
        'paths:',
        '  /u:',
        '    get:',
        "      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/User' } } } } }",
        'components:',
        '  schemas:',
        '    User:',
        '      type: object',
        "      properties: { self: { $ref: '#/components/schemas/User' }, team: { type: array, items: { $ref: '#/components/schemas/User' } } }",
        '',
      ].join('\n'),
    });
    expect(await structural(path.join(dir, 'openapi.yaml'))).toEqual([]);
  });

  it('slots: a schema property named like an OpenAPI map is a schema', () => {
    expect(slotKind(['components', 'schemas', 'A', 'properties', 'responses'])).toBe('schema');
    expect(slotKind(['paths', '/a', 'get', 'responses', '200'])).toBe('response');
    expect(slotKind(['paths', '/a', 'get'])).toBe('other');
    expect(slotKind(['paths', '/a', 'get', 'requestBody'])).toBe('requestBody');
  });
});

describe('structural errors as sentences at the key (#16.3)', () => {
  const spec = [
    'openapi: 3.0.3', // 1
    "info: { title: t, version: '1' }", // 2
    'paths:', // 3
    '  /c:', // 4
    '    get:', // 5
    '      parameters:', // 6
    '        - name: q', // 7
    '          in: query', // 8
    '      responses:', // 9
    "        '200':", // 10
    '          description: ok', // 11
    '          content:', // 12
    '            application/json:', // 13
    '              schema:', // 14
    '                type: object', // 15
    '                properties:', // 16
    '                  x: { type: strin }', // 17
    '                  y: { type: string, nullabel: true }', // 18
    'components:', // 19
    '  securitySchemes:', // 20
    '    k: { type: apiKey, in: header }', // 21
    'securityDefinitions:', // 22
    '  k: { type: apiKey, name: k, in: header }', // 23
    '',
  ].join('\n');

  it('one sentence per problem, no ajv internals, at the offending key', async () => {
    const dir = folder({ 'openapi.yaml': spec });
    const got = await structural(path.join(dir, 'openapi.yaml'));
    expect(got.map((d) => [short(d), d.params])).toEqual(
      expect.arrayContaining([
        ['openapi.yaml:22:1 openapi-unexpected-key', { key: 'securityDefinitions', object: 'document', hint: expect.stringContaining('components.securitySchemes') }],
        ['openapi.yaml:7:11 openapi-missing-key', { key: 'schema or content', object: 'parameter', ref: '' }],
        ['openapi.yaml:17:24 openapi-value-not-allowed', expect.objectContaining({ key: 'type', value: '"strin"' })],
        ['openapi.yaml:18:38 openapi-unexpected-key', { key: 'nullabel', object: 'schema', hint: '' }],
        ['openapi.yaml:21:5 openapi-missing-key', { key: 'name', object: 'security scheme', ref: '' }],
      ]),
    );
    expect(got).toHaveLength(5);
    for (const d of got) {
      expect(d.message).not.toMatch(/oneOf|anyOf|"else"|must have required property|must NOT have/);
      expect(d.position?.line).toBeGreaterThan(1);
    }
  });

  it('3.1: an unexpected key at its line, not the else branch', async () => {
    const dir = folder({
      'openapi.yaml': "openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200': { description: ok }\n      sumary: typo\n",
    });
    const got = await structural(path.join(dir, 'openapi.yaml'));
    expect(got.map((d) => [short(d), d.params])).toEqual([['openapi.yaml:8:7 openapi-unexpected-key', { key: 'sumary', object: 'operation', hint: '' }]]);
  });

  it('the fixtures that are meant to be valid stay valid', async () => {
    for (const f of ['shop', 'minimal', 'plain-openapi']) {
      const file = path.resolve(__dirname, '../../fixtures', f, 'gateway.yaml');
      expect(readFileSync(file, 'utf8').length).toBeGreaterThan(0);
      expect(await structural(file)).toEqual([]);
    }
  });
});

describe('a Swagger 2.0 file (#16.3)', () => {
  it('is refused at its swagger: line, with the way to OpenAPI 3 as the hint', async () => {
    const dir = folder({ 'api.yaml': '# Legacy API\n# converted later\ninfo: { title: Old, version: "1" }\nswagger: "2.0"\npaths: {}\n' });
    const { diagnostics } = await loadGateway(path.join(dir, 'api.yaml'));
    expect(diagnostics.map((d) => [short(d), d.params])).toEqual([['api.yaml:4:1 openapi-version', { version: '2.0' }]]);
    expect(diagnostics[0]!.hint).toMatch(/convert it to OpenAPI 3 first/);
  });

  it('an OpenAPI version gwc does not read has no Swagger hint, at its openapi: line', async () => {
    const dir = folder({ 'api.yaml': 'info: { title: New, version: "1" }\nopenapi: 4.0.0\npaths: {}\n' });
    const { diagnostics } = await loadGateway(path.join(dir, 'api.yaml'));
    expect(diagnostics.map(short)).toEqual(['api.yaml:2:1 openapi-version']);
    expect(diagnostics[0]!.hint).toBeUndefined();
  });
});

describe('a security scheme with no type (#16.3)', () => {
  // gwc init's commented x-gateway, uncommented one level too high, lands here as a "scheme".
  const spec = (version: string) =>
    [
      `openapi: ${version}`,
      "info: { title: t, version: '1' }",
      'paths: {}',
      'components:',
      '  securitySchemes:',
      '    x-gateway:', // 6
      '      forwardAuth: { url: http://auth.internal:9000/verify }',
      '    partnerKey: { type: apiKey, in: header, name: X-Partner-Key }',
      '    noType: { in: header, name: X-Key }', // 9
      '    k: { type: apiKey, in: header }', // 10: typed, so its own missing key is still said
      '',
    ].join('\n');

  it.each(['3.0.3', '3.1.0'])('%s: one "needs type" each, no guessed branch keys, the x- key told where it goes', async (version) => {
    const dir = folder({ 'openapi.yaml': spec(version) });
    const got = await structural(path.join(dir, 'openapi.yaml'));
    expect(got.map((d) => [short(d), d.params])).toEqual([
      ['openapi.yaml:6:5 openapi-missing-key', { key: 'type', object: 'security scheme', ref: '' }],
      ['openapi.yaml:9:5 openapi-missing-key', { key: 'type', object: 'security scheme', ref: '' }],
      ['openapi.yaml:10:5 openapi-missing-key', { key: 'name', object: 'security scheme', ref: '' }],
    ]);
    expect(got[0]!.hint).toMatch(/"x-gateway" sits where a scheme name goes/);
    expect(got[1]!.hint).toMatch(/^type: apiKey, http, oauth2 or openIdConnect/);
  });
});
