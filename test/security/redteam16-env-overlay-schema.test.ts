/**
 * Red team 16 (noticed): an environment overlay was checked by the schema only to be an object per
 * key (`environments.prod.policies.office: {type: [object, null]}`, `accept: {type: object}`), so
 * what the root's schema refuses built under --env: `rateLimit: {requests: 0}` (Traefik writes
 * `average: 0`, which is Traefik's "no rate limit"; nginx `rate=0r/m`; Kong `minute: 0`), an
 * accepted gap without a reason, a period nobody defines, a misspelt key. Fixed: the root x-gateway
 * as the overlay merges it is validated against the root's schema (src/validate/extensions.ts
 * validateEnvironment, called by pipeline.modelOf), at the place the value is written; lint
 * without --env reports it too (src/lint/environments.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const spec = (prod: string, root = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: e16s
  backends: { app: { url: https://app.example.com } }
  policies:
    lim: { rateLimit: { requests: 10, per: minute } }
  defaults: { backend: app, policies: [lim] }
${root}  environments:
    prod:
${prod}
paths:
  /k:
    get: { operationId: k, x-gateway: { public: true }, responses: { '200': { description: ok } } }
`;

type D = { severity: string; code: unknown; loc?: { pointer: string } };
const errors = (ds: readonly D[]) => ds.filter((d) => d.severity === 'error').map((d) => `${String(d.code)} ${d.loc?.pointer ?? ''}`);

const CASES: Array<[string, string, string]> = [
  ['rateLimit requests 0 (Traefik average 0: no limit)', '      policies: { lim: { rateLimit: { requests: 0 } } }', 'schema-invalid /x-gateway/environments/prod/policies/lim/rateLimit/requests'],
  ['a negative rate in the defaults', '      defaults: { rateLimit: { requests: -3, per: minute } }', 'schema-invalid /x-gateway/environments/prod/defaults/rateLimit/requests'],
  ['a period nobody defines', '      policies: { lim: { rateLimit: { per: fortnight } } }', 'schema-invalid /x-gateway/environments/prod/policies/lim/rateLimit/per'],
  ['a misspelt key', '      defaults: { timout: 5s }', 'schema-unknown-key /x-gateway/environments/prod/defaults/timout'],
  ['an accepted gap without a reason', '      accept: { traefik: [{ feature: cache }] }', 'schema-invalid /x-gateway/environments/prod/accept/traefik/0'],
];

describe('red team 16: an environment overlay is held to the root schema', () => {
  for (const [what, prod, code] of CASES) {
    it(`${what}: build --env prod refuses at the overlay's line, lint with and without --env report it`, async () => {
      const file = writeSpec(spec(prod));
      for (const target of ['traefik', 'nginx', 'kong', 'aws']) {
        const build = errors((await buildTarget(file, { target, env: 'prod' })).diagnostics as D[]);
        expect(build, target).toEqual([code]);
      }
      expect(errors((await lint(file, { target: 'traefik', env: 'prod' })).diagnostics as D[])).toContain(code);
      expect(errors((await lint(file, { target: 'traefik' })).diagnostics as D[])).toContain(code);
      // The base build is untouched.
      expect(errors((await buildTarget(file, { target: 'traefik' })).diagnostics as D[])).toEqual([]);
    });
  }

  it('control: a partial overlay that merges into a valid object builds (requests only, per from the base)', async () => {
    const file = writeSpec(spec('      policies: { lim: { rateLimit: { requests: 5 } } }\n      backends: { app: { timeout: 5s } }\n      accept: { traefik: null }', "  accept: { traefik: [{ feature: cache, reason: 'no cache' }] }\n"));
    expect(errors((await buildTarget(file, { target: 'nginx', env: 'prod' })).diagnostics as D[])).toEqual([]);
    expect(errors((await lint(file, { target: 'nginx' })).diagnostics as D[])).toEqual([]);
  });

  it('an error the base already has is reported once, at the base', async () => {
    const file = writeSpec(spec('      backends: { app: { url: https://prod.example.com } }').replace('requests: 10', 'requests: 0'));
    const found = errors((await lint(file, { target: 'nginx' })).diagnostics as D[]);
    expect(found).toEqual(['schema-invalid /x-gateway/policies/lim/rateLimit/requests']);
  });
});
