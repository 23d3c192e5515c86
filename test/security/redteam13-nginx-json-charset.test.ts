/**
 * Red team 13: the nginx body check (njs bodyCheck / validateRequest, 2f354f7) reads a JSON body's
 * keys from the raw bytes as UTF-8, but backends decode JSON in other encodings first:
 * - body-parser (express.json) accepts any `charset=utf-*` the Content-Type names and decodes it
 *   with iconv-lite before JSON.parse: utf-16le/be, utf-32, and utf-7, where `_` may be written
 *   `+AF8-` (RFC 2152 optional direct character), so `{"access+AF8-token":..}` is access_token;
 * - Python's json.loads(bytes) (Starlette/FastAPI request.json()) detects UTF-16/32 from the first
 *   bytes (a BOM or NULs), whatever the Content-Type says.
 * In UTF-16 the key's bytes are `"\0a\0c\0...`: the key regex `"..."\s*:` never sees a key (the
 * NUL before `:` is no blank), so the forged token reaches the backend beside alice's bearer.
 * Real nginx, stub backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, token } from '../targets/nginx/jwt.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const HS = 'json-charset-hmac-secret-0123456789';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: json charset, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt13cs
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qk: "\${env:QK}" } }
paths:
  /tok: { post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} } }
  /qk: { post: { operationId: qk, security: [{ qk: [] }], responses: ${ok} } }
  /val:
    post:
      operationId: val
      security: [{ jwt: [] }]
      x-gateway: { validate: { body: true } }
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses: ${ok}
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const ENV = { QK: 'alice-query-key-2' };
const bearer = () => ({ authorization: `Bearer ${token('HS256', { iss: 'https://id.example/', sub: 'alice', exp: now() + 300 }, HS)}` });
const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
const BODY = '{"access_token":"user2-token-zz"}';

/** [content type, body bytes, what]: each a JSON access_token as express.json or json.loads reads it. */
const CASES: Array<[string, Buffer, string]> = [
  ['application/json; charset=utf-16le', Buffer.from(BODY, 'utf16le'), 'UTF-16LE (body-parser, iconv-lite)'],
  ['application/json; charset=utf-16be', utf16be(BODY), 'UTF-16BE'],
  ['application/json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BODY, 'utf16le')]), 'UTF-16 with a BOM, no charset (json.loads detects it)'],
  ['application/json', Buffer.from(BODY, 'utf16le'), 'UTF-16LE without a BOM, no charset (json.loads detects the NULs)'],
  // Not an encoding but a type: Rails registers text/x-json as a JSON synonym (mime_types.rb) and
  // parses it into params (Doorkeeper reads params[:access_token]); bodyKinds read no JSON in it.
  ['text/x-json', Buffer.from(BODY), 'text/x-json (Rails parses it as JSON): refused, 400 invalid_request'],
  ['application/json; charset=utf-7', Buffer.from('{"access+AF8-token":"user2-token-zz"}'), 'UTF-7, _ as +AF8- (body-parser)'],
];

describe.skipIf(!NGINX)('nginx: a JSON body in another encoding hides access_token from the body check', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { files: { 'keys/hs.key': HS }, env: ENV });
  });
  afterAll(async () => lab?.stop());
  const send = (path: string, ct: string, body: Buffer, headers: Record<string, string>) =>
    lab.call('POST', path, { ...headers, 'content-length': String(body.length), 'content-type': ct }, undefined, body as unknown as string);

  it('control: the same body in UTF-8 is refused (400)', async () => {
    const { r, hits } = await send('/v1/tok', 'application/json; charset=utf-8', Buffer.from(BODY), bearer());
    expect(r.status).toBe(400);
    expect(hits).toHaveLength(0);
  });

  it('control: a UTF-8 JSON body without the key passes under charset=utf-8, "UTF-8", none, and with a UTF-8 BOM', async () => {
    for (const [ct, body] of [['application/json; charset=utf-8', '{"a":1}'], ['application/json;charset="UTF-8"', '{"a":1}'], ['application/json', '\ufeff{"a":1}'], ['application/json', '{"a":"\\u0000"}']] as const) {
      const { r, hits } = await send('/v1/tok', ct, Buffer.from(body), bearer());
      expect(r.status, ct + body).toBe(200);
      expect(hits).toHaveLength(1);
    }
  });

  for (const [ct, body, why] of CASES) {
    it(`${why}: refused (415) on a bearer route, never reaching the backend (reached it, 200, before)`, async () => {
      const { r, hits } = await send('/v1/tok', ct, body, bearer());
      expect(hits).toHaveLength(0);
      expect(r.status).toBe(ct === 'text/x-json' ? 400 : 415);
    });
  }

  it('UTF-16LE on a validated route (validateRequest): refused', async () => {
    const { hits } = await send('/v1/val', 'application/json; charset=utf-16le', Buffer.from(BODY, 'utf16le'), bearer());
    expect(hits).toHaveLength(0);
  });

  it("UTF-16LE: a query key's name as a JSON key beside the verified query key is refused", async () => {
    const { hits } = await send(`/v1/qk?api_key=${ENV.QK}`, 'application/json; charset=utf-16le', Buffer.from('{"api_key":"bob-key"}', 'utf16le'), {});
    expect(hits).toHaveLength(0);
  });
});
