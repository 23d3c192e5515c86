/**
 * A parameter name PHP ends at NUL, through real nginx (the class of redteam4-kong-query-nul and
 * redteam4-kong-override-nul; query-name rule `nulEnds`, src/targets/query-names.ts). PHP's
 * php_register_variable_ex takes the decoded name as a C string (main/php_variables.c), so
 * `api_key%00=forged` is `$_GET['api_key']` (registered after the real pair: the last wins) and
 * `_method%00=DELETE` is `$_GET['_method']`; cookie names likewise. nginx's njs nameAsRead held no
 * NUL (a forged key passed beside the verified one), and the `$args` override map ended `method` at
 * `[=&;[]` only (`_method%00` reached the backend of a public POST beside a keyed DELETE).
 * Spellings are generated: NUL after the name, with junk after it, repeated, after a PHP folding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { basic, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: nul names, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: nul
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qk: "\${env:A}", ck: "\${env:C}" } }
    amy: { credentials: { basic: { username: amy, password: "\${env:P}" } } }
    root: { credentials: { hk: "\${env:R}" } }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /or: { get: { operationId: either, security: [{ basic: [] }, { qk: [] }], responses: ${ok} } }
  /c: { get: { operationId: c, security: [{ ck: [] }], responses: ${ok} } }
  /things:
    post: { operationId: postThing, x-gateway: { public: true }, responses: ${ok} }
    delete: { operationId: deleteThing, security: [{ hk: [] }], responses: ${ok} }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
    ck: { type: apiKey, in: cookie, name: sid }
    hk: { type: apiKey, in: header, name: X-Key }
    basic: { type: http, scheme: basic }
`;

/** NUL spellings of `name`: the table reads each as `name` (asserted below, so the list cannot drift). */
const nulForms = (name: string) => [`${name}%00`, `${name}%00x`, `${name}%00%00`, `${name}%00=`, `${name.toUpperCase()}%00`, `+${name}%00`, `${name}%00[]`, `${name.replace('_', '.')}%00`]
  .map((n) => n.replace(/=$/, '%3D'));

describe('the query-name rule ends a name at NUL', () => {
  it.each(nulForms('api_key').map((n) => [n]))('%s reads as api_key', (n) => {
    expect(queryNameAsRead(n)).toBe('api_key');
  });
  it('control: a NUL first or inside the name reads as another name', () => {
    expect(['%00api_key', 'api%00_key', 'api_k%00ey'].map(queryNameAsRead)).toEqual(['', 'api', 'api_k']);
  });
});

describe.skipIf(!NGINX)('nginx: names PHP ends at NUL (real nginx)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { A: 'key-a-nul-0001', C: 'cookie-a-nul-0001', P: 'amy-pw-nul-1', R: 'root-key-nul-0001' } });
  });
  afterAll(async () => lab?.stop());

  it('control: the verified key passes and is hidden; amy passes on the OR route', async () => {
    const a = await lab.call('GET', '/v1/q?api_key=key-a-nul-0001&x=1');
    expect(a.r.status).toBe(200);
    expect(a.hits.map((h) => h.path)).toEqual(['/q?x=1']);
    const b = await lab.call('GET', '/v1/or?x=1', basic('amy', 'amy-pw-nul-1'));
    expect(b.r.status).toBe(200);
  });

  for (const form of nulForms('api_key').filter((f) => !/%00%3D$/.test(f))) {
    it(`?api_key=<alice>&${form}=forged: never reaches the backend beside the verified key`, async () => {
      const { r, hits } = await lab.call('GET', `/v1/q?api_key=key-a-nul-0001&${form}=forged&x=1`);
      expect(r.status).toBe(401);
      expect(hits).toEqual([]);
    });
    it(`${form}=forged on a route basic auth authenticated is stripped`, async () => {
      const { r, hits } = await lab.call('GET', `/v1/or?${form}=forged&x=1`, basic('amy', 'amy-pw-nul-1'));
      if (r.status === 200) expect(hits.map((h) => h.path)).toEqual(['/or?x=1']);
      else expect(hits).toEqual([]);
    });
  }

  it('cookie sid%00 beside the verified sid never reaches the backend', async () => {
    for (const c of ['sid%00=forged', 'sid%00x=forged', 'SID%00=forged']) {
      const { r, hits } = await lab.call('GET', '/v1/c', { cookie: `sid=cookie-a-nul-0001; ${c}` });
      expect(r.status, c).toBe(401);
      expect(hits).toEqual([]);
    }
  });

  it('control: a public POST passes; _method=DELETE in its query is refused', async () => {
    expect((await lab.call('POST', '/v1/things?x=1')).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/things?_method=DELETE')).r.status).toBe(400);
  });

  for (const form of ['_method%00', '_method%00x', '_METHOD%00', '.method%00', '+_method%00', '_method%00%00', '_method%00[]', '%5Fmethod%00']) {
    it(`?${form}=DELETE on the public POST is refused (never the backend)`, async () => {
      const { r, hits } = await lab.call('POST', `/v1/things?${form}=DELETE`);
      expect(r.status).toBe(400);
      expect(hits).toEqual([]);
    });
  }
});
