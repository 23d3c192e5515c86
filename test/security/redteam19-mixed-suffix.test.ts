/**
 * Red team 19, class: a MIXED template's suffix is the folding reading param-variants.ts refuses for
 * literals and upstreamPaths, but not for a route's own path (bypass of the pathMatching: folded
 * refusal, DESIGN.md 7.5).
 *
 * Attack: the spec has a keyed `GET /files/{id}` and a public `GET /files/{name}.json` (metadata,
 * an avatar `/users/{id}.png`, an export `/reports/{id}.csv`) on the same backend, whose
 * pathMatching is the default (folded: "it may read ... a suffix (.json, a trailing dot: Spring
 * suffix patterns, Rails formats) as the same path"). Every gateway routes `/v1/files/42.json` to
 * the public mixed template (gwc's precedence: mixed before a whole parameter) and forwards
 * `/files/42.json` with no key; Rails' `/files/:id(.:format)` and Spring's suffix patterns run the
 * KEYED `/files/{id}` handler with id 42. gwc refuses exactly this reading for a public literal
 * `/files/42.json` and for an upstreamPath `/{x}.json` (param-variant-reaches-protected), but here
 * builds on nginx, Kong and Traefik with no diagnostic (AWS refuses mixed segments anyway).
 *
 * Mechanism: param-variants.ts variantValues skips a segment where the protected route has a
 * parameter (`if (y.includes('{')) { if (!x.includes('{')) return undefined; continue; }`), and
 * with no literal hit the witness `/files/x.json` is `identical` to `/files/{id}` as a template, so
 * it is left to upstream-reach.ts, which reads paths unfolded (the gateway's own precedence sends
 * it to the mixed route, so nothing is wrong there).
 *
 * Suggested fix: in variantValues, a mixed segment of ours whose folded reading (suffix, trailing
 * dots, `;...` dropped: readingsOf) is a whole parameter, facing a parameter of theirs on the last
 * segment, is a hit: the witness value's folded form (`42`) reaches theirs, and the pair is refused
 * unless both backends say pathMatching: exact (control below: exact builds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const KEY = 'alice-key-rt19-mixed-0123';
const ok = '{ "200": { description: ok } }';
const spec = (matching = '') => `openapi: 3.1.0
info: { title: rt19 mixed suffix, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt19mx
  backends: { echo: { url: "http://echo.internal:8080"${matching} } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}" } }
paths:
  /files/{id}:
    get: { operationId: file, security: [{ key: [] }], parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: ${ok} }
  /files/{name}.json:
    get: { operationId: fileMeta, x-gateway: { public: true }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }
  /admin: { get: { operationId: admin, security: [{ key: [] }], responses: ${ok} } }
  /admin.json: { get: { operationId: adminJson, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: "http://auth.internal/check" } } }
`;
const MIXED_ONLY = (m = '') => spec(m).replace(/^ {2}\/admin.*\n/gm, '');
const refusals = (ds: ReadonlyArray<{ severity: string; code: unknown; params?: unknown }>) =>
  ds.filter((d) => d.severity === 'error' && d.code === 'param-variant-reaches-protected').map((d) => (d.params as { route: string }).route);
/** How Rails (`:id(.:format)`) and Spring suffix patterns read a backend path. */
const folded = (path: string) => path.replace(/\.[^./]*$/, '');

describe('red team 19: a public {name}.json beside a keyed {id} of one folding backend', () => {
  it('control: the literal /admin.json beside keyed /admin is refused on nginx, Kong and Traefik; pathMatching: exact builds the mixed pair', async () => {
    const g = (await gatewayOf(spec())).gateway!;
    for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(g, t, {}).diagnostics), t).toContain('adminJson');
    const exact = (await gatewayOf(MIXED_ONLY(', pathMatching: exact'))).gateway!;
    for (const t of ['nginx', 'kong', 'traefik']) expect(compileGateway(exact, t, {}).diagnostics.filter((d) => d.severity === 'error'), t).toEqual([]);
  });

  it.fails('FAILS (open): the mixed template fileMeta is refused too, on nginx, Kong and Traefik', async () => {
    const g = (await gatewayOf(spec())).gateway!;
    for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(g, t, {}).diagnostics), t).toContain('fileMeta');
  });
});

describe('red team 19, oracles: Kong and Traefik forward /files/42.json without a key', async () => {
  const g = (await gatewayOf(MIXED_ONLY())).gateway!;
  const kong = parse(compileGateway(g, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const traefik = parse(compileGateway(g, 'traefik', {}).files.find((f) => /\.ya?ml$/.test(f.path))!.contents) as TraefikConfig;
  const deny = { auth: () => ({ status: 401 }) };

  it('control: /v1/files/42 without a key is refused on both', () => {
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/files/42' }, { DECK_ALICE_KEY: KEY }).upstream).toBeUndefined();
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/files/42', tls: true }, deny).backend).toBeUndefined();
  });

  it.fails('FAILS (open): Kong: nothing a folding backend reads as /files/42 reaches it without a key', () => {
    const up = evaluate(kong, { method: 'GET', host: HOST, path: '/v1/files/42.json' }, { DECK_ALICE_KEY: KEY }).upstream;
    expect(up && folded(up.path)).not.toBe('/files/42');
  });

  it.fails('FAILS (open): Traefik: nothing a folding backend reads as /files/42 reaches it without a key', () => {
    const b = send(traefik, { method: 'GET', host: HOST, target: '/v1/files/42.json', tls: true }, deny).backend;
    expect(b && folded(b.path)).not.toBe('/files/42');
  });
});

describe.skipIf(!NGINX)('red team 19, nginx (real requests): /v1/files/42.json reaches the backend without a key', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(MIXED_ONLY(), { env: { ALICE_KEY: KEY } });
  });
  afterAll(async () => lab?.stop());

  it('control: /v1/files/42 is 401 without a key, 200 with it', async () => {
    const r = await lab.call('GET', '/v1/files/42');
    expect(r.r.status).toBe(401);
    expect(r.hits).toEqual([]);
    expect((await lab.call('GET', '/v1/files/42', { 'x-api-key': KEY })).r.status).toBe(200);
  });

  it.fails("FAILS (open): no request without a key reaches the backend at a path it folds to the keyed /files/42", async () => {
    const { hits } = await lab.call('GET', '/v1/files/42.json');
    expect(hits.filter((h) => folded(h.path) === '/files/42' && h.headers['x-api-key'] === undefined)).toEqual([]);
  });
});
