/**
 * Red team 3, nginx identity-bound policies (DESIGN.md 7.4: anything kept per caller is keyed on a
 * verified identity, never on what the client may vary or send unverified). Real nginx, stub
 * backend and forward-auth service on loopback.
 * - cache: credentials nginx did not verify beside Authorization (a session Cookie, another
 *   scheme's key header) on a public cached route;
 * - per-consumer limits: one consumer holding credentials of two schemes of an OR, a forward-auth
 *   caller varying what the service ignores, spellings of one basic credential, two tokens of one
 *   JWT subject.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { basic, bearer, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import type { Echo } from '../targets/nginx/harness.js';

const ok = '{ "200": { description: ok } }';
const HS = 'rt3-hmac-secret-0123456789abcdef';
const KEYS = { A_H: 'alice-h-rt3-001', A_C: 'alice-c-rt3-001', A_PW: 'alice-pw-rt3', B_H: 'bob-h-rt3-002' };

const SPEC = `openapi: 3.1.0
info: { title: red team 3 policies, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt3p
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: "\${env:A_H}", ckey: "\${env:A_C}", basic: { username: alice, password: "\${env:A_PW}" } } }
    bob: { credentials: { hkey: "\${env:B_H}" } }
paths:
  /pub-cached: { get: { operationId: pubCached, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /pub-cached-2: { get: { operationId: pubCached2, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /lim-or: { get: { operationId: limOr, security: [{ hkey: [] }, { ckey: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
  /lim-fwd: { get: { operationId: limFwd, security: [{ fwd: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
  /lim-fwd-auth: { get: { operationId: limFwdAuth, security: [{ fwdb: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
  /lim-basic: { get: { operationId: limBasic, security: [{ basic: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
  /lim-jwt: { get: { operationId: limJwt, security: [{ jwt: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: consumer } }, responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    ckey: { type: apiKey, in: cookie, name: sid }
    basic: { type: http, scheme: basic }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
    fwd:
      type: http
      scheme: bearer
      x-gateway:
        forwardAuth: { url: "http://auth.internal:9000/verify", requestHeaders: [Cookie], responseHeaders: [X-User-Id] }
    fwdb:
      type: http
      scheme: bearer
      x-gateway:
        forwardAuth: { url: "http://auth.internal:9000/verify", responseHeaders: [X-User-Id] }
`;

/** The session service: the cookie session=s-alice (among any others) or the bearer token t-alice (any case of "bearer", any spaces) is alice. */
function session(echo: Echo): { status: number; headers?: Record<string, string> } {
  const cookie = echo.headers.cookie ?? '';
  if (cookie.split(';').some((kv) => kv.trim() === 'session=s-alice')) return { status: 200, headers: { 'X-User-Id': 'alice' } };
  if (/^bearer +t-alice$/i.test(echo.headers.authorization ?? '')) return { status: 200, headers: { 'X-User-Id': 'alice' } };
  return { status: 401 };
}

describe.skipIf(!NGINX)('red team 3: nginx per-caller policies', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: KEYS, files: { 'keys/hs.key': HS }, forward: { fwd: session, fwdb: session } });
  });
  afterAll(async () => lab?.stop());

  /** Statuses of `n` calls, each with the headers `h(i)`, from one address. */
  const burst = async (path: string, n: number, h: (i: number) => Record<string, string>, from = '127.0.0.1') => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await lab.call('GET', path, h(i), from)).r.status);
    return out;
  };

  describe('cache: a credential nginx did not verify', () => {
    // Mechanism: cacheView bypasses the cache for an unverified Authorization only; a session
    // Cookie reaches the backend as sent, the backend answers that user's data (no Cache-Control),
    // and nginx stores it under a key without the Cookie for the next, anonymous, caller.
    it('FIXED: a public cached route: the answer to a request carrying a session Cookie is never served to the next caller', async () => {
      const first = await lab.call('GET', '/v1/pub-cached', { cookie: 'session=alice-private-session' });
      expect(first.r.status).toBe(200);
      const next = await lab.call('GET', '/v1/pub-cached');
      expect(next.r.body, "the next anonymous caller was served alice's answer").not.toContain('alice-private-session');
    });

    // Same mechanism with another scheme's key header (X-Key is a credential of this gateway; the
    // public route passes it on, a backend checking it answers per key).
    it("FIXED: a public cached route: the answer to a request carrying this gateway's API-key header is never served to the next caller", async () => {
      const first = await lab.call('GET', '/v1/pub-cached-2', { 'x-key': KEYS.A_H });
      expect(first.r.status).toBe(200);
      const next = await lab.call('GET', '/v1/pub-cached-2');
      expect(next.r.body, "the next anonymous caller was served the keyed answer").not.toContain(KEYS.A_H);
    });
  });

  describe('per-consumer limits', () => {
    // Mechanism: the identity digest is [scheme, consumer] per alternative (runtime.js decide()), so
    // one consumer is a different bucket through each scheme of an OR: alice gets 2x her limit.
    it('FIXED: one consumer through the two schemes of an OR shares one bucket (3/minute is 3, not 6)', async () => {
      const viaHeader = await burst('/v1/lim-or', 3, () => ({ 'x-key': KEYS.A_H }), '127.0.0.21');
      expect(viaHeader).toEqual([200, 200, 200]);
      const viaCookie = await burst('/v1/lim-or', 3, () => ({ cookie: `sid=${KEYS.A_C}` }), '127.0.0.22');
      expect(viaCookie, 'alice got a fresh bucket by sending her cookie key instead of her header key').toEqual([429, 429, 429]);
    });

    it('held: another consumer keeps her own bucket on the OR route', async () => {
      const bob = await burst('/v1/lim-or', 3, () => ({ 'x-key': KEYS.B_H }), '127.0.0.23');
      expect(bob).toEqual([200, 200, 200]);
    });

    it('control: forward auth, one unchanged session cookie is counted (3 of 6 pass)', async () => {
      const got = await burst('/v1/lim-fwd', 6, () => ({ cookie: 'session=s-alice; theme=dark' }), '127.0.0.28');
      expect(got.filter((s) => s === 200), `statuses ${got.join(',')}`).toHaveLength(3);
    });

    // Mechanism: a forward-auth caller's identity is the digest of the raw request headers sent to
    // the service (runtime.js checkForward `sent`), not of what the service answered: a cookie the
    // service ignores, changed on every request, is a fresh per-consumer bucket.
    it('FIXED: forward auth (cookie session): a junk cookie changed per request never makes a fresh bucket', async () => {
      const got = await burst('/v1/lim-fwd', 6, (i) => ({ cookie: `session=s-alice; junk=${i}` }), '127.0.0.24');
      // The bucket is alice's (the service's answer), which the control above already used from
      // another address: at most 3 pass, whatever the junk.
      expect(got.filter((s) => s === 200).length, `statuses ${got.join(',')}`).toBeLessThanOrEqual(3);
      expect(got.slice(3), `statuses ${got.join(',')}`).toEqual([429, 429, 429]);
    });

    // Same mechanism on the Authorization header: spellings the service accepts alike ("Bearer",
    // "bearer", two spaces) are told apart by nginx.
    it('FIXED: forward auth (bearer): spellings of one token the service accepts alike share one bucket', async () => {
      const spellings = ['Bearer t-alice', 'bearer t-alice', 'BEARER t-alice', 'Bearer  t-alice', 'bEaReR t-alice', 'Bearer   t-alice'];
      const got = await burst('/v1/lim-fwd-auth', 6, (i) => ({ authorization: spellings[i]! }), '127.0.0.25');
      expect(got.filter((s) => s === 200), `statuses ${got.join(',')}`).toHaveLength(3);
    });

    it('held: spellings of one basic credential (base64 padding, "basic" case) share one bucket', async () => {
      const pair = Buffer.from(`alice:${KEYS.A_PW}`).toString('base64');
      const spellings = [basic('alice', KEYS.A_PW).authorization, `basic ${pair}`, `BASIC ${pair}`, `Basic  ${pair}`, `Basic ${pair.replace(/=+$/, '')}`, `Basic ${pair}`];
      const got = await burst('/v1/lim-basic', 6, (i) => ({ authorization: spellings[i]! }), '127.0.0.26');
      expect(got.filter((s) => s === 200), `statuses ${got.join(',')}`).toHaveLength(3);
    });

    it('held: two tokens of one JWT subject share one bucket', async () => {
      const tokens = Array.from({ length: 6 }, (_, i) => token('HS256', { iss: 'https://id.example/', sub: 'u-alice', exp: now() + 300, jti: `j${i}` }, HS));
      const got = await burst('/v1/lim-jwt', 6, (i) => bearer(tokens[i]!), '127.0.0.27');
      expect(got.filter((s) => s === 200), `statuses ${got.join(',')}`).toHaveLength(3);
    });
  });
});
