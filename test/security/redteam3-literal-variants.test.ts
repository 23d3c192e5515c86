/**
 * Red team 3b (DESIGN.md 7.5). param-variants.ts refuses a public PARAMETER whose case or suffix
 * variant a backend that does not declare `pathMatching: exact` reads as a more protected literal
 * route (ASP.NET Core, IIS, Spring, Rails formats; a83c57b). The same backend reads a public
 * LITERAL route that is such a variant of the protected one (`/Admin`, `/admin.json`, `/admin/`,
 * `/admin.`, `/admin;x` beside a keyed `/admin`) as the protected handler, and nothing refuses
 * it: the public route forwards the request unchanged, with no credential. Fix: run the variant
 * comparison on literal routes too (same backend server and method, fewer callers on the other
 * side), refused unless the backend says pathMatching: exact.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, compileGateway } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (pub: string, exact = false) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt3l
  backends: { app: { url: 'http://app.internal:8080'${exact ? ', pathMatching: exact' : ''} } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:A}' } }
paths:
  /admin:
    get: { operationId: admin, security: [{ key: [] }], responses: ${ok} }
  '${pub}':
    get: { operationId: pub, x-gateway: { public: true }, security: [], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
`;

/** Case-blind, trailing slash, format suffix, trailing dots and matrix parameters dropped. */
const readsAs = (path: string) => path.split('/').map((s) => s.split(';')[0]!.replace(/\.(json|xml)$/i, '').replace(/\.+$/, '')).join('/').replace(/(.)\/$/, '$1').toLowerCase();

const VARIANTS = ['/Admin', '/admin.json', '/admin/', '/admin.', '/admin;x'];

describe('red team 3b: a public literal route that is a case/suffix variant of a keyed one', () => {
  it('control: with pathMatching: exact the spec builds (the backend took at its word)', async () => {
    const b = await buildTarget(writeSpec(spec('/Admin', true)), { target: 'kong', options: {} });
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  for (const pub of VARIANTS) {
    it.fails(`BROKE: kong: public '${pub}' beside a keyed /admin: forwarded anonymously as ${pub} (read as /admin by a case-blind/suffix backend)`, async () => {
      const loaded = await gatewayOf(spec(pub));
      const built = compileGateway(loaded.gateway!, 'kong', {});
      if (built.diagnostics.some((d) => d.severity === 'error')) return; // refused: held
      const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
      expect(evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/admin' }).status).toBe(401);
      const out = evaluate(doc, { method: 'GET', host: 'api.test', path: `/v1${pub}` });
      expect(out.status === 200 && readsAs(out.upstream?.path ?? '') === '/admin', `${out.status} ${out.upstream?.path}`).toBe(false);
    });

    it.fails(`BROKE: traefik: public '${pub}' beside a keyed /admin: forwarded anonymously (Traefik oracle)`, async () => {
      const { built } = await compileCase(writeSpec(spec(pub)));
      if (!built) return; // refused: held
      const config = built.config as TraefikConfig;
      const out = send(config, { method: 'GET', host: 'api.test', target: `/v1${pub}`, tls: true }, { auth: {} });
      expect(out.status === 200 && readsAs(out.backend?.path ?? '') === '/admin', `${out.status} ${out.backend?.path}`).toBe(false);
    });
  }

  // The literal form of upstream-param-reaches-protected: upstream-reach.ts skips routes without a
  // parameter (`if (!own.some((s) => s.kind !== 'literal')) continue`), so a public /status whose
  // upstreamPath is the keyed route's own backend path /admin builds everywhere. (An explicit
  // alias, but the class the check exists for: gwc diff calls /status -> /admin/dump security.)
  for (const target of ['kong', 'traefik', 'nginx']) {
    it.fails(`BROKE: ${target}: a public literal /status with upstreamPath /admin (the keyed route's own backend path) builds`, async () => {
      const text = spec('/status').replace('x-gateway: { public: true }', 'x-gateway: { public: true, upstreamPath: /admin }');
      const b = await buildTarget(writeSpec(text), { target, options: {} });
      expect(b.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('upstream-param-reaches-protected');
    });
  }

  // Kong-compatible input: `x-kong-route-defaults: { strip_path: true }` (common in openapi2kong
  // specs) becomes upstreamPath "" on every route, so the keyed /admin and the public /status both
  // forward to the backend's own path /svc/: the public route serves the keyed route's backend
  // path to anyone. Only kong-strip-path-slash (a warning about the slash) is said.
  it.fails('BROKE: kong: x-kong-route-defaults strip_path: a public /status forwards to /svc/, the keyed /admin\'s own backend path (Kong oracle)', async () => {
    const text = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-kong-route-defaults: { strip_path: true }
x-gateway:
  name: rt3l
  backends: { app: { url: 'http://app.internal:8080/svc' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:A}' } }
paths:
  /admin: { get: { operationId: admin, security: [{ key: [] }], responses: ${ok} } }
  /status: { get: { operationId: status, x-gateway: { public: true }, security: [], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
    const loaded = await gatewayOf(text);
    if (!loaded.gateway || loaded.diagnostics.some((d) => d.severity === 'error')) return; // refused: held
    const built = compileGateway(loaded.gateway, 'kong', {});
    if (built.diagnostics.some((d) => d.severity === 'error')) return;
    const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    const keyed = evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/admin', headers: { 'x-api-key': 'k' } }, { DECK_A: 'k' });
    expect(keyed.status).toBe(200);
    const pub = evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/status' });
    expect(pub.status === 200 && pub.upstream?.path === keyed.upstream?.path, `${pub.status} ${pub.upstream?.path} / keyed ${keyed.upstream?.path}`).toBe(false);
  });

  // A public PARAMETER route whose template ends in a slash, /{p}/, beside the keyed /admin: the
  // value admin is none of param-variants' variants (ADMIN, admin.json, admin.), and upstream-reach
  // compares /admin/ with /admin exactly, so GET /v1/admin/ is forwarded anonymously as /admin/,
  // which a trailing-slash-tolerant backend (Express non-strict, Spring before 6, ASP.NET, Rails)
  // serves as /admin. Fix: count a trailing slash (the template's literal text after the
  // parameter) among the variants.
  const SLASH = spec('/{p}/').replace('x-gateway: { public: true }', 'x-gateway: { public: true }, parameters: [{ name: p, in: path, required: true, schema: { type: string } }]');
  it.fails("BROKE: kong: a public /{p}/ beside a keyed /admin: GET /v1/admin/ is forwarded anonymously as /admin/ (Kong oracle)", async () => {
    const loaded = await gatewayOf(SLASH);
    if (!loaded.gateway || loaded.diagnostics.some((d) => d.severity === 'error')) return;
    const built = compileGateway(loaded.gateway, 'kong', {});
    if (built.diagnostics.some((d) => d.severity === 'error')) return; // refused: held
    const out = evaluate(parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc, { method: 'GET', host: 'api.test', path: '/v1/admin/' });
    expect(out.status === 200 && readsAs(out.upstream?.path ?? '') === '/admin', `${out.status} ${out.upstream?.path}`).toBe(false);
  });
  it.fails("BROKE: traefik: a public /{p}/ beside a keyed /admin: GET /v1/admin/ is forwarded anonymously as /admin/ (Traefik oracle)", async () => {
    const { built } = await compileCase(writeSpec(SLASH));
    if (!built) return; // refused: held
    const out = send(built.config as TraefikConfig, { method: 'GET', host: 'api.test', target: '/v1/admin/', tls: true }, { auth: {} });
    expect(out.status === 200 && readsAs(out.backend?.path ?? '') === '/admin', `${out.status} ${out.backend?.path}`).toBe(false);
  });
});
