/**
 * `gwc validate` without `--env` checks every x-gateway environment overlay (ENV2 item 2), as lint
 * does since red team 16 (src/lint/environments.ts): the overlay held to the root schema, the model
 * under it, and the refusals every target makes of that model. Each at the place `gwc build --env E`
 * reports it, the environment named; an error the base build already has is said once.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { validateSpec } from '../../src/validate/neutral.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { gwc } from '../cli/run.js';

const spec = (prod: string, root = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: venv
  backends: { app: { url: https://app.example.com }, other: { url: https://other.example.com } }
  policies:
    lim: { rateLimit: { requests: 10, per: minute } }
  defaults: { backend: app, policies: [lim]${root} }
  environments:
    staging:
      backends: { app: { url: https://staging.example.com } }
    prod:
${prod}
paths:
  /k:
    get: { operationId: k, x-gateway: { public: true }, responses: { '200': { description: ok } } }
  /o:
    get: { operationId: o, x-gateway: { backend: other, public: true }, responses: { '200': { description: ok } } }
`;

type D = { severity: string; code: unknown; params?: Record<string, unknown>; loc?: { pointer: string }; position?: { line: number } };
const errors = (ds: readonly D[]) =>
  ds.filter((d) => d.severity === 'error').map((d) => `${d.code === 'target-compile' ? String(d.params?.code) : String(d.code)} ${d.loc?.pointer ?? ''}`);

// [what, prod overlay, the error build --env prod gives, its line]
const CASES: Array<[string, string, string, number]> = [
  ['schema: rateLimit requests 0', '      policies: { lim: { rateLimit: { requests: 0 } } }', 'schema-invalid /x-gateway/environments/prod/policies/lim/rateLimit/requests', 14],
  ['schema: a misspelt key', '      defaults: { timout: 5s }', 'schema-unknown-key /x-gateway/environments/prod/defaults/timout', 14],
  ['model: a policy the defaults name, removed', '      policies: { lim: null }', 'unknown-policy /x-gateway/defaults/policies/0', 9],
  ['model: a backend a route names, removed', '      backends: { other: null }', 'unknown-backend /paths/~1o/get/x-gateway/backend', 19],
  ['schema: a backend URL that is no URL', '      backends: { app: { url: "not a url" } }', 'schema-invalid /x-gateway/environments/prod/backends/app/url', 14],
];

describe('gwc validate without --env checks each environment overlay', () => {
  for (const [what, prod, code, line] of CASES) {
    it(`${what}: invalid, at build --env prod's place, the environment named; lint says the same`, async () => {
      const file = writeSpec(spec(prod));
      const build = errors((await buildTarget(file, { target: 'nginx', env: 'prod' })).diagnostics as D[]);
      // The build says unknown-policy once per route using the defaults; the command prints it once.
      expect([...new Set(build)]).toEqual([code]);
      const v = await validateSpec(file);
      expect(v.valid).toBe(false);
      expect(v.routes).toBe(0);
      const found = (v.diagnostics as D[]).filter((d) => d.severity === 'error');
      expect(errors(found)).toEqual([code]);
      expect(found[0]!.params?.environment).toBe('prod');
      expect(found[0]!.position?.line).toBe(line);
      expect((found[0] as { message?: string }).message).toContain('(environment prod: gwc build --env prod)');
      // validate --env prod: the same error, as build --env prod reports it (no environment suffix needed).
      expect([...new Set(errors((await validateSpec(file, { env: 'prod' })).diagnostics as D[]))]).toEqual([code]);
      // lint without --env reports it at the same place.
      expect(errors((await lint(file, { target: 'nginx' })).diagnostics as D[])).toContain(code);
    });
  }

  it('control: valid overlays leave the spec valid, routes counted from the base build', async () => {
    const file = writeSpec(spec('      policies: { lim: { rateLimit: { requests: 5 } } }'));
    const v = await validateSpec(file);
    expect(errors(v.diagnostics as D[])).toEqual([]);
    expect(v).toMatchObject({ valid: true, routes: 2 });
  });

  it('an error the base already has is reported once, at the base, not again per environment', async () => {
    const file = writeSpec(spec('      backends: { app: { url: https://prod.example.com } }').replace('requests: 10', 'requests: 0'));
    const v = await validateSpec(file);
    expect(errors(v.diagnostics as D[])).toEqual(['schema-invalid /x-gateway/policies/lim/rateLimit/requests']);
    expect((v.diagnostics as D[]).some((d) => d.params?.environment !== undefined)).toBe(false);
  });

  it('two broken environments are each named, in the order of the file', async () => {
    const file = writeSpec(spec('      policies: { lim: { rateLimit: { requests: 0 } } }').replace('      backends: { app: { url: https://staging.example.com } }', '      defaults: { timout: 5s }'));
    const v = await validateSpec(file);
    expect((v.diagnostics as D[]).filter((d) => d.severity === 'error').map((d) => [d.code, d.params?.environment])).toEqual([
      ['schema-unknown-key', 'staging'],
      ['schema-invalid', 'prod'],
    ]);
  });
});

describe('gwc validate (CLI) without --env', () => {
  it('exits 1 and prints the overlay error at its line, the environment named', () => {
    const file = writeSpec(spec('      policies: { lim: { rateLimit: { requests: 0 } } }'));
    const r = gwc(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gateway\.yaml:14:\d+ error schema-invalid .*\(environment prod: gwc build --env prod\)/);
    const ok = gwc(['validate', writeSpec(spec('      backends: { app: { timeout: 5s } }'))]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
