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

/** The error codes the whole pipeline (capability check, target compile, shared refusals) gives. */
const refusals = async (file: string, target: string) =>
  (await buildTarget(file, { target, options: {} })).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('red team 3b: a public literal route that is a case/suffix variant of a keyed one', () => {
  it('control: with pathMatching: exact the spec builds (the backend took at its word)', async () => {
    const b = await buildTarget(writeSpec(spec('/Admin', true)), { target: 'kong', options: {} });
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  for (const pub of VARIANTS) {
    it(`FIXED: kong: public '${pub}' beside a keyed /admin: forwarded anonymously as ${pub} (read as /admin by a case-blind/suffix backend)`, async () => {
      const loaded = await gatewayOf(spec(pub));
      const built = compileGateway(loaded.gateway!, 'kong', {});
      if (built.diagnostics.some((d) => d.severity === 'error')) return; // refused: held
      const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
      expect(evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/admin' }).status).toBe(401);
      const out = evaluate(doc, { method: 'GET', host: 'api.test', path: `/v1${pub}` });
      expect(out.status === 200 && readsAs(out.upstream?.path ?? '') === '/admin', `${out.status} ${out.upstream?.path}`).toBe(false);
    });

    it(`FIXED: traefik: public '${pub}' beside a keyed /admin: refused (param-variant-reaches-protected), never forwarded anonymously (Traefik oracle)`, async () => {
      const file = writeSpec(spec(pub));
      // The variant check runs in the pipeline for every target (targets/compile.ts), not in compileTraefik.
      expect(await refusals(file, 'traefik')).toContain('param-variant-reaches-protected');
      const { built } = await compileCase(file);
      if (!built?.config || (await refusals(file, 'traefik')).length > 0) return; // refused: held
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
    it(`FIXED: ${target}: a public literal /status with upstreamPath /admin (the keyed route's own backend path) builds`, async () => {
      const text = spec('/status').replace('x-gateway: { public: true }', 'x-gateway: { public: true, upstreamPath: /admin }');
      const b = await buildTarget(writeSpec(text), { target, options: {} });
      expect(b.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toContain('upstream-param-reaches-protected');
    });
  }

  // Kong-compatible input: `x-kong-route-defaults: { strip_path: true }` (common in openapi2kong
  // specs) becomes upstreamPath "" on every route, so the keyed /admin and the public /status both
  // forward to the backend's own path /svc/: the public route serves the keyed route's backend
  // path to anyone. Only kong-strip-path-slash (a warning about the slash) is said.
  it('FIXED: kong: x-kong-route-defaults strip_path: a public /status forwards to /svc/, the keyed /admin\'s own backend path (Kong oracle)', async () => {
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
  it("FIXED: kong: a public /{p}/ beside a keyed /admin: GET /v1/admin/ is forwarded anonymously as /admin/ (Kong oracle)", async () => {
    const loaded = await gatewayOf(SLASH);
    if (!loaded.gateway || loaded.diagnostics.some((d) => d.severity === 'error')) return;
    const built = compileGateway(loaded.gateway, 'kong', {});
    if (built.diagnostics.some((d) => d.severity === 'error')) return; // refused: held
    const out = evaluate(parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc, { method: 'GET', host: 'api.test', path: '/v1/admin/' });
    expect(out.status === 200 && readsAs(out.upstream?.path ?? '') === '/admin', `${out.status} ${out.upstream?.path}`).toBe(false);
  });
  it("FIXED: traefik: a public /{p}/ beside a keyed /admin: refused, GET /v1/admin/ never forwarded anonymously as /admin/ (Traefik oracle)", async () => {
    const file = writeSpec(SLASH);
    expect(await refusals(file, 'traefik')).toContain('param-variant-reaches-protected');
    const { built } = await compileCase(file);
    if (!built?.config || (await refusals(file, 'traefik')).length > 0) return; // refused: held
    const out = send(built.config as TraefikConfig, { method: 'GET', host: 'api.test', target: '/v1/admin/', tls: true }, { auth: {} });
    expect(out.status === 200 && readsAs(out.backend?.path ?? '') === '/admin', `${out.status} ${out.backend?.path}`).toBe(false);
  });
});

// Our own variants of the class (security engineer, red team 3b fixes): the readings of
// param-variants.ts (case, `;` parameters, trailing dots, a format suffix, a trailing slash) on
// literal routes and nested paths, the opt-out, and what must still build.
describe('red team 3b fixes: literal routes read as a protected one', () => {
  const nested = (pub: string, extra = '') => spec(pub).replace('  /admin:\n', '  /users/me:\n').replace("backends: { app: { url: 'http://app.internal:8080' } }", `backends: { app: { url: 'http://app.internal:8080'${extra} } }`);
  for (const pub of ['/ADMIN', '/admin.xml', '/admin..', '/aDmIn;jsessionid=1', '/admin.json/', '/admin;v=1.json']) {
    for (const target of ['kong', 'traefik', 'nginx']) {
      it(`${target}: public '${pub}' beside a keyed /admin is refused`, async () => {
        expect(await refusals(writeSpec(spec(pub)), target)).toContain('param-variant-reaches-protected');
      });
    }
  }
  for (const pub of ['/Users/me', '/users/ME', '/users/me.json', '/users/me/']) {
    it(`kong: public '${pub}' beside a keyed /users/me is refused, with the route and the other named`, async () => {
      const b = await buildTarget(writeSpec(nested(pub)), { target: 'kong', options: {} });
      const d = b.diagnostics.find((x) => x.code === 'param-variant-reaches-protected');
      expect(d?.params).toEqual({ route: 'pub', other: 'admin', values: `the path /v1${pub}` });
    });
    it(`kong: '${pub}' beside /users/me builds when the backend matches paths exactly`, async () => {
      expect(await refusals(writeSpec(nested(pub, ', pathMatching: exact')), 'kong')).toEqual([]);
    });
  }
  for (const pub of VARIANTS) {
    it(`traefik: '${pub}' beside /admin builds when the backend matches paths exactly`, async () => {
      expect(await refusals(writeSpec(spec(pub, true)), 'traefik')).toEqual([]);
    });
  }
  it('controls: a variant on another server, under another method, or a path that only starts alike builds', async () => {
    const other = spec('/Admin').replace("backends: { app: { url: 'http://app.internal:8080' } }", "backends: { app: { url: 'http://app.internal:8080' }, web: { url: 'http://web.internal:8080' } }").replace('x-gateway: { public: true }', 'x-gateway: { public: true, backend: web }');
    expect(await refusals(writeSpec(other), 'kong')).toEqual([]);
    const post = spec('/Admin').replace("'/Admin':\n    get:", "'/Admin':\n    post:");
    expect(await refusals(writeSpec(post), 'kong')).toEqual([]);
    for (const pub of ['/administrator', '/admin2', '/admin/x', '/adm']) expect(await refusals(writeSpec(spec(pub)), 'kong'), pub).toEqual([]);
  });
  it('a keyed literal beside a differently keyed variant is refused too (fewer callers on the other side)', async () => {
    const text = spec('/Admin')
      .replace("'/Admin':\n    get: { operationId: pub, x-gateway: { public: true }, security: [],", "'/Admin':\n    get: { operationId: pub, security: [{ basic: [] }],")
      .replace('    key: { type: apiKey', '    basic: { type: http, scheme: basic }\n    key: { type: apiKey');
    expect(await refusals(writeSpec(text), 'nginx')).toContain('param-variant-reaches-protected');
  });

  it('kong/traefik/nginx: a public /status with upstreamPath /ADMIN (a case variant of the keyed path) is refused, and builds with pathMatching: exact', async () => {
    const text = (exact: boolean) => spec('/status', exact).replace('x-gateway: { public: true }', 'x-gateway: { public: true, upstreamPath: /ADMIN }');
    for (const target of ['kong', 'traefik', 'nginx']) {
      expect(await refusals(writeSpec(text(false)), target), target).toContain('param-variant-reaches-protected');
      expect(await refusals(writeSpec(text(true)), target), target).toEqual([]);
    }
  });
  it('every target: a public /status with upstreamPath /admin;v=1 or /./admin or /x/../admin is refused, also with pathMatching: exact (URL normalisation, not folding)', async () => {
    for (const up of ['/admin;v=1', '/./admin', '/x/../admin', '/%2e/admin', '/x/%2E%2E/admin', '/admin/']) {
      for (const target of ['kong', 'traefik', 'nginx']) {
        const text = spec('/status', true).replace('x-gateway: { public: true }', `x-gateway: { public: true, upstreamPath: '${up}' }`);
        const codes = await refusals(writeSpec(text), target);
        expect(codes, `${target} ${up}`).toContain('upstream-param-reaches-protected');
      }
    }
  });
  it('aws (REST and HTTP API): a public /status with upstreamPath /admin is refused at the upstreamPath', async () => {
    const text = `${HEAD}servers: [{ url: 'https://api.example.com/v1' }]
x-gateway:
  name: rt3a
  backends: { app: { url: 'https://app.example.com' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:A}' } }
paths:
  /admin: { get: { operationId: admin, security: [{ key: [] }], responses: ${ok} } }
  /status: { get: { operationId: status, x-gateway: { public: true, upstreamPath: /admin }, security: [], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
    for (const options of [{}, { 'aws.api': 'http' }] as Array<Record<string, string>>) {
      const b = await buildTarget(writeSpec(text), { target: 'aws', options });
      const d = b.diagnostics.find((x) => x.code === 'upstream-param-reaches-protected');
      expect(d?.params, JSON.stringify(options)).toEqual({ target: 'aws', route: 'status', other: 'admin', upstream: '/admin', values: '' });
      expect(d?.loc?.pointer).toBe('/paths/~1status/get/x-gateway/upstreamPath');
    }
  });
  it('kong input strip_path: two keyed routes of different schemes both forwarded to /svc/ are refused; all public builds', async () => {
    const text = (a: string, b: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-kong-route-defaults: { strip_path: true }
x-gateway:
  name: rt3l
  backends: { app: { url: 'http://app.internal:8080/svc' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:A}', basic: { username: alice, password: '\${env:P}' } } }
paths:
  /admin: { get: { operationId: admin, ${a}, responses: ${ok} } }
  /status: { get: { operationId: status, ${b}, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
    basic: { type: http, scheme: basic }
`;
    const kong = async (t: string) => {
      const loaded = await gatewayOf(t);
      return compileGateway(loaded.gateway!, 'kong', {}).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    };
    expect(await kong(text('security: [{ key: [] }]', 'security: [{ basic: [] }]'))).toContain('upstream-param-reaches-protected');
    const pub = 'x-gateway: { public: true }, security: []';
    expect(await kong(text(pub, pub))).toEqual([]);
  });
});
