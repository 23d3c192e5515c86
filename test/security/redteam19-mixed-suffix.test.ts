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
 * Mechanism (was): param-variants.ts variantValues skipped a segment where the protected route
 * has a parameter, and with no literal hit the witness `/files/x.json` was `identical` to
 * `/files/{id}` as a template, so it was left to upstream-reach.ts, which reads paths unfolded.
 *
 * Fixed: a mixed segment of ours whose folded reading (suffix, trailing dots, `;...` dropped) is a
 * whole parameter, facing a whole parameter of theirs, makes the pair a folding-only join: refused
 * at build on every target (param-variant-reaches-protected at the public operation), lint at the
 * same line:col, unless both backends say pathMatching: exact (control below: exact builds). The
 * refusal tests below were it.fails on the old code (oracles: the build carried the public route).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import type { Gateway } from '../../src/model/types.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
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
/**
 * Since PV21 the model refuses a public mixed `{name}.json` tried before a keyed `{id}` on any
 * backend (route-ambiguous-unprotected: a backend ranking by declaration order runs `{id}` for
 * `/files/42.json` whatever its pathMatching), so no spec of this shape loads. The targets' own
 * check is still this suite's: `past` loads the spec with fileMeta keyed and makes it public in
 * the model, the gateway a user would have if the model let it through.
 */
const keyedMeta = (text: string) =>
  text.replace('operationId: fileMeta, x-gateway: { public: true }', 'operationId: fileMeta, security: [{ key: [] }]').replace('operationId: fileMeta, x-gateway: { public: true, ', 'operationId: fileMeta, security: [{ key: [] }], x-gateway: { ');
const metaPublic = (g: Gateway) => {
  for (const r of g.routes) if (r.id === 'fileMeta') Object.assign(r, { security: [], declaredPublic: true });
};
const past = async (text: string) => {
  const g = (await gatewayOf(keyedMeta(text))).gateway!;
  metaPublic(g);
  return g;
};
/** How Rails (`:id(.:format)`) and Spring suffix patterns read a backend path. */
const folded = (path: string) => path.replace(/\.[^./]*$/, '');

describe('red team 19: a public {name}.json beside a keyed {id} of one folding backend', () => {
  it('control: the literal /admin.json beside keyed /admin is refused on nginx, Kong and Traefik; pathMatching: exact builds the mixed pair', async () => {
    const g = await past(spec());
    for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(g, t, {}).diagnostics), t).toContain('adminJson');
    const exact = await past(MIXED_ONLY(', pathMatching: exact'));
    for (const t of ['nginx', 'kong', 'traefik']) expect(compileGateway(exact, t, {}).diagnostics.filter((d) => d.severity === 'error'), t).toEqual([]);
  });

  it('the mixed template fileMeta is refused too, on every target, at its operation (past the model, PV21)', async () => {
    const g = await past(MIXED_ONLY());
    for (const t of ['nginx', 'kong', 'traefik', 'aws']) {
      const b = compileGateway(g, t, {});
      expect(b.files, t).toEqual([]);
      expect(b.diagnostics.filter((d) => d.code === 'param-variant-reaches-protected').map((d) => [d.params, d.loc?.pointer]), t).toEqual([
        [{ route: 'fileMeta', other: 'file', values: 'the path /v1/files/{name}.json' }, '/paths/~1files~1{name}.json/get'],
      ]);
    }
  });

  it('PV21: the spec itself is refused by the model on every build and lint, at the keyed path key, same line:col (any pathMatching)', async () => {
    for (const text of [MIXED_ONLY(), MIXED_ONLY(', pathMatching: exact')]) {
      const file = writeSpec(text);
      for (const t of ['nginx', 'kong', 'traefik', 'aws']) {
        const b = await buildTarget(file, { target: t });
        expect(b.files ?? [], t).toEqual([]);
        const at = (ds: typeof b.diagnostics) => ds.filter((d) => d.code === 'route-ambiguous-unprotected').map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
        expect(at(b.diagnostics), t).toEqual([['/paths/~1files~1{id}', expect.any(Number), expect.any(Number)]]);
        expect(at((await lint(file, { target: t } as Parameters<typeof lint>[1])).diagnostics), t).toEqual(at(b.diagnostics));
      }
    }
  });

  it('variants of the class: an upstreamPath {x};v=1 or {x}%2e, a trailing dot, another suffix (.png) are refused; a keyed mixed beside a public {id} too (red team 20)', async () => {
    const variant = (from: string, to: string) => spec().replace(/^ {2}\/admin.*\n/gm, '').replace(from, to);
    const pub = (path: string, extra = '') => `  ${path}:\n    get: { operationId: fileMeta, x-gateway: { public: true${extra} }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }\n`;
    const line = /^ {2}\/files\/\{name\}\.json:\n.*\n/m;
    for (const [label, text] of [
      ['png', variant('/files/{name}.json:', '/files/{name}.png:')],
      ['trailing dot', spec().replace(/^ {2}\/admin.*\n/gm, '').replace(line, pub('/files/{name}.'))],
      ['upstreamPath ;v=1', spec().replace(/^ {2}\/admin.*\n/gm, '').replace(line, pub('/meta/{name}', ', upstreamPath: "/files/{name};v=1"'))],
      ['upstreamPath %2e', spec().replace(/^ {2}\/admin.*\n/gm, '').replace(line, pub('/meta/{name}', ', upstreamPath: "/files/{name}%2e"'))],
    ] as const) {
      const g = await past(text);
      for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(g, t, {}).diagnostics), `${label} ${t}`).toEqual(['fileMeta']);
    }
    // The other way round (keyed mixed, public whole parameter) is refused too since red team 20
    // (redteam20-fold-pairs (b)): /files/42 is the resource /files/42.json protects to a backend that
    // reads the suffix as a format (Accept: application/json gets the same JSON).
    const flipped = (await gatewayOf(spec().replace(/^ {2}\/admin.*\n/gm, '').replace('security: [{ key: [] }], parameters: [{ name: id', 'x-gateway: { public: true }, parameters: [{ name: id').replace('x-gateway: { public: true }, parameters: [{ name: name', 'security: [{ key: [] }], parameters: [{ name: name'))).gateway!;
    for (const t of ['nginx', 'kong', 'traefik']) expect(refusals(compileGateway(flipped, t, {}).diagnostics), t).toEqual(['file']);
  });
});

// The folded build is refused, so no config of it exists to attack; the oracles and the real nginx
// read the build the user may still have: pathMatching: exact, on their word.
const EXACT = MIXED_ONLY(', pathMatching: exact');

describe('red team 19, oracles: Kong and Traefik', async () => {
  const g = await past(MIXED_ONLY());
  const x = await past(EXACT);
  const kong = parse(compileGateway(x, 'kong', {}).files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const traefik = parse(compileGateway(x, 'traefik', {}).files.find((f) => /\.ya?ml$/.test(f.path))!.contents) as TraefikConfig;
  const deny = { auth: () => ({ status: 401 }) };

  it('control (exact build): /v1/files/42 without a key is refused on both', () => {
    expect(evaluate(kong, { method: 'GET', host: HOST, path: '/v1/files/42' }, { DECK_ALICE_KEY: KEY }).upstream).toBeUndefined();
    expect(send(traefik, { method: 'GET', host: HOST, target: '/v1/files/42', tls: true }, deny).backend).toBeUndefined();
  });

  it('Kong and Traefik: the folded build is refused, so nothing forwards /files/42.json to a folding backend without a key (was it.fails)', () => {
    for (const t of ['kong', 'traefik']) {
      const b = compileGateway(g, t, {});
      expect(b.files, t).toEqual([]);
      expect(refusals(b.diagnostics), t).toEqual(['fileMeta']);
    }
  });
});

describe.skipIf(!NGINX)('red team 19, nginx (real requests)', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(keyedMeta(EXACT), { env: { ALICE_KEY: KEY }, edit: metaPublic });
  });
  afterAll(async () => lab?.stop());

  it('control (exact build): /v1/files/42 is 401 without a key, 200 with it; /v1/files/42.json is the public route', async () => {
    const r = await lab.call('GET', '/v1/files/42');
    expect(r.r.status).toBe(401);
    expect(r.hits).toEqual([]);
    expect((await lab.call('GET', '/v1/files/42', { 'x-api-key': KEY })).r.status).toBe(200);
    const { hits } = await lab.call('GET', '/v1/files/42.json');
    expect(hits.map((h) => h.path)).toEqual(['/files/42.json']);
  });

  it('the folded build is refused on nginx, so no nginx config forwards /files/42.json (which a folding backend reads as /files/42) without a key (was it.fails)', async () => {
    const b = compileGateway(await past(MIXED_ONLY()), 'nginx', {});
    expect(b.files).toEqual([]);
    expect(refusals(b.diagnostics)).toEqual(['fileMeta']);
    expect(folded('/files/42.json')).toBe('/files/42');
  });
});
