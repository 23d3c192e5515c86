/**
 * End to end through a real nginx: the shop fixture compiled with its backends pointed at stub
 * servers on loopback, then real requests. Asserts routing (backend and upstream path for every
 * route), precedence, 404/405, every auth scheme and their OR/AND, limits, CORS, cache, rewrite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/model/types.js';
import { compileOrThrow, freePort, fullOptions, loadFixture, NGINX, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type RunningNginx, type Stub } from './harness.js';
import { now, rsaKeys, token } from './jwt.js';

const HOST = 'api.shop.example.com';
const KEY = 'Alice-Key-123';
const OPS = 'ops-Secret-9';
const ORIGIN = 'https://shop.example.com';
const keys = rsaKeys();
const other = rsaKeys();
const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://id.shop.example.com/', aud: 'shop', sub: `bob-${Math.random()}`, exp: now() + 300, scope: 'orders:read orders:write payments:write', ...extra });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

async function startShop(mutate: (g: Gateway) => void, stubs: Record<string, Stub>): Promise<RunningNginx> {
  const gateway = await loadFixture('shop');
  pointAt(gateway, stubs);
  mutate(gateway);
  const dir = prefixDir();
  const port = await freePort();
  writeFiles(dir, compileOrThrow(gateway, fullOptions(dir, port)));
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'jwt-public.pem'), keys.publicPem);
  return startNginx(dir, port, { ALICE_API_KEY: KEY, OPS_PASSWORD: OPS });
}

describe.skipIf(!NGINX)('shop through a real nginx', () => {
  const stubs: Record<string, Stub> = {};
  let ng: RunningNginx;
  let reversed: RunningNginx;
  const get = (path: string, headers: Record<string, string> = {}, port = ng.port) => send(port, 'GET', path, { host: HOST, ...headers });

  beforeAll(async () => {
    for (const name of ['users', 'orders-0', 'orders-1', 'products', 'payments', 'admin']) stubs[name] = await startStub(name);
    // The bearer scheme's forwardAuth service: nginx asks it after its own JWT check (red team 10).
    stubs['auth:bearer'] = await startStub('auth:bearer', () => ({ status: 200, headers: { 'x-user-id': 'svc-bob' } }));
    // A small limit on one public route so the test can reach it.
    ng = await startShop((g) => {
      const r = g.routes.find((x) => x.id === 'getProduct')!;
      r.policy = { ...r.policy, rateLimit: { requests: 3, per: 'minute', by: { header: 'x-tenant' }, burst: 0, loc: r.loc } };
    }, stubs);
    // The same gateway with its routes in the opposite order: precedence must not change.
    reversed = await startShop((g) => g.routes.reverse(), stubs);
  });
  afterAll(async () => {
    await ng?.stop();
    await reversed?.stop();
    for (const s of Object.values(stubs)) await s.close();
  });

  const routes: Array<[string, string, Record<string, string>, string, string]> = [
    ['POST', '/v1/users', { 'x-api-key': KEY }, 'users', '/users'],
    ['GET', '/v1/users/42', { 'x-api-key': KEY }, 'users', '/internal/users/42'],
    ['GET', '/v1/users/me', { 'x-api-key': KEY }, 'users', '/internal/users/current'],
    ['GET', '/v1/products', {}, 'products', '/products'],
    ['GET', '/v1/orders', { 'x-api-key': KEY }, 'orders', '/orders'],
    ['POST', '/v1/orders', { 'x-api-key': KEY }, 'orders', '/orders'],
    ['GET', '/v1/orders/7', { 'x-api-key': KEY }, 'orders', '/orders/7'],
    ['POST', '/v1/payments', {}, 'payments', '/payments'],
    ['GET', '/v1/admin/stats', basic('ops', OPS), 'admin', '/api/stats'],
  ];

  it.each(routes)('%s %s reaches the right backend and upstream path', async (method, path, headers, backend, upstream) => {
    const h = path === '/v1/payments' ? { ...headers, ...bearer(token('RS256', claims(), keys.privateKey)) } : headers;
    const r = await send(ng.port, method, path, { host: HOST, ...h }, method === 'POST' ? '{}' : undefined);
    expect(r.status, r.body).toBe(200);
    expect(r.json().backend.startsWith(backend)).toBe(true);
    expect(r.json().path).toBe(upstream);
    expect(r.json().method).toBe(method);
  });

  it('GET /v1/products/{sku} and DELETE /v1/orders/{orderId} rewrite with their parameters', async () => {
    const p = await get('/v1/products/sku-1');
    expect(p.json()).toMatchObject({ backend: 'products', path: '/products/sku-1' });
    const d = await send(ng.port, 'DELETE', '/v1/orders/7', { host: HOST, 'x-api-key': KEY, ...bearer(token('RS256', claims(), keys.privateKey)) });
    expect(d.status, d.body).toBe(200);
    expect(d.json().path).toBe('/orders/7/cancel');
  });

  it('serves the mock from the gateway', async () => {
    const r = await get('/v1/docs');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({ docs: 'https://docs.shop.example.com' });
  });

  it('/users/me beats /users/{id} in both source orders', async () => {
    for (const port of [ng.port, reversed.port]) {
      expect((await get('/v1/users/me', { 'x-api-key': KEY }, port)).json().path).toBe('/internal/users/current');
      expect((await get('/v1/users/mex', { 'x-api-key': KEY }, port)).json().path).toBe('/internal/users/mex');
      expect((await get('/v1/users/42', { 'x-api-key': KEY }, port)).json().path).toBe('/internal/users/42');
    }
  });

  it('answers 404 (JSON) for unknown paths and 405 with Allow for undeclared methods', async () => {
    for (const path of ['/v1/nope', '/v1/users/1/2', '/v1/users/', '/other', '/v1', '/v1/orders/7/x', '/_gwc_internal/r/0']) {
      const r = await get(path, { 'x-api-key': KEY });
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body).status).toBe(404);
    }
    const r = await send(ng.port, 'PUT', '/v1/users/42', { host: HOST, 'x-api-key': KEY });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET');
    expect(JSON.parse(r.body).status).toBe(405);
    const o = await send(ng.port, 'PATCH', '/v1/orders/7', { host: HOST });
    expect(o.status).toBe(405);
    expect(o.headers.allow).toBe('GET, DELETE');
    const h = await send(ng.port, 'HEAD', '/v1/docs', { host: HOST });
    expect(h.status).toBe(405);
  });

  it('API key: 401 without, with a wrong or differently-cased key; 200 with the key; the key is hidden from the backend', async () => {
    expect((await get('/v1/users/42')).status).toBe(401);
    expect((await get('/v1/users/42', { 'x-api-key': 'nope' })).status).toBe(401);
    expect((await get('/v1/users/42', { 'x-api-key': KEY.toLowerCase() })).status).toBe(401);
    expect((await get('/v1/users/42', { 'x-api-key': `x${KEY}` })).status).toBe(401);
    expect((await get('/v1/users/42', { 'x-api-key': KEY.slice(0, -1) })).status).toBe(401);
    const ok = await get('/v1/users/42', { 'x-api-key': KEY });
    expect(ok.status).toBe(200);
    expect(ok.json().headers['x-api-key']).toBeUndefined();
    const unauth = await get('/v1/users/42');
    expect(JSON.parse(unauth.body).status).toBe(401);
  });

  it('basic auth: 401 with a challenge without or with a wrong password, 200 with the right one', async () => {
    const none = await get('/v1/admin/stats');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Basic realm="shop-admin"');
    expect((await get('/v1/admin/stats', basic('ops', 'wrong'))).status).toBe(401);
    expect((await get('/v1/admin/stats', basic('OPS', OPS))).status).toBe(401);
    expect((await get('/v1/admin/stats', basic('ops', OPS.toUpperCase()))).status).toBe(401);
    const ok = await get('/v1/admin/stats', basic('ops', OPS));
    expect(ok.status).toBe(200);
    expect(ok.json().headers.authorization).toBeUndefined();
  });

  it('JWT: signature, algorithm pin, exp, nbf, iss, aud and scopes', async () => {
    const post = (headers: Record<string, string>) => send(ng.port, 'POST', '/v1/payments', { host: HOST, ...headers }, '{}');
    expect((await post({})).status).toBe(401);
    expect((await post(bearer(token('RS256', claims(), keys.privateKey)))).status).toBe(200);
    expect((await post(bearer(token('RS256', claims(), other.privateKey)))).status).toBe(401);
    expect((await post(bearer(token('RS256', claims({ exp: now() - 3600 }), keys.privateKey)))).status).toBe(401);
    expect((await post(bearer(token('RS256', claims({ exp: undefined }), keys.privateKey)))).status).toBe(401);
    expect((await post(bearer(token('RS256', claims({ nbf: now() + 3600 }), keys.privateKey)))).status).toBe(401);
    expect((await post(bearer(token('RS256', claims({ iss: 'https://evil/' }), keys.privateKey)))).status).toBe(401);
    expect((await post(bearer(token('RS256', claims({ aud: 'other' }), keys.privateKey)))).status).toBe(401);
    expect((await post(bearer(token('RS256', claims({ aud: ['x', 'shop'] }), keys.privateKey)))).status).toBe(200);
    // Algorithm confusion: HS256 keyed with the public key text must not pass an RS256-pinned scheme.
    expect((await post(bearer(token('HS256', claims(), keys.publicPem)))).status).toBe(401);
    const unsigned = token('RS256', claims(), keys.privateKey).split('.').slice(0, 2).join('.');
    expect((await post(bearer(`${unsigned}.`))).status).toBe(401);
    expect((await post({ authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.` })).status).toBe(401);
    // Refused attempts spend this address's budget of the route's per-consumer limit (10/s): let it refill.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await post(bearer(token('RS256', claims({ scope: 'orders:read' }), keys.privateKey)))).status).toBe(403);
  });

  it('security OR: listOrders takes an API key or a JWT; AND: cancelOrder needs both', async () => {
    const jwt = bearer(token('RS256', claims(), keys.privateKey));
    expect((await get('/v1/orders')).status).toBe(401);
    expect((await get('/v1/orders', { 'x-api-key': KEY })).status).toBe(200);
    expect((await get('/v1/orders', jwt)).status).toBe(200);
    expect((await get('/v1/orders', { 'x-api-key': 'bad', ...jwt })).status).toBe(200);
    expect((await get('/v1/orders', { 'x-api-key': 'bad' })).status).toBe(401);
    const del = (h: Record<string, string>) => send(ng.port, 'DELETE', '/v1/orders/9', { host: HOST, ...h });
    expect((await del({})).status).toBe(401);
    expect((await del({ 'x-api-key': KEY })).status).toBe(401);
    expect((await del(jwt)).status).toBe(401);
    expect((await del({ 'x-api-key': 'bad', ...jwt })).status).toBe(401);
    expect((await del({ 'x-api-key': KEY, ...bearer(token('RS256', claims({ scope: 'orders:read' }), keys.privateKey)) })).status).toBe(403);
    expect((await del({ 'x-api-key': KEY, ...jwt })).status).toBe(200);
  });

  it('rate limit: 429 (JSON) after the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get('/v1/products/p1', { 'x-tenant': 't1' })).status);
    // 3 a minute per client address (earlier tests of this file may have spent one already).
    expect(statuses[0]).toBe(200);
    expect(statuses.filter((x) => x === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    // x-tenant is nothing the gateway verifies: another value from the same client is the same
    // bucket (limit-key-unverified), never a fresh one.
    expect((await get('/v1/products/p1', { 'x-tenant': 't2' })).status).toBe(429);
    const r = await get('/v1/products/p1', { origin: ORIGIN, 'x-tenant': 't1' });
    expect(JSON.parse(r.body).status).toBe(429);
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('CORS: preflight answered for allowed origins, headers on success and error responses', async () => {
    const pre = await send(ng.port, 'OPTIONS', '/v1/users/42', { host: HOST, origin: ORIGIN, 'access-control-request-method': 'GET' });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(pre.headers['access-control-allow-methods']).toBe('GET, POST, DELETE');
    expect(pre.headers['access-control-allow-headers']).toBe('Content-Type, Authorization, X-Api-Key');
    expect(pre.headers['access-control-max-age']).toBe('600');
    const evil = await send(ng.port, 'OPTIONS', '/v1/users/42', { host: HOST, origin: 'https://evil.example.com', 'access-control-request-method': 'GET' });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const upper = await send(ng.port, 'OPTIONS', '/v1/users/42', { host: HOST, origin: 'HTTPS://SHOP.EXAMPLE.COM', 'access-control-request-method': 'GET' });
    expect(upper.headers['access-control-allow-origin']).toBeUndefined();
    const ok = await get('/v1/users/42', { origin: ORIGIN, 'x-api-key': KEY });
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    const denied = await get('/v1/users/42', { origin: ORIGIN });
    expect(denied.status).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(ORIGIN);
    // A plain OPTIONS (no preflight) on a path that does not declare it is a 405.
    expect((await send(ng.port, 'OPTIONS', '/v1/users/42', { host: HOST })).status).toBe(405);
  });

  it('cache: the second GET is a hit and does not reach the backend', async () => {
    const before = stubs.products!.hits.length;
    const a = await get('/v1/products?page=cache-test');
    const b = await get('/v1/products?page=cache-test');
    expect(a.headers['x-cache-status']).toBe('MISS');
    expect(b.headers['x-cache-status']).toBe('HIT');
    expect(b.body).toBe(a.body);
    expect(stubs.products!.hits.length).toBe(before + 1);
  });

  it('a cached response still needs the credential (auth runs before the cache)', async () => {
    const a = await get('/v1/users/cached-1', { 'x-api-key': KEY });
    const b = await get('/v1/users/cached-1', { 'x-api-key': KEY });
    expect([a.headers['x-cache-status'], b.headers['x-cache-status']]).toEqual(['MISS', 'HIT']);
    const c = await get('/v1/users/cached-1');
    expect(c.status).toBe(401);
    expect(c.body).not.toContain('cached-1');
    expect((await get('/v1/users/cached-1', { 'x-api-key': 'wrong' })).status).toBe(401);
  });

  it('rewrite keeps an encoded parameter inside its segment and passes the query on', async () => {
    const r = await get('/v1/users/a%3Fb%20c?x=1&y=%2F', { 'x-api-key': KEY });
    expect(r.json().path).toBe('/internal/users/a%3Fb%20c?x=1&y=%2F');
  });

  it('request and response header policies, body limit', async () => {
    const r = await send(ng.port, 'POST', '/v1/users', { host: HOST, 'x-api-key': KEY, 'x-debug': '1', 'x-gateway': 'spoofed' }, '{}');
    expect(r.json().headers['x-gateway']).toBe('shop');
    expect(r.json().headers['x-debug']).toBeUndefined();
    const big = await send(ng.port, 'POST', '/v1/users', { host: HOST, 'x-api-key': KEY }, 'x'.repeat(70 * 1024));
    expect(big.status).toBe(413);
    const pay = await send(ng.port, 'POST', '/v1/payments', { host: HOST, ...bearer(token('RS256', claims(), keys.privateKey)) }, '{}');
    expect(pay.headers['cache-control']).toBe('no-store');
  });

  it('weighted upstream spreads requests over both order backends', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add((await get('/v1/orders', { 'x-api-key': KEY })).json().backend);
    expect([...seen].sort()).toEqual(['orders-0', 'orders-1']);
  });

  it('keepalive upstream: HTTP/1.1 with an empty Connection header; Host is the backend host', async () => {
    const r = await get('/v1/users/42', { 'x-api-key': KEY });
    expect(r.json().headers.connection).toBeUndefined();
    expect(r.json().headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(r.json().headers['x-forwarded-host']).toBe(HOST);
  });
});
