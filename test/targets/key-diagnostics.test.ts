/**
 * The core says a key a target does not apply at the key's own line (issue #21), wherever the spec
 * writes it: the root x-gateway, and the overlay of the environment being built (gwc build --env),
 * which the model merges before any target reads it. A key written only in an overlay was dropped
 * without a word before.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { HEAD, gatewayOf } from '../helpers/spec.js';

const spec = `${HEAD}x-gateway:
  backends: { api: { url: http://api.example:8080 } }
  defaults: { backend: api }
  environments:
    prod:
      backends: { api: { url: http://api.example:8080, keepalive: 32 } }
      defaults: { rateLimit: { requests: 10, per: minute, burst: 5 } }
    dev:
      backends: { api: { url: http://localhost:8080, keepalive: null } }
paths:
  /items:
    get:
      operationId: getItems
      x-gateway: { public: true }
      responses: { '200': { description: ok } }
`;

async function said(env: string | undefined) {
  const loaded = await gatewayOf(spec, env ? { env } : {});
  expect(loaded.gateway, JSON.stringify(loaded.diagnostics)).toBeDefined();
  const r = compileGateway(loaded.gateway!, 'kong', {}, loaded.spec);
  return r.diagnostics.filter((d) => d.code === 'key-not-applied').map((d) => ({ key: d.params?.key, pointer: d.loc?.pointer, line: d.position?.line }));
}

describe('key-not-applied in an environment overlay', () => {
  it('is said at the overlay line for the environment built', async () => {
    const got = await said('prod');
    expect(got.map(({ key, pointer }) => ({ key, pointer }))).toEqual([
      { key: 'backends.*.keepalive', pointer: '/x-gateway/environments/prod/backends/api/keepalive' },
      { key: 'defaults.rateLimit.burst', pointer: '/x-gateway/environments/prod/defaults/rateLimit/burst' },
    ]);
    expect(got.every((g) => (g.line ?? 0) > 0)).toBe(true);
  });

  it('not for an environment that is not built, nor for a key an overlay removes (null)', async () => {
    expect(await said(undefined)).toEqual([]);
    expect(await said('dev')).toEqual([]);
  });
});
