/**
 * Attack catalogue, nginx, part 2: forward auth (the service decides on the path nginx routes on,
 * never the raw request URI; its credential and identity headers), optional auth, method
 * overrides, identity headers forged on public routes. Real nginx, stubs on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';
import type { Echo } from '../targets/nginx/harness.js';

const KEY = 'Opt-Key-0001';
const PW = 'opt-pw-0002';

const SPEC = `openapi: 3.1.0
info: { title: auth lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: fwdlab
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice:
      groups: [staff]
      credentials:
        hkey: \${env:OPT_KEY}
        basic: { username: alice, password: "\${env:OPT_PW}" }
paths:
  /public: { get: { operationId: pub, responses: { "200": { description: ok } } } }
  /fwd/public/info: { get: { operationId: fwdPublic, security: [{ fwd: [] }], responses: { "200": { description: ok } } } }
  /fwd/admin: { get: { operationId: fwdAdmin, security: [{ fwd: [] }], responses: { "200": { description: ok } } } }
  /fwd/items/{id}: { get: { operationId: fwdItem, security: [{ fwd: [] }], responses: { "200": { description: ok } } } }
  /keyed: { get: { operationId: keyed, security: [{ hkey: [] }], responses: { "200": { description: ok } } } }
  /opt:
    get: { operationId: opt, security: [{}, { hkey: [] }], responses: { "200": { description: ok } } }
  /opt-basic:
    get: { operationId: optBasic, security: [{}, { basic: [] }], responses: { "200": { description: ok } } }
  /opt-fwd:
    get: { operationId: optFwd, security: [{}, { fwd: [] }], responses: { "200": { description: ok } } }
  /declared:
    parameters: [{ name: X-HTTP-Method-Override, in: header, schema: { type: string } }]
    post:
      operationId: declared
      security: [{ hkey: [] }]
      parameters: [{ name: _method, in: query, schema: { type: string } }]
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
    basic: { type: http, scheme: basic }
    fwd:
      type: http
      scheme: bearer
      x-gateway:
        forwardAuth: { url: "http://auth.internal:9000/verify", responseHeaders: [X-User-Id] }
`;

/** The auth service: allows "Bearer good" on /v1/fwd/public/*, /v1/fwd/items/* and /v1/opt-fwd only. */
function decide(echo: Echo): { status: number; headers?: Record<string, string> } {
  if (echo.headers.authorization !== 'Bearer good') return { status: 401 };
  const uri = echo.headers['x-forwarded-uri'] ?? '';
  const ok = /^\/v1\/fwd\/public\/[^/]*$/.test(uri.split('?')[0]!) || /^\/v1\/fwd\/items\//.test(uri) || uri.split('?')[0] === '/v1/opt-fwd';
  return ok ? { status: 200, headers: { 'x-user-id': 'u-1' } } : { status: 403 };
}

describe.skipIf(!NGINX)('nginx auth attacks: forward auth, optional auth, overrides', () => {
  let lab: AuthLab;
  let service: () => Echo[];
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { OPT_KEY: KEY, OPT_PW: PW }, forward: { fwd: decide } });
    service = () => lab.auth['auth:fwd']!.hits;
  });
  afterAll(async () => lab?.stop());

  describe('forward auth sees the path nginx routes on', () => {
    it('an allowed path passes; the Authorization it verified is stripped, its X-User-Id set', async () => {
      const { r, hits } = await lab.call('GET', '/v1/fwd/public/info?x=1', { authorization: 'Bearer good', 'x-user-id': 'forged' });
      expect(r.status, r.body).toBe(200);
      expect(hits[0]!.path).toBe('/fwd/public/info?x=1');
      expect(hits[0]!.headers.authorization).toBeUndefined();
      expect(hits[0]!.headers['x-user-id']).toBe('u-1');
      const seen = service().at(-1)!;
      expect(seen.headers['x-forwarded-uri']).toBe('/v1/fwd/public/info?x=1');
      expect(seen.headers['x-forwarded-method']).toBe('GET');
    });
    it.each([
      '/v1/fwd/public/../admin',
      '/v1/fwd/public/%2e%2e/admin',
      '/v1/fwd/public/%2E%2E/admin',
      '/v1/fwd/public/.%2e/admin',
      '/v1/fwd/public/..%2fadmin',
      '/v1/fwd//admin',
      '/v1//fwd/admin',
      '/v1/fwd/public/info/../../admin',
      '/v1/fwd/public/./../admin',
      '/v1/fwd/public;/../admin',
    ])('%s reaches /fwd/admin only if the service allowed /v1/fwd/admin (it does not)', async (path) => {
      const before = service().length;
      const { r, hits } = await lab.call('GET', path, { authorization: 'Bearer good' });
      const asked = service().slice(before).map((e) => e.headers['x-forwarded-uri']);
      expect(r.status, `${path}: ${r.body}; service saw ${JSON.stringify(asked)}`).toBe(403);
      expect(hits).toEqual([]);
      expect(asked).toEqual(['/v1/fwd/admin']);
    });
    it('the forwarded path is re-encoded: a decoded ?, # or space cannot change it', async () => {
      const before = service().length;
      const { r, hits } = await lab.call('GET', '/v1/fwd/items/a%3Fb%20c%23e?q=1', { authorization: 'Bearer good' });
      expect(r.status, r.body).toBe(200);
      expect(service().slice(before).map((e) => e.headers['x-forwarded-uri'])).toEqual(['/v1/fwd/items/a%3Fb%20c%23e?q=1']);
      expect(hits).toHaveLength(1);
    });
    // A parameter value holding a control byte or a literal `%` takes no route (src/targets/param-value.ts).
    it('a value holding %0a or %25 takes no route: neither the service nor the backend is asked', async () => {
      for (const p of ['/v1/fwd/items/a%0Ad', '/v1/fwd/items/e%25']) {
        const before = service().length;
        const { r, hits } = await lab.call('GET', p, { authorization: 'Bearer good' });
        expect(r.status, p).toBe(404);
        expect(service().length - before, p).toBe(0);
        expect(hits, p).toEqual([]);
      }
    });
    it('without the credential, or with a wrong one, the backend is never reached', async () => {
      for (const h of [{}, { authorization: 'Bearer bad' }] as Array<Record<string, string>>) {
        const { r, hits } = await lab.call('GET', '/v1/fwd/public/info', h);
        expect(r.status).toBe(401);
        expect(hits).toEqual([]);
      }
    });
  });

  describe('identity headers cannot be forged', () => {
    const forged = { 'x-user-id': 'admin', 'x-consumer': 'alice', 'x-authenticated-scheme': 'hkey' };
    /** The auth handler's own answer names (njs ID_CONSUMER, ID_SCHEME, ID_KEY): never the client's. */
    const internal = { 'x-gwc-consumer': 'alice', 'x-gwc-scheme': 'hkey', 'x-gwc-identity': 'consumer:alice' };
    it('on a public route every gateway-set identity header is cleared', async () => {
      const { r, hits } = await lab.call('GET', '/v1/public', { ...forged, ...internal });
      expect(r.status).toBe(200);
      for (const h of Object.keys({ ...forged, ...internal })) expect(hits[0]!.headers[h], h).toBeUndefined();
    });
    it("a client's X-Gwc-* headers never reach the backend of a secured route", async () => {
      const { r, hits } = await lab.call('GET', '/v1/keyed', { ...internal, 'x-api-key': KEY });
      expect(r.status).toBe(200);
      for (const h of Object.keys(internal)) expect(hits[0]!.headers[h], h).toBeUndefined();
    });
    it('on a route with another scheme the forward-auth header is cleared too', async () => {
      const { r, hits } = await lab.call('GET', '/v1/keyed', { ...forged, 'x-api-key': KEY });
      expect(r.status).toBe(200);
      expect(hits[0]!.headers['x-user-id']).toBeUndefined();
      expect(hits[0]!.headers['x-consumer']).toBe('alice');
      expect(hits[0]!.headers['x-authenticated-scheme']).toBe('hkey');
    });
  });

  describe('optional auth ({} beside a scheme)', () => {
    it('no credential: passes anonymous, forged identity cleared', async () => {
      for (const path of ['/v1/opt', '/v1/opt-basic', '/v1/opt-fwd']) {
        const { r, hits } = await lab.call('GET', path, { 'x-consumer': 'alice', 'x-user-id': 'admin', 'x-authenticated-scheme': 'hkey' });
        expect(r.status, path).toBe(200);
        expect(hits[0]!.headers['x-consumer']).toBeUndefined();
        expect(hits[0]!.headers['x-user-id']).toBeUndefined();
        expect(hits[0]!.headers['x-authenticated-scheme']).toBeUndefined();
      }
    });
    it('a present but wrong, empty or malformed credential is 401, never anonymous', async () => {
      for (const [path, h] of [
        ['/v1/opt', { 'x-api-key': 'nope' }],
        ['/v1/opt', { 'x-api-key': '' }],
        ['/v1/opt-basic', basic('alice', 'nope')],
        ['/v1/opt-basic', { authorization: 'Bearer whatever' }],
        ['/v1/opt-fwd', { authorization: 'Bearer bad' }],
      ] as const) {
        const { r, hits } = await lab.call('GET', path, h);
        expect(r.status, `${path} ${JSON.stringify(h)}`).toBe(401);
        expect(hits).toEqual([]);
      }
    });
    it('a valid credential passes, is stripped, and the backend is told who called', async () => {
      const k = await lab.call('GET', '/v1/opt', { 'x-api-key': KEY, 'x-consumer': 'mallory' });
      expect(k.r.status).toBe(200);
      expect(k.hits[0]!.headers['x-api-key']).toBeUndefined();
      expect(k.hits[0]!.headers['x-consumer']).toBe('alice');
      expect(k.hits[0]!.headers['x-authenticated-scheme']).toBe('hkey');
      const b = await lab.call('GET', '/v1/opt-basic', basic('alice', PW));
      expect(b.r.status).toBe(200);
      expect(b.hits[0]!.headers.authorization).toBeUndefined();
      expect(b.hits[0]!.headers['x-consumer']).toBe('alice');
      const f = await lab.call('GET', '/v1/opt-fwd', { authorization: 'Bearer good' });
      expect(f.r.status).toBe(200);
      expect(f.hits[0]!.headers.authorization).toBeUndefined();
      expect(f.hits[0]!.headers['x-user-id']).toBe('u-1');
    });
  });

  describe('method override', () => {
    it('override headers never reach the backend, on public and protected routes', async () => {
      const overrides = { 'x-http-method-override': 'DELETE', 'x-http-method': 'DELETE', 'x-method-override': 'DELETE' };
      for (const [path, h] of [['/v1/public', {}], ['/v1/keyed', { 'x-api-key': KEY }]] as const) {
        const { r, hits } = await lab.call('GET', path, { ...overrides, ...h });
        expect(r.status).toBe(200);
        for (const name of Object.keys(overrides)) expect(hits[0]!.headers[name], name).toBeUndefined();
      }
    });
    it.each(['_method=DELETE', 'a=1&_method=DELETE', '%5Fmethod=DELETE', '_%6Dethod=DELETE', '_METHOD=DELETE', '.method=DELETE', '+method=DELETE', '_method[]=DELETE', 'a=1;_method=DELETE'])(
      '?%s is refused with 400 before the backend',
      async (q) => {
        for (const path of ['/v1/public', '/v1/keyed']) {
          const { r, hits } = await lab.call('GET', `${path}?${q}`, { 'x-api-key': KEY });
          expect(r.status, `${path}?${q}`).toBe(400);
          expect(hits).toEqual([]);
        }
      },
    );
    it('an operation that declares _method and X-HTTP-Method-Override gets them; the undeclared ones are still stripped', async () => {
      const { r, hits } = await lab.call('POST', '/v1/declared?_method=PATCH', { 'x-api-key': KEY, 'x-http-method-override': 'PATCH', 'x-method-override': 'DELETE' });
      expect(r.status, r.body).toBe(200);
      expect(hits[0]!.path).toBe('/declared?_method=PATCH');
      expect(hits[0]!.headers['x-http-method-override']).toBe('PATCH');
      expect(hits[0]!.headers['x-method-override']).toBeUndefined();
      expect((await lab.call('POST', '/v1/declared?_method=PATCH', {})).r.status).toBe(401);
    });
    it('parameters that merely contain the word pass', async () => {
      for (const q of ['my_method=x', 'method=DELETE', 'x=_method']) {
        const { r, hits } = await lab.call('GET', `/v1/public?${q}`);
        expect(r.status, q).toBe(200);
        expect(hits[0]!.path).toBe(`/public?${q}`);
      }
    });
  });
});
