/**
 * `_method` in a request body on the targets that cannot read one (Traefik, AWS REST): a caller
 * admitted to `POST /items` sends `_method=DELETE` in a form (or multipart, or JSON) body, and a
 * Rails, Laravel, Symfony or Express method-override backend runs its `DELETE /items` handler.
 * nginx refuses such a body (test/security/redteam-nginx-policies.test.ts) and Kong removes the
 * field (test/targets/kong/security-forwarding.test.ts); Traefik and AWS refuse the build at the
 * operation whenever the override would reach a differently protected operation of the same
 * backend path, and `gwc lint` for that target says the same at the same line.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

type Target = 'traefik' | 'aws';
/** A scheme each target verifies itself: Traefik basicAuth, API Gateway's API key. */
const SCHEME: Record<Target, { scheme: string; consumers: string }> = {
  traefik: { scheme: '{ type: http, scheme: basic }', consumers: "    ops: { credentials: { key: { username: ops, password: '${env:OPS_PASSWORD}' } } }\n" },
  aws: { scheme: '{ type: apiKey, in: header, name: x-api-key }', consumers: "    ops: { credentials: { key: '${env:OPS_KEY}' } }\n" },
};
const KEY = '[{ key: [] }]';
const PUBLIC = '[]';

interface Op {
  path?: string;
  method: string;
  security: string;
  x?: string;
  params?: string;
}

function spec(t: Target, ops: Op[], extra = ''): string {
  const byPath = new Map<string, string[]>();
  ops.forEach((o, i) => {
    const x = [o.security === PUBLIC ? 'public: true' : '', o.x ?? ''].filter(Boolean).join(', ');
    const lines = [`    ${o.method}:`, `      operationId: op${i}`, `      security: ${o.security}`];
    if (x) lines.push(`      x-gateway: { ${x} }`);
    if (o.params) lines.push(`      parameters: ${o.params}`);
    lines.push("      responses: { '200': { description: ok } }");
    byPath.set(o.path ?? '/items', [...(byPath.get(o.path ?? '/items') ?? []), ...lines]);
  });
  const paths = [...byPath].map(([p, lines]) => `  ${p}:\n${lines.join('\n')}\n`).join('');
  return `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
    other: { url: https://other.example.com }
    canned: { mock: { status: 200, body: ok } }
  defaults: { backend: app }
  policies:
    office: { ipAllow: [10.0.0.0/8] }
    slow: { rateLimit: { requests: 1, per: minute } }
  consumers:
${SCHEME[t].consumers}${extra}paths:
${paths}components:
  securitySchemes:
    key: ${SCHEME[t].scheme}
`;
}

const ID = '[{ name: id, in: path, required: true, schema: { type: string } }]';
const REFUSED: Array<[string, Op[]]> = [
  ['a public POST beside a keyed DELETE', [{ method: 'post', security: PUBLIC }, { method: 'delete', security: KEY }]],
  ['a public POST beside a keyed GET of one path', [{ path: '/items/{id}', method: 'post', security: PUBLIC, params: ID }, { path: '/items/{id}', method: 'get', security: KEY, params: ID }]],
  ['a keyed POST beside a DELETE behind an IP rule', [{ method: 'post', security: KEY }, { method: 'delete', security: KEY, x: 'policies: [office]' }]],
  ['a keyed POST beside a DELETE with its own rate limit', [{ method: 'post', security: KEY }, { method: 'delete', security: KEY, x: 'policies: [slow]' }]],
  ['two paths rewritten to one backend path', [{ path: '/a', method: 'post', security: PUBLIC, x: 'upstreamPath: /items' }, { path: '/b', method: 'delete', security: KEY, x: 'upstreamPath: /items' }]],
];
const BUILDS: Array<[string, Op[]]> = [
  ['the same security and policies on both', [{ method: 'post', security: KEY }, { method: 'delete', security: KEY }]],
  // A public POST declaring _method beside the keyed DELETE built here until red team 12: the
  // declaration is now refused as method-override-widens (src/targets/declared-override.ts;
  // test/security/redteam12-declared-override.test.ts). A declaring POST guarded as the DELETE is:
  ['a POST that declares _method, guarded as the DELETE', [{ method: 'post', security: KEY, params: '[{ name: _method, in: query, schema: { type: string } }]' }, { method: 'delete', security: KEY }]],
  ['another backend for the protected method', [{ method: 'post', security: PUBLIC }, { method: 'delete', security: KEY, x: 'backend: other' }]],
  ['a public GET (no body) beside a keyed DELETE', [{ method: 'get', security: PUBLIC }, { method: 'delete', security: KEY }]],
  ['a keyed POST beside a public GET (it admits more)', [{ method: 'post', security: KEY }, { method: 'get', security: PUBLIC }]],
  ['a rate-limited DELETE beside an unlimited POST (counted under its own limit)', [{ method: 'get', security: KEY }, { method: 'delete', security: KEY, x: 'policies: [slow]' }]],
  ['another backend path', [{ path: '/a', method: 'post', security: PUBLIC }, { path: '/b', method: 'delete', security: KEY }]],
  // Frameworks read a body's _method on POST only (body-override.ts): a PUT, PATCH or DELETE body runs nothing else.
  ['a public DELETE beside a keyed POST', [{ method: 'delete', security: PUBLIC }, { method: 'post', security: KEY }]],
  ['a public PUT beside a keyed GET of one item', [{ path: '/items/{id}', method: 'put', security: PUBLIC, params: ID }, { path: '/items/{id}', method: 'get', security: KEY, params: ID }]],
  ['a keyed PATCH beside a DELETE behind an IP rule', [{ method: 'patch', security: KEY }, { method: 'delete', security: KEY, x: 'policies: [office]' }]],
];

const coded = (ds: Array<{ code: string; params: unknown; loc?: { pointer?: string }; position?: { line: number; column: number } }>, code: string) => ds.filter((d) => d.code === code || (d.code === 'target-compile' && (d.params as { code?: string }).code === code));

describe.each(['traefik', 'aws'] as const)('%s: _method in a body', (t) => {
  const code = `${t}-body-method-override`;

  it.each(REFUSED)('%s: refused at the operation that takes the body, no output', async (_what, ops) => {
    const b = await buildTarget(writeSpec(spec(t, ops)), { target: t });
    expect(b.files).toEqual([]);
    const found = coded(b.diagnostics as never, code);
    expect(found).toHaveLength(1);
    const [body, other] = ops;
    expect(found[0]).toMatchObject({
      params: { route: 'op0', method: body!.method.toUpperCase(), other: 'op1', otherMethod: other!.method.toUpperCase(), path: other!.path ?? '/items' },
      loc: { pointer: `/paths/${(body!.path ?? '/items').replace(/\//g, '~1')}/${body!.method}` },
    });
    // The backend where methodOverride: none would be declared, named by the refusal.
    expect((found[0]!.params as { backend?: string }).backend).toBe('app');
  });

  // One server under another spelling (host case, the FQDN's trailing dot) is the same server:
  // serverKey (model/normalise/units.ts) makes it one key here, in diff/trust.ts and nowhere else.
  it('a public POST beside a keyed DELETE on the same server spelled "APP.Example.com." under another backend name: refused', async () => {
    const ops: Op[] = [{ method: 'post', security: PUBLIC }, { method: 'delete', security: KEY, x: 'backend: other' }];
    const text = spec(t, ops).replace('other: { url: https://other.example.com }', 'other: { url: "https://APP.Example.com." }');
    const b = await buildTarget(writeSpec(text), { target: t });
    expect(b.files).toEqual([]);
    expect(coded(b.diagnostics as never, code)).toHaveLength(1);
  });

  // The user's word, stated once on the backend (x-gateway.backends.app.methodOverride: none): its
  // framework runs no body _method, so each refused case builds; on another backend it changes nothing.
  // On AWS with queryNames: exact too: methodOverride speaks for the body, and API Gateway blanks the
  // query's _method by that exact name only (aws-query-method-override, aws-query-method-override.test.ts).
  const declared = (ops: Op[], backend: string) => spec(t, ops).replace(`${backend}: { url: https://${backend}.example.com }`, `${backend}: { url: https://${backend}.example.com, methodOverride: none${t === 'aws' ? ', queryNames: exact' : ''} }`);
  it.each(REFUSED)('%s: builds when the backend declares methodOverride: none, and lint agrees', async (_what, ops) => {
    const file = writeSpec(declared(ops, 'app'));
    const b = await buildTarget(file, { target: t });
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(b.files.length).toBeGreaterThan(0);
    expect(coded((await lint(file, { target: t })).diagnostics as never, code)).toEqual([]);
  });
  it.each(REFUSED)('%s: still refused when another backend declares it, or it says possible', async (_what, ops) => {
    for (const text of [declared(ops, 'other'), spec(t, ops).replace('app: { url: https://app.example.com }', 'app: { url: https://app.example.com, methodOverride: possible }')]) {
      const b = await buildTarget(writeSpec(text), { target: t });
      expect(coded(b.diagnostics as never, code)).toHaveLength(1);
      expect(b.files).toEqual([]);
    }
  });

  it.each(BUILDS)('%s: builds', async (_what, ops) => {
    const b = await buildTarget(writeSpec(spec(t, ops)), { target: t });
    expect(coded(b.diagnostics as never, code)).toEqual([]);
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(b.files.length).toBeGreaterThan(0);
  });

  it('lint for the target reports the build\'s code at the build\'s line; lint for nginx does not', async () => {
    const file = writeSpec(spec(t, REFUSED[0]![1]));
    const build = await buildTarget(file, { target: t });
    const refusal = coded(build.diagnostics as never, code)[0]!;
    const linted = await lint(file, { target: t });
    const found = coded(linted.diagnostics as never, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', params: refusal.params, loc: { pointer: refusal.loc!.pointer }, position: refusal.position });
    expect(refusal.position!.line).toBe(17);
    // Reported by lint's target-compile rule (the target's own compile, run inside lint), the build's code in its params.
    expect(found[0]!.code === code || (found[0]!.params as { code?: string }).code === code).toBe(true);
    expect(coded((await lint(file, { target: 'nginx' })).diagnostics as never, code)).toEqual([]);
  });
});

// Only AWS answers a mock itself (Traefik refuses backend.mock), so this case is AWS's alone.
describe('aws: _method in a body, mocks', () => {
  it('a mock operation (no backend reads its body) builds', async () => {
    const b = await buildTarget(writeSpec(spec('aws', [{ method: 'post', security: PUBLIC, x: 'backend: canned' }, { method: 'delete', security: KEY }])), { target: 'aws' });
    expect(coded(b.diagnostics as never, 'aws-body-method-override')).toEqual([]);
    expect(b.files.length).toBeGreaterThan(0);
  });
});

// A template ending in '/' (a parameter, then an empty last segment; DESIGN.md 3.2: trailing
// slashes are not folded). body-override.ts segmentsOf counted the operation path's segments
// without the empty one, so /a/{id}/ read as its last two segments ({id}, ''), dropping /a, and an
// upstreamPath's trailing '/' as nothing. Traefik only: AWS refuses a path ending in '/'
// (aws-path-unsupported).
describe('traefik: _method in a body, paths ending in /', () => {
  const code = 'traefik-body-method-override';
  const build = async (ops: Op[]) => buildTarget(writeSpec(spec('traefik', ops)), { target: 'traefik' });
  it('a public POST /a/{id}/ beside a keyed DELETE rewritten onto /a/{id}/ (one backend path): refused', async () => {
    const b = await build([{ path: '/a/{id}/', method: 'post', security: PUBLIC, params: ID }, { path: '/b/{id}', method: 'delete', security: KEY, params: ID, x: "upstreamPath: '/a/{id}/'" }]);
    expect(coded(b.diagnostics as never, code)).toHaveLength(1);
    expect(b.files).toEqual([]);
  });
  it('a public POST /a/b/{id}/ beside a keyed DELETE /del rewritten onto /a/b/x/ (POST /a/b/x/ reaches it): refused', async () => {
    const b = await build([{ path: '/a/b/{id}/', method: 'post', security: PUBLIC, params: ID }, { path: '/del', method: 'delete', security: KEY, x: "upstreamPath: '/a/b/x/'" }]);
    expect(coded(b.diagnostics as never, code)).toHaveLength(1);
    expect(b.files).toEqual([]);
  });
  it.each([
    ['a keyed DELETE /b/x/ (another backend path)', { path: '/b/x/', method: 'delete', security: KEY }],
    ['a keyed DELETE /a/{id} (the same path without the slash)', { path: '/a/{id}', method: 'delete', security: KEY, params: ID }],
    ['a keyed DELETE rewritten onto /a/{id} (no slash)', { path: '/b/{id}', method: 'delete', security: KEY, params: ID, x: "upstreamPath: '/a/{id}'" }],
  ] as Array<[string, Op]>)('a public POST /a/{id}/ beside %s: builds', async (_what, other) => {
    const b = await build([{ path: '/a/{id}/', method: 'post', security: PUBLIC, params: ID }, other]);
    expect(coded(b.diagnostics as never, code)).toEqual([]);
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
