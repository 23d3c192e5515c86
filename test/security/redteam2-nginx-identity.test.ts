/**
 * Red team 2, nginx: identity-bound variants the earlier catalogues do not try, against a real
 * nginx with a stub backend on loopback (DESIGN.md 7.1-7.4): role names that only look alike, two
 * API-key schemes reading one name in different places, a bearer token sent where RFC 6750 also
 * lets a resource server read it (the `access_token` query parameter), and what X-Consumer tells
 * the backend when a JWT subject is spelt like a spec consumer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { send } from '../targets/nginx/harness.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const HS = 'rt2-hmac-secret-0123456789abcdef';
const KEYS = { ALICE_H: 'alice-h-001', ALICE_Q: 'alice-q-001', BOB_H: 'bob-h-002', CARL_H: 'carl-h-003', DANA_H: 'dana-h-004', ERIN_H: 'erin-h-005', ALICE_PW: 'alice-pw-1' };
const ok = '{ "200": { description: ok } }';

const SPEC = `openapi: 3.1.0
info: { title: red team 2 identity, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt2
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice:
      groups: [admin, ops]
      credentials: { hkey: "\${env:ALICE_H}", qkey: "\${env:ALICE_Q}", basic: { username: alice, password: "\${env:ALICE_PW}" } }
    bob: { groups: [Admin, "admin ", "ADMIN"], credentials: { hkey: "\${env:BOB_H}" } }
    carl: { groups: ["admin,ops", "*"], credentials: { hkey: "\${env:CARL_H}" } }
    dana: { groups: ["ａｄｍｉｎ", "admın"], credentials: { hkey: "\${env:DANA_H}" } }
    erin: { groups: [ops], credentials: { hkey: "\${env:ERIN_H}" } }
paths:
  /pub: { get: { operationId: pub, responses: ${ok} } }
  /admin: { get: { operationId: admin, security: [{ hkey: [admin] }], responses: ${ok} } }
  /admin-and-ops: { get: { operationId: adminAndOps, security: [{ hkey: [admin, ops] }], responses: ${ok} } }
  /admin-or-ops: { get: { operationId: adminOrOps, security: [{ hkey: [admin] }, { hkey: [ops] }], responses: ${ok} } }
  /comma: { get: { operationId: comma, security: [{ hkey: ["admin,ops"] }], responses: ${ok} } }
  /star: { get: { operationId: star, security: [{ hkey: ["*"] }], responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /h: { get: { operationId: h, security: [{ hkey: [] }], responses: ${ok} } }
  /both: { get: { operationId: both, security: [{ hkey: [], basic: [admin] }], responses: ${ok} } }
  /tok: { get: { operationId: tok, security: [{ jwt: [] }], responses: ${ok} }, post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /opt-tok: { get: { operationId: optTok, security: [{}, { jwt: [] }], responses: ${ok} } }
  /key-or-tok: { get: { operationId: keyOrTok, security: [{ hkey: [admin] }, { jwt: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    qkey: { type: apiKey, in: query, name: X-Key }
    basic: { type: http, scheme: basic }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;

describe.skipIf(!NGINX)('red team 2: nginx identity variants', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { files: { 'keys/hs.key': HS }, env: KEYS });
  });
  afterAll(async () => lab?.stop());

  const status = async (path: string, headers: Record<string, string> = {}) => {
    const { r, hits } = await lab.call('GET', path, headers);
    if (r.status !== 200) expect(hits, `${path}: the backend was reached on ${r.status}`).toEqual([]);
    return r.status;
  };
  const jwt = (claims: Record<string, unknown>) => token('HS256', { iss: 'https://id.example/', exp: now() + 300, ...claims }, HS);

  describe('roles that only look like the required one', () => {
    it('admin is held exactly: Admin, "admin ", ADMIN, fullwidth or dotless-i admin, "admin,ops" and "*" are not admin', async () => {
      expect(await status('/v1/admin', { 'x-key': KEYS.ALICE_H })).toBe(200);
      for (const k of [KEYS.BOB_H, KEYS.CARL_H, KEYS.DANA_H, KEYS.ERIN_H]) expect(await status('/v1/admin', { 'x-key': k }), k).toBe(403);
    });
    it('[admin, ops] needs both; the one group "admin,ops" is neither', async () => {
      expect(await status('/v1/admin-and-ops', { 'x-key': KEYS.ALICE_H })).toBe(200);
      expect(await status('/v1/admin-and-ops', { 'x-key': KEYS.CARL_H })).toBe(403);
      expect(await status('/v1/admin-and-ops', { 'x-key': KEYS.ERIN_H })).toBe(403);
    });
    it('[admin] OR [ops]: ops alone passes, a look-alike of either does not', async () => {
      expect(await status('/v1/admin-or-ops', { 'x-key': KEYS.ERIN_H })).toBe(200);
      expect(await status('/v1/admin-or-ops', { 'x-key': KEYS.BOB_H })).toBe(403);
      expect(await status('/v1/admin-or-ops', { 'x-key': KEYS.DANA_H })).toBe(403);
    });
    it('a role named "admin,ops" is one role, held only by the consumer in that one group; "*" is no wildcard', async () => {
      expect(await status('/v1/comma', { 'x-key': KEYS.CARL_H })).toBe(200);
      expect(await status('/v1/comma', { 'x-key': KEYS.ALICE_H })).toBe(403);
      expect(await status('/v1/star', { 'x-key': KEYS.CARL_H })).toBe(200);
      expect(await status('/v1/star', { 'x-key': KEYS.ALICE_H })).toBe(403);
    });
  });

  describe('two API-key schemes, one name (X-Key), header and query', () => {
    it('the header key never opens the query route, the query key never the header route, in either place', async () => {
      expect(await status('/v1/q?X-Key=' + KEYS.ALICE_Q)).toBe(200);
      expect(await status('/v1/h', { 'x-key': KEYS.ALICE_H })).toBe(200);
      expect(await status('/v1/q?X-Key=' + KEYS.ALICE_H)).toBe(401);
      expect(await status('/v1/q', { 'x-key': KEYS.ALICE_Q })).toBe(401);
      expect(await status('/v1/h?X-Key=' + KEYS.ALICE_H)).toBe(401);
      expect(await status('/v1/h', { 'x-key': KEYS.ALICE_Q })).toBe(401);
    });
    it('the query key of the query route is stripped; a header X-Key beside it reaches the backend untouched (not this route\'s credential)', async () => {
      const { r, hits } = await lab.call('GET', '/v1/q?X-Key=' + KEYS.ALICE_Q);
      expect(r.status).toBe(200);
      expect(hits[0]!.path).not.toContain(KEYS.ALICE_Q);
    });
  });

  describe('AND of a key and a basic role', () => {
    it('the key alone and the password alone are refused; both are stripped', async () => {
      const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
      expect(await status('/v1/both', { 'x-key': KEYS.ALICE_H })).toBe(401);
      expect(await status('/v1/both', { authorization: basic('alice', KEYS.ALICE_PW) })).toBe(401);
      const { r, hits } = await lab.call('GET', '/v1/both', { 'x-key': KEYS.ALICE_H, authorization: basic('alice', KEYS.ALICE_PW) });
      expect(r.status).toBe(200);
      expect(hits[0]!.headers['x-key']).toBeUndefined();
      expect(hits[0]!.headers.authorization).toBeUndefined();
    });
  });

  describe('a bearer token where RFC 6750 section 2.3 also puts it (?access_token=)', () => {
    it('control: the verified header token opens /tok and is stripped', async () => {
      const { r, hits } = await lab.call('GET', '/v1/tok', { authorization: `Bearer ${jwt({ sub: 'u1' })}` });
      expect(r.status).toBe(200);
      expect(hits[0]!.headers.authorization).toBeUndefined();
    });
    it('an unverified ?access_token= beside the verified header token never reaches the backend', async () => {
      const forged = token('HS256', { iss: 'https://id.example/', sub: 'root', exp: now() + 300 }, 'not-the-key');
      for (const name of ['access_token', 'ACCESS_TOKEN', 'access.token']) {
        const { r, hits } = await lab.call('GET', `/v1/tok?a=1&${name}=${forged}`, { authorization: `Bearer ${jwt({ sub: 'u1' })}` });
        expect(r.status).toBe(200);
        expect(hits[0]!.path, 'an unverified token reached the backend').toBe('/tok?a=1');
      }
    });
    // Was a gap: RFC 6750 section 2.2 also puts the token in a form body (access_token=, read by
    // passport-http-bearer and Spring's allowFormEncodedBodyParameter); nginx passed it as sent. The
    // body check now refuses it on bearer routes (400 invalid_request, RFC 6750 section 3.1; every
    // spelling, multipart, every method, optional routes: redteam2-nginx-body-token.test.ts).
    it('a form body access_token= beside the verified header token never reaches the backend', async () => {
      const forged = token('HS256', { iss: 'https://id.example/', sub: 'root', exp: now() + 300 }, 'not-the-key');
      const before = lab.backend.hits.length;
      const r = await send(lab.ng.port, 'POST', '/v1/tok', { host: HOST, authorization: `Bearer ${jwt({ sub: 'u1' })}`, 'content-type': 'application/x-www-form-urlencoded' }, `a=1&access_token=${forged}`);
      const hits = lab.backend.hits.slice(before);
      expect(r.status).toBe(400);
      expect(hits).toEqual([]);
    });
    it('optional auth: ?access_token= alone is a present credential, verified (401), never passed on as anonymous', async () => {
      const forged = token('HS256', { iss: 'https://id.example/', sub: 'root', exp: now() + 300 }, 'not-the-key');
      for (const q of [`access_token=${forged}`, `Access_Token=${forged}`, 'access_token=']) {
        const { r, hits } = await lab.call('GET', `/v1/opt-tok?${q}`);
        expect(r.status, q).toBe(401);
        expect(hits).toEqual([]);
      }
      const anon = await lab.call('GET', '/v1/opt-tok?a=1');
      expect(anon.r.status).toBe(200);
    });
  });

  describe('what X-Consumer tells the backend', () => {
    it('control: the API-key consumer alice and a token for subject u1 are told apart', async () => {
      const a = await lab.call('GET', '/v1/key-or-tok', { 'x-key': KEYS.ALICE_H });
      const t = await lab.call('GET', '/v1/key-or-tok', { authorization: `Bearer ${jwt({ sub: 'u1' })}` });
      expect([a.r.status, t.r.status]).toEqual([200, 200]);
      expect(a.hits[0]!.headers['x-consumer']).toBe('alice');
      expect(t.hits[0]!.headers['x-consumer']).toBe('jwt:u1');
    });
    // Was a gap (design): X-Consumer carried a JWT's `sub` as it is, in the namespace of the spec's
    // consumer names, so a token whose subject is "alice" reached the backend as X-Consumer: alice,
    // exactly as the API-key consumer alice (groups admin). A token's X-Consumer is now
    // `<scheme>:<sub>`; consumer and scheme names hold no ':' (variants: redteam2-nginx-jwt-namespace).
    it('a token whose subject is spelt like the spec consumer alice never reaches the backend as alice', async () => {
      const t = await lab.call('GET', '/v1/key-or-tok', { authorization: `Bearer ${jwt({ sub: 'alice' })}` });
      expect(t.r.status).toBe(200);
      expect(t.hits[0]!.headers['x-authenticated-scheme']).toBe('jwt');
      expect(t.hits[0]!.headers['x-consumer'], 'a JWT subject reached the backend as the consumer alice (admin)').not.toBe('alice');
      expect(t.hits[0]!.headers['x-consumer']).toBe('jwt:alice');
    });
  });

  describe('X-Forwarded-* headers a client writes', () => {
    // The X-Forwarded-* names gwc clears (Forwarded, X-Real-IP, -Prefix, -Port, -Server) or sets
    // (-For appended, -Proto, -Host) hold. Every other name of the family passed as the client
    // wrote it until model/overrides.ts grew CLIENT_SCHEME_HEADERS (Rack reads -Scheme/-Ssl before
    // -Proto), PROXY_AUTH_IDENTITY_HEADERS (oauth2-proxy, Authelia, authentik), CLIENT_CERT_HEADERS,
    // ORIGINAL_REQUEST_HEADERS (7.5) and CLIENT_ADDRESS_HEADERS, all in CLIENT_FORWARDING_HEADERS.
    const FAMILY = ['X-Forwarded-Scheme', 'X-Forwarded-Ssl', 'X-Forwarded-Protocol', 'X-Forwarded-User', 'X-Forwarded-Email', 'X-Forwarded-Groups', 'X-Forwarded-Preferred-Username', 'X-Forwarded-Access-Token', 'X-Forwarded-Client-Cert', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Path',
      // The rest of the class (model/overrides.ts), beyond the X-Forwarded-* names.
      'Front-End-Https', 'X-Url-Scheme', 'X-Scheme', 'X-Auth-Request-User', 'X-Auth-Request-Groups', 'X-Auth-Request-Access-Token', 'Remote-User', 'Remote-Groups', 'Remote-Email', 'Remote-Name', 'X-Remote-User',
      'X-Tls-Client-Cert', 'X-Client-Cert', 'X-SSL-Client-Cert', 'Ssl-Client-Cert', 'X-Original-URI', 'X-Original-Method',
      'Client-IP', 'X-Client-IP', 'True-Client-IP', 'X-Cluster-Client-IP', 'CF-Connecting-IP', 'Fastly-Client-IP', 'X-Original-Forwarded-For'];
    it('held: the ones gwc clears or sets never carry the client value', async () => {
      const { r, hits } = await lab.call('GET', '/v1/pub', { forwarded: 'for=6.6.6.6', 'x-real-ip': '6.6.6.6', 'x-forwarded-prefix': '/admin', 'x-forwarded-port': '1', 'x-forwarded-server': 'evil', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
      expect(r.status).toBe(200);
      const h = hits[0]!.headers;
      expect([h.forwarded, h['x-real-ip'], h['x-forwarded-prefix'], h['x-forwarded-port'], h['x-forwarded-server']]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(h['x-forwarded-host']).not.toBe('evil.example');
    });
    it('no other name of the family reaches the backend as the client wrote it', async () => {
      const { r, hits } = await lab.call('GET', '/v1/pub', Object.fromEntries(FAMILY.map((h) => [h, 'forged'])));
      expect(r.status).toBe(200);
      expect(Object.entries(hits[0]!.headers).filter(([, v]) => v === 'forged').map(([k]) => k)).toEqual([]);
    });
  });
});
