/**
 * Red team of the method-override contract (DESIGN.md section 7.5) after
 * `x-gateway.backends.*.methodOverride: none` (src/targets/body-override.ts):
 * - the body `_method` refusal (Traefik, AWS) groups operations by backend NAME and the upstream
 *   path TEMPLATE as written; attacks reach the same backend handler through another name for the
 *   same server, another parameter name, or a literal path under a template;
 * - the declaration changes no output on any target (header and query overrides are cleared
 *   whatever it says);
 * - HEAD beside a protected GET (frameworks run the GET handler for HEAD): real nginx, and the
 *   router oracles of Kong and Traefik through their outputs.
 * Attacks that succeed and are not fixed here are `it.fails` with a comment naming the bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { diagnosticsOf, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';
import { send } from '../targets/nginx/harness.js';
import { parse } from 'yaml';
import { readHeaderFamily } from '../../src/targets/kong/header-family.js';

/** The header names of every Kong header-family chunk in a decK file, one per line. */
function familyNames(deck: string): string {
  const chunks: string[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.name === 'pre-function' && Array.isArray((o.config as { access?: unknown })?.access)) chunks.push(...((o.config as { access: string[] }).access));
      Object.values(o).forEach(walk);
    }
  };
  walk(parse(deck));
  return chunks.flatMap((c) => readHeaderFamily(c) ?? []).join('\n');
}

type Target = 'traefik' | 'aws';
const SCHEME: Record<Target, { scheme: string; consumers: string }> = {
  traefik: { scheme: '{ type: http, scheme: basic }', consumers: "    ops: { credentials: { key: { username: ops, password: '${env:OPS_PASSWORD}' } } }\n" },
  aws: { scheme: '{ type: apiKey, in: header, name: x-api-key }', consumers: "    ops: { credentials: { key: '${env:OPS_KEY}' } }\n" },
};
const ok = "responses: { '200': { description: ok } }";

/** `paths` is the YAML under `paths:` (two-space indented path keys). */
function spec(t: Target, backends: string, paths: string): string {
  return `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
${backends}  defaults: { backend: app }
  consumers:
${SCHEME[t].consumers}paths:
${paths}components:
  securitySchemes:
    key: ${SCHEME[t].scheme}
`;
}
const APP = '    app: { url: https://app.example.com }\n';
const ID = (n: string) => `[{ name: ${n}, in: path, required: true, schema: { type: string } }]`;
const errorsOf = (ds: Array<{ severity: string; code: string }>) => ds.filter((d) => d.severity === 'error').map((d) => d.code);

describe.each(['traefik', 'aws'] as const)('%s: the body _method refusal finds the backend handler', (t) => {
  const code = `${t}-body-method-override`;
  const refused = async (text: string) => {
    const b = await buildTarget(writeSpec(text), { target: t });
    expect(errorsOf(b.diagnostics as never)).toContain(code);
    expect(b.files).toEqual([]);
  };

  // HELD (baseline): one backend name, one template.
  it('baseline: a public POST beside a keyed DELETE of /items is refused', async () => {
    await refused(spec(t, APP, `  /items:\n    post: { operationId: add, x-gateway: { public: true }, ${ok} }\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`));
  });

  // HELD: methodOverride: none on backend `other` lifts nothing for a POST on `app`.
  it('methodOverride: none on another backend lifts nothing', async () => {
    await refused(spec(t, `${APP}    other: { url: https://other.example.com, methodOverride: none }\n`, `  /items:\n    post: { operationId: add, x-gateway: { public: true }, ${ok} }\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`));
  });

  // FIXED (was BROKE): operations were grouped by backend NAME, so the same server under a second
  // name was "another backend": the POST on `twin` was admitted anonymously and the Rails app
  // behind both names ran its DELETE /items. Now grouped by server (scheme://host:port of each
  // target) and the URL path + upstream path.
  it('FIXED: the same server under two backend names is one backend (public POST on one, keyed DELETE on the other)', async () => {
    await refused(spec(t, `${APP}    twin: { url: https://app.example.com }\n`, `  /items:\n    post: { operationId: add, x-gateway: { public: true, backend: twin }, ${ok} }\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`));
  });

  // FIXED (was BROKE): the upstream path was compared as a string, so `/items/{x}` and
  // `/items/{id}` were two backend paths although the backend dispatches both to one handler.
  it('FIXED: an upstreamPath template with another parameter name reaches the keyed handler', async () => {
    await refused(
      spec(
        t,
        APP,
        `  /drop/{x}:\n    post: { operationId: add, parameters: ${ID('x')}, x-gateway: { public: true, upstreamPath: '/items/{x}' }, ${ok} }\n` +
          `  /items/{id}:\n    delete: { operationId: wipe, parameters: ${ID('id')}, security: [{ key: [] }], ${ok} }\n`,
      ),
    );
  });

  // FIXED (was BROKE): a POST /items/{id} route also takes POST /items/admin (no POST operation of
  // its own there), and the backend runs DELETE /items/admin for `_method=DELETE`. Only equal
  // templates were compared; now every operation whose backend path a request of the POST can be.
  it('FIXED: a public POST /items/{id} reaches the keyed DELETE /items/admin', async () => {
    await refused(
      spec(
        t,
        APP,
        `  /items/{id}:\n    post: { operationId: add, parameters: ${ID('id')}, x-gateway: { public: true }, ${ok} }\n` +
          `  /items/admin:\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`,
      ),
    );
  });

  it('the reverse overlap: a public POST /items/admin reaches the keyed DELETE /items/{id} (id=admin)', async () => {
    await refused(
      spec(
        t,
        APP,
        `  /items/admin:\n    post: { operationId: add, x-gateway: { public: true }, ${ok} }\n` +
          `  /items/{id}:\n    delete: { operationId: wipe, parameters: ${ID('id')}, security: [{ key: [] }], ${ok} }\n`,
      ),
    );
  });

  it('the backend URL path counts: /items on https://app/v1 is /v1/items on https://app', async () => {
    await refused(
      spec(
        t,
        `${APP}    v1: { url: https://APP.example.com:443/v1 }\n`,
        `  /items:\n    post: { operationId: add, x-gateway: { public: true, backend: v1 }, ${ok} }\n` +
          `  /v1/items:\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`,
      ),
    );
  });

  it('a weighted backend sharing one server with another backend', async () => {
    const split = '    split: { targets: [{ url: https://blue.example.com, weight: 90 }, { url: https://app.example.com, weight: 10 }] }\n';
    const b = await buildTarget(
      writeSpec(spec(t, `${APP}${split}`, `  /items:\n    post: { operationId: add, x-gateway: { public: true, backend: split }, ${ok} }\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`)),
      { target: t },
    );
    // AWS REST has no weighted backend (refused on its own); where it builds, the override is refused.
    if (b.files.length > 0) throw new Error('built: a POST on a weighted backend reaches the keyed DELETE of a server it shares');
    if (t === 'traefik') expect(errorsOf(b.diagnostics as never)).toContain(code);
  });

  it.each([
    ['another server', `${APP}    other: { url: https://other.example.com }\n`, `  /items:\n    post: { operationId: add, x-gateway: { public: true, backend: other }, ${ok} }\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`],
    ['a longer path under the template', APP, `  /items/{id}:\n    post: { operationId: add, parameters: ${ID('id')}, x-gateway: { public: true }, ${ok} }\n  /items/{id}/audit:\n    delete: { operationId: wipe, parameters: ${ID('id')}, security: [{ key: [] }], ${ok} }\n`],
    ['another literal', APP, `  /items/open:\n    post: { operationId: add, x-gateway: { public: true }, ${ok} }\n  /items/admin:\n    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }\n`],
  ])('still builds: %s', async (_what, backends, paths) => {
    const b = await buildTarget(writeSpec(spec(t, backends, paths)), { target: t });
    expect(errorsOf(b.diagnostics as never)).toEqual([]);
    expect(b.files.length).toBeGreaterThan(0);
  });
});

// The declaration may only lift the body refusal: every header and query override stays cleared,
// so a spec that builds either way compiles to the same bytes with and without it, on every target.
describe.each(['nginx', 'kong', 'traefik', 'aws'] as const)('%s: methodOverride: none changes no output', (t) => {
  it('same files with and without the declaration (header/query overrides cleared either way)', async () => {
    const text = (declared: boolean) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com${declared ? ', methodOverride: none' : ''} }
  defaults: { backend: app }
  consumers:
    ops: { credentials: { key: '\${env:OPS_KEY}' } }
paths:
  /items:
    post: { operationId: add, security: [{ key: [] }], ${ok} }
    delete: { operationId: wipe, security: [{ key: [] }], ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
    // Traefik verifies basic auth itself, not API keys.
    const forTarget = (x: string) =>
      t !== 'traefik'
        ? x
        : x
            .replace('key: { type: apiKey, in: header, name: x-api-key }', 'key: { type: http, scheme: basic }')
            .replace("ops: { credentials: { key: '${env:OPS_KEY}' } }", "ops: { credentials: { key: { username: ops, password: '${env:OPS_KEY}' } } }");
    const [a, b] = await Promise.all([buildTarget(writeSpec(forTarget(text(false))), { target: t }), buildTarget(writeSpec(forTarget(text(true))), { target: t })]);
    expect(errorsOf(a.diagnostics as never)).toEqual([]);
    expect(a.files.length).toBeGreaterThan(0);
    expect(b.files.map((f) => [f.path, f.contents])).toEqual(a.files.map((f) => [f.path, f.contents]));
    // The override headers are named in the output (cleared), whatever the declaration says: on
    // Kong in the header-family pre-function chunk (header-family.ts, names `\ddd`-escaped words).
    const named = (text: string) => (t === 'kong' ? familyNames(text) : text.toLowerCase());
    expect(b.files.map((f) => named(f.contents)).join('\n')).toMatch(/x[-_]http[-_]method[-_]override/);
  });
});

// ---- HEAD beside a protected GET -------------------------------------------------------------

const HEAD_SPEC = `openapi: 3.1.0
info: { title: head, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rth
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    ops: { credentials: { hkey: "\${env:OPS_KEY}" } }
paths:
  /report:
    get: { operationId: report, security: [{ hkey: [] }], ${ok} }
    head: { operationId: reportHead, x-gateway: { public: true }, ${ok} }
  /only-get:
    get: { operationId: onlyGet, security: [{ hkey: [] }], ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

/** The HEAD given the GET's security: it builds, and nginx must keep it as closed as the GET. */
const KEYED_HEAD = HEAD_SPEC.replace('head: { operationId: reportHead, x-gateway: { public: true },', 'head: { operationId: reportHead, security: [{ hkey: [] }],');

describe.skipIf(!NGINX)('nginx: HEAD and a protected GET (real nginx, a backend that runs its GET handler for HEAD)', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(KEYED_HEAD, {
      env: { OPS_KEY: 'ops-key-1' },
      // Express/Flask/Rails/Spring: HEAD runs the GET handler, headers and all (the report's size, its ETag, a session cookie).
      answer: (e) => (e.path.startsWith('/report') || e.path.startsWith('/only-get') ? { etag: '"secret-report-v7"', 'x-report-rows': '1200' } : undefined),
    });
  });
  afterAll(async () => lab?.stop());

  // FIXED (was BROKE, real traffic: an anonymous HEAD got 200 and the GET handler's ETag): a HEAD
  // operation declared public beside a keyed GET of the same path and backend compiled, and the
  // backend ran its GET handler for it. Now refused for every target (head-widens-get,
  // src/targets/head-get.ts); the same on Kong, Traefik and AWS below.
  it('FIXED: a public HEAD beside a keyed GET is refused at build (head-widens-get)', async () => {
    const found = (await diagnosticsOf(HEAD_SPEC)).filter((d) => d.code === 'head-widens-get');
    expect(found.map((d) => d.params)).toEqual([{ route: 'reportHead', other: 'report', path: '/report' }]);
  });

  it('a keyed HEAD beside the keyed GET: anonymous is 401 before the backend, keyed reaches it', async () => {
    const anon = await lab.call('HEAD', '/v1/report');
    expect(anon.r.status).toBe(401);
    expect(anon.hits).toEqual([]);
    expect(anon.r.headers.etag).toBeUndefined();
    const keyed = await lab.call('HEAD', '/v1/report', { 'x-api-key': 'ops-key-1' });
    expect(keyed.r.status).toBe(200);
    expect(keyed.hits).toHaveLength(1);
  });

  // HELD: with no HEAD operation, an anonymous HEAD of a keyed GET never reaches the backend.
  it('an anonymous HEAD of a GET-only keyed route is refused before the backend', async () => {
    const anon = await lab.call('HEAD', '/v1/only-get');
    // 405: the route's methods are GET (and HEAD through limit_except) only for a keyed caller.
    expect([401, 405]).toContain(anon.r.status);
    expect(anon.hits).toEqual([]);
    // A keyed HEAD is 405 too (nginx routes the declared methods only): closed, not open.
    expect((await lab.call('HEAD', '/v1/only-get', { 'x-api-key': 'ops-key-1' })).r.status).not.toBe(200);
  });

  // HELD: a HEAD with a body does not forward the body (a _method in it reaches no backend).
  it('a HEAD with a body does not forward the body to the backend', async () => {
    const before = lab.backend.hits.length;
    await send(lab.ng.port, 'HEAD', '/v1/only-get', { host: HOST, 'x-api-key': 'ops-key-1', 'content-type': 'application/x-www-form-urlencoded', 'content-length': '14' }, '_method=DELETE');
    for (const h of lab.backend.hits.slice(before)) expect(h.body).not.toContain('_method');
  });
});

// Kong routes by its `methods` list and Traefik by its Method matcher: a route for HEAD alone is
// public, so the HEAD request reaches the backend unauthenticated. The oracle: a build that
// succeeds has a route whose methods hold HEAD and no auth on it.
/** HEAD_SPEC with a public backend host (AWS refuses a private one) and a scheme the target verifies itself. */
const headSpec = (t: 'kong' | 'traefik' | 'aws') => {
  const text = HEAD_SPEC.replace('http://echo.internal:8080', 'https://app.example.com');
  return t !== 'traefik'
    ? text
    : text
        .replace('hkey: { type: apiKey, in: header, name: x-api-key }', 'hkey: { type: http, scheme: basic }')
        .replace('ops: { credentials: { hkey: "${env:OPS_KEY}" } }', "ops: { credentials: { hkey: { username: ops, password: '${env:OPS_KEY}' } } }");
};

describe.each(['kong', 'traefik', 'aws'] as const)('%s: HEAD beside a protected GET', (t) => {
  // FIXED (was BROKE, same class as nginx above): the build succeeded, so an anonymous HEAD was
  // routed to the backend, which runs its keyed GET handler.
  it('FIXED: a public HEAD beside a keyed GET of the same path and backend is refused (head-widens-get at the HEAD operation)', async () => {
    const b = await buildTarget(writeSpec(headSpec(t)), { target: t });
    expect(b.files).toEqual([]);
    const found = (b.diagnostics as Array<{ code: string; params: unknown; loc?: { pointer?: string } }>).filter((d) => d.code === 'head-widens-get');
    expect(found).toEqual([expect.objectContaining({ params: { route: 'reportHead', other: 'report', path: '/report' }, loc: expect.objectContaining({ pointer: '/paths/~1report/head' }) })]);
    // Same HEAD with the GET's security builds.
    const same = await buildTarget(writeSpec(headSpec(t).replace('head: { operationId: reportHead, x-gateway: { public: true },', 'head: { operationId: reportHead, security: [{ hkey: [] }],')), { target: t });
    expect(same.diagnostics.filter((d) => d.code === 'head-widens-get')).toEqual([]);
    expect(same.files.length).toBeGreaterThan(0);
    // Lint for the target says it at the same line (DESIGN.md 7.7).
    const linted = (await lint(writeSpec(headSpec(t)), { target: t })).diagnostics as Array<{ code: string; params: { code?: string }; position?: unknown }>;
    const said = linted.filter((d) => d.code === 'head-widens-get' || d.params?.code === 'head-widens-get');
    expect(said).toHaveLength(1);
    expect(said[0]!.position).toEqual((found[0] as { position?: unknown }).position);
  });

  // HELD: no HEAD operation. The HEAD of a keyed GET is either not routed or routed with the GET's auth.
  it('a GET-only keyed path: HEAD is not routed open', async () => {
    const text = headSpec(t).replace(/ {4}head: .*\n/, '');
    const b = await buildTarget(writeSpec(text), { target: t });
    expect(errorsOf(b.diagnostics as never)).toEqual([]);
    const out = b.files.map((f) => f.contents).join('\n');
    if (t === 'kong') {
      // Every route carrying HEAD also carries key-auth (GET routes: Kong does not add HEAD itself).
      expect(out).not.toMatch(/- HEAD/);
    }
    if (t === 'traefik') expect(out).not.toMatch(/Method\(`HEAD`\)/);
  });
});

// ---- a header override declared on one operation of a path -----------------------------------

const DECLARED_SPEC = `openapi: 3.1.0
info: { title: decl, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rtd
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    ops: { credentials: { hkey: "\${env:OPS_KEY}" } }
paths:
  /things:
    get:
      operationId: listThings
      # Keyed as the DELETE it can name: a public declaring GET beside it is refused since red team 12
      # (method-override-widens, test/security/redteam12-declared-override.test.ts).
      security: [{ hkey: [] }]
      parameters: [{ name: X-HTTP-Method-Override, in: header, schema: { type: string } }]
      ${ok}
    put: { operationId: putThings, x-gateway: { public: true }, ${ok} }
    delete: { operationId: wipeThings, security: [{ hkey: [] }], ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

describe.skipIf(!NGINX)('nginx: X-HTTP-Method-Override declared on one operation of a path', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(DECLARED_SPEC, { env: { OPS_KEY: 'ops-key-1' } });
  });
  afterAll(async () => lab?.stop());

  it('the declaring GET passes it; the undeclared PUT of the same path never does (every spelling)', async () => {
    const get = await lab.call('GET', '/v1/things', { 'x-http-method-override': 'DELETE', 'x-api-key': 'ops-key-1' });
    expect(get.hits[0]?.headers['x-http-method-override']).toBe('DELETE');
    for (const h of ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override']) {
      const put = await lab.call('PUT', '/v1/things', { [h]: 'DELETE' });
      expect(put.hits, h).toHaveLength(1);
      for (const hit of put.hits) expect(hit.headers[h.toLowerCase()], h).toBeUndefined();
    }
  });

  it('query _method on the undeclared PUT is refused or stripped', async () => {
    const put = await lab.call('PUT', '/v1/things?_method=DELETE');
    for (const hit of put.hits) expect(hit.path).not.toContain('_method');
  });
});

// ---- OPTIONS beside a protected route with CORS on --------------------------------------------

const CORS_SPEC = `openapi: 3.1.0
info: { title: cors, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rtc
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo, cors: { origins: ["https://app.example"], methods: [GET, DELETE] } }
  consumers:
    ops: { credentials: { hkey: "\${env:OPS_KEY}" } }
paths:
  /secret:
    get: { operationId: secret, security: [{ hkey: [] }], ${ok} }
    delete: { operationId: wipe, security: [{ hkey: [] }], ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

describe.skipIf(!NGINX)('nginx: OPTIONS on a keyed route with CORS on', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(CORS_SPEC, { env: { OPS_KEY: 'ops-key-1' } });
  });
  afterAll(async () => lab?.stop());

  it.each([
    ['a real preflight', { origin: 'https://app.example', 'access-control-request-method': 'DELETE' }],
    ['a preflight from another origin', { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' }],
    ['Origin without Access-Control-Request-Method (not a preflight)', { origin: 'https://app.example' }],
    ['no Origin at all', {}],
    ['a preflight carrying X-HTTP-Method-Override', { origin: 'https://app.example', 'access-control-request-method': 'GET', 'x-http-method-override': 'DELETE' }],
  ])('anonymous OPTIONS, %s: never reaches the backend', async (_what, headers) => {
    const r = await lab.call('OPTIONS', '/v1/secret', headers as Record<string, string>);
    expect(r.hits, `status ${r.r.status}`).toEqual([]);
  });
});

// HELD (config oracle): Kong's OPTIONS-only preflight route carries the cors plugin and no service,
// so an OPTIONS the plugin does not answer (not a preflight) can reach no backend unauthenticated.
it('kong: the preflight route of a keyed route with CORS on has no service', async () => {
  const text = CORS_SPEC.replace('http://echo.internal:8080', 'https://app.example.com');
  const b = await buildTarget(writeSpec(text), { target: 'kong' });
  expect(errorsOf(b.diagnostics as never)).toEqual([]);
  const { parse } = await import('yaml');
  const doc = parse(b.files.find((f) => f.path.endsWith('.yaml'))!.contents.replace(/\$\{\{[^}]*\}\}/g, 'x')) as { routes?: Array<{ name: string; methods?: string[]; service?: unknown }> };
  const pre = (doc.routes ?? []).filter((r) => r.name.includes('preflight'));
  expect(pre.length).toBeGreaterThan(0);
  for (const r of pre) {
    expect(r.methods).toEqual(['OPTIONS']);
    expect(r.service).toBeUndefined();
  }
});

// ---- gwc diff: the declaration arriving through an environment overlay ------------------------

describe('gwc diff --base --env: methodOverride: none set only in an environment overlay', () => {
  const text = (declared: boolean) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
  defaults: { backend: app }
  consumers:
    ops: { credentials: { key: { username: ops, password: '\${env:OPS_PASSWORD}' } } }
  environments:
    prod:
      backends:
        app: { url: https://prod.example.com${declared ? ', methodOverride: none' : ''} }
paths:
  /items:
    post: { operationId: add, security: [{ key: [] }], ${ok} }
    get: { operationId: list, security: [{ key: [] }], ${ok} }
components:
  securitySchemes:
    key: { type: http, scheme: basic }
`;
  it('traefik: flagged as security (trust-added)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { diffBase } = await import('../../src/diff/run.js');
    const dir = mkdtempSync(join(tmpdir(), 'gwc-rt-env-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, text(false));
    git('add', 'gateway.yaml');
    git('commit', '-q', '-m', 'base');
    writeFileSync(file, text(true));
    const r = await diffBase(file, { target: 'traefik', base: 'HEAD', env: 'prod' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan!.findings.map((f) => [f.class, f.rule])).toContainEqual(['security', 'trust-added']);
  });
});
