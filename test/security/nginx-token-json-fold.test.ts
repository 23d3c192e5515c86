/**
 * nginx, a bearer token as a JSON body key (closing14 "Still open" 4; Kong: 888fe7a,
 * kong-token-json-fold). nginx verifies a bearer scheme's Authorization header and refused
 * `access_token` in a form or multipart body (RFC 6750 section 2.2, redteam2-nginx-body-token), but
 * read no JSON body for it: passport-http-bearer reads `req.body.access_token` from whatever body
 * parser ran (express.json: a nested or array key never, a top-level one always), and Go's
 * encoding/json fills a field tagged `access_token` from `ACCESS_TOKEN` or `acceſs_token`
 * (EqualFold). So `{"access_token": <user 2's token>}` beside alice's verified header reached the
 * backend, which took it for the caller. Now the body check (njs bodyCheck, validateRequest)
 * refuses, on every bearer route, a JSON body (a JSON type, or none: FastAPI reads an untyped body
 * as JSON) naming access_token as a key at any depth, in every spelling the folding rules read
 * (case, blanks, `.`/` `/`[` and `-` for `_`, KELVIN SIGN, LONG S).
 *
 * Also: a query or header API key's name as a JSON key reads `-` as `_` (Kong's json_name): a key
 * `X-Api-Key` is `x_api_key` to a snake_case binder, `api_key` is `api-key` to a kebab-case one.
 * Real nginx, stub backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const HS = 'json-fold-hmac-secret-0123456789ab';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: token json fold, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: tjf
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hk: "\${env:HK}", qk: "\${env:QK}" } }
paths:
  /tok: { get: { operationId: tokGet, security: [{ jwt: [] }], responses: ${ok} }, post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /opt: { post: { operationId: opt, security: [{}, { jwt: [] }], responses: ${ok} } }
  /val:
    post:
      operationId: val
      security: [{ jwt: [] }]
      x-gateway: { validate: { body: true } }
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: ${ok}
  /hk: { post: { operationId: hk, security: [{ hk: [] }], responses: ${ok} } }
  /qk: { post: { operationId: qk, security: [{ qk: [] }], responses: ${ok} } }
  /pub: { post: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key }
    qk: { type: apiKey, in: query, name: api_key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const ENV = { HK: 'alice-header-key-1', QK: 'alice-query-key-2' };
const JSON_CT = 'application/json';
const FORGED = 'user2-token-zz';
const bearer = () => ({ authorization: `Bearer ${token('HS256', { iss: 'https://id.example/', sub: 'alice', exp: now() + 300 }, HS)}` });

/** JSON bodies naming access_token as a backend's binder reads it, with the type they are sent under. */
const REFUSED: Array<[string | undefined, string, string]> = [
  [JSON_CT, `{"access_token":"${FORGED}"}`, 'top level'],
  [JSON_CT, `{"a":{"access_token":"${FORGED}"}}`, 'nested'],
  [JSON_CT, `[{"access_token":"${FORGED}"}]`, 'in a top-level array'],
  [JSON_CT, `{"ACCESS_TOKEN":"${FORGED}"}`, 'another case (Go encoding/json)'],
  [JSON_CT, `{"access-token":"${FORGED}"}`, 'a - for the _'],
  [JSON_CT, `{"Access-Token":"${FORGED}"}`, 'a - for the _, another case'],
  [JSON_CT, `{"access.token":"${FORGED}"}`, "PHP's . for _"],
  [JSON_CT, `{"access token":"${FORGED}"}`, 'a space for _'],
  [JSON_CT, `{" access_token ":"${FORGED}"}`, 'blanks around'],
  [JSON_CT, `{"access_token[]":"${FORGED}"}`, 'an array form'],
  [JSON_CT, `{"acce\\u017fs_token":"${FORGED}"}`, 'LONG S (Go EqualFold)'],
  [JSON_CT, `{"access_to\\u212aen":"${FORGED}"}`, 'KELVIN SIGN'],
  [JSON_CT, `{"access\\u005ftoken":"${FORGED}"}`, 'an escaped _'],
  [JSON_CT, `{"access_token":"${FORGED}","a":NaN}`, 'a body that is not JSON as a whole'],
  ['application/vnd.api+json', `{"access_token":"${FORGED}"}`, 'a +json type'],
  ['text/json', `{"access_token":"${FORGED}"}`, 'text/json'],
  [undefined, `{"access_token":"${FORGED}"}`, 'no type (FastAPI reads JSON)'],
];

describe.skipIf(!NGINX)('nginx: access_token as a JSON body key on a bearer route', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { files: { 'keys/hs.key': HS }, env: ENV });
  });
  afterAll(async () => lab?.stop());
  const send = (method: string, path: string, ct: string | undefined, body: string, headers: Record<string, string> = bearer()) =>
    // Content-Length said: Node frames no GET body by itself (nginx would read none).
    lab.call(method, path, { ...headers, 'content-length': String(Buffer.byteLength(body)), ...(ct === undefined ? {} : { 'content-type': ct }) }, undefined, body);

  it('control: a verified bearer with a JSON body without the key passes; a value "access_token" is no key', async () => {
    for (const body of ['{"a":1}', '{"a":"access_token"}', '{"access_tokens":1}', '["access_token"]']) {
      const { r, hits } = await send('POST', '/v1/tok', JSON_CT, body);
      expect(r.status, body).toBe(200);
      expect(hits, body).toHaveLength(1);
    }
  });

  for (const [ct, body, why] of REFUSED) {
    it(`${why}: refused (400) on POST and GET, never reaching the backend`, async () => {
      for (const method of ['POST', 'GET']) {
        const { r, hits } = await send(method, '/v1/tok', ct, body);
        expect(r.status, `${method} ${ct} ${body}`).toBe(400);
        expect(r.headers['www-authenticate']).toContain('invalid_request');
        expect(hits).toHaveLength(0);
      }
    });
  }

  it('optional route: refused with or without a bearer (never passed on anonymous)', async () => {
    for (const headers of [bearer(), {}]) {
      const { r, hits } = await send('POST', '/v1/opt', JSON_CT, `{"a":{"ACCESS-TOKEN":"${FORGED}"}}`, headers);
      expect(r.status).toBe(400);
      expect(hits).toHaveLength(0);
    }
  });

  it('validated route (validateRequest): refused there too', async () => {
    for (const body of [`{"access_token":"${FORGED}"}`, `{"a":[{"acce\\u017fs-token":"${FORGED}"}]}`]) {
      const { r, hits } = await send('POST', '/v1/val', JSON_CT, body);
      expect(r.status, body).toBe(400);
      expect(hits).toHaveLength(0);
    }
    expect((await send('POST', '/v1/val', JSON_CT, '{"a":1}')).r.status).toBe(200);
  });

  it('control: a public route passes a JSON access_token (no bearer scheme there)', async () => {
    const { r, hits } = await send('POST', '/v1/pub', JSON_CT, `{"access_token":"${FORGED}"}`, {});
    expect(r.status).toBe(200);
    expect(hits).toHaveLength(1);
  });

  it("a header key's name as a JSON key with _ for - (x_api_key) is refused beside the verified header", async () => {
    for (const key of ['x_api_key', 'X-API-KEY', 'x-api_key', 'x.api-key']) {
      const { r, hits } = await send('POST', '/v1/hk', JSON_CT, `{"${key}":"bob-key"}`, { 'x-api-key': ENV.HK });
      expect(r.status, key).toBe(400);
      expect(hits).toHaveLength(0);
    }
    expect((await send('POST', '/v1/hk', JSON_CT, '{"x_api_keys":1}', { 'x-api-key': ENV.HK })).r.status).toBe(200);
  });

  it("a query key's name as a JSON key with - for _ (api-key) is refused beside the verified query key", async () => {
    for (const key of ['api-key', 'API-KEY', 'api_key', 'a\\u0070i-key']) {
      const { r, hits } = await send('POST', `/v1/qk?api_key=${ENV.QK}`, JSON_CT, `{"${key}":"bob-key"}`, {});
      expect(r.status, key).toBe(400);
      expect(hits).toHaveLength(0);
    }
  });

  it('control: a form field spelt with - is not a query key named with _ (PHP reads them apart): passes', async () => {
    const { r } = await send('POST', `/v1/qk?api_key=${ENV.QK}`, 'application/x-www-form-urlencoded', 'api-key=x');
    expect(r.status).toBe(200);
  });
});
