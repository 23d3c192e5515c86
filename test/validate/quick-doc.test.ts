/**
 * #18: a valid spec is validated as written, without the expanded copy (src/validate/quick-doc.ts).
 * The answer must stay the full expansion's: every `$ref` the quick document keeps points at a
 * component of its slot's kind, and whatever else could differ (wrong kind, keys beside `$ref`,
 * a name the schema leaves unchecked, path items) is expanded or refused as before, at the
 * same line and column.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { LoadedSpec } from '../../src/spec/loaded-spec.js';
import { loadSpec } from '../../src/spec/loader.js';
import { locateAll } from '../../src/spec/positions.js';
import { expandForValidation } from '../../src/validate/expand.js';
import { openApiValidator, validateOpenApi } from '../../src/validate/openapi.js';
import { quickDoc } from '../../src/validate/quick-doc.js';

async function load(lines: string[]): Promise<LoadedSpec> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-quick-')), 'openapi.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const { spec, diagnostics } = await loadSpec(file);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return spec!;
}

const validator = (spec: LoadedSpec) => openApiValidator(String((spec.root.value as { openapi: string }).openapi).startsWith('3.1') ? 'openapi-3.1' : 'openapi-3.0');
const at = (d: Diagnostic) => `${d.position?.line}:${d.position?.column} ${d.code}`;

/** validateOpenApi's diagnostics, located; and the quick and full answers, which must agree when the quick one is "valid". */
async function check(spec: LoadedSpec) {
  const v = validator(spec);
  const quick = quickDoc(spec);
  const full = v(expandForValidation(spec).doc);
  if (quick !== undefined && v(quick)) expect(full).toBe(true);
  return locateAll(spec, await validateOpenApi(spec)).map(at);
}

const head = (version = '3.0.3') => [`openapi: ${version}`, "info: { title: t, version: '1' }"];
const op = (response: string) => ['paths:', '  /u:', '    get:', `      responses: { '200': ${response} }`];

describe('the quick validation document (#18)', () => {
  it('keeps a $ref to a component of its kind and copies nothing else', async () => {
    const spec = await load([
      ...head(),
      ...op("{ $ref: '#/components/responses/Ok' }"),
      'components:',
      '  responses:',
      "    Ok: { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/User' } } } }",
      '  schemas:',
      "    User: { type: object, properties: { self: { $ref: '#/components/schemas/User' } } }",
    ]);
    const doc = quickDoc(spec) as Record<string, unknown>;
    expect(doc).toBe(spec.root.value); // nothing to expand: the spec as written
    expect(await check(spec)).toEqual([]);
  });

  it('a response slot that $refs a schema is still refused, at the $ref', async () => {
    const spec = await load([...head(), ...op("{ $ref: '#/components/schemas/User' }"), 'components:', '  schemas:', '    User: { type: object }']);
    expect(await check(spec)).toEqual(['6:29 openapi-missing-key', '9:13 openapi-unexpected-key']);
  });

  it('a parameter slot that $refs a response is still refused', async () => {
    const spec = await load([
      ...head(),
      'paths:',
      '  /u:',
      '    get:',
      "      parameters: [{ $ref: '#/components/responses/Ok' }]",
      "      responses: { '200': { description: ok } }",
      'components:',
      '  responses:',
      '    Ok: { description: ok }',
    ]);
    expect(await check(spec)).not.toEqual([]);
  });

  it('keys beside $ref are merged into the target and checked, as before', async () => {
    const spec = await load([
      ...head(),
      ...op("{ description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/User', nope: 1 } } } }"),
      'components:',
      '  schemas:',
      '    User: { type: object }',
    ]);
    expect(await check(spec)).not.toEqual([]);
  });

  it('3.0: a component whose name the schema leaves unchecked is checked where it is referenced', async () => {
    const spec = await load([
      ...head(),
      ...op("{ description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/a%20b' } } } }"),
      'components:',
      '  schemas:',
      "    'a b': { type: object, nope: 1 }",
    ]);
    expect(await check(spec)).not.toEqual([]);
  });

  it('3.1: a path item $ref is expanded and its operation checked', async () => {
    const spec = await load([
      ...head('3.1.0'),
      'paths:',
      "  /u: { $ref: '#/components/pathItems/U' }",
      'components:',
      '  pathItems:',
      '    U: { get: { nope: 1 } }',
    ]);
    expect(await check(spec)).not.toEqual([]);
  });

  it('scheme: Bearer is still read lower-cased, so its bearerFormat passes (copied, not edited in place)', async () => {
    const spec = await load([...head(), 'paths: {}', 'components:', '  securitySchemes:', '    b: { type: http, scheme: Bearer, bearerFormat: JWT }']);
    expect(await check(spec)).toEqual([]);
    expect((spec.root.value as any).components.securitySchemes.b.scheme).toBe('Bearer');
  });

  it('an example value that $refs an example (GitHub does) is expanded as before and the spec stays valid', async () => {
    const spec = await load([
      ...head(),
      ...op("{ description: ok, content: { application/json: { examples: { a: { value: { $ref: '#/components/examples/E' } } } } } }"),
      'components:',
      '  examples:',
      '    E: { value: 1 }',
    ]);
    expect(await check(spec)).toEqual([]);
  });
});

describe('a __proto__ key (#18: read from the load walk, not a search of the text)', () => {
  const json = async (text: string): Promise<LoadedSpec> => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-quick-')), 'openapi.json');
    writeFileSync(file, text);
    const { spec } = await loadSpec(file);
    return spec!;
  };
  const doc = (extra: string) => `{"openapi": "3.0.3", "info": {"title": "t", "version": "1", "description": "__proto__ in prose"}, "paths": {}, "components": {"schemas": {"A": {"type": "object"${extra}}}}}`;

  it('leaves the document to the full expansion when an object has one, written plainly or escaped', async () => {
    expect(quickDoc(await json(doc(', "properties": {"__proto__": {"type": "string"}}')))).toBeUndefined();
    expect(quickDoc(await json(doc(', "properties": {"\\u005f_proto__": {"type": "string"}}')))).toBeUndefined();
  });

  it('answers quickly when the text only mentions it', async () => {
    expect(quickDoc(await json(doc('')))).toBeDefined();
  });
});
