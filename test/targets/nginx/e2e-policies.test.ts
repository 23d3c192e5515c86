/**
 * Policies through a real nginx on a hand-built gateway: forward auth (and its answer headers,
 * never spoofable by the client), ES256 and HS256 JWT (secret from the environment), API keys in
 * the query (hidden from the backend) and in a cookie, IP deny, per-consumer rate limits, a mock
 * behind auth (the check is not skipped), host routing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway, SecurityScheme } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, NGINX, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';
import { ecKeys, now, token } from './jwt.js';
import { gateway, httpBackend, keyScheme, loc, route, url } from './model.js';

const HS_SECRET = 'hs-$ecret;{x}';
const es = ecKeys();
const jwtScheme = (name: string, alg: string, keyEnv: string): SecurityScheme => ({
  name,
  loc: loc(),
  openapiType: 'http',
  kind: 'jwt',
  jwt: { issuer: 'https://id/', audiences: ['api'], algorithms: [alg], publicKeys: [{ kind: 'env', name: keyEnv, raw: `\${env:${keyEnv}}` }], header: 'authorization', clockSkewSeconds: 0 },
  hideCredentials: false,
});
const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://id/', aud: 'api', sub: 'u1', exp: now() + 60, ...extra });

function policies(stubs: Record<string, Stub>): Gateway {
  const fwd: SecurityScheme = {
    name: 'fwd',
    loc: loc(),
    openapiType: 'http',
    kind: 'forward',
    forwardAuth: { url: url('http', '127.0.0.1', stubs.auth!.port, '/verify'), requestHeaders: ['x-tenant'], responseHeaders: ['X-User-Id'], loc: loc() },
    hideCredentials: false,
  };
  const routes = [
    route('fwd', 'GET', '/fwd', { security: [[{ scheme: 'fwd', scopes: [] }]] }),
    route('fwdPost', 'POST', '/fwd', { security: [[{ scheme: 'fwd', scopes: [] }]] }),
    route('es', 'GET', '/es', { security: [[{ scheme: 'es', scopes: [] }]] }),
    route('hs', 'GET', '/hs', { security: [[{ scheme: 'hs', scopes: [] }]] }),
    route('query', 'GET', '/query', { security: [[{ scheme: 'qkey', scopes: [] }]] }),
    route('cookie', 'GET', '/cookie', { security: [[{ scheme: 'ckey', scopes: [] }]] }),
    route('denied', 'GET', '/denied', { policy: { ipRule: { allow: [], deny: ['127.0.0.0/8'], loc: loc() } } }),
    route('allowed', 'GET', '/allowed', { policy: { ipRule: { allow: ['127.0.0.1'], deny: [], loc: loc() } } }),
    route('perConsumer', 'GET', '/limited', {
      security: [[{ scheme: 'qkey', scopes: [] }]],
      policy: { rateLimit: { requests: 2, per: 'minute', by: 'consumer', burst: 0, loc: loc() } },
    }),
    route('secretDocs', 'GET', '/secret-docs', { backend: 'mock', security: [[{ scheme: 'qkey', scopes: [] }]] }),
    route('hosted', 'GET', '/hosted', { hosts: ['a.example.com'] }),
    route('logged', 'GET', '/logged', { policy: { accessLog: { format: 'json', loc: loc() } } }),
  ];
  return gateway(routes, {
    backends: [
      httpBackend('app', '127.0.0.1', stubs.app!.port),
      { name: 'mock', loc: loc(), kind: 'mock', targets: [], hostHeader: 'backend', mock: { status: 200, body: '{"secret":true}', contentType: 'application/json', headers: { 'X-Mock': 'yes' }, loc: loc() } },
    ],
    securitySchemes: [fwd, jwtScheme('es', 'ES256', 'ES_PUBLIC_KEY'), jwtScheme('hs', 'HS256', 'HS_SECRET'), keyScheme('qkey', 'query', 'api_key'), keyScheme('ckey', 'cookie', 'session-key')],
    consumers: [
      { name: 'alice', loc: loc(), groups: [], credentials: [{ scheme: 'qkey', kind: 'apiKey', key: { kind: 'env', name: 'ALICE_KEY', raw: '' }, loc: loc() }, { scheme: 'ckey', kind: 'apiKey', key: { kind: 'env', name: 'ALICE_KEY', raw: '' }, loc: loc() }] },
      { name: 'bob', loc: loc(), groups: [], credentials: [{ scheme: 'qkey', kind: 'apiKey', key: { kind: 'env', name: 'BOB_KEY', raw: '' }, loc: loc() }] },
    ],
  });
}

describe.skipIf(!NGINX)('policies through a real nginx', () => {
  const stubs: Record<string, Stub> = {};
  let ng: RunningNginx;
  const get = (path: string, headers: Record<string, string> = {}) => send(ng.port, 'GET', path, headers);

  beforeAll(async () => {
    stubs.app = await startStub('app');
    stubs.auth = await startStub('auth', (req) =>
      req.headers.authorization === 'Bearer good' ? { status: 200, headers: { 'X-User-Id': `user-${String(req.headers['x-tenant'] ?? 'none')}` } } : { status: 401 },
    );
    const dir = prefixDir();
    const port = await freePort();
    writeFiles(dir, compileOrThrow(policies(stubs), fullOptions(dir, port)));
    ng = await startNginx(dir, port, { ES_PUBLIC_KEY: es.publicPem, HS_SECRET, ALICE_KEY: 'alice-1', BOB_KEY: 'bob-1' });
  });
  afterAll(async () => {
    await ng?.stop();
    for (const s of Object.values(stubs)) await s.close();
  });

  it('forward auth: the service decides; its answer headers reach the backend and cannot be spoofed', async () => {
    expect((await get('/fwd')).status).toBe(401);
    expect((await get('/fwd', { authorization: 'Bearer bad', 'x-user-id': 'admin' })).status).toBe(401);
    const ok = await get('/fwd', { authorization: 'Bearer good', 'x-tenant': 't9', 'x-user-id': 'admin' });
    expect(ok.status).toBe(200);
    expect(ok.json().headers['x-user-id']).toBe('user-t9');
    const seen = stubs.auth!.hits.at(-1)!;
    expect(seen.path).toBe('/verify');
    expect(seen.headers['x-forwarded-uri']).toBe('/fwd');
    expect(seen.headers['x-tenant']).toBe('t9');
    expect(seen.headers['x-user-id']).toBeUndefined();
    expect(seen.headers['x-forwarded-method']).toBe('GET');
    const post = await send(ng.port, 'POST', '/fwd?q=1', { authorization: 'Bearer good' }, 'body-not-forwarded');
    expect(post.status).toBe(200);
    expect(post.json().body).toBe('body-not-forwarded');
    const seenPost = stubs.auth!.hits.at(-1)!;
    expect(seenPost).toMatchObject({ method: 'GET', body: '' });
    expect(seenPost.headers['x-forwarded-method']).toBe('POST');
    expect(seenPost.headers['x-forwarded-uri']).toBe('/fwd?q=1');
  });

  it('ES256 and HS256 (secret from the environment), each pinned to its algorithm', async () => {
    expect((await get('/es', { authorization: `Bearer ${token('ES256', claims(), es.privateKey)}` })).status).toBe(200);
    expect((await get('/es', { authorization: `Bearer ${token('HS256', claims(), es.publicPem)}` })).status).toBe(401);
    expect((await get('/es', { authorization: `Bearer ${token('ES256', claims({ aud: 'x' }), es.privateKey)}` })).status).toBe(401);
    expect((await get('/hs', { authorization: `Bearer ${token('HS256', claims(), HS_SECRET)}` })).status).toBe(200);
    expect((await get('/hs', { authorization: `Bearer ${token('HS256', claims(), 'wrong')}` })).status).toBe(401);
    expect((await get('/hs', { authorization: `Bearer ${token('HS384', claims(), HS_SECRET)}` })).status).toBe(401);
  });

  it('API key in the query: exact match, hidden from the backend, other parameters kept', async () => {
    expect((await get('/query')).status).toBe(401);
    expect((await get('/query?api_key=ALICE-1')).status).toBe(401);
    expect((await get('/query?API_KEY=alice-1')).status).toBe(401);
    const ok = await get('/query?a=1&api_key=alice-1&b=2');
    expect(ok.status).toBe(200);
    expect(ok.json().path).toBe('/query?a=1&b=2');
  });

  it('API key in a cookie, hidden from the backend', async () => {
    expect((await get('/cookie', { cookie: 'session-key=nope' })).status).toBe(401);
    const ok = await get('/cookie', { cookie: 'x=1; session-key=alice-1; y=2' });
    expect(ok.status).toBe(200);
    expect(ok.json().headers.cookie).toBe('x=1; y=2');
  });

  it('IP rules: deny answers 403 (JSON), allow lets loopback through', async () => {
    const d = await get('/denied');
    expect(d.status).toBe(403);
    expect(JSON.parse(d.body).status).toBe(403);
    expect((await get('/allowed')).status).toBe(200);
  });

  it('rate limit by consumer: each consumer has its own bucket', async () => {
    const a = [];
    for (let i = 0; i < 3; i++) a.push((await get('/limited?api_key=alice-1')).status);
    expect(a).toEqual([200, 200, 429]);
    expect((await get('/limited?api_key=bob-1')).status).toBe(200);
  });

  it('a mock behind auth still checks the credential', async () => {
    const denied = await get('/secret-docs');
    expect(denied.status).toBe(401);
    expect(denied.body).not.toContain('secret');
    const ok = await get('/secret-docs?api_key=alice-1');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ secret: true });
    expect(ok.headers['x-mock']).toBe('yes');
  });

  it('host routing: the route answers only on its host', async () => {
    expect((await get('/hosted', { host: 'a.example.com' })).status).toBe(200);
    expect((await get('/hosted', { host: 'b.example.com' })).status).toBe(404);
    expect((await get('/allowed', { host: 'b.example.com' })).status).toBe(200);
  });

  it('JSON access log on the routes that ask for it', async () => {
    expect((await get('/logged?x=1', { 'user-agent': 'a "quoted" agent' })).status).toBe(200);
    await ng.stop();
    const lines = readFileSync(join(ng.dir, 'logs', 'gwc-test.access.log'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', uri: '/logged?x=1', status: 200, user_agent: 'a "quoted" agent' });
  });
});
