/**
 * Attack catalogue, nginx policies, part 1: the response cache (DESIGN.md section 7.4). A cached
 * private answer is never served to another caller (API key, basic, JWT with hideCredentials off,
 * forward auth, anonymous callers of an optional route), `Cache-Control: private`/`no-store` and
 * `Set-Cookie` answers are never stored, and key parts cannot run into each other
 * (`/files/report%7Cfields=id?name` vs `/files/report?fields=id|name`). Real nginx, stub backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, rsaKeys, token, b64u } from '../targets/nginx/jwt.js';
import { basic, bearer, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const rs = rsaKeys();
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: cache lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: clab
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}", basic: { username: alice, password: "\${env:ALICE_PW}" } } }
    bob: { credentials: { key: "\${env:BOB_KEY}", basic: { username: bob, password: "\${env:BOB_PW}" } } }
paths:
  /me/key: { get: { operationId: meKey, security: [{ key: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /me/basic: { get: { operationId: meBasic, security: [{ basic: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /me/jwt: { get: { operationId: meJwt, security: [{ jwt: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /me/jwt2: { get: { operationId: meJwt2, security: [{ jwt: [] }, { jwt2: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /me/fwd: { get: { operationId: meFwd, security: [{ fwd: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /me/fwd-bare: { get: { operationId: meFwdBare, security: [{ bare: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /opt: { get: { operationId: opt, security: [{}, { key: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /cc/{kind}: { get: { operationId: cc, x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /files/{name}: { get: { operationId: file, x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /hdr: { get: { operationId: hdr, x-gateway: { cache: { ttl: 60s, keyHeaders: [x-a, x-b] } }, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    basic: { type: http, scheme: basic }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.test/", algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"], hideCredentials: false }
    jwt2:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://other.test/", algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"], hideCredentials: false }
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://auth.internal:9000/verify", responseHeaders: [X-User-Id] }, hideCredentials: false }
    bare:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://bare.internal:9000/verify" }, hideCredentials: false }
`;

const jwt = (sub: string, iss = 'https://id.test/') => token('RS256', { iss, sub, exp: now() + 300 }, rs.privateKey);
const USERS: Record<string, string> = { 'Bearer alice-token': 'alice', 'Bearer bob-token': 'bob' };

describe.skipIf(!NGINX)('nginx cache: per verified caller, never private answers, unambiguous keys', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      files: { 'keys/rs.pem': rs.publicPem },
      env: { ALICE_KEY: 'alice-key-1', BOB_KEY: 'bob-key-2', ALICE_PW: 'alice-pw', BOB_PW: 'bob-pw' },
      forward: {
        fwd: (e) => (USERS[e.headers.authorization ?? ''] ? { status: 200, headers: { 'X-User-Id': USERS[e.headers.authorization!]! } } : { status: 401 }),
        // A service that answers 2xx and names nobody: the credential it verified is the identity.
        bare: (e) => (USERS[e.headers.authorization ?? ''] ? { status: 204 } : { status: 401 }),
      },
      answer: (e): Record<string, string> | undefined => {
        const kind = e.path.match(/\/cc\/([a-z-]+)/)?.[1];
        if (kind === 'private') return { 'cache-control': 'private, max-age=60' };
        if (kind === 'no-store') return { 'cache-control': 'no-store' };
        if (kind === 'cookie') return { 'set-cookie': 'session=alice-session; HttpOnly' };
        return undefined;
      },
    });
  });
  afterAll(async () => lab?.stop());

  /** Alice fills the cache, then `other` must reach the backend itself and never see Alice's answer. */
  const isolated = async (path: string, alice: Record<string, string>, other: Record<string, string>, otherName: string) => {
    const a = await lab.call('GET', path, alice);
    expect(a.r.status, a.r.body).toBe(200);
    expect(a.hits).toHaveLength(1);
    const again = await lab.call('GET', path, alice);
    expect(again.r.headers['x-cache-status']).toBe('HIT');
    expect(again.hits).toHaveLength(0);
    const b = await lab.call('GET', path, other);
    expect(b.r.status, b.r.body).toBe(200);
    expect(b.hits, `${path}: ${otherName} was served from the cache`).toHaveLength(1);
    expect(b.r.body).not.toBe(a.r.body);
    return { a, b };
  };

  it('API key: Bob never gets the answer cached for Alice', async () => {
    const { b } = await isolated('/v1/me/key', { 'x-api-key': 'alice-key-1' }, { 'x-api-key': 'bob-key-2' }, 'bob');
    expect(b.hits[0]!.headers['x-consumer']).toBe('bob');
    const bad = await lab.call('GET', '/v1/me/key', { 'x-api-key': 'nope' });
    expect(bad.r.status).toBe(401);
    expect(bad.r.body).not.toContain('alice');
  });

  it('basic: Bob never gets the answer cached for Alice', async () => {
    const { b } = await isolated('/v1/me/basic', basic('alice', 'alice-pw'), basic('bob', 'bob-pw'), 'bob');
    expect(b.hits[0]!.headers['x-consumer']).toBe('bob');
    expect((await lab.call('GET', '/v1/me/basic', basic('alice', 'wrong'))).r.status).toBe(401);
  });

  it('JWT (hideCredentials off): Bob valid token gets his own answer; a forged alice token gets nothing', async () => {
    const { b } = await isolated('/v1/me/jwt', bearer(jwt('alice')), bearer(jwt('bob')), 'bob');
    expect(b.hits[0]!.headers['x-consumer']).toBe('jwt:bob');
    const forged = `${b64u(JSON.stringify({ alg: 'RS256' }))}.${b64u(JSON.stringify({ iss: 'https://id.test/', sub: 'alice', exp: now() + 300 }))}.AAAA`;
    const f = await lab.call('GET', '/v1/me/jwt', bearer(forged));
    expect(f.r.status).toBe(401);
    expect(f.r.body).not.toContain('alice');
  });

  it('JWT: the same sub from another issuer is another caller', async () => {
    await isolated('/v1/me/jwt2', bearer(jwt('alice')), bearer(jwt('alice', 'https://other.test/')), 'alice@other');
  });

  it('forward auth: Bob never gets the answer cached for Alice (X-User-Id from the service)', async () => {
    const { a, b } = await isolated('/v1/me/fwd', bearer('alice-token'), bearer('bob-token'), 'bob');
    expect(a.hits[0]!.headers['x-user-id']).toBe('alice');
    expect(b.hits[0]!.headers['x-user-id']).toBe('bob');
  });

  it('forward auth naming nobody: the verified credential keys the cache', async () => {
    await isolated('/v1/me/fwd-bare', bearer('alice-token'), bearer('bob-token'), 'bob');
    expect((await lab.call('GET', '/v1/me/fwd-bare', bearer('mallory'))).r.status).toBe(401);
  });

  it('optional auth: anonymous callers have their own key space, both ways', async () => {
    const { b } = await isolated('/v1/opt', { 'x-api-key': 'alice-key-1' }, {}, 'anonymous');
    expect(b.hits[0]!.headers['x-consumer']).toBeUndefined();
    const anon = await lab.call('GET', '/v1/opt');
    expect(anon.r.headers['x-cache-status']).toBe('HIT');
    expect(anon.r.body).toBe(b.r.body);
    const bob = await lab.call('GET', '/v1/opt', { 'x-api-key': 'bob-key-2' });
    expect(bob.hits).toHaveLength(1);
  });

  it.each(['private', 'no-store', 'cookie'])('a backend answer with %s is never stored nor served to the next caller', async (kind) => {
    const first = await lab.call('GET', `/v1/cc/${kind}`);
    expect(first.hits).toHaveLength(1);
    const second = await lab.call('GET', `/v1/cc/${kind}`);
    expect(second.hits, `${kind} answer was served from the cache`).toHaveLength(1);
    expect(second.r.headers['x-cache-status']).not.toBe('HIT');
  });

  it('a public answer is still cached (control)', async () => {
    expect((await lab.call('GET', '/v1/cc/public')).hits).toHaveLength(1);
    const again = await lab.call('GET', '/v1/cc/public');
    expect(again.hits).toHaveLength(0);
    expect(again.r.headers['x-cache-status']).toBe('HIT');
  });

  it('key parts cannot run into each other: a "|" in the path does not poison the query', async () => {
    const poison = await lab.call('GET', '/v1/files/report%7Cfields=id?name');
    expect(poison.hits).toHaveLength(1);
    const victim = await lab.call('GET', '/v1/files/report?fields=id|name');
    expect(victim.hits, 'served the poisoned entry').toHaveLength(1);
    expect(victim.hits[0]!.path).toBe('/files/report?fields=id|name');
    const other = await lab.call('GET', '/v1/files/report%7Cfields=id%7Cname');
    expect(other.hits).toHaveLength(1);
  });

  it('key parts cannot run into each other: header values', async () => {
    expect((await lab.call('GET', '/v1/hdr', { 'x-a': '1|2', 'x-b': '3' })).hits).toHaveLength(1);
    const other = await lab.call('GET', '/v1/hdr', { 'x-a': '1', 'x-b': '2|3' });
    expect(other.hits, 'served another header set').toHaveLength(1);
    expect((await lab.call('GET', '/v1/hdr', { 'x-a': '1|2', 'x-b': '3' })).hits).toHaveLength(0);
  });
});
