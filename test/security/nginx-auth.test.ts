/**
 * Attack catalogue, nginx, part 1: API keys (header, query, cookie), basic, roles, OR, AND, JWT
 * (RS, ES, HS: wrong key, alg confusion, alg none, wrong kid, claims). Real nginx, stub backend on
 * loopback; every case asserts the status and what the backend saw (DESIGN.md section 7.1 and 7.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecKeys, now, rsaKeys, token, b64u } from '../targets/nginx/jwt.js';
import { basic, bearer, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ADMIN_KEY = 'Admin-Key-0001';
const READER_KEY = 'Reader-Key-0002';
const ADMIN_Q = 'admin-q-0003';
const ADMIN_C = 'admin-c-0004';
const ROOT_PW = 'root-pw-0005';
const BOB_PW = 'bob-pw-0006';
const HS_SECRET = 'hs-secret-0123456789abcdef0123456789';
const rs = rsaKeys();
const es = ecKeys();
const attacker = rsaKeys();

export const SCHEMES_SPEC = `openapi: 3.1.0
info: { title: auth lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: lab
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    admin:
      groups: [admin, reader]
      credentials:
        hkey: \${env:ADMIN_KEY}
        qkey: \${env:ADMIN_Q}
        ckey: \${env:ADMIN_C}
        basic: { username: root, password: "\${env:ROOT_PW}" }
    reader:
      groups: [reader]
      credentials:
        hkey: \${env:READER_KEY}
        basic: { username: bob, password: "\${env:BOB_PW}" }
paths:
  /public: { get: { operationId: pub, responses: { "200": { description: ok } } } }
  /admin:
    get: { operationId: adminRead, security: [{ hkey: [reader] }], responses: { "200": { description: ok } } }
    delete: { operationId: adminDelete, security: [{ hkey: [admin] }], responses: { "200": { description: ok } } }
  /basic-admin: { get: { operationId: basicAdmin, security: [{ basic: [admin] }], responses: { "200": { description: ok } } } }
  /both-roles: { get: { operationId: bothRoles, security: [{ hkey: [admin, reader] }], responses: { "200": { description: ok } } } }
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: { "200": { description: ok } } } }
  /c: { get: { operationId: c, security: [{ ckey: [] }], responses: { "200": { description: ok } } } }
  /or: { get: { operationId: orRoute, security: [{ hkey: [] }, { basic: [] }], responses: { "200": { description: ok } } } }
  /and: { get: { operationId: andRoute, security: [{ hkey: [], basic: [] }], responses: { "200": { description: ok } } } }
  /rs: { get: { operationId: rsRoute, security: [{ rs: [] }], responses: { "200": { description: ok } } } }
  /es: { get: { operationId: esRoute, security: [{ es: [] }], responses: { "200": { description: ok } } } }
  /hs: { get: { operationId: hsRoute, security: [{ hs: [] }], responses: { "200": { description: ok } } } }
  /hspem: { get: { operationId: hsPem, security: [{ hspem: [] }], responses: { "200": { description: ok } } } }
  /opt-jwt: { get: { operationId: optJwt, security: [{}, { rs: [] }], responses: { "200": { description: ok } } } }
  /scoped: { get: { operationId: scoped, security: [{ rs: [orders:write] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
    qkey: { type: apiKey, in: query, name: api_key }
    ckey: { type: apiKey, in: cookie, name: session_key }
    basic: { type: http, scheme: basic }
    rs:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.test/", audiences: [lab], algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"] }
    es:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.test/", algorithms: [ES256], publicKeys: ["\${file:keys/es.pem}"] }
    hs:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.test/", algorithms: [HS256], publicKeys: ["\${env:HS_SECRET}"] }
    hspem:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.test/", algorithms: [HS256], publicKeys: ["\${file:keys/rs.pem}"] }
`;

const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://id.test/', aud: 'lab', sub: 'carol', exp: now() + 300, ...extra });
/** A token whose header the attacker chooses freely. */
const forged = (head: Record<string, unknown>, body: Record<string, unknown>, sig = '') => `${b64u(JSON.stringify(head))}.${b64u(JSON.stringify(body))}.${sig}`;

describe.skipIf(!NGINX)('nginx auth attacks: keys, basic, roles, OR/AND, JWT', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SCHEMES_SPEC, {
      files: { 'keys/rs.pem': rs.publicPem, 'keys/es.pem': es.publicPem },
      env: { ADMIN_KEY, READER_KEY, ADMIN_Q, ADMIN_C, ROOT_PW, BOB_PW, HS_SECRET },
    });
  });
  afterAll(async () => lab?.stop());

  const denied = async (method: string, path: string, headers: Record<string, string>, status = 401) => {
    const { r, hits } = await lab.call(method, path, headers);
    expect(r.status, `${method} ${path} ${JSON.stringify(headers)}: ${r.body}`).toBe(status);
    expect(hits, 'the backend was reached').toEqual([]);
  };
  const allowed = async (method: string, path: string, headers: Record<string, string>) => {
    const { r, hits } = await lab.call(method, path, headers);
    expect(r.status, `${method} ${path}: ${r.body}`).toBe(200);
    expect(hits).toHaveLength(1);
    return hits[0]!;
  };

  describe('roles (consumers.*.groups)', () => {
    it('a reader key on DELETE /admin (requires admin) is 403, the admin key passes', async () => {
      await denied('DELETE', '/v1/admin', { 'x-api-key': READER_KEY }, 403);
      const seen = await allowed('DELETE', '/v1/admin', { 'x-api-key': ADMIN_KEY });
      expect(seen.method).toBe('DELETE');
      expect(seen.headers['x-api-key']).toBeUndefined();
      expect(seen.headers['x-consumer']).toBe('admin');
    });
    it('GET /admin (requires reader) admits both consumers and tells the backend which', async () => {
      expect((await allowed('GET', '/v1/admin', { 'x-api-key': READER_KEY })).headers['x-consumer']).toBe('reader');
      expect((await allowed('GET', '/v1/admin', { 'x-api-key': ADMIN_KEY })).headers['x-consumer']).toBe('admin');
    });
    it('every listed role is required', async () => {
      await denied('GET', '/v1/both-roles', { 'x-api-key': READER_KEY }, 403);
      await allowed('GET', '/v1/both-roles', { 'x-api-key': ADMIN_KEY });
    });
    it('basic with a role: bob (reader) 403, root (admin) 200 and the password is stripped', async () => {
      await denied('GET', '/v1/basic-admin', basic('bob', BOB_PW), 403);
      await denied('GET', '/v1/basic-admin', basic('root', BOB_PW));
      await denied('GET', '/v1/basic-admin', basic('bob', ROOT_PW));
      const seen = await allowed('GET', '/v1/basic-admin', basic('root', ROOT_PW));
      expect(seen.headers.authorization).toBeUndefined();
    });
  });

  describe('API keys', () => {
    it('header: missing, wrong, differently cased, padded, or another scheme\'s key is 401', async () => {
      for (const h of [{}, { 'x-api-key': 'nope' }, { 'x-api-key': ADMIN_KEY.toLowerCase() }, { 'x-api-key': `${ADMIN_KEY}x` }, { 'x-api-key': ADMIN_Q }, { 'x-api-key': '' }] as Array<Record<string, string>>) {
        await denied('GET', '/v1/admin', h);
      }
    });
    it('query: only the query key, never the header key; the key is stripped from the query', async () => {
      await denied('GET', '/v1/q', { 'x-api-key': ADMIN_KEY });
      await denied('GET', `/v1/q?api_key=${ADMIN_KEY}`, {});
      await denied('GET', '/v1/q?api_key=', {});
      const seen = await allowed('GET', `/v1/q?a=1&api_key=${ADMIN_Q}&b=2`, {});
      expect(seen.path).toBe('/q?a=1&b=2');
    });
    it('cookie: only the cookie key; the cookie is stripped, others kept', async () => {
      await denied('GET', '/v1/c', { cookie: `session_key=${ADMIN_Q}` });
      await denied('GET', `/v1/c?session_key=${ADMIN_C}`, {});
      const seen = await allowed('GET', '/v1/c', { cookie: `theme=dark; session_key=${ADMIN_C}` });
      expect(seen.headers.cookie).toBe('theme=dark');
    });
  });

  describe('OR and AND', () => {
    it('OR: either alternative passes, a wrong credential of each does not', async () => {
      await allowed('GET', '/v1/or', { 'x-api-key': READER_KEY });
      await allowed('GET', '/v1/or', basic('bob', BOB_PW));
      await denied('GET', '/v1/or', { 'x-api-key': 'nope', ...basic('bob', 'nope') });
    });
    it('AND: one half alone is 401, both pass and both are stripped', async () => {
      await denied('GET', '/v1/and', { 'x-api-key': ADMIN_KEY });
      await denied('GET', '/v1/and', basic('root', ROOT_PW));
      await denied('GET', '/v1/and', { 'x-api-key': ADMIN_KEY, ...basic('root', 'wrong') });
      const seen = await allowed('GET', '/v1/and', { 'x-api-key': ADMIN_KEY, ...basic('root', ROOT_PW) });
      expect(seen.headers['x-api-key']).toBeUndefined();
      expect(seen.headers.authorization).toBeUndefined();
    });
  });

  describe('JWT', () => {
    it('RS256, ES256 and HS256 each pass with their own key; the token is stripped', async () => {
      for (const [path, t] of [
        ['/v1/rs', token('RS256', claims(), rs.privateKey)],
        ['/v1/es', token('ES256', claims(), es.privateKey)],
        ['/v1/hs', token('HS256', claims(), HS_SECRET)],
      ] as const) {
        const seen = await allowed('GET', path, bearer(t));
        expect(seen.headers.authorization).toBeUndefined();
        // A token's identity is `<scheme>:<sub>`, never a spec consumer's name (redteam2-nginx-jwt-namespace).
        expect(seen.headers['x-consumer']).toBe(`${path.slice(4)}:carol`);
      }
    });
    it('algorithm confusion: an HS256 token whose secret is the RSA public key is 401 on every route', async () => {
      const confused = token('HS256', claims(), rs.publicPem);
      const trimmed = token('HS256', claims(), rs.publicPem.trim());
      for (const path of ['/v1/rs', '/v1/hs', '/v1/hspem', '/v1/es']) {
        await denied('GET', path, bearer(confused));
        await denied('GET', path, bearer(trimmed));
      }
    });
    it('an HS scheme whose key is a PEM never verifies (the PEM alone is no HMAC secret)', async () => {
      await denied('GET', '/v1/hspem', bearer(token('HS256', claims(), rs.publicPem)));
      // The key file's text as nginx reads it (trailing newline dropped): the exact secret an attacker can compute.
      await denied('GET', '/v1/hspem', bearer(token('HS256', claims(), rs.publicPem.replace(/\r?\n$/, ''))));
      await denied('GET', '/v1/hspem', bearer(token('HS256', claims(), HS_SECRET)));
    });
    it('an HMAC secret never verifies RS/ES; each route refuses the other families', async () => {
      await denied('GET', '/v1/rs', bearer(token('HS256', claims(), HS_SECRET)));
      await denied('GET', '/v1/rs', bearer(token('ES256', claims(), es.privateKey)));
      await denied('GET', '/v1/es', bearer(token('RS256', claims(), rs.privateKey)));
      await denied('GET', '/v1/hs', bearer(token('RS256', claims(), rs.privateKey)));
    });
    it('alg none, a wrong kid, a foreign key, crit, and bad claims are 401', async () => {
      const good = token('RS256', claims(), rs.privateKey);
      const [, body, sig] = good.split('.');
      for (const t of [
        forged({ alg: 'none', typ: 'JWT' }, claims()),
        forged({ alg: 'none' }, claims(), sig),
        forged({ alg: 'NONE' }, claims()),
        `${b64u(JSON.stringify({ alg: 'RS256', kid: 'attacker' }))}.${body}.${sig}`,
        token('RS256', claims(), attacker.privateKey),
        `${b64u(JSON.stringify({ alg: 'RS256', crit: ['exp'] }))}.${body}.${sig}`,
        token('RS256', claims({ exp: now() - 3600 }), rs.privateKey),
        token('RS256', claims({ exp: undefined }), rs.privateKey),
        token('RS256', claims({ nbf: now() + 3600 }), rs.privateKey),
        token('RS256', claims({ iss: 'https://evil.test/' }), rs.privateKey),
        token('RS256', claims({ aud: 'other' }), rs.privateKey),
        `${good}x`,
        good.split('.').slice(0, 2).join('.'),
      ]) {
        await denied('GET', '/v1/rs', bearer(t));
      }
    });
    it('optional JWT: no token passes anonymous; a bad, expired or confused token is 401; a good one is stripped and named', async () => {
      const anon = await allowed('GET', '/v1/opt-jwt', { 'x-consumer': 'carol' });
      expect(anon.headers['x-consumer']).toBeUndefined();
      for (const t of [token('RS256', claims({ exp: now() - 3600 }), rs.privateKey), token('HS256', claims(), rs.publicPem), 'garbage']) {
        await denied('GET', '/v1/opt-jwt', bearer(t));
      }
      await denied('GET', '/v1/opt-jwt', { authorization: '' });
      const seen = await allowed('GET', '/v1/opt-jwt', bearer(token('RS256', claims(), rs.privateKey)));
      expect(seen.headers.authorization).toBeUndefined();
      expect(seen.headers['x-consumer']).toBe('rs:carol');
      expect(seen.headers['x-authenticated-scheme']).toBe('rs');
    });
    it('scopes: a valid token without the scope is 403, with it 200', async () => {
      await denied('GET', '/v1/scoped', bearer(token('RS256', claims({ scope: 'orders:read' }), rs.privateKey)), 403);
      await allowed('GET', '/v1/scoped', bearer(token('RS256', claims({ scope: 'orders:read orders:write' }), rs.privateKey)));
    });
  });

  describe('identity headers the gateway sets', () => {
    it('a client cannot set X-Consumer or X-Authenticated-Scheme, on public or protected routes', async () => {
      const forgedIds = { 'x-consumer': 'admin', 'x-authenticated-scheme': 'hkey', 'x-gwc-consumer': 'admin' };
      const pub = await allowed('GET', '/v1/public', forgedIds);
      expect(pub.headers['x-consumer']).toBeUndefined();
      expect(pub.headers['x-authenticated-scheme']).toBeUndefined();
      const prot = await allowed('GET', '/v1/admin', { ...forgedIds, 'x-api-key': READER_KEY });
      expect(prot.headers['x-consumer']).toBe('reader');
      expect(prot.headers['x-authenticated-scheme']).toBe('hkey');
      await denied('DELETE', '/v1/admin', { ...forgedIds, 'x-api-key': READER_KEY }, 403);
    });
  });
});
