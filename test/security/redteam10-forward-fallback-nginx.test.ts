/**
 * Red team 10, nginx (DESIGN.md 7.1, 7.3): `x-gateway.forwardAuth` on a scheme nginx verifies
 * itself (an API key in a header, the query or a cookie, basic, a JWT with keys). The schema calls
 * the service "the scheme itself, or the fallback for targets that cannot verify it"; nginx checked
 * the credential in njs and never asked the service (security.ts schemeView built a forward view
 * for kind forward and keyless jwt only), so:
 * - the service's refusal was never asked for: a key the service has revoked still passed;
 * - its responseHeaders (X-User-Id: who the service says the caller is) were never set NOR cleared
 *   (forwardHeaders held only forward views' headers): a client's `X-User-Id: admin` reached the
 *   backend as if the service had said it, on the scheme's routes, on OR routes where another
 *   alternative passed, and on public routes;
 * - on an optional route the service's requestHeaders (X-Session) of a caller with no key reached
 *   the backend as sent.
 * nginx can call the service, so it does, after its own check (both must pass): stricter, never
 * more open, and the backend gets what the service answers on every target that can ask it.
 * Real nginx, stub backend and services on loopback recording what arrives.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosticsOf, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import { now, token } from '../targets/nginx/jwt.js';

const PASS = 'alice-password-10001';
const KEY = 'key-alice-10002';
const HMAC = 'hmac-secret-10003-long-enough-for-hs256';
const b64 = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const jwt = () => `Bearer ${token('HS256', { iss: 'https://id.test/', aud: 'r10', sub: 'alice', exp: now() + 300 }, HMAC)}`;

const fa = (name: string, extra = '') => `forwardAuth: { url: "http://${name}.internal:9000/verify", responseHeaders: [X-User-Id]${extra} }`;
const ok = '{ "200": { description: ok } }';
const get = (id: string, security: string) => `{ get: { operationId: ${id}, security: ${security}, responses: ${ok} } }`;
const SPEC = `openapi: 3.1.0
info: { title: red team 10 nginx forward fallback, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r10f
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { pf: "\${env:KEY}", hk: "\${env:KEY}", qk: "\${env:KEY}", ck: "\${env:KEY}", bas: { username: alice, password: "\${env:PASS}" }, pb: { username: alice, password: "\${env:PASS}" } } }
paths:
  /pf: ${get('pf', '[{ pf: [] }]')}
  /hk: ${get('hk', '[{ hk: [] }]')}
  /qk: ${get('qk', '[{ qk: [] }]')}
  /ck: ${get('ck', '[{ ck: [] }]')}
  /bas: ${get('bas', '[{ bas: [] }]')}
  /jk: ${get('jk', '[{ jk: [] }]')}
  /or: ${get('orr', '[{ pb: [] }, { hk: [] }]')}
  /opt: ${get('opt', '[{}, { hk: [] }]')}
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    pf: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: "http://pf.internal:9000/verify" } } }
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { ${fa('hk', ', requestHeaders: [X-Session]')} } }
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { ${fa('qk')} } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { ${fa('ck')} } }
    bas: { type: http, scheme: basic, x-gateway: { ${fa('bas')} } }
    jk: { type: http, scheme: bearer, x-gateway: { issuer: "https://id.test/", audiences: [r10], algorithms: [HS256], publicKeys: ["\${env:HMAC}"], ${fa('jk')} } }
    pb: { type: http, scheme: basic }
`;

/** Each scheme's credential, valid for alice. */
const CRED: Record<string, { path: string; headers: Record<string, string> }> = {
  hk: { path: '/v1/hk', headers: { 'x-api-key': KEY } },
  qk: { path: `/v1/qk?api_key=${KEY}`, headers: {} },
  ck: { path: '/v1/ck', headers: { cookie: `sid_key=${KEY}` } },
  bas: { path: '/v1/bas', headers: { authorization: b64('alice', PASS) } },
  jk: { path: '/v1/jk', headers: {} },
};
const credOf = (s: string) => (s === 'jk' ? { ...CRED.jk!, headers: { authorization: jwt() } } : CRED[s]!);

/** A request with repeated header lines (Node sends an array value as one line each). */
function raw(port: number, path: string, headers: Record<string, string | string[]>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path, headers: { host: HOST, ...headers }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!NGINX)('red team 10, nginx: forwardAuth on a scheme nginx verifies itself', () => {
  let lab: PolicyLab;
  /** What every service answers: 200 with its X-User-Id, or `verdict` when set. */
  let verdict = 200;
  const service = (name: string) => () => (verdict === 200 ? { status: 200, headers: { 'x-user-id': `svc-${name}` } } : { status: verdict });
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      env: { PASS, KEY, HMAC },
      forward: { pf: () => ({ status: 401 }), hk: service('hk'), qk: service('qk'), ck: service('ck'), bas: service('bas'), jk: service('jk') },
    });
  });
  afterAll(async () => lab?.stop());

  const schemes = ['hk', 'qk', 'ck', 'bas', 'jk'];

  // Mechanism: schemeView returned the native view alone; the njs check never asked the service.
  it.each(schemes)('%s: alice\'s credential verifies, the service refuses: 401 (the service is asked)', async (s) => {
    verdict = 401;
    try {
      const c = credOf(s);
      const { r, hits } = await lab.call('GET', c.path, c.headers);
      expect(r.status).toBe(401);
      expect(hits.length).toBe(0);
    } finally {
      verdict = 200;
    }
  });

  // Mechanism: the scheme's responseHeaders were in no forward view, so never cleared nor set.
  it.each(schemes)('%s: a forged X-User-Id never reaches the backend; the service\'s answer does', async (s) => {
    const c = credOf(s);
    const { r, hits } = await lab.call('GET', c.path, { ...c.headers, 'x-user-id': 'FORGED-admin' });
    expect(r.status).toBe(200);
    expect(hits[0]!.headers['x-user-id']).toBe(`svc-${s}`);
  });

  it('hk: X-USER-ID (case) and two X-User-Id lines: only the service\'s answer reaches the backend', async () => {
    const before = lab.backend.hits.length;
    expect(await raw(lab.ng.port, '/v1/hk', { 'x-api-key': KEY, 'X-USER-ID': 'FORGED-1' })).toBe(200);
    expect(await raw(lab.ng.port, '/v1/hk', { 'x-api-key': KEY, 'x-user-id': ['FORGED-2', 'FORGED-3'] })).toBe(200);
    expect(await raw(lab.ng.port, '/v1/hk', { 'x-api-key': KEY, 'X-User_Id': 'FORGED-4' })).toBe(200);
    const hits = lab.backend.hits.slice(before);
    expect(hits.length).toBe(3);
    for (const h of hits) {
      expect(JSON.stringify(h.headers)).not.toMatch(/FORGED/);
      expect(h.headers['x-user-id']).toBe('svc-hk');
    }
  });

  // Mechanism: another alternative passing (pb, plain basic): X-User-Id was never cleared.
  it('OR [{pb}, {hk}]: pb passes; a forged X-User-Id and X-Session never reach the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/or', { authorization: b64('alice', PASS), 'x-user-id': 'FORGED-5', 'x-session': 'FORGED-6' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(hits[0]!.headers)).not.toMatch(/FORGED/);
  });

  it('a public route: a forged X-User-Id (any spelling) never reaches the backend', async () => {
    const before = lab.backend.hits.length;
    expect(await raw(lab.ng.port, '/v1/pub', { 'X-User-Id': 'FORGED-7' })).toBe(200);
    expect(await raw(lab.ng.port, '/v1/pub', { 'x-user-id': ['FORGED-8', 'FORGED-9'] })).toBe(200);
    for (const h of lab.backend.hits.slice(before)) expect(JSON.stringify(h.headers)).not.toMatch(/FORGED/);
  });

  // Mechanism: present() read an apiKey scheme's own key only; the service's X-Session alone was
  // an anonymous request, passed on as sent.
  it('optional [{}, {hk}]: X-Session without a key is verified (refused), never passed on as sent', async () => {
    const { r, hits } = await lab.call('GET', '/v1/opt', { 'x-session': 'FORGED-10' });
    expect(JSON.stringify(hits.map((h) => h.headers))).not.toMatch(/FORGED/);
    expect(r.status).toBe(401);
    const anon = await lab.call('GET', '/v1/opt', {});
    expect(anon.r.status).toBe(200);
  });

  // A service sent only the credential is the fallback for targets that cannot verify the key:
  // nginx does not call it, and says so at the scheme's forwardAuth (never a silent drop).
  it('pf (forwardAuth sent only the key, no headers): not called, and the build says so', async () => {
    const d = (await diagnosticsOf(SPEC)).filter((x) => x.code.startsWith('forward-auth'));
    expect(d.map((x) => [x.code, x.severity, x.params.scheme, x.loc?.pointer])).toEqual([['forward-auth-not-called', 'warn', 'pf', '/components/securitySchemes/pf/x-gateway/forwardAuth']]);
    const { r } = await lab.call('GET', '/v1/pf', { 'x-api-key': KEY });
    expect(r.status).toBe(200);
    expect(lab.auth['auth:pf']!.hits.length).toBe(0);
  });

  it('control: the service is sent the credential it verifies (the key header, the cookie, the query in its URI, Authorization)', async () => {
    for (const s of schemes) {
      const stub = lab.auth[`auth:${s}`]!;
      const before = stub.hits.length;
      const c = credOf(s);
      const { r } = await lab.call('GET', c.path, { ...c.headers, 'x-session': 'S-1' });
      expect(r.status, s).toBe(200);
      const got = stub.hits.slice(before);
      expect(got.length, s).toBe(1);
      const h = got[0]!.headers;
      if (s === 'hk') expect([h['x-api-key'], h['x-session']]).toEqual([KEY, 'S-1']);
      if (s === 'ck') expect(h.cookie).toBe(`sid_key=${KEY}`);
      if (s === 'qk') expect(h['x-forwarded-uri']).toContain(`api_key=${KEY}`);
      if (s === 'bas' || s === 'jk') expect(h.authorization).toBe(c.headers.authorization);
    }
  });
});
