/**
 * Red team 3b: DESIGN.md 7.7 with target options. `gwc lint --option TARGET.NAME=VALUE` says it
 * takes options "as gwc build takes them", but src/lint/index.ts only hands them to
 * resolveFlavour (aws.api=http): the target's compile inside lint runs with its defaults. So a
 * refusal that depends on an option is never linted:
 * - kong.names=openapi2kong: two operations openapi2kong names alike (kong-o2k-name-collision);
 * - traefik.traefik-version=3.0: a backend whose servers have different paths needs preservePath,
 *   3.2+ (traefik-server-paths);
 * - an option value the build refuses (target-option-invalid: client-ip-depth=abc, a relative
 *   htpasswd-dir, an unknown traefik-version).
 * Fix: pass targetOptions[target] to the lint compile (and validate them as build does).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const errors = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown }>) =>
  ds.filter((d) => d.severity === 'error').map((d) => String((d.params as { code?: string } | undefined)?.code ?? d.code));

async function both(text: string, target: string, options: Record<string, string>) {
  const file = writeSpec(text);
  const b = await buildTarget(file, { target, options });
  const l = await lint(file, { target, targetOptions: { [target]: options } });
  return { built: errors(b.diagnostics), linted: errors(l.diagnostics) };
}

const COLLIDE = `${HEAD}servers: [{ url: https://api.test/v1 }]
x-gateway:
  name: lo
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app, rateLimit: { requests: 10, per: minute } }
paths:
  /a: { get: { operationId: get-user, x-gateway: { public: true }, security: [], responses: ${ok} } }
  /b: { get: { operationId: get_user, x-gateway: { public: true }, security: [], responses: ${ok} } }
`;

const SERVER_PATHS = `${HEAD}servers: [{ url: https://api.test/v1 }]
x-gateway:
  name: lo
  backends: { app: { targets: [{ url: 'http://a.internal:8080/x', weight: 1 }, { url: 'http://b.internal:8080/y', weight: 1 }] } }
  defaults: { backend: app, rateLimit: { requests: 10, per: minute } }
paths:
  /a: { get: { operationId: a, x-gateway: { public: true }, security: [], responses: ${ok} } }
`;

const BASIC = `${HEAD}servers: [{ url: https://api.test/v1 }]
x-gateway:
  name: lo
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app, rateLimit: { requests: 10, per: minute } }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:PW}' } } }
paths:
  /a: { get: { operationId: a, security: [{ basic: [] }], responses: ${ok} } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

describe('red team 3b: lint = build parity under --option', () => {
  it('control: without the option both pass', async () => {
    expect(await both(COLLIDE, 'kong', {})).toEqual({ built: [], linted: [] });
    expect(await both(SERVER_PATHS, 'traefik', {})).toEqual({ built: [], linted: [] });
  });

  it('FIXED: kong --option names=openapi2kong: build and lint with the same option refuse kong-o2k-name-collision', async () => {
    const r = await both(COLLIDE, 'kong', { names: 'openapi2kong' });
    expect(r.built).toContain('kong-o2k-name-collision');
    expect(r.linted).toContain('kong-o2k-name-collision');
  });

  it('FIXED: traefik --option traefik-version=3.0: build and lint with the same option refuse traefik-server-paths', async () => {
    const r = await both(SERVER_PATHS, 'traefik', { 'traefik-version': '3.0' });
    expect(r.built).toContain('traefik-server-paths');
    expect(r.linted).toContain('traefik-server-paths');
  });

  for (const [name, value] of [['client-ip-depth', 'abc'], ['htpasswd-dir', 'relative/dir'], ['traefik-version', '9.9']] as const) {
    it(`FIXED: traefik --option ${name}=${value}: build and lint refuse target-option-invalid`, async () => {
      const r = await both(BASIC, 'traefik', { [name]: value });
      expect(r.built).toContain('target-option-invalid');
      expect(r.linted).toContain('target-option-invalid');
    });
  }

  // Our own variants (red team 3b fixes): the same parity on every target's options, each
  // target's options reaching only its own compile.
  for (const [target, name, value] of [
    ['kong', 'names', 'kong2'],
    ['kong', 'rate-limit-policy', 'redis'],
    ['aws', 'maxTimeout', '10'],
    ['traefik', 'client-ip-depth', '-1'],
  ] as const) {
    it(`${target} --option ${name}=${value}: build and lint both refuse target-option-invalid`, async () => {
      const r = await both(target === 'aws' ? COLLIDE : BASIC, target, { [name]: value });
      expect(r.built).toContain('target-option-invalid');
      expect(r.linted).toContain('target-option-invalid');
    });
  }
  it('a valid option gives lint what it gives build (traefik-version=3.2: no traefik-server-paths)', async () => {
    expect(await both(SERVER_PATHS, 'traefik', { 'traefik-version': '3.2' })).toEqual({ built: [], linted: [] });
  });
  it("lint of every target: kong's option reaches the kong compile only", async () => {
    const l = await lint(writeSpec(COLLIDE), { targetOptions: { kong: { names: 'openapi2kong' }, traefik: {} } });
    const found = l.diagnostics.filter((d) => d.severity === 'error' && (d.params as { code?: string }).code === 'kong-o2k-name-collision');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => (d.params as { target?: string }).target === 'kong')).toBe(true);
  });
});
