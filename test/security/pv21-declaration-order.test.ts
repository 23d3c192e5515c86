/**
 * PV21, closing note item 2: a1765aaf modelled Spring's ranking of a partly literal segment beside
 * a bare parameter (fewer captured variables first) and kept gwc's order where the mixed template
 * captures no more (`/files/{name}.json` beside `/files/{id}`: one variable each). A backend
 * ranking by declaration order (Express, Rails, Django, Laravel) runs whichever it declared first:
 * `app.get('/files/:id', keyed)` before `app.get('/files/:name.json', pub)` runs the keyed handler
 * for `/files/report.json` (`:id` takes `report.json`). pathMatching: exact says nothing of the
 * order (Express matches exactly and by declaration). DESIGN.md has no backend or framework setting
 * that says how a backend ranks, OpenAPI leaves two templated segments to the tooling, and section 4
 * says fail closed: the model now refuses such a pair wherever the mixed one (tried first) is less
 * protected (model/admits.ts protectionGap), whatever the variable counts.
 *
 * Real nginx, compiled past the refusal (both keyed, then the mixed one made public in the model):
 * anonymous GET /v1/files/report.json reaches the backend at /files/report.json, which an Express
 * router with /files/:id declared first runs as the keyed handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { Gateway } from '../../src/model/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-pv21-order-0123';
const ok = '{ "200": { description: ok } }';
const P = (n: string) => `parameters: [{ name: ${n}, in: path, required: true, schema: { type: string } }]`;
const spec = (metaAuth: string, matching = ', pathMatching: exact') => `openapi: 3.1.0
info: { title: pv21 order, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: pv21o
  backends: { echo: { url: "http://echo.internal:8080"${matching} } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /files/{id}:
    get: { operationId: file, security: [{ key: [] }], ${P('id')}, responses: ${ok} }
  /files/{name}.json:
    get: { operationId: meta, ${metaAuth}, ${P('name')}, responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
const PUBLIC = 'x-gateway: { public: true }';
const KEYED = 'security: [{ key: [] }]';
/** Express 4 (path-to-regexp 0.1): routes in declaration order, the first whose pattern matches runs. */
const express = (declared: string[], path: string) =>
  declared.find((p) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/:\w+/g, '([^/]+?)')}$`).test(path));

describe('PV21: a public {name}.json beside a keyed {id} (one variable each)', () => {
  it('refused by the model on every build and lint, at the keyed path key, whatever pathMatching says', async () => {
    for (const matching of [', pathMatching: exact', '']) {
      const file = writeSpec(spec(PUBLIC, matching));
      for (const t of ['nginx', 'kong', 'traefik', 'aws']) {
        const b = await buildTarget(file, { target: t });
        expect(b.files ?? [], t).toEqual([]);
        const at = (ds: typeof b.diagnostics) => ds.filter((d) => d.code === 'route-ambiguous-unprotected').map((d) => [d.params.route, d.params.by, d.loc?.pointer, d.position?.line, d.position?.column]);
        expect(at(b.diagnostics), t).toEqual([['file', 'callers', '/paths/~1files~1{id}', 11, 3]]);
        expect(at((await lint(file, { target: t } as Parameters<typeof lint>[1])).diagnostics), t).toEqual(at(b.diagnostics));
      }
    }
  });

  it('controls: both keyed builds; a keyed mixed beside a public {id} is no bypass (the keyed route is tried first)', async () => {
    expect((await gatewayOf(spec(KEYED))).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const flipped = spec(KEYED).replace(`operationId: file, ${KEYED}`, `operationId: file, ${PUBLIC}`);
    expect((await gatewayOf(flipped)).diagnostics.filter((d) => d.code === 'route-ambiguous-unprotected')).toEqual([]);
  });

  it('the Express oracle: /files/:id declared first runs for /files/report.json; declared second, the .json route does', () => {
    expect(express(['/files/:id', '/files/:name.json'], '/files/report.json')).toBe('/files/:id');
    expect(express(['/files/:name.json', '/files/:id'], '/files/report.json')).toBe('/files/:name.json');
  });
});

describe.skipIf(!NGINX)('PV21, nginx (real requests, past the refusal): anonymous /files/report.json reaches an Express backend\'s keyed handler', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(spec(KEYED), {
      env: { ALICE_KEY: KEY },
      edit: (g: Gateway) => {
        for (const r of g.routes) if (r.id === 'meta') Object.assign(r, { security: [], declaredPublic: true });
      },
    });
  });
  afterAll(async () => lab?.stop());

  it('control: /v1/files/report is 401 without the key', async () => {
    const { r, hits } = await lab.call('GET', '/v1/files/report');
    expect(r.status).toBe(401);
    expect(hits).toEqual([]);
  });

  it('the hole the refusal keeps out: /v1/files/report.json without a key reaches the backend, where Express runs /files/:id', async () => {
    const { r, hits } = await lab.call('GET', '/v1/files/report.json');
    expect(r.status).toBe(200);
    expect(hits.map((h) => express(['/files/:id', '/files/:name.json'], h.path))).toEqual(['/files/:id']);
  });
});
