/**
 * Red team 9, nginx (DESIGN.md 7.1, 7.3): the other request headers a forward-auth service is sent
 * are that alternative's credential (red team 7, kept-credentials.ts) — for EVERY scheme kind a
 * service verifies, not only `http bearer`. kept-credentials.ts carriersOf adds forwardHeaders(s)
 * for kind 'forward' and a keyless 'jwt', and keepsAny counts only those two: an apiKey scheme
 * verified by a forward-auth service (`type: apiKey` + `x-gateway.forwardAuth`, requestHeaders
 * [X-Session] or [Cookie]) has its service's headers unguarded, so on an OR route basic passing
 * carries a forged session to the backend as if the service had verified it.
 * Real nginx, stub backend and services on loopback recording what arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import type { Echo } from '../targets/nginx/harness.js';

const PASS = 'alice-password-9001';
const KEY = 'key-alice-9002';
const b64 = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const BAS = { authorization: b64('alice', PASS) };

const ok = '{ "200": { description: ok } }';
const get = (id: string, security: string) => `{ get: { operationId: ${id}, security: ${security}, responses: ${ok} } }`;
const SPEC = `openapi: 3.1.0
info: { title: red team 9 nginx forward apiKey, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r9f
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { bas: { username: alice, password: "\${env:PASS}" }, hks: "\${env:KEY}", hkc: "\${env:KEY}", hka: "\${env:KEY}", ck: "\${env:KEY}" } }
paths:
  /b1: ${get('b1', '[{ bas: [] }, { hks: [] }]')}
  /b2: ${get('b2', '[{ bas: [] }, { hkc: [] }]')}
  /b3: ${get('b3', '[{ ck: [] }, { hka: [] }]')}
components:
  securitySchemes:
    bas: { type: http, scheme: basic }
    hks: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://hks.internal:9000/verify", requestHeaders: [X-Session] } } }
    ck: { type: apiKey, in: cookie, name: sid_key }
    hka: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://hka.internal:9000/verify", requestHeaders: [Authorization] } } }
    hkc: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://hkc.internal:9000/verify", requestHeaders: [Cookie] } } }
`;

describe.skipIf(!NGINX)('red team 9, nginx: an apiKey scheme\'s forward-auth service headers on OR routes', () => {
  let lab: PolicyLab;
  const good = (e: Echo) => ({ status: JSON.stringify(e.headers).includes('GOOD') ? 204 : 401 });
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { PASS, KEY }, forward: { hks: good, hkc: good, hka: good } });
  });
  afterAll(async () => lab?.stop());

  it('control: /b1 the service verifies X-Session beside the key: the session reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/b1', { 'x-api-key': KEY, 'x-session': 'GOOD-9003' });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers['x-session']).toBe('GOOD-9003');
  });

  // Mechanism: carriersOf/keepsAny (kept-credentials.ts) read forwardHeaders only for kind 'forward'
  // and keyless 'jwt'; an apiKey scheme's forward-auth X-Session is never guarded, so basic passing
  // sends a forged X-Session to the backend as if hks's service had verified it.
  // Fix: forwardHeaders(s) for every scheme with a forwardAuth service (carriersOf, keepsAny), as
  // Traefik's forwardedCarriers does (all kinds but basic).
  it('/b1: basic passes, a forged X-Session (the apiKey service\'s header) never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/b1', { ...BAS, 'x-session': 'FORGED-9004' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(hits[0]!.headers)).not.toMatch(/FORGED/);
  });

  // Same mechanism with requestHeaders: [Cookie]: no rebuild (no cookieHeader) for the basic alternative.
  it('/b2: basic passes, a forged session cookie (the apiKey service\'s Cookie) never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/b2', { ...BAS, cookie: 'session=FORGED-9005' });
    expect(r.status).toBe(200);
    expect(hits[0]?.headers.cookie ?? '').not.toMatch(/FORGED/);
  });
  // Mechanism: forwardHeaders (kept-credentials.ts) drops 'authorization' as "the scheme's own
  // carrier (carriersOf)", true for bearer/jwt but not for an apiKey scheme whose service also reads
  // Authorization (a signed-request or user token beside the key): the cookie key passing carries a
  // forged Authorization to the backend. Fix: drop Authorization from forwardHeaders only when
  // carriersOf(s) already holds it.
  it('/b3: the cookie key passes, a forged Authorization (the apiKey service\'s header) never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/b3', { cookie: `sid_key=${KEY}`, authorization: 'Bearer FORGED-9006' });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers.authorization ?? '').not.toMatch(/FORGED/);
  });
});
