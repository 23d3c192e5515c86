/**
 * Red team of `x-gateway.backends.*.dotSegments: rejected` (commit 86c2a5b, src/targets/aws/confusable.ts):
 * the user's word that a backend never resolves `.` or `..` narrows what AWS assumes a path
 * parameter's value can become at the backend. Each case is a spec that compiles WITH the
 * declaration; an attack is a request the gateway routes to a less protected route whose value
 * the backend still reads as a more protected one, without ever resolving a dot segment. What the
 * declaration does NOT say (a backend drops a `;suffix`, merges `//`, takes a trailing slash as the
 * same route, matches case-insensitively; an HTTP API decodes `%253F` to `?`) stays assumed.
 * `backendReads` (test/targets/aws/oracle.ts) is the Tomcat/Spring-like reader the REST tests use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { diffBase } from '../../src/diff/run.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';
import { backendReads } from '../targets/aws/oracle.js';
import { build, coded, spec as restSpec } from '../targets/aws/security-helpers.js';
import { buildHttp, said, spec as httpSpec } from '../targets/aws/http/helpers.js';

const CONFUSABLE = 'aws-path-param-confusable';
const param = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const paramsOf = (p: string) => [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
const declared = { app: { url: 'https://app.example.com', dotSegments: 'rejected' } };

/** REST: a public `open` beside a keyed `guarded` (both GET), on a backend declared rejected unless told. */
function restPair(open: string, guarded: string, opts: { backends?: Record<string, unknown>; openX?: Record<string, unknown>; guardedX?: Record<string, unknown> } = {}) {
  return restSpec(
    {
      [guarded]: { get: { operationId: 'guarded', security: [{ key: [] }], parameters: param(...paramsOf(guarded)), ...(opts.guardedX ? { 'x-gateway': opts.guardedX } : {}) } },
      [open]: { get: { operationId: 'open', security: [], parameters: param(...paramsOf(open)), 'x-gateway': { public: true, ...opts.openX } } },
    },
    { backends: opts.backends ?? declared },
  );
}

const ok = (x = '') => `${x ? `      x-gateway: ${x}\n` : ''}      responses: { '200': { description: ok } }`;
const pub = (p: string, x = '') => `  ${p}:\n    get:\n      security: []\n${ok(`{ public: true${x ? `, ${x}` : ''} }`)}`;
const guard = (p: string, x = '') => `  ${p}:\n    get:\n      security: [{ oidc: [] }]\n${ok(x ? `{ ${x} }` : '')}`;
const httpDeclared = (paths: string) => httpSpec(paths).replace('api: { url: https://api.example.com }', 'api: { url: https://api.example.com, dotSegments: rejected }');
const codes = (b: { errors: Array<{ code: unknown }> }) => b.errors.map((d) => d.code);

describe('REST (value stays one encoded segment): what a declared backend still does', () => {
  it('the mechanism: a value ";x" empties its segment (Tomcat/Spring drop the ;suffix), no dot resolved', () => {
    expect(backendReads('http://h/files/;x/download')).toBe('/files//download');
    expect(backendReads('http://h/users/;x')).toBe('/users');
  });

  // BROKE (86c2a5b): the declaration dropped the `.` reading, which had also stood for a segment
  // that vanishes; a `;suffix` the backend drops empties the segment without any dot: /users/;x is
  // /users/ (a trailing slash reaches /users on Spring MVC < 6, Express non-strict), and
  // /files/;x/download is /files//download, which Tomcat and Spring's UrlPathHelper merge into
  // /files/download. FIXED: a value's segment can vanish (0 or 1 segment).
  it.each([
    ['the protected parent (/users/;x is /users/, one trailing slash from /users)', '/users/{id}', '/users'],
    ['a protected route one segment shorter (/files/;x/download merges to /files/download)', '/files/{name}/download', '/files/download'],
    ['several parameters, each emptied (/a/;x/;y/b is /a/b)', '/a/{p}/{q}/b', '/a/b'],
  ])('FIXED: %s is refused', async (_n, open, guarded) => {
    const b = await build(restPair(open, guarded));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE).map((d) => d.params)).toEqual([expect.objectContaining({ route: 'open', other: 'guarded', backend: 'app' })]);
  });

  // BROKE (before 86c2a5b; the REST model, not the declaration): a REST API passes "a%2Fb" on
  // encoded, and confusable.ts read it as one segment, as Tomcat does (backendReads splits before
  // it decodes). A WSGI backend (Flask, Django behind gunicorn: PATH_INFO is decoded, PEP 3333),
  // Symfony's router (rawurldecode), Go's URL.Path and nginx read /files/a%2Fb as /files/a/b.
  // FIXED (decided): a REST value is also read as a run of segments, as an HTTP API's is. Measured
  // before deciding: of the 95 REST specs the AWS tests build and the shipped fixtures, only this
  // one is newly refused (a public templated route beside a differently protected deeper route of
  // the same backend and method); not combined with '..' (that reading, "..%2F" as anywhere, would
  // refuse 17 specs and the portable and shop-aws fixtures: README "Not covered").
  it('FIXED: a REST value "a%2Fb" is two segments at a WSGI backend: /files/{name} reaching a keyed /files/a/b is refused', async () => {
    const b = await build(restPair('/files/{name}', '/files/a/b'));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE).map((d) => d.params)).toEqual([expect.objectContaining({ route: 'open', other: 'guarded', value: '"a%2Fb"', backend: 'app' })]);
  });

  it.each([
    // generated variants: the run spans 2 or 3 segments, sits between literals, or follows a literal prefix
    ['/files/{name}', '/files/a/b/c'],
    ['/files/{name}/meta', '/files/a/b/meta'],
    ['/{p}', '/admin/users'],
    ['/files/{name}', '/files/{dir}/{leaf}'],
  ])('FIXED: %s reaching a keyed %s through "%%2F" is refused (REST)', async (open, guarded) => {
    const b = await build(restPair(open, guarded));
    expect(coded(b.errors, CONFUSABLE).map((d) => d.params.value)).toEqual(['"a%2Fb"']);
  });

  it.each([
    // controls: a run cannot drop the template's literals, nor reach a route of another method
    ['/files/{name}/meta', '/files/a/b'],
    ['/pub/{name}', '/files/a/b'],
  ])('held: %s does not reach a keyed %s, still builds (REST)', async (open, guarded) => {
    const b = await build(restPair(open, guarded));
    expect(coded(b.diagnostics, CONFUSABLE)).toEqual([]);
  }, 180_000); // the file's first written template starts cfn-validate (WASM)

  // BROKE (before 86c2a5b): a rate limit protects a route too (body-override.ts's protectedMore,
  // the aws-body-method-override check, counts it); confusable.ts compared security and IP rules
  // only, so "export;" on the unlimited /files/{name} ran the 1-a-minute /files/export handler
  // without its limit. FIXED: confusable.ts asks protectedMore.
  it('FIXED: a value reaching a rate-limited route from an unlimited one is refused', async () => {
    const s = restSpec(
      {
        '/files/export': { get: { operationId: 'guarded', security: [], 'x-gateway': { public: true, policies: ['slow'] } } },
        '/files/{name}': { get: { operationId: 'open', security: [], parameters: param('name'), 'x-gateway': { public: true } } },
      },
      { backends: declared, policies: { slow: { rateLimit: { requests: 1, per: 'minute' } } } },
    );
    const b = await build(s);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE)).toHaveLength(1);
  });

  it('held: a route only `..` reaches still builds (the declaration keeps its use)', async () => {
    const b = await build(restPair('/users/{id}/profile', '/profile'));
    expect(coded(b.diagnostics, CONFUSABLE)).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  // BROKE (before 86c2a5b too): a placeholder inside a segment (an upstreamPath such as
  // /files/{name}.json) was read as literal text, so the value was never checked: "admin;" makes
  // /files/admin;.json, which a backend dropping the ;suffix reads as /files/admin. FIXED: a
  // segment holding a placeholder is a placeholder segment whose literal prefix stays.
  it('FIXED: a placeholder inside an upstreamPath segment ({name}.json) is read as reaching /files/admin ("admin;")', async () => {
    expect(backendReads('http://h/files/admin;.json')).toBe('/files/admin');
    const b = await build(restPair('/files/{name}', '/files/admin', { openX: { upstreamPath: '/files/{name}.json' } }));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE)).toHaveLength(1);
  });

  it('held: a literal prefix before the placeholder stays (v{name} never reads as admin)', async () => {
    const b = await build(restPair('/files/{name}', '/files/admin', { openX: { upstreamPath: '/files/v{name}' } }));
    expect(coded(b.diagnostics, CONFUSABLE)).toEqual([]);
  });

  // BROKE (before 86c2a5b, undeclared): readings() stopped at 512 without saying so; a route with
  // six placeholders has 3^6 = 729 readings, and the ones where the FIRST placeholder is `..` came
  // last and were never compared. FIXED: the reading of a template no longer enumerates choices,
  // so there is no bound to fall off.
  it('FIXED: six placeholders under an eight-segment prefix still reach a protected /a/b (every one ..;, the 729th reading)', async () => {
    const open = '/a/b/c/d/e/f/g/h/{p1}/{p2}/{p3}/{p4}/{p5}/{p6}';
    expect(backendReads('http://h/a/b/c/d/e/f/g/h/..;/..;/..;/..;/..;/..;')).toBe('/a/b');
    const b = await build(restPair(open, '/a/b', { backends: { app: { url: 'https://app.example.com' } } }));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE)).toHaveLength(1);
  });

  it('FIXED: twelve placeholders on a declared backend (2^12 readings once a segment can vanish) still reach /a/b', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const open = `/a/${names.map((n) => `{${n}}`).join('/')}/b`;
    const b = await build(restPair(open, '/a/b'));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE)).toHaveLength(1);
  });

  // BROKE (before 86c2a5b): literals were compared case-sensitively; ASP.NET Core, IIS and Spring
  // with case-insensitive matching read /files/admin as /Files/Admin. FIXED: compared case-blind.
  it('FIXED: a protected /Files/Admin is reached by /files/{name} on a case-insensitive backend', async () => {
    const b = await build(restPair('/files/{name}', '/Files/Admin'));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, CONFUSABLE)).toHaveLength(1);
  });

  // BROKE (86c2a5b): see the HTTP case below; the REST reading lost `.` the same way.
  it('FIXED: the route\'s backend declares rejected, the protected route\'s backend (same origin) does not (REST)', async () => {
    const backends = { app: { url: 'https://app.example.com' }, twin: { url: 'https://app.example.com', dotSegments: 'rejected' } };
    const b = await build(restPair('/users/{id}', '/users', { backends, openX: { backend: 'twin' } }));
    expect(b.files).toEqual([]);
  });
});

describe('one server under two spellings is one origin', () => {
  it.each([
    ['an explicit default port', 'https://app.example.com:443'],
    ['an upper-case host', 'https://APP.example.com'],
    // BROKE (before 86c2a5b): origins were compared as spelled; FIXED: host case and a trailing dot are one server.
    ['a trailing dot on the host (FIXED)', 'https://app.example.com.'],
  ])('held (REST): %s', async (_n, url) => {
    const backends = { app: { url: 'https://app.example.com' }, twin: { url } };
    const b = await build(restPair('/users/{id}', '/users/me', { backends, guardedX: { backend: 'twin' } }));
    expect(b.files).toEqual([]);
  });
  it.each([
    ['an explicit default port', 'https://api.example.com:443'],
    ['an upper-case host', 'https://API.example.com'],
  ])('held (HTTP): %s', async (_n, url) => {
    const text = httpSpec(`${pub('/files/{name}')}\n${guard('/files/a/b', 'backend: twin')}`).replace(
      'api: { url: https://api.example.com }',
      `api: { url: https://api.example.com, dotSegments: rejected }, twin: { url: '${url}', dotSegments: rejected }`,
    );
    const b = await buildHttp(text);
    expect(b.files).toEqual([]);
  });
});

describe('HTTP API (value decoded again: it can hold / ? # ;)', () => {
  // BROKE (86c2a5b): a run was one or more segments; a value of "%252F" or "%253Bx" adds only empty
  // segments (/files//meta, /files/;x/meta), which a backend merging slashes and dropping
  // ;suffixes reads as /files/meta. FIXED: a run is zero or more segments.
  it.each([
    ['a protected route one segment shorter (/files/%252F/meta)', '/files/{name}/meta', '/files/meta'],
    ['the protected parent (/files/%253Bx)', '/files/{name}', '/files'],
  ])('FIXED: %s is refused', async (_n, open, guarded) => {
    const b = await buildHttp(httpDeclared(`${pub(open)}\n${guard(guarded)}`));
    expect(b.files).toEqual([]);
    expect(said(b.errors).find((d) => d.code === CONFUSABLE)?.params).toMatchObject({ backend: 'api' });
  });

  // BROKE (86c2a5b): "x%253F" is "x?" at the backend: everything after the placeholder becomes the
  // query string (and "%2523", '#', a fragment), so /files/{name}/meta reaches /files/{id} or
  // /files/secret. The run model required the template's tail to follow. FIXED: a value can end
  // the path.
  it.each([
    ['a protected templated sibling (/files/x%253F/meta is /files/x)', '/files/{name}/meta', '/files/{id}'],
    ['a protected literal sibling (/files/secret%2523/meta is /files/secret)', '/files/{name}/meta', '/files/secret'],
    ['a protected deeper route ending before the tail (/a/x%252Fy%253F/b/c is /a/x/y)', '/a/{p}/b/c', '/a/x/y'],
  ])('FIXED: %s is refused', async (_n, open, guarded) => {
    const b = await buildHttp(httpDeclared(`${pub(open)}\n${guard(guarded)}`));
    expect(b.files).toEqual([]);
    expect(codes(b)).toContain(CONFUSABLE);
  });

  it('held: a route outside the placeholder\'s prefix (only ..%252F reaches it) still builds', async () => {
    const b = await buildHttp(httpDeclared(`${pub('/files/{name}/meta')}\n${guard('/admin/users')}`));
    expect(said(b.errors)).toEqual([]);
  });

  it('held: HEAD through a declared backend reaches a protected deeper GET (refused)', async () => {
    const text = httpDeclared(`  /files/{name}:\n    head:\n      security: []\n${ok('{ public: true }')}\n${guard('/files/a/b')}`);
    const b = await buildHttp(text);
    expect(b.files).toEqual([]);
  });

  it('held: an upstreamPath rewrite and a backend base path are part of the template compared', async () => {
    const text = httpSpec(`${pub('/pub/{name}', "upstreamPath: '/internal/{name}'")}\n${guard('/admin', 'upstreamPath: /v1/internal/a/b, backend: root')}`).replace(
      'api: { url: https://api.example.com }',
      'api: { url: https://api.example.com/v1, dotSegments: rejected }, root: { url: https://api.example.com, dotSegments: rejected }',
    );
    const b = await buildHttp(text);
    expect(b.files).toEqual([]);
    expect(codes(b)).toContain(CONFUSABLE);
  });

  it('held: a scope difference and an IP rule count as protected differently', async () => {
    const scoped = httpDeclared(`  /files/{name}:\n    get:\n      security: [{ oidc: [read] }]\n${ok()}\n  /files/a/b:\n    get:\n      security: [{ oidc: [admin] }]\n${ok()}`);
    expect(codes(await buildHttp(scoped))).toContain(CONFUSABLE);
  });

  // BROKE (86c2a5b): only the route's own backend's word was read; a second backend name for the
  // same origin that does not declare it says that server may resolve `..`. The server is one:
  // FIXED: a value is read as climbing only if every backend name of the origin the check compares
  // declares rejected.
  it('FIXED: the route\'s backend declares rejected but the protected route\'s backend (same origin) does not', async () => {
    const text = httpSpec(`${pub('/files/{name}')}\n${guard('/admin/users', 'backend: twin')}`).replace(
      'api: { url: https://api.example.com }',
      'api: { url: https://api.example.com, dotSegments: rejected }, twin: { url: https://api.example.com }',
    );
    const b = await buildHttp(text);
    expect(b.files).toEqual([]);
    // The refusal names the backend whose line is missing (twin), not the one that has it.
    expect(said(b.errors).find((d) => d.code === CONFUSABLE)?.params).toMatchObject({ value: '"..%252F"', backend: 'twin' });
  });

  it('held: a Lambda backend declared rejected: routes of one function compared as one origin', async () => {
    const text = httpSpec(`${pub('/files/{name}', 'backend: fn')}\n${guard('/files/a/b', 'backend: fn')}`).replace(
      'fn: { lambda: { arn: arn:aws:lambda:eu-west-1:123456789012:function:fn } }',
      'fn: { lambda: { arn: arn:aws:lambda:eu-west-1:123456789012:function:fn }, dotSegments: rejected }',
    );
    const b = await buildHttp(text);
    expect(b.files).toEqual([]);
  });
});

describe('the declaration elsewhere', () => {
  const pair = (decl: boolean) =>
    `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com${decl ? ', dotSegments: rejected' : ''} }
  defaults: { backend: app }
  consumers:
    ops: { credentials: { key: '\${env:OPS_KEY}' } }
paths:
  /files/{name}:
    get:
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      security: []
      x-gateway: { public: true }
      responses: { '200': { description: ok } }
  /admin/users:
    get:
      security: [{ key: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
  it.each(['nginx', 'kong', 'traefik'])('held: %s output is byte-identical with and without it (it relaxes nothing)', async (target) => {
    const out = async (decl: boolean) => {
      const { gateway, spec } = await gatewayOf(pair(decl));
      const r = compileGateway(gateway!, target, {}, spec);
      return { files: r.files, codes: r.diagnostics.map((d) => d.code) };
    };
    const [off, on] = [await out(false), await out(true)];
    expect(on.files).toEqual(off.files);
    expect(on.codes).toEqual(off.codes);
  });
});

describe('gwc lint --target aws says what build refuses, at the same line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-dots-lint-'));
  it.each<[string, Record<string, string>, string]>([
    ['rest', {}, restPairYaml('/users/{id}', '/users')],
    // HTTP APIs have no API keys: the HTTP pair is guarded by the OIDC scheme of the http helpers.
    ['http', { api: 'http' }, httpDeclared(`${pub('/files/{name}/meta')}\n${guard('/files/{id}')}`)],
  ])('%s', async (_n, options, text) => {
    const file = path.join(dir, `${_n}.yaml`);
    writeFileSync(file, text);
    const { gateway, spec } = await gatewayOf(text);
    const built = compileGateway(gateway!, 'aws', options, spec).diagnostics.filter((d) => d.code === CONFUSABLE);
    expect(built).toHaveLength(1);
    const linted = (await lint(file, { target: 'aws', targetOptions: { aws: options } })).diagnostics.filter((d) => d.code === CONFUSABLE);
    expect(linted.map((d) => d.loc?.pointer)).toEqual(built.map((d) => d.loc?.pointer));
  });
});

function restPairYaml(open: string, guarded: string): string {
  const params = (p: string) => `[${paramsOf(p).map((n) => `{ name: ${n}, in: path, required: true, schema: { type: string } }`).join(', ')}]`;
  return `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com, dotSegments: rejected }
  defaults: { backend: app }
  consumers:
    ops: { credentials: { key: '\${env:OPS_KEY}' } }
paths:
  ${open}:
    get:
      parameters: ${params(open)}
      security: []
      x-gateway: { public: true }
      responses: { '200': { description: ok } }
  ${guarded}:
    get:
${paramsOf(guarded).length ? `      parameters: ${params(guarded)}\n` : ''}      security: [{ key: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
}

describe('gwc diff --base flags every way of switching it on (aws)', () => {
  const file = (backends: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
${backends}
  defaults: { backend: app }
  consumers:
    ops: { credentials: { key: '\${env:OPS_KEY}' } }
paths:
  /files/{name}:
    get:
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      security: [{ key: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
`;
  const run = async (base: string, head: string, env?: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gwc-dots-diff-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    const f = path.join(dir, 'gateway.yaml');
    git('init', '-q');
    writeFileSync(f, file(base));
    git('add', 'gateway.yaml');
    git('commit', '-q', '-m', 'base');
    writeFileSync(f, file(head));
    const r = await diffBase(f, { target: 'aws', base: 'HEAD', ...(env ? { env } : {}) });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return r.plan!.findings.filter((x) => x.rule === 'trust-added').map((x) => x.key);
  };
  it.each([
    ['added to the backend', '    app: { url: https://app.example.com }', '    app: { url: https://app.example.com, dotSegments: rejected }', ['backend app']],
    [
      'through a YAML anchor (a merge key << is refused: schema-unknown-key)',
      '    common: &c { url: https://app.example.com }\n    app: *c',
      '    common: &c { url: https://app.example.com, dotSegments: rejected }\n    app: *c',
      ['backend app', 'backend common'],
    ],
    [
      'moved from one backend to another',
      '    app: { url: https://app.example.com }\n    other: { url: https://app.example.com, dotSegments: rejected }',
      '    app: { url: https://app.example.com, dotSegments: rejected }\n    other: { url: https://app.example.com }',
      ['backend app'],
    ],
    ['a new backend carrying it', '    app: { url: https://app.example.com }', '    app: { url: https://app.example.com }\n    more: { url: https://more.example.com, dotSegments: rejected }', ['backend more']],
  ])('held: %s', async (_n, base, head, keys) => {
    expect((await run(base, head)).sort()).toEqual(keys);
  });

  it('held: switched on only in an environment overlay, flagged by gwc diff --base --env of that environment', async () => {
    const backends = '    app: { url: https://app.example.com }';
    const overlay = `${backends}\n  environments:\n    prod:\n      backends:\n        app: { dotSegments: rejected }`;
    expect(await run(`${backends}\n  environments:\n    prod: {}`, overlay, 'prod')).toEqual(['backend app']);
  });

  // BROKE (86c2a5b, and methodOverride: none before it): the trust entity named the backend, not
  // the server it speaks of; a declared backend re-pointed at another server (its url, or a lambda
  // arn) carried the reviewed word over to a server nobody vouched for, unflagged. FIXED: what is
  // trusted names the backend's address, so a new address is a new trust.
  it.each([
    ['dotSegments', 'dotSegments: rejected'],
    ['methodOverride', 'methodOverride: none'],
  ])('FIXED: a backend declaring %s re-pointed at another server is flagged again', async (_n, decl) => {
    const base = `    app: { url: https://app.example.com, ${decl} }`;
    const head = `    app: { url: https://internal.example.com, ${decl} }`;
    expect(await run(base, head)).toEqual(['backend app']);
  });
});
