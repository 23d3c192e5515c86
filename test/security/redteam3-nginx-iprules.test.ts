/**
 * Red team 3, nginx IP rules (DESIGN.md 7.1): an allow list holds on every location a request of
 * the route passes through: the key route's verify location, the body check in front of a POST,
 * a mock backend, a cached public answer (never served to a refused address from the cache), and
 * an optional-auth route. Real nginx on loopback, requests from several 127.0.0.0/8 addresses.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const KEY = 'ip-key-rt3-0001';
const SPEC = `openapi: 3.1.0
info: { title: red team 3 ip rules, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt3i
  backends:
    echo: { url: "http://echo.internal:8080", pathMatching: exact }
    canned: { mock: { status: 200, contentType: application/json, body: '{"secret":"mocked"}' } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: "\${env:KEY}" } }
paths:
  /k: { get: { operationId: k, security: [{ hkey: [] }], x-gateway: { ipAllow: [127.0.0.1/32] }, responses: ${ok} }, post: { operationId: kPost, security: [{ hkey: [] }], x-gateway: { ipAllow: [127.0.0.1/32] }, responses: ${ok} } }
  /m: { get: { operationId: m, x-gateway: { public: true, backend: canned, ipAllow: [127.0.0.1/32] }, responses: ${ok} } }
  /c: { get: { operationId: c, x-gateway: { public: true, ipAllow: [127.0.0.1/32], cache: { ttl: 60s } }, responses: ${ok} } }
  /o: { get: { operationId: o, security: [{}, { hkey: [] }], x-gateway: { ipDeny: [127.0.0.3/32] }, responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
`;

describe.skipIf(!NGINX)('red team 3: nginx IP rules on every location of a route', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { KEY } });
  });
  afterAll(async () => lab?.stop());

  const post = (path: string, headers: Record<string, string>, body: string, from: string) =>
    new Promise<{ status: number }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: lab.ng.port, method: 'POST', path, headers: { host: HOST, ...headers }, agent: false, localAddress: from }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('a valid key from an address outside the allow list is 403, GET and POST (body check), the backend never reached', async () => {
    expect((await lab.call('GET', '/v1/k', { 'x-key': KEY }, '127.0.0.1')).r.status).toBe(200);
    const g = await lab.call('GET', '/v1/k', { 'x-key': KEY }, '127.0.0.2');
    expect(g.r.status).toBe(403);
    expect(g.hits).toEqual([]);
    const before = lab.backend.hits.length;
    const p = await post('/v1/k', { 'x-key': KEY, 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', '127.0.0.2');
    expect(p.status).toBe(403);
    expect(lab.backend.hits.length).toBe(before);
  });

  it('a mock backend answers only the allow list', async () => {
    expect((await lab.call('GET', '/v1/m', {}, '127.0.0.1')).r.body).toContain('mocked');
    const other = await lab.call('GET', '/v1/m', {}, '127.0.0.2');
    expect(other.r.status).toBe(403);
    expect(other.r.body).not.toContain('mocked');
  });

  it('a cached answer is never served to an address outside the allow list', async () => {
    expect((await lab.call('GET', '/v1/c', {}, '127.0.0.1')).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/c', {}, '127.0.0.1')).hits).toHaveLength(0);
    expect((await lab.call('GET', '/v1/c', {}, '127.0.0.2')).r.status).toBe(403);
  });

  it('an optional-auth route denies the listed address with or without a credential', async () => {
    expect((await lab.call('GET', '/v1/o', {}, '127.0.0.3')).r.status).toBe(403);
    expect((await lab.call('GET', '/v1/o', { 'x-key': KEY }, '127.0.0.3')).r.status).toBe(403);
    expect((await lab.call('GET', '/v1/o', {}, '127.0.0.4')).r.status).toBe(200);
  });
});
