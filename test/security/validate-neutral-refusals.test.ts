/**
 * `gwc validate` and the refusals every target makes (DESIGN.md 7.1, 7.7). validate said "valid"
 * for a spec no target builds: an operation with `security: []` (or none) and no `public: true`
 * (security-undecided), a spec with no operation (no-routes), a public HEAD beside a protected GET
 * of the same backend path (head-widens-get). A pipeline that gates on validate shipped a spec that
 * only failed at deploy time, or read "valid" as "decided". validate now reports the core's
 * target-neutral refusals, with the build's codes and params, at the same line and column as the
 * build and lint (whose security-missing rule points there). Every case failed on the old code.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { validateSpec } from '../../src/validate/neutral.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (paths: string) => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: v
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:K}' } }
paths:
${paths}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
const ok = "responses: { '200': { description: ok } }";
type D = { severity: string; code: unknown; params?: unknown; position?: { line: number; column: number }; loc?: { pointer: string } };
const at = (ds: D[], code: string) => ds.filter((d) => d.code === code).map((d) => ({ params: d.params, pointer: d.loc?.pointer, line: d.position?.line, column: d.position?.column }));

describe('gwc validate: the refusals every target makes', () => {
  it('security: [] and no security without public: true are security-undecided, where build and lint point', async () => {
    const file = writeSpec(spec(`  /a:\n    get: { operationId: a, security: [], ${ok} }\n  /b:\n    get: { operationId: b, ${ok} }\n  /c:\n    get: { operationId: c, security: [{}], ${ok} }\n  /d:\n    get: { operationId: d, security: [{ key: [] }], ${ok} }\n`));
    const v = await validateSpec(file);
    expect(v.valid).toBe(false);
    const found = at(v.diagnostics, 'security-undecided');
    expect(found.map((f) => f.params)).toEqual([{ route: 'a' }, { route: 'b' }, { route: 'c' }]);
    for (const target of ['nginx', 'kong', 'traefik', 'aws']) {
      expect(at((await buildTarget(file, { target })).diagnostics, 'security-undecided'), target).toEqual(found);
    }
    const linted = at((await lint(file)).diagnostics, 'security-missing');
    expect(linted.map(({ pointer, line, column }) => ({ pointer, line, column }))).toEqual(found.map(({ pointer, line, column }) => ({ pointer, line, column })));
    expect(found.every((f) => typeof f.line === 'number' && typeof f.column === 'number')).toBe(true);
  });

  it('a public HEAD beside a keyed GET of the same backend path is head-widens-get, as every build says', async () => {
    const file = writeSpec(spec(`  /r:\n    get: { operationId: r, security: [{ key: [] }], ${ok} }\n    head: { operationId: rHead, x-gateway: { public: true }, ${ok} }\n`));
    const v = await validateSpec(file);
    expect(v.valid).toBe(false);
    const found = at(v.diagnostics, 'head-widens-get');
    expect(found).toHaveLength(1);
    expect(found[0]!.params).toMatchObject({ route: 'rHead', other: 'r' });
    for (const target of ['nginx', 'kong', 'traefik', 'aws']) expect(at((await buildTarget(file, { target })).diagnostics, 'head-widens-get'), target).toEqual(found);
  });

  it('a spec with no operation is no-routes', async () => {
    const v = await validateSpec(writeSpec(spec('  {}\n').replace('paths:\n  {}\n', 'paths: {}\n')));
    expect(v.valid).toBe(false);
    expect(v.diagnostics.map((d) => d.code)).toContain('no-routes');
  });

  it('held: a decided spec is valid, with its route count', async () => {
    const v = await validateSpec(writeSpec(spec(`  /d:\n    get: { operationId: d, security: [{ key: [] }], ${ok} }\n  /p:\n    get: { operationId: p, x-gateway: { public: true }, ${ok} }\n`)));
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(v).toMatchObject({ valid: true, routes: 2 });
  });

  it('held: model-level refusals (consumer-credential-shared) were and stay validate errors', async () => {
    const file = writeSpec(spec(`  /d:\n    get: { operationId: d, security: [{ key: [] }], ${ok} }\n`).replace("    alice: { credentials: { key: '${env:K}' } }\n", "    alice: { credentials: { key: '${env:K}' } }\n    mallory: { credentials: { key: '${env:K}' } }\n"));
    const v = await validateSpec(file);
    expect(v.valid).toBe(false);
    expect(at(v.diagnostics, 'consumer-credential-shared').map((d) => d.pointer)).toEqual(['/x-gateway/consumers/mallory/credentials/key']);
  });
});
