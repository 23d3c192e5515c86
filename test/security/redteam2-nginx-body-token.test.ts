/**
 * Red team 2, nginx: a bearer token in a form body (RFC 6750 section 2.2, `access_token=`) never
 * reaches the backend of a route with a bearer scheme. nginx verifies the Authorization header
 * only; passport-http-bearer reads `req.body.access_token` (any method, any body parser), Spring's
 * allowFormEncodedBodyParameter a form's, PHP `$_POST['access_token']` under the spellings it folds
 * (`access.token`, `access token`, `access[token`, an array `access_token[]`), ASP.NET case-blind.
 * RFC 6750 section 3.1: a request carrying the token by more than one method is `invalid_request`
 * (400), and nginx verifies no body token: the body check (njs bodyCheck, validateRequest on a
 * validated route) refuses such a body with 400 and `WWW-Authenticate: Bearer
 * error="invalid_request"`, on every method and on optional routes too (never anonymous).
 * Real nginx, stub backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { send } from '../targets/nginx/harness.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const HS = 'body-token-hmac-secret-0123456789ab';
const KEY = 'alice-h-001';
const ok = '{ "200": { description: ok } }';
const ops = (id: string, security: string, methods = ['get', 'post', 'put', 'patch', 'delete']) =>
  `{ ${methods.map((m) => `${m}: { operationId: ${id}${m}, security: ${security}, responses: ${ok} }`).join(', ')} }`;
const SPEC = `openapi: 3.1.0
info: { title: body token, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: bt
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hkey: "\${env:KEY}" } }
paths:
  /tok: ${ops('tok', '[{ jwt: [] }]')}
  /opt: ${ops('opt', '[{}, { jwt: [] }]', ['get', 'post'])}
  /key-or-tok: ${ops('keyOrTok', '[{ hkey: [] }, { jwt: [] }]', ['post'])}
  /key: ${ops('key', '[{ hkey: [] }]', ['post'])}
  /pub: { post: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
  /declared:
    post:
      operationId: declared
      security: [{ jwt: [] }]
      parameters: [{ name: _method, in: query, schema: { type: string } }]
      responses: ${ok}
  /val:
    post:
      operationId: val
      security: [{ jwt: [] }]
      x-gateway: { validate: { body: false, parameters: true } }
      parameters: [{ name: page, in: query, schema: { type: integer } }]
      requestBody:
        content:
          application/x-www-form-urlencoded: { schema: { type: object } }
          multipart/form-data: { schema: { type: object } }
      responses: ${ok}
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;

const FORM = 'application/x-www-form-urlencoded';
const forged = () => token('HS256', { iss: 'https://id.example/', sub: 'root', exp: now() + 300 }, 'not-the-key');
const good = () => token('HS256', { iss: 'https://id.example/', sub: 'u1', exp: now() + 300 }, HS);
const multipart = (name: string, value: string) =>
  `--XyZ\r\nContent-Disposition: form-data; ${name}\r\n\r\n${value}\r\n--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n`;

/** Every spelling of the form field a backend reads as access_token (PHP, ASP.NET, Rack, passport). */
const SPELLINGS = ['access_token', 'ACCESS_TOKEN', 'Access_Token', 'access.token', 'access+token', 'access%20token', 'access[token', 'access_token[]', 'access_token[0]', '%61ccess_token', 'access%5Ftoken', '+access_token', 'access_token+'];

describe.skipIf(!NGINX)('red team 2: a form-body access_token on nginx bearer routes', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { files: { 'keys/hs.key': HS }, env: { KEY } });
  });
  afterAll(async () => lab?.stop());

  const post = async (method: string, path: string, headers: Record<string, string>, body: string) => {
    const before = lab.backend.hits.length;
    // Framed by Content-Length: node sends a GET's or DELETE's body unframed (no chunked default).
    const r = await send(lab.ng.port, method, path, { host: HOST, 'content-length': String(Buffer.byteLength(body)), ...headers }, body);
    return { r, hits: lab.backend.hits.slice(before) };
  };
  /** Refused as RFC 6750 invalid_request, the backend never reached. */
  const refused = async (method: string, path: string, headers: Record<string, string>, body: string) => {
    const { r, hits } = await post(method, path, headers, body);
    const what = `${method} ${path} ${JSON.stringify(headers['content-type'])} ${body.slice(0, 60)}`;
    expect(hits, `${what}: the backend got the body token`).toEqual([]);
    expect(r.status, what).toBe(400);
    expect(String(r.headers['www-authenticate']), what).toMatch(/^Bearer error="invalid_request"/);
  };
  const bearer = { authorization: `Bearer ${good()}` };

  it('control: the verified header token and a body without access_token reach the backend, body kept', async () => {
    const { r, hits } = await post('POST', '/v1/tok', { ...bearer, 'content-type': FORM }, 'a=1&access_tokens=2&my_access_token=3&token=4');
    expect(r.status).toBe(200);
    expect(hits[0]!.body).toBe('a=1&access_tokens=2&my_access_token=3&token=4');
  });

  it('beside the verified header token, every spelling of access_token in a form body is refused (400 invalid_request)', async () => {
    for (const name of SPELLINGS) await refused('POST', '/v1/tok', { ...bearer, 'content-type': FORM }, `a=1&${name}=${forged()}`);
    // Empty, valueless, behind a ';' (Rack, old Python split on it), with a charset, and without a Content-Type (Rack reads a form).
    await refused('POST', '/v1/tok', { ...bearer, 'content-type': FORM }, 'a=1&access_token=');
    await refused('POST', '/v1/tok', { ...bearer, 'content-type': FORM }, 'a=1&access_token');
    await refused('POST', '/v1/tok', { ...bearer, 'content-type': FORM }, `a=1;access_token=${forged()}`);
    await refused('POST', '/v1/tok', { ...bearer, 'content-type': `${FORM}; charset=utf-8` }, `access_token=${forged()}`);
    await refused('POST', '/v1/tok', bearer, `access_token=${forged()}`);
  });

  it('in a multipart body, quoted, unquoted, as name* and in any case', async () => {
    for (const name of ['name="access_token"', 'name=access_token', "name*=UTF-8''access_token", 'name="ACCESS.TOKEN"', 'name="access_token[]"']) {
      await refused('POST', '/v1/tok', { ...bearer, 'content-type': 'multipart/form-data; boundary=XyZ' }, multipart(name, forged()));
    }
  });

  it('every method of a bearer route, GET included (passport reads any parsed body)', async () => {
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) await refused(m, '/v1/tok', { ...bearer, 'content-type': FORM }, `access_token=${forged()}`);
    const { r } = await post('GET', '/v1/tok', bearer, '');
    expect(r.status).toBe(200);
  });

  it('without a header token: refused, never passed on (nginx verifies no body token)', async () => {
    await refused('POST', '/v1/tok', { 'content-type': FORM }, `access_token=${good()}`);
  });

  it('optional auth: a body token alone is a presented credential, never anonymous', async () => {
    for (const m of ['GET', 'POST']) {
      await refused(m, '/v1/opt', { 'content-type': FORM }, `access_token=${forged()}`);
      await refused(m, '/v1/opt', { 'content-type': FORM }, 'access_token=');
    }
    const anon = await post('POST', '/v1/opt', { 'content-type': FORM }, 'a=1');
    expect(anon.r.status).toBe(200);
  });

  it('a route where the token is one alternative: the key caller\'s body token is refused too', async () => {
    await refused('POST', '/v1/key-or-tok', { 'x-key': KEY, 'content-type': FORM }, `access_token=${forged()}`);
  });

  it('an operation declaring _method keeps its body _method but not a body token', async () => {
    await refused('POST', '/v1/declared', { ...bearer, 'content-type': FORM }, `access_token=${forged()}`);
    const { r, hits } = await post('POST', '/v1/declared', { ...bearer, 'content-type': FORM }, '_method=PUT');
    expect(r.status).toBe(200);
    expect(hits[0]!.body).toBe('_method=PUT');
  });

  it('a validated route (one njs handler reads the body) refuses it the same way', async () => {
    const { r } = await post('POST', '/v1/val', { ...bearer, 'content-type': FORM }, 'a=1');
    expect(r.status).toBe(200);
    await refused('POST', '/v1/val', { ...bearer, 'content-type': FORM }, `a=1&access_token=${forged()}`);
    await refused('POST', '/v1/val', { ...bearer, 'content-type': 'multipart/form-data; boundary=XyZ' }, multipart('name="access_token"', forged()));
  });

  it('the query\'s PHP array forms (access_token[]=, access_token[x]=) are stripped beside a verified token and verified on optional routes', async () => {
    for (const name of ['access_token[]', 'access_token[x]', 'access_token%5B%5D', 'ACCESS.TOKEN[]']) {
      const { r, hits } = await post('GET', `/v1/tok?a=1&${name}=${forged()}`, bearer, '');
      expect(r.status, name).toBe(200);
      expect(hits[0]!.path, name).toBe('/tok?a=1');
      const opt = await post('GET', `/v1/opt?${name}=${forged()}`, {}, '');
      expect([opt.r.status, opt.hits.length], name).toEqual([401, 0]);
    }
  });

  it('routes without a bearer scheme pass a form access_token as the API\'s own field', async () => {
    const k = await post('POST', '/v1/key', { 'x-key': KEY, 'content-type': FORM }, 'access_token=abc');
    expect(k.r.status).toBe(200);
    expect(k.hits[0]!.body).toBe('access_token=abc');
    const p = await post('POST', '/v1/pub', { 'content-type': FORM }, 'access_token=abc');
    expect(p.r.status).toBe(200);
  });
});
