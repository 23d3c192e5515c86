/**
 * Red team 2, nginx cache (DESIGN.md 7.4): credentials the gateway did not verify on a cached
 * route. A public (or differently secured) route passes an Authorization header on as sent; a
 * backend that checks it itself answers that caller's data, and nginx stores a 200 without
 * Cache-Control for the route's ttl (proxy_cache_valid) under a key without the header, so the next
 * caller, anonymous, gets it. RFC 9111 section 3.5: a shared cache must not answer a request
 * carrying Authorization from a stored response (unless the response says public, s-maxage or
 * must-revalidate). Real nginx, stub backend on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: cache lab 2, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt2c
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /profile: { get: { operationId: profile, x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /profile-q: { get: { operationId: profileQ, x-gateway: { cache: { ttl: 60s, keyQuery: true } }, responses: ${ok} } }
  /keyed: { get: { operationId: keyed, security: [{ key: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;

describe.skipIf(!NGINX)('red team 2: nginx cache and an Authorization header nginx did not verify', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { ALICE_KEY: 'alice-key-0001' } });
  });
  afterAll(async () => lab?.stop());

  it('control: an anonymous public answer is cached', async () => {
    await lab.call('GET', '/v1/profile-q?n=1');
    const again = await lab.call('GET', '/v1/profile-q?n=1');
    expect(again.hits).toHaveLength(0);
  });

  it('a public route: the answer to a request carrying Authorization is never served to the next caller', async () => {
    const first = await lab.call('GET', '/v1/profile', { authorization: 'Bearer alice-session-token' });
    expect(first.r.status).toBe(200);
    const next = await lab.call('GET', '/v1/profile');
    expect(next.r.body, "the next caller was served alice's answer").not.toContain('alice-session-token');
  });

  it('a public route: a request carrying Authorization is never answered from an anonymous entry either', async () => {
    await lab.call('GET', '/v1/profile-q?n=2');
    const authed = await lab.call('GET', '/v1/profile-q?n=2', { authorization: 'Bearer bob-session-token' });
    expect(authed.hits, 'bob was answered from the anonymous entry, never reaching his backend').toHaveLength(1);
  });

  it('a key route: an unverified Authorization beside the key never picks another answer of the same consumer', async () => {
    const a = await lab.call('GET', '/v1/keyed', { 'x-api-key': 'alice-key-0001', authorization: 'Bearer admin-session' });
    expect(a.r.status).toBe(200);
    const b = await lab.call('GET', '/v1/keyed', { 'x-api-key': 'alice-key-0001' });
    expect(b.r.body).not.toContain('admin-session');
  });
});
