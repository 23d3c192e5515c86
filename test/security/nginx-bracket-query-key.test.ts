/**
 * Bracket spellings of a query name through real nginx (red team 17's class; the rule of
 * src/targets/query-names.ts since 7b15f9b). Rack 2 (Rails <= 7.0, Sinatra on Rack 2) reads a
 * name as `\A[\[\]]*([^\[\]]+)\]*` (Rack::Utils.normalize_params): `]api_key`, `api_key]`,
 * `[api_key]`, `[[api_key]]` and `%5Dapi_key` are all params['api_key'], the last pair winning;
 * qs (Express 4) reads `[api_key]` as api_key. The njs reader (nameAsRead) knew the array form only
 * with `[` after the name, so a forged pair so spelt was neither counted beside the verified key
 * nor stripped: a Rails backend read the forged value as the credential nobody verified. Likewise
 * `[_method]=DELETE` passed the query `_method` map and the body's METHOD_KEY, and Rack 2 runs the
 * method it names (Rack::MethodOverride reads req.POST, the same parser).
 *
 * Each spelling is first held to the table (queryNameAsRead), so the list cannot drift from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { send } from '../targets/nginx/harness.js';
import { basic, HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: bracket names, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: brk
  backends: { echo: { url: "http://echo.internal:8080", pathMatching: exact } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qk: "\${env:A}", kk: "\${env:K}" } }
    amy: { credentials: { basic: { username: amy, password: "\${env:P}" } } }
    root: { credentials: { hk: "\${env:R}" } }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /k: { get: { operationId: k, security: [{ kk: [] }], responses: ${ok} } }
  /or: { get: { operationId: either, security: [{ basic: [] }, { qk: [] }], responses: ${ok} } }
  /qp: { post: { operationId: qp, security: [{ qk: [] }], responses: ${ok} } }
  /things:
    post: { operationId: postThing, x-gateway: { public: true }, responses: ${ok} }
    delete: { operationId: deleteThing, security: [{ hk: [] }], responses: ${ok} }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key }
    kk: { type: apiKey, in: query, name: app_key, x-gateway: { hideCredentials: false } }
    hk: { type: apiKey, in: header, name: X-Key }
    basic: { type: http, scheme: basic }
`;
const A = 'key-a-brk-0001';
const K = 'kept-a-brk-0001';
const AMY = basic('amy', 'amy-pw-brk-1');

/** Bracket spellings of `name` (lowercase, one `_`): leading/trailing runs, escaped, case-mixed, with a NUL or blanks. */
const bracketForms = (name: string) => {
  const mixed = name.replace(/^(.)(.*)_(.)/, (_m, a: string, b: string, c: string) => `${a.toUpperCase()}${b}_${c.toUpperCase()}`);
  return [
    `]${name}`, `${name}]`, `[${name}]`, `[[${name}]]`, `%5D${name}`, `%5B${name}%5D`, `%5b${name.toUpperCase()}%5d`, `]${mixed}`, `[${mixed}]`,
    `${name}]]`, `${name}]x`, `%5D%5D${name}%5D`, `][${name}[]`, `+[${name}]`, `[%20${name}%20]`, `[${name}]%00`, `${name.toUpperCase()}]`,
  ];
};
const KEY_FORMS = bracketForms('api_key');
const KEPT_FORMS = bracketForms('app_key');
const METHOD_FORMS = [...bracketForms('_method'), '_method%20', '%09_method', '_method%A0', '%5B_method%5D%00x'];

describe('the table reads every bracket spelling as the name', () => {
  it.each([...KEY_FORMS.map((f) => [f, 'api_key']), ...KEPT_FORMS.map((f) => [f, 'app_key']), ...METHOD_FORMS.map((f) => [f, '_method'])])('%s reads as %s', (f, name) => {
    expect(queryNameAsRead(f)).toBe(name);
  });
});

describe.skipIf(!NGINX)('nginx: bracket spellings of a query name (real nginx)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { A, K, P: 'amy-pw-brk-1', R: 'root-key-brk-0001' } });
  });
  afterAll(async () => lab?.stop());
  const leaked = (hits: { path: string }[]) => hits.some((h) => h.path.includes('forged'));

  it('control: the stripped key passes and is hidden, the kept key passes and is kept, amy passes on the OR route', async () => {
    const q = await lab.call('GET', `/v1/q?api_key=${A}&x=1`);
    expect(q.r.status).toBe(200);
    expect(q.hits.map((h) => h.path)).toEqual(['/q?x=1']);
    const k = await lab.call('GET', `/v1/k?app_key=${K}&x=1`);
    expect(k.r.status).toBe(200);
    expect(k.hits.map((h) => h.path)).toEqual([`/k?app_key=${K}&x=1`]);
    expect((await lab.call('GET', '/v1/or?x=1', AMY)).hits.map((h) => h.path)).toEqual(['/or?x=1']);
  });

  for (const form of KEY_FORMS) {
    it(`stripped key: ${form}=forged beside the verified api_key, in either order, never reaches the backend`, async () => {
      for (const q of [`api_key=${A}&${form}=forged&x=1`, `${form}=forged&api_key=${A}&x=1`]) {
        const { r, hits } = await lab.call('GET', `/v1/q?${q}`);
        expect(r.status, q).toBe(401);
        expect(hits, q).toEqual([]);
      }
    });
    it(`stripped key: ${form}=forged alone opens nothing; on a route basic auth authenticated it is stripped`, async () => {
      const alone = await lab.call('GET', `/v1/q?${form}=${A}&x=1`);
      expect(alone.r.status).toBe(401);
      expect(alone.hits).toEqual([]);
      const { r, hits } = await lab.call('GET', `/v1/or?${form}=forged&x=1`, AMY);
      if (r.status === 200) expect(hits.map((h) => h.path)).toEqual(['/or?x=1']);
      else expect(hits).toEqual([]);
      expect(leaked(hits)).toBe(false);
    });
  }

  for (const form of KEPT_FORMS) {
    it(`kept key: ${form}=forged beside the verified app_key, in either order, never reaches the backend`, async () => {
      for (const q of [`app_key=${K}&${form}=forged&x=1`, `${form}=forged&app_key=${K}&x=1`]) {
        const { r, hits } = await lab.call('GET', `/v1/k?${q}`);
        expect(r.status, q).toBe(401);
        expect(hits, q).toEqual([]);
      }
    });
  }

  it('control: a public POST passes; _method=DELETE in its query or form body is refused', async () => {
    expect((await lab.call('POST', '/v1/things?x=1')).r.status).toBe(200);
    expect((await lab.call('POST', '/v1/things?_method=DELETE')).r.status).toBe(400);
  });

  for (const form of METHOD_FORMS) {
    it(`?${form}=DELETE on the public POST is refused (never the backend), in the query and in a form body`, async () => {
      const q = await lab.call('POST', `/v1/things?x=1&${form}=DELETE`);
      expect(q.r.status).toBe(400);
      expect(q.hits).toEqual([]);
      const before = lab.backend.hits.length;
      const b = await send(lab.ng.port, 'POST', '/v1/things', { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, `x=1&${form}=DELETE`);
      expect(b.status).toBe(400);
      expect(lab.backend.hits.length).toBe(before);
    });
  }

  for (const form of KEY_FORMS.filter((f) => !/%00/.test(f))) {
    it(`a form body naming the route's query key as ${form} is refused`, async () => {
      const before = lab.backend.hits.length;
      const b = await send(lab.ng.port, 'POST', `/v1/qp?api_key=${A}`, { host: HOST, 'content-type': 'application/x-www-form-urlencoded' }, `x=1&${form}=forged`);
      expect(b.status).toBe(400);
      expect(lab.backend.hits.length).toBe(before);
    });
  }
});
