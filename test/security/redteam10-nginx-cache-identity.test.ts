/**
 * Red team 10, nginx: a cached route keyed on a REDUCED identity while the backend reads the whole
 * credential (class: cache vary on less than what the backend's answer depends on; DESIGN.md 7.4).
 *
 * runtime.js checkForward: when the forward-auth service answers any of its `responseHeaders`, the
 * caller's identity is `digest(['answer', answered])`, the answer headers ONLY (c4a6090, so that a
 * junk cookie is no fresh LIMIT bucket). The cache key (policies.ts cacheKey) takes the same
 * `X-Gwc-Identity`. A service's answer headers need not name the caller (`X-User-Role: member`,
 * `X-Tenant: acme` are what they usually carry), while the backend reads the caller from the
 * credential it is still sent (`hideCredentials: false`, or the service's other `requestHeaders`,
 * e.g. a session header, which a single-alternative route passes on): alice's answer is stored under
 * "member" and served to bob (HIT, the backend never sees bob). README (Policies, cache) promises "a
 * digest of the verified credential and the service's answer headers".
 * Same for a JWT with `hideCredentials: false`: keyed `sub` only, while the backend reads the
 * token's scopes: a third-party app holding alice's token with scope `profile` gets the answer made
 * for alice's full-scope token (OAuth delegation: the backend filters by scope).
 *
 * FIXED (policies.ts keptIdentityHeaders): the cache key of a secured route also digests every
 * header the backend reads the caller from that the identity reduces: a kept JWT's or forward
 * scheme's credential header, and a forward-auth service's requestHeaders. The limit identity is
 * unchanged (a junk cookie is still no fresh bucket).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, rsaKeys, token } from '../targets/nginx/jwt.js';
import { bearer, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const rs = rsaKeys();
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt10 cache, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt10c
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /kept: { get: { operationId: kept, security: [{ role: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /session: { get: { operationId: session, security: [{ sess: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /named: { get: { operationId: named, security: [{ uid: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /jwt: { get: { operationId: jwtMe, security: [{ jwt: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
components:
  securitySchemes:
    role:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://role.internal:9000/verify", responseHeaders: [X-User-Role] }, hideCredentials: false }
    sess:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://sess.internal:9000/verify", requestHeaders: [X-Session], responseHeaders: [X-User-Role] } }
    uid:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://uid.internal:9000/verify", responseHeaders: [X-User-Id] } }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.test/", algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"], hideCredentials: false }
`;

const USERS: Record<string, string> = { 'Bearer alice-token': 'alice', 'Bearer bob-token': 'bob' };
const SESSIONS: Record<string, string> = { 's-alice': 'alice', 's-bob': 'bob' };
const jwt = (sub: string, scope: string) => token('RS256', { iss: 'https://id.test/', sub, scope, exp: now() + 300 }, rs.privateKey);

describe.skipIf(!NGINX)('red team 10, nginx: the cache key holds what the backend reads of the caller', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      files: { 'keys/rs.pem': rs.publicPem },
      forward: {
        // Both users are members: the service answers their role, not who they are.
        role: (e) => (USERS[e.headers.authorization ?? ''] ? { status: 200, headers: { 'X-User-Role': 'member' } } : { status: 401 }),
        sess: (e) => (USERS[e.headers.authorization ?? ''] && SESSIONS[e.headers['x-session'] ?? ''] ? { status: 200, headers: { 'X-User-Role': 'member' } } : { status: 401 }),
        uid: (e) => (USERS[e.headers.authorization ?? ''] ? { status: 200, headers: { 'X-User-Id': USERS[e.headers.authorization!]! } } : { status: 401 }),
      },
    });
  });
  afterAll(async () => lab?.stop());

  /** Alice fills the cache; bob's request must reach the backend and never get alice's answer. */
  const isolated = async (path: string, alice: Record<string, string>, bob: Record<string, string>) => {
    const a = await lab.call('GET', path, alice);
    expect(a.r.status, a.r.body).toBe(200);
    expect(a.hits).toHaveLength(1);
    const b = await lab.call('GET', path, bob);
    expect(b.r.status, b.r.body).toBe(200);
    expect(b.hits, `${path}: bob was served alice's cached answer (${b.r.headers['x-cache-status']})`).toHaveLength(1);
  };

  it('control: the same caller is still answered from the cache (kept token, session header)', async () => {
    for (const [path, h] of [['/v1/kept?same=1', bearer('alice-token')], ['/v1/session?same=1', { ...bearer('alice-token'), 'x-session': 's-alice' }]] as const) {
      await lab.call('GET', path, h);
      const again = await lab.call('GET', path, h);
      expect(again.r.headers['x-cache-status'], path).toBe('HIT');
    }
  });

  it('control: a service answering the user id keys the cache per user', async () => {
    await isolated('/v1/named', bearer('alice-token'), bearer('bob-token'));
  });

  // Was open: checkForward keyed on the answer headers only; the backend reads alice's kept Authorization.
  it('forward auth answering a role, credential kept: bob never gets the answer made for alice\'s token', async () => {
    await isolated('/v1/kept', bearer('alice-token'), bearer('bob-token'));
  });

  // Was open: same, the backend reads the session header the service verified (passed on, one alternative).
  it('forward auth answering a role, session header passed on: bob never gets alice\'s session answer', async () => {
    await isolated('/v1/session', { ...bearer('alice-token'), 'x-session': 's-alice' }, { ...bearer('bob-token'), 'x-session': 's-bob' });
  });

  // Was open: checkJwt's identity is `sub:<sub>`; the kept token's scope was not in the key.
  it('JWT kept for the backend: alice\'s profile-only token never gets the answer made for her full-scope token', async () => {
    await isolated('/v1/jwt', bearer(jwt('alice', 'profile email admin')), bearer(jwt('alice', 'profile')));
  });
});
