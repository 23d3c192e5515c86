/**
 * Red team 14, nginx (real traffic): a public cached route keeps out of its cache any request that
 * carries a credential nginx did not verify (`proxy_no_cache` / `proxy_cache_bypass` on
 * `$http_x_api_key$http_x_api_key`, cache.ts unverifiedBypass; DESIGN.md 7.4). nginx 1.22's
 * `$http_<name>` is the FIRST line of that header only (joining came in 1.23), and an empty value
 * is a line nginx keeps: `X-Api-Key:` (empty) then `X-Api-Key: <bob's key>` reads as no key to the
 * bypass while both lines reach the backend, which reads the last (PHP, Rack) or ", <key>" (Node
 * joins). The answer made for bob is stored in the anonymous entry and served to the next caller.
 * headerLines() (njs) already reads every line for cache-key headers (red team 10); the bypass
 * list does not. Fix class: read the bypass headers through njs every line (or refuse a repeated
 * credential header line on cached routes), as cacheKey's headerLines does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const param = '[{ name: n, in: path, required: true, schema: { type: string } }]';
const SPEC = `openapi: 3.1.0
info: { title: rt14 cache bypass lines, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt14c
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    bob: { credentials: { hk: "\${env:BOB_H}" } }
paths:
  /pub/{n}: { get: { operationId: pub, parameters: ${param}, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }
  /h: { get: { operationId: h, security: [{ hk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key }
`;
const ENV = { BOB_H: 'bob-header-key-2' };

describe.skipIf(!NGINX)('red team 14, nginx: an unverified credential header on its second line and a public cache', () => {
  let lab: PolicyLab;
  let serial = 0;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: ENV });
  });
  afterAll(async () => lab?.stop());

  it('control: one X-Api-Key line is neither stored nor answered from the entry', async () => {
    const path = `/v1/pub/c${++serial}`;
    const first = await lab.call('GET', path, { 'x-api-key': ENV.BOB_H });
    expect(first.hits).toHaveLength(1);
    expect((await lab.call('GET', path)).r.body).not.toContain('bob-');
  });

  // Mechanism: nginx 1.22 $http_x_api_key is the first line (empty here): the bypass reads no key.
  it("an empty first X-Api-Key line then bob's key: bob's answer is never stored for the next caller", async () => {
    const path = `/v1/pub/k${++serial}`;
    const first = await lab.call('GET', path, { 'x-api-key': ['', ENV.BOB_H] as unknown as string });
    expect(first.r.status).toBe(200);
    expect(JSON.stringify(first.hits[0]?.headers ?? {})).toContain(ENV.BOB_H); // the backend read bob's key
    const next = await lab.call('GET', path);
    expect(next.r.body, "bob's answer was served to the next anonymous caller").not.toContain('bob-');
  });
});
