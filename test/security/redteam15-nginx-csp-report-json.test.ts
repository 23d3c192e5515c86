/**
 * Red team 15, nginx (real nginx): 37a34d5 taught Kong's name-readings chunk the JSON synonyms
 * frameworks parse by default, `x-json` and `csp-report` (koa-bodyparser's and AdonisJS's default
 * jsonTypes hold application/csp-report). nginx's njs bodyKinds (runtime.js) reads JSON under
 * `/json`, `+json`, `x-json` or no type, but not `csp-report`: a body typed application/csp-report
 * naming the route's query key (`{"api_key": <bob's>}` beside alice's verified `?api_key=`) or
 * RFC 6750's access_token beside a verified bearer passes the body check unread, and a Koa backend
 * (ctx.request.body over ctx.query; passport-http-bearer reads req.body.access_token) takes it.
 * Fix class: one JSON-synonym list shared by every target's body reading (Kong name-readings.ts,
 * nginx runtime.js bodyKinds and validate.js). Closed: bodyKinds reads `csp-report` as JSON in both
 * njs modules (the lists are still written twice, Lua and njs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const A = 'alice-query-key-1511';
const B = 'bob-query-key-1512';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 15 nginx csp-report, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r15c
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qk: "\${env:A}" } }
    bob: { credentials: { qk: "\${env:B}" } }
paths:
  /q: { post: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
`;

describe.skipIf(!NGINX)("red team 15, nginx: the route's query key in an application/csp-report body", () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { env: { A, B } });
  }, 120_000);
  afterAll(async () => lab?.stop());
  const post = (type: string) => lab.call('POST', `/v1/q?api_key=${A}`, { 'content-type': type }, '127.0.0.1', JSON.stringify({ api_key: B }));

  it('control: alice passes; under application/json and text/x-json the body naming the key is refused', async () => {
    expect((await lab.call('POST', `/v1/q?api_key=${A}`, { 'content-type': 'application/json' }, '127.0.0.1', '{"n":1}')).r.status).toBe(200);
    expect((await post('application/json')).r.status).toBe(400);
    expect((await post('text/x-json')).r.status).toBe(400);
  });

  // Mechanism: runtime.js bodyKinds has no csp-report, so the body is no JSON to the check.
  it("application/csp-report: bob's key in the body never reaches the backend", async () => {
    const { r, hits } = await post('application/csp-report');
    if (r.status !== 200) return;
    expect(hits[0]?.body ?? '').not.toContain(B);
  });
});
