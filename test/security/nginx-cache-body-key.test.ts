/**
 * nginx's cache and an API key's name in a request body. A backend reads a body field over (or in
 * place of) the query parameter of the same name (Laravel's input(), PHP's $_REQUEST, Rack's
 * params: security.ts bodyKeyPatterns, red team 3), and a header key's name as a parameter too
 * (red team 6). On a keyed route the body check refuses such a body (400), but a cached route that
 * does not verify that key (a public one, or one of another scheme) has no body check, and its
 * cache bypassed a body only for RFC 6750's access_token (cache.ts unverifiedBypass: the spec's
 * 'body' carriers). So `api_key=<bob's key>` in the body of a GET to a public cached route was
 * answered for bob and stored in the anonymous entry, served to every next caller. Now a query or
 * header API key the route does not verify whenever sent counts as a body carrier too: a request
 * with a body is neither stored nor served. Real nginx, the echo stub (its answer repeats the body).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const param = '[{ name: n, in: path, required: true, schema: { type: string } }]';
const SPEC = `openapi: 3.1.0
info: { title: nginx cache body key, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: cbk
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    bob: { credentials: { qk: "\${env:BOB_Q}", hk: "\${env:BOB_H}" } }
paths:
  /pub/{n}: { get: { operationId: pub, parameters: ${param}, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /h: { get: { operationId: h, security: [{ hk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
    hk: { type: apiKey, in: header, name: X-Api-Key }
`;
const ENV = { BOB_Q: 'bob-query-key-1', BOB_H: 'bob-header-key-2' };
const FORM = 'application/x-www-form-urlencoded';

describe.skipIf(!NGINX)("nginx: an API key's name in a body keeps the request out of a cache that does not verify it", () => {
  let lab: PolicyLab;
  let serial = 0;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: ENV });
  });
  afterAll(async () => lab?.stop());
  const get = (path: string, body?: string, type = FORM) =>
    lab.call('GET', path, body === undefined ? {} : { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }, undefined, body);

  it('control: a plain request is cached', async () => {
    const path = `/v1/pub/c${++serial}`;
    await get(path);
    expect((await get(path)).r.headers['x-cache-status']).toBe('HIT');
  });

  for (const [what, body, type] of [
    ["the query key's name (Laravel input(), PHP $_REQUEST)", `api_key=${ENV.BOB_Q}`, FORM],
    ["the header key's name", `x-api-key=${ENV.BOB_H}`, FORM],
    ['the query key in JSON', `{"api_key":"${ENV.BOB_Q}"}`, 'application/json'],
  ] as const) {
    it(`${what} in a GET body: never stored for the next anonymous caller, never answered from the entry`, async () => {
      const path = `/v1/pub/k${++serial}`;
      const first = await get(path, body, type);
      expect(first.r.status).toBe(200);
      expect(first.hits, 'the body request reached the backend').toHaveLength(1);
      expect((await get(path)).r.body, "bob's answer was served to the next caller").not.toContain('bob-');
      const again = await get(path, body, type);
      expect(again.hits, 'the body request was answered from the entry').toHaveLength(1);
    });
  }
});
