/**
 * Kong: what reaches the backend, request by request (the oracle in kong-oracle.ts on the emitted
 * decK file): path parameters a backend could read as another route (DESIGN.md 7.5), method and
 * URL overrides, identity headers a client writes (7.3), cache and limit keys (7.4), optional auth
 * (7.2), the gateway's TLS certificate and schemes no consumer can pass.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../../src/api.js';
import { HEAD, writeSpec } from '../../helpers/spec.js';
import { evaluate, normalisePath, type DeckDoc } from './kong-oracle.js';
import { compile, loc, shop } from './model.js';
import { deckValidate, schemaValidate } from './validate.js';

const env = { DECK_ALICE_API_KEY: 'k-alice', DECK_OPS_PASSWORD: 'p-ops' };
const alice = { 'x-api-key': 'k-alice' };

function built(g = shop()) {
  const r = compile(g);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  expect(deckValidate(r.yaml)?.ok ?? true).toBe(true);
  expect(schemaValidate(r.yaml)?.ok ?? true).toBe(true);
  return { doc: parse(r.yaml) as DeckDoc, r };
}

describe('kong: a path parameter cannot be read by the backend as another route', () => {
  const { doc } = built();
  it('a plain id reaches /internal/users/{id}', () => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: alice }, env);
    expect(o).toMatchObject({ status: 200, route: 'shop.getuser', upstream: { path: '/internal/users/42' } });
  });
  it.each([
    '/v1/users/me;', '/v1/users/me;x=1', '/v1/users/me%3B', '/v1/users/me%3b', '/v1/users/a%2Fb', '/v1/users/%2e%2e',
    '/v1/users/me%253B', '/v1/users/a%5Cb', '/v1/users/a\\b', '/v1/users/..;', '/v1/users/.%3B',
  ])('%s matches no route (404), never getUser forwarding a confusable id', (path) => {
    const o = evaluate(doc, { method: 'GET', path, headers: alice }, env);
    expect(o.status, JSON.stringify(o)).toBe(404);
  });
  it("every route path is a regex Kong 3's router (Rust regex crate: no look-around, no backreferences) accepts", () => {
    const g = shop();
    g.routes.push({ ...g.routes.find((r) => r.id === 'getUser')!, id: 'mixed', operationId: 'mixed', path: '/files/{name}.{ext}', publicPath: '/v1/files/{name}.{ext}', params: ['name', 'ext'], upstreamPath: undefined });
    const { doc } = built(g);
    const paths = [...(doc.routes ?? []), ...(doc.services ?? []).flatMap((s) => (s.routes as Array<{ paths?: string[] }>))].flatMap((r) => r.paths ?? []);
    expect(paths.length).toBeGreaterThan(10);
    for (const p of paths) expect(p, p).not.toMatch(/\(\?<?[=!]|\\[1-9]|\\k</);
    expect(evaluate(doc, { method: 'GET', path: '/v1/files/a.b.json', headers: alice }, env).route).toBe('shop.mixed');
    expect(evaluate(doc, { method: 'GET', path: '/v1/files/..;.json', headers: alice }, env).status).toBe(404);
  });
  it('Kong normalises before routing: an escaped unreserved character is the character', () => {
    expect(normalisePath('/v1/users/%6De')).toBe('/v1/users/me');
    expect(evaluate(doc, { method: 'GET', path: '/v1/users/%6De', headers: alice }, env).route).toBe('shop.getme');
  });
});

describe('kong: method and URL overrides never reach the backend', () => {
  const { doc } = built();
  it.each(['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override', 'X-Original-URL', 'X-Rewrite-URL'])('%s is removed', (h) => {
    for (const [method, path, headers] of [['GET', '/v1/users/42', alice], ['GET', '/v1/docs', {}], ['POST', '/v1/users', alice]] as const) {
      const o = evaluate(doc, { method, path, headers: { ...headers, [h]: 'DELETE' } }, env);
      if (o.upstream) expect(Object.keys(o.upstream.headers)).not.toContain(h.toLowerCase());
    }
  });
  it('_method (and the spellings PHP folds into it) is removed, beside a user request-transformer policy', () => {
    const o = evaluate(doc, { method: 'POST', path: '/v1/users', headers: alice, query: { _method: 'DELETE', '.method': 'DELETE', keep: '1' } }, env);
    expect(o.upstream?.query).toEqual({ keep: '1' });
    expect(o.upstream?.headers['x-gateway']).toBe('shop'); // the spec's own requestHeaders still apply
  });
});

describe('kong: identity headers a client writes never reach the backend', () => {
  const forged = { 'x-consumer-username': 'shop.admin', 'x-consumer-id': 'forged', 'x-consumer-groups': 'admin', 'x-anonymous-consumer': 'false', 'x-authenticated-scope': 'admin', 'x-consumer': 'admin' };
  const g = shop();
  g.routes.push({ ...g.routes.find((r) => r.id === 'getMe')!, id: 'publicPing', operationId: 'publicPing', path: '/ping', publicPath: '/v1/ping', security: [], declaredPublic: true, upstreamPath: undefined });
  const { doc } = built(g);
  it('on a public route', () => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/ping', headers: forged }, env);
    expect(o.status).toBe(200);
    for (const h of Object.keys(forged)) expect(o.upstream?.headers[h], h).toBeUndefined();
  });
  it('on an API-key route, where Kong sets its own', () => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: { ...alice, ...forged } }, env);
    expect(o.upstream?.headers['x-consumer-username']).toBe('shop.alice');
    for (const h of ['x-consumer-groups', 'x-authenticated-scope', 'x-consumer']) expect(o.upstream?.headers[h], h).toBeUndefined();
  });
});

describe('kong: credentials the spec hides never reach the backend, verified or not', () => {
  const g = shop();
  g.routes.push({ ...g.routes.find((r) => r.id === 'getMe')!, id: 'keyOrBasic', operationId: 'keyOrBasic', path: '/either', publicPath: '/v1/either', upstreamPath: undefined, security: [[{ scheme: 'apiKey', scopes: [] }], [{ scheme: 'adminBasic', scopes: [] }]] });
  const { doc } = built(g);
  const basicOps = `Basic ${Buffer.from('ops:p-ops').toString('base64')}`;
  it.each([
    ['a valid key beside an unverified Basic header (basic-auth is skipped)', { 'x-api-key': 'k-alice', authorization: 'Basic Zm9yZ2VkOng=' }, 'shop.alice'],
    ['a valid Basic beside an unverified key (key-auth fell back to anonymous)', { 'x-api-key': 'forged', authorization: basicOps }, 'shop.ops'],
  ])('%s', (_what, headers, consumer) => {
    const o = evaluate(doc, { method: 'GET', path: '/v1/either', headers }, env);
    expect(o).toMatchObject({ status: 200, consumer });
    expect(o.upstream?.headers.authorization).toBeUndefined();
    expect(o.upstream?.headers['x-api-key']).toBeUndefined();
  });
});

describe('kong: what is kept per caller is keyed on a verified caller', () => {
  it('an API-key cache keys on the consumer: two callers never share an entry', () => {
    const g = shop();
    g.consumers.push({ name: 'bob', loc: loc(), groups: [], credentials: [{ scheme: 'apiKey', kind: 'apiKey', key: { kind: 'env', name: 'BOB', raw: '${env:BOB}' }, loc: loc() }] });
    const { doc } = built(g);
    const a = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: alice }, { ...env, DECK_BOB: 'k-bob' });
    const b = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: { 'x-api-key': 'k-bob' } }, { ...env, DECK_BOB: 'k-bob' });
    expect(a.cacheKey).toBeDefined();
    expect(a.cacheKey).not.toBe(b.cacheKey);
  });
  it('a cache on an OR route a JWT can open is refused at the cache line', () => {
    const g = shop();
    const r = g.routes.find((x) => x.id === 'listOrders')!;
    r.policy = { ...r.policy, cache: { ttlMs: 1000, methods: ['GET'], keyHeaders: [], keyQuery: true, loc: loc('/paths/~1orders/get/x-gateway/cache') } };
    const out = compile(g);
    expect(out.files).toEqual([]);
    expect(out.diagnostics.find((d) => d.code === 'kong-cache-identity-shared')).toMatchObject({ params: { route: 'listOrders', schemes: 'bearer' }, loc: { pointer: '/paths/~1orders/get/x-gateway/cache' } });
  });
  it('a per-consumer limit keys on the authenticated consumer, never on a header the client picks', () => {
    const g = shop();
    // getMe too: /v1/users/current reaches getMe's backend path through getUser (upstream-param-reaches-protected).
    for (const id of ['getUser', 'getMe']) g.routes.find((x) => x.id === id)!.policy.rateLimit = { requests: 5, per: 'second', by: 'consumer', burst: 0, loc: loc() };
    const { doc } = built(g);
    const o = evaluate(doc, { method: 'GET', path: '/v1/users/42', headers: { ...alice, 'x-consumer-id': 'someone-else' } }, env);
    expect(o.limitKey).toBe((doc.consumers ?? []).find((c) => c.username === 'shop.alice')!.id);
  });
});

describe('kong: optional auth stays refused (a wrong credential would pass as anonymous)', () => {
  it('refuses [{}, {apiKey: []}] at the security line, naming auth.optional', () => {
    const g = shop();
    const r = g.routes.find((x) => x.id === 'getUser')!;
    r.optionalAuth = true;
    r.securityLoc = loc('/paths/~1users~1{id}/get/security');
    // Off getMe's backend path (/internal/users/current), else anonymous /v1/users/current would reach it (upstream-param-reaches-protected).
    r.upstreamPath = { template: '/internal/users/id/{id}', loc: loc() };
    const out = compile(g);
    expect(out.check.diagnostics.find((d) => d.code === 'capability-unsupported')).toMatchObject({ params: { route: 'getUser', feature: 'auth.optional', target: 'kong' }, loc: { pointer: '/paths/~1users~1{id}/get/security' } });
    // Past the check (the build stops there), the compiler still only ever builds it strictly.
    const doc = parse(out.yaml) as DeckDoc;
    for (const headers of [{}, { 'x-api-key': 'forged' }] as Array<Record<string, string>>) expect(evaluate(doc, { method: 'GET', path: '/v1/users/42', headers }, env).status).toBe(401);
  });
});

describe('kong: the gateway certificate', () => {
  const tlsLoc = loc('/x-gateway/tls');
  it('becomes a certificate with an SNI per gateway host, both halves decK env templates', () => {
    const g = shop();
    g.tls = { certificate: '${env:TLS_CERT}', key: { kind: 'env', name: 'TLS_KEY', raw: '${env:TLS_KEY}' }, loc: tlsLoc };
    const { doc, r } = built(g);
    const certs = (doc as { certificates?: Array<{ cert: string; key: string; snis: Array<{ name: string }> }> }).certificates;
    expect(certs).toHaveLength(1);
    expect(certs![0]!.snis.map((s) => s.name)).toEqual(['api.shop.example.com']);
    expect(r.yaml).toContain('cert: ${{ printf "%q" (env "DECK_TLS_CERT") }}');
    expect(r.yaml).toContain('key: ${{ printf "%q" (env "DECK_TLS_KEY") }}');
  });
  it.each([
    ['certificate', '/etc/tls/gw.pem', { kind: 'env', name: 'TLS_KEY', raw: '${env:TLS_KEY}' }],
    ['key', '${env:TLS_CERT}', { kind: 'file', path: '/etc/tls/gw.key', raw: '${file:/etc/tls/gw.key}' }],
  ] as const)('a %s Kong cannot be given is refused at the tls node, never dropped', (field, certificate, key) => {
    const g = shop();
    g.tls = { certificate, key, loc: tlsLoc };
    const out = compile(g);
    expect(out.files).toEqual([]);
    expect(out.diagnostics.find((d) => d.code === 'kong-tls-certificate-source')).toMatchObject({ params: { field }, loc: { pointer: '/x-gateway/tls' } });
  });
  it('a certificate no host selects is refused', () => {
    const g = shop();
    g.servers = [{ ...g.servers[0]!, host: undefined }];
    g.tls = { certificate: '${env:TLS_CERT}', key: { kind: 'env', name: 'TLS_KEY', raw: '${env:TLS_KEY}' }, loc: tlsLoc };
    expect(compile(g).diagnostics.map((d) => d.code)).toContain('kong-tls-no-hosts');
  });
});

describe('kong: SigV4 is never key-auth on Authorization, and a scheme nobody holds is reported once', () => {
  const spec = (scheme: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
paths:
  /admin:
    get:
      operationId: admin
      security: [{ sig: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    sig: ${scheme}
`;
  it('type apiKey on Authorization with x-amazon-apigateway-authtype awsSigv4 is refused (auth.iam), no kong.yaml', async () => {
    const b = await buildTarget(writeSpec(spec('{ type: apiKey, in: header, name: Authorization, x-amazon-apigateway-authtype: awsSigv4 }')), { target: 'kong' });
    expect(b.files).toEqual([]);
    expect(b.diagnostics.find((d) => d.code === 'capability-unsupported')?.params).toMatchObject({ route: 'admin', feature: 'auth.iam', target: 'kong' });
  });
  it('a plain API-key scheme with no consumers builds and warns once', async () => {
    const b = await buildTarget(writeSpec(spec('{ type: apiKey, in: header, name: X-Key }')), { target: 'kong' });
    expect(b.files.map((f) => f.path)).toEqual(['kong.yaml']);
    expect(b.diagnostics.filter((d) => d.code === 'scheme-no-consumers').map((d) => d.params)).toEqual([{ scheme: 'sig', kind: 'API key' }]);
    expect(evaluate(parse(b.files[0]!.contents) as DeckDoc, { method: 'GET', path: '/admin', host: 'api.example.com', headers: { 'x-key': 'anything' } }).status).toBe(401);
  });
});
