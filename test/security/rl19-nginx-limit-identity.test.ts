/**
 * RL19, real nginx: the meaning every target now shares (rl19-limit-identity, kong-limit-identity).
 * `by: {header: X-Key}` naming the route's verified API-key header counts per CONSUMER: alice's
 * second key (a rotation) is no fresh bucket, bob keeps his own, and from alice's address too.
 * `by: consumer` on a public route counts per client address (limit-consumer-public, warned).
 * nginx 1.22, stub backend on loopback; a refused request never reaches the backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSpec, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const K = { A1: 'alice-key-0001', A2: 'alice-key-0002', B1: 'bob-key-0003' };
const SPEC = `openapi: 3.1.0
info: { title: rl19 nginx limits, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rl19n
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: ["\${env:A1}", "\${env:A2}"] } }
    bob: { credentials: { hkey: "\${env:B1}" } }
paths:
  /k: { get: { operationId: k, security: [{ hkey: [] }], x-gateway: { rateLimit: { requests: 1, per: minute, by: { header: X-Key } } }, responses: ${ok} } }
  /p: { get: { operationId: p, x-gateway: { public: true, rateLimit: { requests: 1, per: minute, by: consumer } }, responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
`;

describe.skipIf(!NGINX)('RL19: nginx counts a verified key header per consumer, a public by: consumer per address', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: K });
  });
  afterAll(async () => lab?.stop());

  it("alice's second key shares her bucket; bob has his own", async () => {
    const first = await lab.call('GET', '/v1/k', { 'x-key': K.A1 });
    expect(first.r.status).toBe(200);
    const rotated = await lab.call('GET', '/v1/k', { 'x-key': K.A2 });
    expect(rotated.r.status).toBe(429);
    expect(rotated.hits).toEqual([]);
    expect((await lab.call('GET', '/v1/k', { 'x-key': K.B1 })).r.status).toBe(200);
  });

  it('a public by: consumer limit counts the client address (every call here is 127.0.0.1), and the build says so', async () => {
    expect((await lab.call('GET', '/v1/p')).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/p', { 'x-key': K.B1 })).r.status).toBe(429);
    const { result } = await compileSpec(SPEC, {});
    expect(result.diagnostics.filter((d) => d.code === 'limit-consumer-public').map((d) => [d.severity, d.loc?.pointer])).toEqual([['warn', '/paths/~1p/get/x-gateway/rateLimit']]);
  });
});
