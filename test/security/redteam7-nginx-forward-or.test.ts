/**
 * Red team 7, nginx (DESIGN.md 7.1, 7.3, 7.4): what a forward-auth service reads is that
 * alternative's credential. On an OR route every request header the service is sent (Cookie,
 * Authorization, X-Session, in any spelling of the spec) reaches the backend only when that
 * alternative passed: basic (or a key, or another service) passing must never carry a forged
 * session to the backend as if the service had verified it (kept-credentials.ts). Variants: the
 * Cookie header with several cookies, spelled COOKIE in the spec, two forward schemes in an OR, AND
 * inside OR, an optional route, Authorization as the service's header beside a key or basic.
 * Also: the cache's own-cookie check reads a name after a space or tab as a cookie (Python's
 * SimpleCookie does), a client's X-Gwc-* headers never steer gwc's machinery, and Proxy-Authorization
 * (Kong's basic-auth reads it first) is stripped where basic hides its credential.
 * Real nginx, stub backend and services on loopback recording what arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import type { Echo } from '../targets/nginx/harness.js';

const H_KEY = 'hkey-alice-8001';
const C_KEY = 'ckey-alice-8002';
const C2_KEY = 'c2key-alice-8003';
const CH_KEY = 'chkey-alice-8008';
const PASS = 'alice-password-8004';
const PASS2 = 'alice-password-8005';
const FW_GOOD = 'Bearer fw-good-8006';
const SESS = 'session=SESS-GOOD-8007';
const b64 = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const BAS = { authorization: b64('alice', PASS) };
const BASH = { authorization: b64('alice', PASS2) };

const ok = '{ "200": { description: ok } }';
const get = (id: string, security: string, extra = '') => `{ get: { operationId: ${id}, security: ${security},${extra} responses: ${ok} } }`;
const SPEC = `openapi: 3.1.0
info: { title: red team 7 nginx forward OR, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r7f
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hk: "\${env:H_KEY}", ck: "\${env:C_KEY}", ckh: "\${env:CH_KEY}", ck2h: "\${env:C2_KEY}", bas: { username: alice, password: "\${env:PASS}" }, basH: { username: alice, password: "\${env:PASS2}" } } }
paths:
  /a1: ${get('a1', '[{ bas: [] }, { fckK: [] }]')}
  /a2: ${get('a2', '[{ basH: [] }, { fckU: [] }]')}
  /a3: ${get('a3', '[{ ck: [] }, { fck: [] }]')}
  /a4: ${get('a4', '[{ fck: [] }, { fxs: [] }]')}
  /a5: ${get('a5', '[{ bas: [], hk: [] }, { fck: [] }]')}
  /a6: ${get('a6', '[{ basH: [] }, { fck: [], hk: [] }]')}
  /a7: ${get('a7', '[{ hk: [] }, { fau: [] }]')}
  /a8: ${get('a8', '[{ bas: [] }, { fau: [] }]')}
  /a9: ${get('a9', '[{}, { fck: [] }]')}
  /a10: ${get('a10', '[{ ck: [], fck: [] }, { bas: [] }]')}
  /k1: ${get('k1', '[{ ckh: [] }, { ck2h: [] }]', ' x-gateway: { cache: { ttl: 60s } },')}
  /p1: ${get('p1', '[{ basH: [] }]')}
  /p2: ${get('p2', '[{ bas: [] }]')}
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false } }
    ckh: { type: apiKey, in: cookie, name: sid_key }
    ck2h: { type: apiKey, in: cookie, name: sid2 }
    bas: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
    basH: { type: http, scheme: basic }
    fck: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://fck.internal:9000/verify", requestHeaders: [Cookie] } } }
    fckK: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://fckk.internal:9000/verify", requestHeaders: [Cookie] }, hideCredentials: false } }
    fckU: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://fcku.internal:9000/verify", requestHeaders: [COOKIE] } } }
    fxs: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://fxs.internal:9000/verify", requestHeaders: [x-SESSION] } } }
    fau: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://fau.internal:9000/verify", requestHeaders: [authorization] }, hideCredentials: false } }
`;

describe.skipIf(!NGINX)('red team 7, nginx: a forward-auth service\'s request headers on OR routes', () => {
  let lab: PolicyLab;
  const bySession = (e: Echo) => ({ status: (e.headers.cookie ?? '').split(/;\s*/).includes(SESS) ? 204 : 401 });
  const byBearer = (e: Echo) => ({ status: e.headers.authorization === FW_GOOD ? 204 : 401 });
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      env: { H_KEY, C_KEY, C2_KEY, CH_KEY, PASS, PASS2 },
      forward: { fck: bySession, fckK: bySession, fckU: bySession, fxs: byBearer, fau: byBearer },
    });
  });
  afterAll(async () => lab?.stop());

  const cookieOf = (hits: Echo[]) => hits[0]?.headers.cookie ?? '';

  // ---- the Cookie header a service verifies ------------------------------------------------
  const forged = ['session=FORGED1', 'a=1; session=FORGED2; b=2', 'a=1 session=FORGED3', `session=FORGED4; ${'x'.repeat(20)}=y`];
  for (const [route, creds] of [['/v1/a1', BAS], ['/v1/a2', BASH]] as const) {
    for (const cookie of forged) {
      it(`${route}: basic passes, a forged session cookie (${cookie}) never reaches the backend`, async () => {
        const { r, hits } = await lab.call('GET', route, { ...creds, cookie });
        expect(r.status).toBe(200);
        expect(hits).toHaveLength(1);
        expect(cookieOf(hits)).not.toMatch(/FORGED/);
      });
    }
  }

  it('/a1: basic passes and its kept Authorization still reaches the backend (its own need; the service keeps Authorization too)', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a1', { ...BAS, cookie: 'session=FORGED5' });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers.authorization).toBe(BAS.authorization);
  });

  for (const route of ['/v1/a1', '/v1/a2']) {
    it(`${route}: control: the service verifies the session, every cookie reaches the backend as sent`, async () => {
      const cookie = `a=1; ${SESS}; b="x y"; c=`;
      const { r, hits } = await lab.call('GET', route, { cookie });
      expect(r.status).toBe(200);
      expect(cookieOf(hits)).toBe(cookie);
    });
  }

  it('/a3: the cookie key passes: the backend gets that key, never a forged session beside it', async () => {
    for (const cookie of [`sid_key=${C_KEY}; session=FORGED6`, `session=FORGED7; sid_key=${C_KEY}`, `a=1; sid_key=${C_KEY}`]) {
      const { r, hits } = await lab.call('GET', '/v1/a3', { cookie });
      expect(r.status, cookie).toBe(200);
      expect(cookieOf(hits), cookie).toBe(`sid_key=${C_KEY}`);
    }
  });

  it('/a3: the service passes: a forged cookie key beside the session never reaches the backend', async () => {
    for (const cookie of [`${SESS}; sid_key=FORGED8`, `${SESS}; SID.KEY=FORGED9`, `${SESS}; a=1 sid_key=FORGED10`]) {
      const { r, hits } = await lab.call('GET', '/v1/a3', { cookie });
      expect(r.status, cookie).toBe(200);
      expect(cookieOf(hits), cookie).not.toMatch(/FORGED/);
      expect(cookieOf(hits), cookie).toContain(SESS);
    }
  });

  it('/a4: two forward schemes: the X-Session service passes, a forged session cookie never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a4', { authorization: FW_GOOD, 'x-session': 'sess-x', cookie: 'session=FORGED11' });
    expect(r.status).toBe(200);
    expect(cookieOf(hits)).not.toMatch(/FORGED/);
    expect(hits[0]!.headers['x-session']).toBe('sess-x');
  });

  it('/a4: two forward schemes: the cookie service passes, a forged X-Session (any case) never reaches the backend', async () => {
    for (const name of ['x-session', 'X-SESSION', 'X-Session']) {
      const { r, hits } = await lab.call('GET', '/v1/a4', { cookie: SESS, [name]: 'FORGED12' });
      expect(r.status, name).toBe(200);
      expect(JSON.stringify(hits[0]!.headers), name).not.toMatch(/FORGED/);
      expect(cookieOf(hits)).toBe(SESS);
    }
  });

  it('/a5: AND inside OR: basic + key pass, a forged session cookie never reaches the backend, the key does', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a5', { ...BAS, 'x-api-key': H_KEY, cookie: 'a=1; session=FORGED13' });
    expect(r.status).toBe(200);
    expect(cookieOf(hits)).not.toMatch(/FORGED/);
    expect(hits[0]!.headers['x-api-key']).toBe(H_KEY);
  });

  it('/a5: AND inside OR: the service passes, a forged key never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a5', { cookie: SESS, 'x-api-key': 'FORGED14' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(hits[0]!.headers)).not.toMatch(/FORGED/);
  });

  it('/a6: basic passes: neither a forged session cookie nor a forged key of the other alternative reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a6', { ...BASH, 'x-api-key': 'FORGED15', cookie: 'session=FORGED16' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(hits[0]!.headers)).not.toMatch(/FORGED/);
  });

  it('/a6: control: session + key pass together, both reach the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a6', { 'x-api-key': H_KEY, cookie: SESS });
    expect(r.status).toBe(200);
    expect(cookieOf(hits)).toBe(SESS);
    expect(hits[0]!.headers['x-api-key']).toBe(H_KEY);
  });

  it('/a7: Authorization is the service\'s header (kept): the key passes, a forged bearer never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a7', { 'x-api-key': H_KEY, authorization: 'Bearer FORGED17' });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers.authorization).toBeUndefined();
    const fw = await lab.call('GET', '/v1/a7', { authorization: FW_GOOD, 'x-api-key': 'FORGED18' });
    expect(fw.r.status).toBe(200);
    expect(fw.hits[0]!.headers.authorization).toBe(FW_GOOD);
    expect(fw.hits[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('/a8: basic and a bearer service both keep Authorization: each reaches the backend only as verified', async () => {
    const a = await lab.call('GET', '/v1/a8', BAS);
    expect(a.r.status).toBe(200);
    expect(a.hits[0]!.headers.authorization).toBe(BAS.authorization);
    const b = await lab.call('GET', '/v1/a8', { authorization: FW_GOOD });
    expect(b.r.status).toBe(200);
    expect(b.hits[0]!.headers.authorization).toBe(FW_GOOD);
    const c = await lab.call('GET', '/v1/a8', { authorization: 'Bearer FORGED19' });
    expect(c.r.status).toBe(401);
    expect(c.hits).toHaveLength(0);
  });

  it('/a9: optional: a forged session cookie is verified, never passed on anonymous', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a9', { cookie: 'session=FORGED20' });
    expect(r.status).toBe(401);
    expect(hits).toHaveLength(0);
    const anon = await lab.call('GET', '/v1/a9', {});
    expect(anon.r.status).toBe(200);
    expect(anon.hits[0]!.headers.cookie).toBeUndefined();
  });

  it('/a10: AND (key + service) OR basic: basic passes, neither the key cookie nor a forged session reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/a10', { ...BAS, cookie: `sid_key=FORGED21; session=FORGED22` });
    expect(r.status).toBe(200);
    expect(cookieOf(hits)).not.toMatch(/FORGED/);
    const both = await lab.call('GET', '/v1/a10', { cookie: `sid_key=${C_KEY}; ${SESS}` });
    expect(both.r.status).toBe(200);
    expect(cookieOf(both.hits)).toBe(`sid_key=${C_KEY}; ${SESS}`);
  });

  // ---- the cache's own-cookie check ----------------------------------------------------------
  // k1 caches per verified caller; a cookie other than the route's own keys is a session beside the
  // key, never stored for, nor answered from, the consumer's entry. Python's SimpleCookie reads a
  // name after a space or tab inside a pair as a cookie of its own (`sid2=x session=y`).
  for (const [label, sep] of [['space', ' '], ['tab', '\t']] as const) {
    it(`/k1: a session cookie after a ${label} inside another key's pair is never answered from the consumer's entry`, async () => {
      const n = `k1-${label}`;
      const warm = await lab.call('GET', `/v1/k1?${n}`, { cookie: `sid_key=${CH_KEY}` });
      expect(warm.r.status).toBe(200);
      expect(warm.hits).toHaveLength(1);
      expect((await lab.call('GET', `/v1/k1?${n}`, { cookie: `sid_key=${CH_KEY}` })).hits, 'control: the entry is used').toHaveLength(0);
      const second = await lab.call('GET', `/v1/k1?${n}`, { cookie: `sid_key=${CH_KEY}; sid2=x${sep}session=user2` });
      expect(second.r.status).toBe(200);
      expect(second.hits, "answered from the consumer's entry").toHaveLength(1);
    });
  }

  // ---- gwc's own header names from the client ------------------------------------------------
  it('a client\'s X-Gwc-* answer names never steer what the backend is sent', async () => {
    const gwc = { 'x-gwc-cookies': 'session=FORGED23', 'x-gwc-kept-0': 'FORGED24', 'x-gwc-kept-1': 'FORGED25', 'x-gwc-args': 'x=FORGED26', 'x-gwc-identity': 'FORGED27', 'x-gwc-consumer': 'FORGED28', 'x-gwc-scheme': 'FORGED29' };
    for (const [path, creds] of [['/v1/a1', BAS], ['/v1/a3', { cookie: `sid_key=${C_KEY}` }], ['/v1/a5', { ...BAS, 'x-api-key': H_KEY }], ['/v1/a6', BASH]] as const) {
      const { r, hits } = await lab.call('GET', path, { ...creds, ...gwc });
      expect(r.status, path).toBe(200);
      const h = hits[0]!.headers;
      expect(h.cookie ?? '', path).not.toMatch(/FORGED/);
      expect(h['x-api-key'] ?? '', path).not.toMatch(/FORGED/);
      expect(hits[0]!.path, path).not.toMatch(/FORGED/);
      for (const n of ['x-gwc-identity', 'x-gwc-consumer', 'x-gwc-scheme', 'x-consumer', 'x-authenticated-scheme']) expect(h[n] ?? '', `${path} ${n}`).not.toMatch(/FORGED/);
    }
  });

  // ---- Proxy-Authorization ---------------------------------------------------------------------
  it('Proxy-Authorization is stripped where basic hides its credential (Kong\'s basic-auth reads it first)', async () => {
    const { r, hits } = await lab.call('GET', '/v1/p1', { ...BASH, 'proxy-authorization': b64('mallory', 'FORGED30') });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers.authorization).toBeUndefined();
    expect(hits[0]!.headers['proxy-authorization']).toBeUndefined();
  });
});
