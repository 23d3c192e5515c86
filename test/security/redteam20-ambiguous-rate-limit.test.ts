/**
 * Red team 20, class: route-ambiguous-unprotected (289f0c4) compares who may call (security and IP
 * rule: admitsAll), not how often. A rate limit only the second template has is escaped the same
 * way: every target answers a URL both templates match through the first-tried route, counted
 * under that route's limit (or none), and the backend's own router (declaration order, its own
 * ranking) may run the second route's handler for it.
 *
 * Attack: `/auth/{provider}/verify` (public, 100 a second) and `/{tenant}/otp/verify` (public, 1 a
 * minute: the brute-force guard of a one-time code) can match the same URL and neither is more
 * specific; the first is tried first. `GET /v1/auth/otp/verify` over and over is answered through
 * the 100/s route and reaches the backend at a path of the OTP template. Likewise a keyed pair.
 *
 * Fixed: checkRoutes refuses with model/admits.ts protectedMore (the same-backend checks' "protected
 * more": admits fewer callers, or counts them under a limit the other does not count alike), with
 * `by: 'limit'` when the callers are the same. Same code, same pointer (b's path key), lint and
 * every build alike. The nginx case compiles past the refusal to show the hole it keeps out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { matchPath, parsedPath } from '../../src/model/paths.js';
import type { Gateway } from '../../src/model/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt20-amb-0123';
const ok = '{ "200": { description: ok } }';
const param = (n: string) => `parameters: [{ name: ${n}, in: path, required: true, schema: { type: string } }]`;
const SPEC = `openapi: 3.1.0
info: { title: rt20 ambiguous rate limit, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt20amb
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /auth/{provider}/verify:
    get: { operationId: providerVerify, x-gateway: { public: true, rateLimit: { requests: 100, per: second } }, ${param('provider')}, responses: ${ok} }
  /{tenant}/otp/verify:
    get: { operationId: otpVerify, x-gateway: { public: true, rateLimit: { requests: 1, per: minute } }, ${param('tenant')}, responses: ${ok} }
  /teams/{team}/export:
    get: { operationId: teamExport, security: [{ key: [] }], ${param('team')}, responses: ${ok} }
  /{org}/billing/export:
    get: { operationId: billingExport, security: [{ key: [] }], x-gateway: { rateLimit: { requests: 1, per: minute, by: consumer } }, ${param('org')}, responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
const refused = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown }>) =>
  ds.filter((d) => d.severity === 'error' && d.code === 'route-ambiguous-unprotected').map((d) => [(d.params as { route: string }).route, (d.params as { by: string }).by]);
/** Both routes of each pair under the same limit: accepted (the warning only). */
const SAME = SPEC.replace('rateLimit: { requests: 100, per: second }', 'rateLimit: { requests: 1, per: minute }').replace(
  'operationId: teamExport, security: [{ key: [] }],',
  'operationId: teamExport, security: [{ key: [] }], x-gateway: { rateLimit: { requests: 1, per: minute, by: consumer } },',
);
/** The model SPEC gives past its refusal: SAME with the first-tried routes' limits as SPEC has them. */
const pastRefusal = (g: Gateway) => {
  for (const r of g.routes) {
    if (r.id === 'providerVerify') r.policy.rateLimit = { ...r.policy.rateLimit!, requests: 100, per: 'second' };
    if (r.id === 'teamExport') delete r.policy.rateLimit;
  }
};
const limited = (path: string) => ['/{tenant}/otp/verify', '/{org}/billing/export'].some((t) => matchPath(parsedPath(t).segments, path) !== undefined);

describe('red team 20: an ambiguous pair whose second route has a rate limit the first does not count alike', () => {
  it('otpVerify and billingExport are refused (by: limit), at their path keys; the same limits keep only the warning', async () => {
    const loaded = await gatewayOf(SPEC);
    expect(refused(loaded.diagnostics).sort()).toEqual([['billingExport', 'limit'], ['otpVerify', 'limit']]);
    expect(loaded.diagnostics.find((d) => d.code === 'route-ambiguous-unprotected')?.message).toMatch(/does not count callers under otpVerify's rate limit|under billingExport's rate limit/);
    const same = await gatewayOf(SAME);
    expect(same.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(same.diagnostics.filter((d) => d.code === 'route-ambiguous').length).toBe(2);
  });

  it('a limit on the first-tried route only is no bypass (the request was counted there)', async () => {
    const first = SAME.replace('operationId: otpVerify, x-gateway: { public: true, rateLimit: { requests: 1, per: minute } }', 'operationId: otpVerify, x-gateway: { public: true }');
    expect(refused((await gatewayOf(first)).diagnostics)).toEqual([]);
  });

  for (const target of ['aws', 'kong', 'nginx', 'traefik'] as const) {
    it(`${target}: build refused, lint reports the same line:col`, async () => {
      const file = writeSpec(SPEC);
      const b = await buildTarget(file, { target });
      const bd = b.diagnostics.filter((d) => d.code === 'route-ambiguous-unprotected');
      expect(b.files ?? []).toEqual([]);
      const l = await lint(file, { target });
      const ld = l.diagnostics.filter((d) => d.code === 'route-ambiguous-unprotected');
      const at = (ds: typeof bd) => ds.map((d) => `${d.severity} ${d.loc?.pointer} ${d.position?.line}:${d.position?.column}`).sort();
      const line = (key: string) => SPEC.split('\n').indexOf(`  ${key}:`) + 1;
      expect(at(bd)).toEqual([`error /paths/~1{org}~1billing~1export ${line('/{org}/billing/export')}:3`, `error /paths/~1{tenant}~1otp~1verify ${line('/{tenant}/otp/verify')}:3`]);
      expect(at(ld)).toEqual(at(bd));
    });
  }
});

describe.skipIf(!NGINX)('red team 20, nginx (real requests): compiled past the refusal, the OTP limit is escaped', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SAME, { env: { ALICE_KEY: KEY }, edit: pastRefusal });
  });
  afterAll(async () => lab?.stop());

  it('control: the OTP route counts its own URL (the second call within the minute is refused)', async () => {
    const codes = [];
    for (let i = 0; i < 2; i++) codes.push((await lab.call('GET', '/v1/acme/otp/verify')).r.status);
    expect(codes[0]).toBe(200);
    expect(codes[1]).toBeGreaterThanOrEqual(429);
  });

  it('the hole the refusal keeps out of every build: 5 calls of /v1/auth/otp/verify all reach the backend at a path of the OTP template', async () => {
    expect(refused((await gatewayOf(SPEC)).diagnostics).map(([r]) => r).sort()).toEqual(['billingExport', 'otpVerify']);
    const hits = [];
    for (let i = 0; i < 5; i++) {
      const { r, hits: h } = await lab.call('GET', '/v1/auth/otp/verify');
      expect(r.status).toBe(200);
      hits.push(...h);
    }
    expect(hits.filter((h) => limited(h.path)).length).toBe(5);
  });
});
