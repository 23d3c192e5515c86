/**
 * nginx (real traffic), DIFF20 (closing note item 8): runtime.js read an API key from the Cookie
 * header whenever the CFG's `in` was not 'header' or 'query', so a hand-edited or misspelt CFG
 * (`"in": "headers"`, `in` removed) took the key from a cookie of the header's name: a carrier the
 * spec never named (a page on a sibling subdomain can set that cookie; a key meant for a header
 * rides every request the browser sends). Now an `in` other than header, query or cookie is read
 * from nowhere: the key is refused (401), and on an optional route every request is verified
 * (present() counts it as sent), never let through anonymous. gwc diff reads it the same way
 * (deployed-njs.ts: no carrier; diff-coverage-nginx ALLOWED: closed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const KEY = 'alice-key-diff20-0123456789';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: apikey in unknown, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: d20k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { hk: "\${env:A_KEY}", ck: "\${env:A_KEY}" } }
paths:
  /h: { get: { operationId: h, security: [{ hk: [] }], responses: ${ok} } }
  /c: { get: { operationId: c, security: [{ ck: [] }], responses: ${ok} } }
  /opt: { get: { operationId: opt, security: [{ hk: [] }, {}], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: x-api-key }
    ck: { type: apiKey, in: cookie, name: sid }
`;

/** The njs module's CFG with each scheme's `in` made `to` (undefined: removed). */
const inEdit = (to: string | undefined) => (path: string, text: string): string => {
  if (!/\.js$/.test(path) || /validate\.js$/.test(path)) return text;
  const out = text.replace(/"in": "(?:header|cookie)",?\n/g, to === undefined ? '' : `"in": "${to}",\n`);
  if (out === text) throw new Error(`no "in" in ${path}`);
  return out;
};

describe.skipIf(!NGINX)("nginx: an API key's unknown `in` is read from nowhere (refused), never from a cookie", () => {
  let built: PolicyLab;
  let misspelt: PolicyLab;
  let removed: PolicyLab;
  beforeAll(async () => {
    built = await startPolicyLab(SPEC, { env: { A_KEY: KEY } });
    misspelt = await startPolicyLab(SPEC, { env: { A_KEY: KEY }, fileEdit: inEdit('headers') });
    removed = await startPolicyLab(SPEC, { env: { A_KEY: KEY }, fileEdit: inEdit(undefined) });
  });
  afterAll(async () => {
    await built?.stop();
    await misspelt?.stop();
    await removed?.stop();
  });

  it('controls (as built): the header key and the cookie key pass where the spec names them, not elsewhere', async () => {
    expect((await built.call('GET', '/v1/h', { 'x-api-key': KEY })).r.status).toBe(200);
    expect((await built.call('GET', '/v1/c', { cookie: `sid=${KEY}` })).r.status).toBe(200);
    expect((await built.call('GET', '/v1/h', { cookie: `x-api-key=${KEY}` })).r.status).toBe(401);
    expect((await built.call('GET', '/v1/opt')).r.status).toBe(200);
  });

  for (const [name, lab] of [['misspelt ("headers")', () => misspelt], ['removed', () => removed]] as const) {
    it(`CFG in ${name}: the key in a cookie of the header's name is refused (was 200)`, async () => {
      const { r, hits } = await lab().call('GET', '/v1/h', { cookie: `x-api-key=${KEY}` });
      expect(r.status).toBe(401);
      expect(hits).toEqual([]);
    });
    it(`CFG in ${name}: no carrier admits the key (header, cookie)`, async () => {
      expect((await lab().call('GET', '/v1/h', { 'x-api-key': KEY })).r.status).toBe(401);
      expect((await lab().call('GET', '/v1/c', { cookie: `sid=${KEY}` })).r.status).toBe(401);
    });
    it(`CFG in ${name}: an optional route verifies every request (refused), never anonymous`, async () => {
      const { r, hits } = await lab().call('GET', '/v1/opt', { cookie: `x-api-key=${KEY}` });
      expect(r.status).toBe(401);
      expect(hits).toEqual([]);
      expect((await lab().call('GET', '/v1/opt')).r.status).toBe(401);
    });
  }
});
