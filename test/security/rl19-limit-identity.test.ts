/**
 * RL19: identity-bound rate limits mean one thing on every target (DESIGN.md 7.4, 7.7).
 *
 * 1. `by: {header: X-Api-Key}` naming the header that carries the route's verified API key (or
 *    Authorization on a basic route) counts per CONSUMER, as `by: consumer` does: the header is the
 *    credential, the caller is the consumer holding it. nginx always counted the consumer; Kong
 *    counted per key (limit_by credential: kong-limit-identity.test.ts now pins consumer), and AWS
 *    (a usage plan counts per API key) refused only `by: consumer` for a consumer holding several
 *    keys. Attack: alice holds two keys (a rotation lists old and new) and switches keys for a fresh
 *    bucket, twice the limit. Now refused on AWS (aws-limit-consumer-keys) for the header form too,
 *    lint at the same line. Traefik keys per caller only on native basic's X-Consumer (a header API
 *    key is per address, red team 12), and a consumer holds one basic user per scheme.
 * 2. `by: consumer` on a public route identifies nobody: nginx, Kong and Traefik count per client
 *    address (silently on nginx and Kong; Traefik said 'scheme (none)'), AWS one bucket
 *    (aws-limit-shared-bucket). Now limit-consumer-public on nginx, Kong and Traefik, lint alike.
 */
import { describe, expect, it } from 'vitest';

import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import { ThrottleOracle } from '../targets/aws/throttle-oracle.js';
import { build as traefikBuild } from '../targets/traefik/cases.js';

const RL = '/paths/~1orders/get/x-gateway/rateLimit';
/** The lint diagnostics relaying `code` (target-compile puts the build's code in params.code). */
async function linted(file: string, target: string, code: string): Promise<Array<{ severity: string; pointer?: string }>> {
  const l = await lint(file, { target });
  return l.diagnostics
    .filter((d) => d.code === code || (d.params as { code?: string } | undefined)?.code === code)
    .map((d) => ({ severity: d.severity, pointer: d.loc?.pointer }));
}

describe('aws: by the API-key header is per consumer too, so a consumer holding two keys is refused', () => {
  const limit = { rateLimit: { requests: 3, per: 'minute', by: { header: 'X-Api-Key' } } };
  const doc = (alice: unknown) =>
    spec({ '/orders': { get: { operationId: 'orders', security: [{ key: [] }], 'x-gateway': limit } } }, {
      consumers: { alice: { credentials: { key: alice } }, bob: { credentials: { key: '${env:B_KEY_1}' } } },
    });

  it('FIXED: alice holding two keys is refused at the limit (the usage plan would give each key 3 a minute), build and lint', async () => {
    const b = await build(doc(['${env:A_KEY_1}', '${env:A_KEY_2}']));
    expect(coded(b.errors, 'aws-limit-consumer-keys')).toEqual([
      { code: 'aws-limit-consumer-keys', params: { route: 'orders', consumers: 'alice' }, pointer: RL },
    ]);
    const file = writeSpec(JSON.stringify(doc(['${env:A_KEY_1}', '${env:A_KEY_2}'])), 'gateway.json');
    expect(await linted(file, 'aws', 'aws-limit-consumer-keys')).toEqual([{ severity: 'error', pointer: RL }]);
  });

  it('held: one key each is the usage plan\'s per-key throttle, 3 a minute per consumer (control)', async () => {
    const b = await build(doc('${env:A_KEY_1}'));
    expect(b.errors).toEqual([]);
    const t = new ThrottleOracle(b.oracle!, b.t!);
    const [alice] = b.oracle!.keysOf('alice');
    const [bob] = b.oracle!.keysOf('bob');
    const got = Array.from({ length: 5 }, () => t.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': alice! } }).status);
    expect(got.filter((x) => x === 200), got.join(',')).toHaveLength(3);
    expect(t.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': bob! } }).status).toBe(200);
  });
});

const ok = "{ '200': { description: ok } }";
const basicSpec = (carol: string, by: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rl19
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { pw: { username: alice, password: '\${env:A1}' } } }
    carol: { credentials: { pw: ${carol} } }
paths:
  /orders:
    get:
      operationId: orders
      security: [{ pw: [] }]
      x-gateway: { rateLimit: { requests: 3, per: minute, by: ${by} } }
      responses: ${ok}
components:
  securitySchemes:
    pw: { type: http, scheme: basic }
`;
const TWO_USERS = "[{ username: c1, password: '${env:C1}' }, { username: c2, password: '${env:C2}' }]";
const ONE_USER = "{ username: carol, password: '${env:C1}' }";

describe('traefik: by the Authorization header of native basic keys on the verified user, one per consumer', () => {
  // Traefik's only per-caller key is native basicAuth's X-Consumer (the basic user); a consumer holds
  // one basic user per scheme (two are schema-invalid), so nothing multiplies there. Should the model
  // ever hold more, the header form is refused as by: consumer is (policies.ts multiplied()).
  it('two basic users of one scheme in one consumer are no spec at all (nothing to multiply)', async () => {
    const r = await traefikBuild(writeSpec(basicSpec(TWO_USERS, '{ header: Authorization }')));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('schema-invalid');
  });

  for (const by of ['{ header: Authorization }', '{ header: authorization }', 'consumer']) {
    it(`by: ${by}: one basic user each builds, keyed on the verified user (X-Consumer), nothing unverified said`, async () => {
      const r = await traefikBuild(writeSpec(basicSpec(ONE_USER, by)));
      expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code)).toEqual([]);
      expect(r.files.map((f) => f.contents).join('\n')).toContain('requestHeaderName: "X-Consumer"');
    });
  }
});

const publicSpec = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rl19p
  backends: { app: { url: 'https://app.example.com' } }
  defaults: { backend: app }
paths:
  /orders:
    get:
      operationId: orders
      x-gateway: { public: true, rateLimit: { requests: 60, per: minute, by: consumer } }
      responses: ${ok}
`;

describe('by: consumer on a public route identifies nobody: said on every target, build and lint', () => {
  const expected: Record<string, string> = { nginx: 'limit-consumer-public', kong: 'limit-consumer-public', traefik: 'limit-consumer-public', aws: 'aws-limit-shared-bucket' };
  for (const [target, code] of Object.entries(expected)) {
    it(`${target}: ${code} at the rateLimit`, async () => {
      const file = writeSpec(publicSpec);
      const b = await buildTarget(file, { target });
      expect(b.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
      const said = b.diagnostics.filter((d) => d.code === code);
      expect(said.map((d) => [d.severity, d.loc?.pointer])).toEqual([['warn', RL]]);
      if (target !== 'aws') expect(said[0]!.params).toEqual({ route: 'orders', target });
      // Traefik no longer says it as a scheme '(none)' it cannot key on.
      expect(b.diagnostics.filter((d) => d.code === 'traefik-limit-key-unverified')).toEqual([]);
      expect(await linted(file, target, code)).toEqual([{ severity: 'warn', pointer: RL }]);
    });
  }

  it('control: by: ip on the same route says nothing of a consumer', async () => {
    const file = writeSpec(publicSpec.replace('by: consumer', 'by: ip'));
    for (const target of ['nginx', 'kong', 'traefik']) {
      const b = await buildTarget(file, { target });
      expect(b.diagnostics.filter((d) => d.code === 'limit-consumer-public'), target).toEqual([]);
    }
  });
});

