/**
 * Red team 14, nginx (real traffic): the body check (njs bodyCheck) reads the request's type from
 * `r.headersIn['Content-Type']`, ONE line (nginx keeps the first in headers_in.content_type; njs
 * returns it), while nginx passes every Content-Type line to the backend and gunicorn builds WSGI's
 * CONTENT_TYPE from the LAST one (gunicorn/http/wsgi.py: `environ['CONTENT_TYPE'] = hdr_value` per
 * line). `Content-Type: text/plain` then `Content-Type: application/x-www-form-urlencoded` with
 * `_method=DELETE` (or the route's query key name `api_key=<bob's>`) in the body: the check reads
 * text/plain, reads no form, and passes the body; Flask/Django under gunicorn parse the form (a
 * method override middleware runs the DELETE handler; a query-key reader takes bob's key).
 * Kong's name-readings chunk already refuses a second Content-Type / Content-Encoding line
 * (kong-body-readings, "Kong reads the first line, gunicorn the last"); nginx does not.
 * Fix class: in bodyCheck, refuse (400) more than one Content-Type or Content-Encoding line
 * (r.rawHeadersIn), as the Kong chunk does.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt14 content-type lines, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt14t
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qk: "\${env:ALICE_Q}" } }
paths:
  /orders:
    post: { operationId: createOrder, security: [{ qk: [] }], responses: ${ok} }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
`;
const ENV = { ALICE_Q: 'alice-query-key-1' };

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d) => (data += String(d)));
    s.on('end', () => resolve(data));
    s.on('error', () => resolve(data));
  });
}

describe.skipIf(!NGINX)('red team 14, nginx: Content-Type sent on two lines past the body check', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: ENV });
  });
  afterAll(async () => lab?.stop());

  const post = async (types: string[], body: string) => {
    const before = lab.backend.hits.length;
    const lines = types.map((t) => `Content-Type: ${t}\r\n`).join('');
    const reply = await raw(lab.ng.port, `POST /v1/orders?api_key=${ENV.ALICE_Q} HTTP/1.1\r\nHost: ${HOST}\r\n${lines}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    return { status: reply.split('\r\n')[0]!, hits: lab.backend.hits.slice(before) };
  };

  it('control: one form Content-Type naming _method or api_key is refused (400)', async () => {
    expect((await post(['application/x-www-form-urlencoded'], '_method=DELETE')).status).toBe('HTTP/1.1 400 Bad Request');
    expect((await post(['application/x-www-form-urlencoded'], 'api_key=bob-key')).status).toBe('HTTP/1.1 400 Bad Request');
    expect((await post(['text/plain'], 'hello')).status).toBe('HTTP/1.1 200 OK');
  });

  // Mechanism: njs reads the first Content-Type line (text/plain: no form); gunicorn the last.
  it('text/plain then a form type, body _method=DELETE: refused, never passed to the backend', async () => {
    const { status, hits } = await post(['text/plain', 'application/x-www-form-urlencoded'], '_method=DELETE');
    expect(hits, 'the body reached the backend').toEqual([]);
    expect(status).toBe('HTTP/1.1 400 Bad Request');
  });

  it("text/plain then a form type, body api_key=<another key>: refused, never passed to the backend", async () => {
    const { status, hits } = await post(['text/plain', 'application/x-www-form-urlencoded'], 'api_key=bob-key');
    expect(hits, 'the body reached the backend').toEqual([]);
    expect(status).toBe('HTTP/1.1 400 Bad Request');
  });
});
