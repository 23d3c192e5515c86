/**
 * Red team 20, class: two templates of one backend that a folding backend (pathMatching: folded,
 * the default: case-blind, a format suffix, a trailing dot, `;...` dropped) reads as ONE handler,
 * where one route admits a caller the other refuses (model/admits.ts admitsAll). param-variants.ts
 * refused a variant sent by the public route only when the other's template was a literal, or a
 * whole parameter facing a mixed `{name}.json` (redteam19-mixed-suffix): it read the folding one
 * way only (the sent path folded, the other's template as written).
 *
 * Misses (were it.fails):
 *  (a) public `/files/{name}.json` beside keyed `/files/{id}.xml`: `GET /v1/files/42.json` is the
 *      public route's; Rails `/files/:id(.:format)` / Spring suffix patterns run the one `show`
 *      action the keyed `.xml` route protects (id 42, format json).
 *  (b) the reverse: public `/files/{id}` beside keyed `/files/{id}.json`. The gateway sends
 *      `/v1/files/42.json` to the keyed route (mixed before a parameter) but `/v1/files/42` to the
 *      public one, and a format-suffix backend serves the SAME resource for `/files/42`: with
 *      `Accept: application/json` Rails (respond_to) and Spring (content negotiation) render the
 *      very JSON `/files/42.json` protects. The exposure is the public (unsuffixed) route's: it is
 *      the one refused, naming the keyed one.
 *  (c) literals, reversed or side by side: public `/admin` beside keyed `/admin.json`; public
 *      `/report.csv` beside keyed `/report.pdf` (one action, two formats).
 *  (d) case on a mixed template: public `/files/{id}` beside keyed `/files/v{n}`: `GET /v1/files/V7`
 *      is the public route's on every gateway (case-sensitive), and a case-blind backend runs `v{n}`.
 * Controls: pathMatching: exact builds; a literal of ours facing a parameter of theirs is its own,
 * more specific handler (public `/users/me` beside keyed `/users/{id}`); same security builds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTarget, compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt20-fold-0123';
const ok = '{ "200": { description: ok } }';
const P = (n: string) => `parameters: [{ name: ${n}, in: path, required: true, schema: { type: string } }], `;
const op = (id: string, keyed: boolean, path: string) => {
  const n = /\{(\w+)\}/.exec(path)?.[1];
  return `  ${path}:\n    get: { operationId: ${id}, ${keyed ? 'security: [{ key: [] }]' : 'x-gateway: { public: true }'}, ${n ? P(n) : ''}responses: ${ok} }\n`;
};
const spec = (paths: string, matching = '') => `openapi: 3.1.0
info: { title: rt20 fold pairs, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt20fp
  backends: { echo: { url: "http://echo.internal:8080"${matching} } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
${paths}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;
const refusals = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown }>) =>
  ds.filter((d) => d.severity === 'error' && d.code === 'param-variant-reaches-protected').map((d) => [(d.params as { route: string }).route, (d.params as { other: string }).other]);

const CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['(a) {name}.json beside keyed {id}.xml', op('meta', false, '/files/{name}.json') + op('file', true, '/files/{id}.xml'), 'meta'],
  ['(b) {id} beside keyed {id}.json', op('meta', false, '/files/{id}') + op('file', true, '/files/{id}.json'), 'meta'],
  ['(c) /admin beside keyed /admin.json', op('meta', false, '/admin') + op('file', true, '/admin.json'), 'meta'],
  ['(c) /report.csv beside keyed /report.pdf', op('meta', false, '/report.csv') + op('file', true, '/report.pdf'), 'meta'],
  ['(d) {id} beside keyed v{n}', op('meta', false, '/files/{id}') + op('file', true, '/files/v{n}'), 'meta'],
];

describe('red team 20: templates one folding backend reads as one handler', () => {
  for (const [label, paths] of CASES) {
    it(`${label}: refused on nginx, Kong and Traefik, at the public route`, async () => {
      const g = (await gatewayOf(spec(paths))).gateway!;
      for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(g, t, {}).diagnostics), t).toEqual([['meta', 'file']]);
    });
  }

  it('(b) on AWS too, and lint reports it at the build\'s line:col on every target', async () => {
    const file = writeSpec(spec(CASES[1]![1]));
    for (const t of ['nginx', 'kong', 'traefik', 'aws']) {
      const built = (await buildTarget(file, { target: t })).diagnostics.filter((d) => d.code === 'param-variant-reaches-protected');
      const linted = (await lint(file, { target: t } as Parameters<typeof lint>[1])).diagnostics.filter(
        (d) => (d.params as { code?: string; target?: string } | undefined)?.code === 'param-variant-reaches-protected' && d.params.target === t,
      );
      const at = (ds: typeof built) => ds.map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
      expect(at(built), t).toEqual([['/paths/~1files~1{id}/get', expect.any(Number), expect.any(Number)]]);
      expect(at(linted), t).toEqual(at(built));
    }
  });

  it('controls: pathMatching: exact, a literal of ours facing a parameter, same security, and the keyed side build', async () => {
    for (const [label, paths] of CASES) {
      const exact = (await gatewayOf(spec(paths, ', pathMatching: exact'))).gateway!;
      for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(exact, t, {}).diagnostics), `${label} exact ${t}`).toEqual([]);
      const same = (await gatewayOf(spec(paths.replace('x-gateway: { public: true }', 'security: [{ key: [] }]')))).gateway!;
      for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(same, t, {}).diagnostics), `${label} same ${t}`).toEqual([]);
    }
    const literal = (await gatewayOf(spec(op('meta', false, '/users/me') + op('file', true, '/users/{id}')))).gateway!;
    for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(literal, t, {}).diagnostics), t).toEqual([]);
  });
});

/** How Rails (`/files/:id(.:format)`, respond_to) and Spring (suffix, then Accept) pick the handler and representation. */
const folding = (path: string, accept = '*/*') => {
  const m = /^\/files\/([^/.]+)(?:\.(\w+))?$/.exec(path);
  return m ? { action: 'files#show', id: m[1], format: m[2] ?? (accept.includes('json') ? 'json' : 'html') } : undefined;
};

describe.skipIf(!NGINX)('red team 20, nginx (real requests): (b) anonymous /files/42 is the resource /files/42.json protects', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(spec(CASES[1]![1], ', pathMatching: exact'), { env: { ALICE_KEY: KEY } });
  });
  afterAll(async () => lab?.stop());

  it('the keyed /v1/files/42.json is 401 without a key; /v1/files/42 reaches the backend with none, which a folding backend serves as files#show id 42 in json', async () => {
    const keyed = await lab.call('GET', '/v1/files/42.json');
    expect(keyed.r.status).toBe(401);
    expect(keyed.hits).toEqual([]);
    const { r, hits } = await lab.call('GET', '/v1/files/42', { accept: 'application/json' });
    expect(r.status).toBe(200);
    expect(hits.map((h) => h.path)).toEqual(['/files/42']);
    expect(folding(hits[0]!.path, 'application/json')).toEqual(folding('/files/42.json'));
  });

  it('so the folded build (no pathMatching) is refused on nginx', async () => {
    const b = compileGateway((await gatewayOf(spec(CASES[1]![1]))).gateway!, 'nginx', {});
    expect(b.files).toEqual([]);
    expect(refusals(b.diagnostics)).toEqual([['meta', 'file']]);
  });
});
