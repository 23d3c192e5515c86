/**
 * Red team 6, nginx (DESIGN.md 7.1, 7.3): credentials beside the verified one that nginx neither
 * verified nor removed, through real nginx (the backend stub records what it received).
 * - An API key's name in a request BODY on a header-key route: b085f11 removes `?x-api-key=` beside a
 *   verified `X-Api-Key` (a backend reading the key from the header or a parameter), but Laravel's
 *   input(), PHP's $_REQUEST and Rack's params read a form, multipart or JSON body field over the
 *   query one, and Kong already drops that form field (name-readings.ts). The query-key route refuses
 *   a body naming its key (bodyKeyPatterns); the header-key route did not.
 * - An OR route's kept credential (`hideCredentials: false`) of an alternative that did not pass:
 *   njs decide() answers 204 on the first alternative that passes and never looks at the others, so
 *   a caller verified by basic auth sends a forged `X-Api-Key` or `?api_key=` and the backend gets it
 *   as if nginx had verified it. Kong removes it (unverified-credentials.ts post-function, red team 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, basic, type AuthLab } from './helpers/nginx-auth.js';
import { send } from '../targets/nginx/harness.js';

const Q_KEY = 'qkey-alice-0001';
const H_KEY = 'hkey-alice-0003';
const PASS = 'alice-password-0004';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 6 nginx, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r6
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:Q_KEY}", hkey: "\${env:H_KEY}", bas: { username: alice, password: "\${env:PASS}" } } }
paths:
  /h: { post: { operationId: h, security: [{ hkey: [] }], responses: ${ok} } }
  /q: { post: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /or: { get: { operationId: orh, security: [{ bas: [] }, { hkey: [] }], responses: ${ok} } }
  /orq: { get: { operationId: orq, security: [{ bas: [] }, { qkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    hkey: { type: apiKey, in: header, name: x-api-key, x-gateway: { hideCredentials: false } }
    bas: { type: http, scheme: basic }
`;

const FORM = 'application/x-www-form-urlencoded';
const BODIES: Array<[string, string]> = [
  [FORM, 'x-api-key=forged&a=1'],
  [FORM, 'a=1&X-API-KEY=forged'],
  [FORM, 'x-api-key[]=forged'],
  ['', 'x-api-key=forged'],
  ['application/json', '{"x-api-key":"forged"}'],
  ['application/json', '{"a":1,"X-Api-Key":"forged"}'],
  ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="x-api-key"\r\n\r\nforged\r\n--b--\r\n'],
];

describe.skipIf(!NGINX)('red team 6, nginx: unverified credentials beside the verified one', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { Q_KEY, H_KEY, PASS } });
  });
  afterAll(async () => lab?.stop());
  const post = async (path: string, headers: Record<string, string>, body: string) => {
    const before = lab.backend.hits.length;
    const r = await send(lab.ng.port, 'POST', path, { host: HOST, 'content-length': String(Buffer.byteLength(body)), ...headers }, body);
    return { r, hits: lab.backend.hits.slice(before) };
  };

  it('control: each credential verifies on its own; a body without the key name passes whole', async () => {
    expect((await post('/v1/h', { 'x-api-key': H_KEY, 'content-type': FORM }, 'a=1&x-api-keys=2')).hits.map((h) => h.body)).toEqual(['a=1&x-api-keys=2']);
    expect((await post('/v1/h', { 'x-api-key': 'wrong', 'content-type': FORM }, 'a=1')).r.status).toBe(401);
    expect((await lab.call('GET', '/v1/or', basic('alice', PASS))).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/or', { 'x-api-key': H_KEY })).r.status).toBe(200);
    expect((await lab.call('GET', '/v1/or', { 'x-api-key': 'forged' })).r.status).toBe(401);
  });

  it.each(BODIES)('a %s body naming the header key (%s) beside the verified X-Api-Key never reaches the backend', async (ct, body) => {
    const { r, hits } = await post('/v1/h', { 'x-api-key': H_KEY, ...(ct ? { 'content-type': ct } : {}) }, body);
    expect(hits.map((h) => h.body), `status ${r.status}`).toEqual([]);
    expect(r.status).toBe(400);
  });

  it('control: the query-key route already refuses its key in a body', async () => {
    const { r, hits } = await post(`/v1/q?api_key=${Q_KEY}`, { 'content-type': FORM }, 'api_key=forged');
    expect([r.status, hits.length]).toEqual([400, 0]);
  });

  // Held: the auth handler answers only the alternative that passed's kept credentials, the route
  // sends them from its answer (kept-credentials.ts; Kong: unverified-credentials.ts).
  it('OR [{basic}, {header key kept}]: a forged X-Api-Key beside verified basic never reaches the backend', async () => {
    const { r, hits } = await lab.call('GET', '/v1/or', { ...basic('alice', PASS), 'x-api-key': 'forged' });
    expect(r.status === 200 || r.status === 401 || r.status === 400).toBe(true);
    expect(hits.map((h) => h.headers['x-api-key'])).not.toContain('forged');
  });

  it('OR [{basic}, {query key kept}]: a forged ?api_key= beside verified basic never reaches the backend', async () => {
    const { hits } = await lab.call('GET', '/v1/orq?api_key=forged&x=1', basic('alice', PASS));
    expect(hits.filter((h) => h.path.includes('api_key=forged')).map((h) => h.path)).toEqual([]);
  });
});
