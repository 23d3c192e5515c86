/**
 * Red-team catalogue, Kong identity-bound policies (DESIGN.md 7.4): proxy-cache and
 * rate-limiting as Kong 3 runs them (test/targets/kong/kong-policy-sim.ts, read from Kong's
 * handlers), driven by request sequences against the decK file gwc builds from a spec.
 * - cache: one consumer's entry served to another or to an anonymous caller; the query key parts
 *   running into each other (`:` `,` `=` unescaped) on an entry every caller shares; Set-Cookie
 *   and Cache-Control: private answers; the cache running before auth (priorities);
 * - limits: a header the caller rotates for a fresh bucket or sets to a victim's value; the key
 *   header of key-auth (hidden before rate-limiting runs); X-Forwarded-For; buckets per route.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { writeSpec } from '../helpers/spec.js';
import type { DeckDoc } from '../targets/kong/kong-oracle.js';
import { KongSim } from '../targets/kong/kong-policy-sim.js';
import { deckValidate } from '../targets/kong/validate.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.example.com';
const op = (id: string, security: string, xg: string) => `{ get: { operationId: ${id}, ${security}, x-gateway: { ${xg} }, responses: ${ok} } }`;
const KEYED = 'security: [{ hkey: [] }]';
const SPEC = (paths: string) => `openapi: 3.1.0
info: { title: rtk, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}", basicAuth: { username: alice, password: "\${env:ALICE_PW}" } } }
    bob: { credentials: { hkey: "\${env:BOB_KEY}", basicAuth: { username: bob, password: "\${env:BOB_PW}" } } }
    carol: { credentials: { qkey: "\${env:CAROL_KEY}" } }
    dave: { credentials: { qkey: "\${env:DAVE_KEY}" } }
paths:
${paths}
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
    qkey: { type: apiKey, in: query, name: api_key }
    basicAuth: { type: http, scheme: basic }
`;
const env = { DECK_ALICE_KEY: 'alice-key-0001', DECK_BOB_KEY: 'bob-key-0002', DECK_CAROL_KEY: 'carol-key-0003', DECK_DAVE_KEY: 'dave-key-0004', DECK_ALICE_PW: 'a-pw', DECK_BOB_PW: 'b-pw' };
const A = { 'x-api-key': env.DECK_ALICE_KEY };
const B = { 'x-api-key': env.DECK_BOB_KEY };
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
const CACHEABLE = { 'cache-control': 'max-age=60' };

async function kong(paths: string) {
  const b = await buildTarget(writeSpec(SPEC(paths)), { target: 'kong' });
  const errors = b.diagnostics.filter((d) => d.severity === 'error');
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;
  if (yaml) expect(deckValidate(yaml)?.ok ?? true).toBe(true);
  return { b, errors, sim: yaml ? new KongSim(parse(yaml) as DeckDoc, env) : undefined };
}

describe('kong red team: proxy-cache', () => {
  it("per consumer: bob (header key, query key or basic) never gets alice's entry; no credential never reaches the cache", async () => {
    const { sim, errors } = await kong([
      `  /me: ${op('me', KEYED, 'cache: { ttl: 60s }')}`,
      `  /mq: ${op('mq', 'security: [{ qkey: [] }]', 'cache: { ttl: 60s }')}`,
      `  /or: ${op('orr', 'security: [{ hkey: [] }, { basicAuth: [] }]', 'cache: { ttl: 60s }')}`,
    ].join('\n'));
    expect(errors).toEqual([]);
    const s = sim!;
    const answer = (who: string) => ({ headers: CACHEABLE, body: `private data of ${who}` });
    for (const [path, bobReq, q] of [['/v1/me', B, undefined], ['/v1/or', basic('bob', 'b-pw'), undefined]] as const) {
      expect(s.send({ method: 'GET', path, host: HOST, headers: A, rawQuery: q }, answer('alice')).upstream).toBe(true);
      expect(s.send({ method: 'GET', path, host: HOST, headers: A }).hit, `${path} alice again`).toBe(true);
      const bob = s.send({ method: 'GET', path, host: HOST, headers: bobReq }, answer('bob'));
      expect(bob.hit, `${path}: bob was served alice's entry`).toBe(false);
      expect(bob.body).toBe('private data of bob');
      for (const anon of [{}, { 'x-api-key': 'forged-key' }, basic('alice', 'wrong'), { 'x-consumer-id': 'alice' }] as Array<Record<string, string>>) {
        expect(s.send({ method: 'GET', path, host: HOST, headers: anon }).status, `${path} ${JSON.stringify(anon)}`).toBe(401);
      }
    }
    s.send({ method: 'GET', path: '/v1/mq', host: HOST, rawQuery: `api_key=${env.DECK_CAROL_KEY}&x=1` }, answer('carol'));
    const bob = s.send({ method: 'GET', path: '/v1/mq', host: HOST, rawQuery: `api_key=${env.DECK_DAVE_KEY}&x=1` }, answer('dave'));
    expect(bob.hit).toBe(false);
    expect(bob.body).toBe('private data of dave');
  });

  it('proxy-cache (priority 100) runs after every auth plugin and acl', async () => {
    const { sim } = await kong(`  /or: ${op('orr', 'security: [{ hkey: [] }, { basicAuth: [] }]', 'cache: { ttl: 60s }')}`);
    const o = sim!.send({ method: 'GET', path: '/v1/or', host: HOST, headers: A });
    const ran = o.outcome.ran;
    expect(ran.indexOf('proxy-cache')).toBeGreaterThan(Math.max(ran.indexOf('key-auth'), ran.indexOf('basic-auth'), ran.indexOf('acl')));
  });

  it('Cache-Control: private / no-store / no-cache answers are never stored', async () => {
    const { sim } = await kong(`  /me: ${op('me', KEYED, 'cache: { ttl: 60s }')}`);
    for (const cc of ['private, max-age=60', 'no-store', 'no-cache, max-age=60', 'Private']) {
      sim!.send({ method: 'GET', path: '/v1/me', host: HOST, headers: A }, { headers: { 'cache-control': cc }, body: 'x' });
      expect(sim!.send({ method: 'GET', path: '/v1/me', host: HOST, headers: A }).hit, cc).toBe(false);
    }
  });

  it('an entry every caller shares (public route) is refused: Kong joins query parts unescaped, so ?a=x%3Ab%3D1 poisons ?a=x&b=1', async () => {
    const paths = `  /search: { get: { operationId: search, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }`;
    const { b, errors } = await kong(paths);
    // What Kong would do with a shared entry (the attack, on the proxy-cache this spec used to get):
    const doc = { services: [{ name: 's', routes: [{ name: 'r', id: 'r', methods: ['GET'], paths: ['/v1/search'], plugins: [{ name: 'proxy-cache', config: { request_method: ['GET'], response_code: [200, 404], content_type: ['application/json'], cache_control: true } }] }] }] } as DeckDoc;
    const shared = new KongSim(doc, {});
    shared.send({ method: 'GET', path: '/v1/search', rawQuery: 'a=x%3Ab%3D1' }, { status: 404, headers: CACHEABLE, body: 'no such thing' });
    expect(shared.send({ method: 'GET', path: '/v1/search', rawQuery: 'a=x&b=1' }).hit, 'the model no longer shows the collision').toBe(true);
    expect(shared.send({ method: 'GET', path: '/v1/search', rawQuery: 'q=b&q=a' }).hit).toBe(false);
    expect(shared.send({ method: 'GET', path: '/v1/search', rawQuery: 'q=b,a' }).hit).toBe(false);
    shared.send({ method: 'GET', path: '/v1/search', rawQuery: 'q=a,b' }, { headers: CACHEABLE, body: 'q is "a,b"' });
    expect(shared.send({ method: 'GET', path: '/v1/search', rawQuery: 'q=b&q=a' }).hit).toBe(true);
    // ... so gwc refuses it, at the cache line.
    expect(b.files).toEqual([]);
    expect(errors.map((d) => [d.code, d.params, d.loc?.pointer])).toEqual([
      ['kong-cache-key-ambiguous', { route: 'search' }, '/paths/~1search/get/x-gateway/cache'],
    ]);
  });

  it('optional auth (anonymous and identified callers on one route) never shares a cache: refused', async () => {
    const { b } = await kong(`  /opt: ${op('opt', 'security: [{}, { hkey: [] }]', 'cache: { ttl: 60s }')}`);
    expect(b.files).toEqual([]);
    expect(b.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^(capability-unsupported|kong-cache-key-ambiguous)$/)]));
  });

  it('a per-consumer entry is the caller\'s own: the same collision only ever serves a consumer its own answer', async () => {
    const { sim } = await kong(`  /me: ${op('me', KEYED, 'cache: { ttl: 60s }')}`);
    sim!.send({ method: 'GET', path: '/v1/me', host: HOST, headers: A, rawQuery: 'a=x%3Ab%3D1' }, { headers: CACHEABLE, body: 'alice:a=x:b=1' });
    expect(sim!.send({ method: 'GET', path: '/v1/me', host: HOST, headers: B, rawQuery: 'a=x&b=1' }).hit).toBe(false);
  });
});

describe('kong red team: rate limits', () => {
  const burst = (sim: KongSim, n: number, req: (i: number) => Parameters<KongSim['send']>[0]) => Array.from({ length: n }, (_, i) => sim.send(req(i)).status);

  it('by: {header} on a header nobody verifies: rotating it is no fresh bucket, and a victim\'s value never drains the victim', async () => {
    const { sim, b } = await kong(`  /t: { get: { operationId: tenant, x-gateway: { public: true, rateLimit: { requests: 3, per: minute, by: { header: X-Tenant } } }, responses: ${ok} } }`);
    expect(burst(sim!, 6, (i) => ({ method: 'GET', path: '/v1/t', host: HOST, headers: { 'x-tenant': `t-${i}` }, ip: '192.0.2.1' }))).toEqual([200, 200, 200, 429, 429, 429]);
    // The attacker (another address) writes the victim's tenant; the victim is not limited by it.
    burst(sim!, 5, () => ({ method: 'GET', path: '/v1/t', host: HOST, headers: { 'x-tenant': 'victim' }, ip: '192.0.2.66' }));
    expect(sim!.send({ method: 'GET', path: '/v1/t', host: HOST, headers: { 'x-tenant': 'victim' }, ip: '192.0.2.7' }).status).toBe(200);
    expect(b.diagnostics.find((d) => d.code === 'limit-key-unverified')).toMatchObject({
      severity: 'warn', params: { route: 'tenant', header: 'X-Tenant', target: 'kong' }, loc: { pointer: '/paths/~1t/get/x-gateway/rateLimit' },
    });
  });

  it('by: {header} on the verified API-key header counts per key (key-auth hides the header before rate-limiting runs)', async () => {
    const { sim, b } = await kong(`  /k: ${op('keyed', KEYED, 'rateLimit: { requests: 2, per: minute, by: { header: X-Api-KEY } }')}`);
    expect(b.diagnostics.filter((d) => d.code === 'limit-key-unverified')).toEqual([]);
    // Alice from two addresses is one bucket; bob has his own.
    expect(burst(sim!, 3, (i) => ({ method: 'GET', path: '/v1/k', host: HOST, headers: A, ip: `192.0.2.${i}` }))).toEqual([200, 200, 429]);
    expect(sim!.send({ method: 'GET', path: '/v1/k', host: HOST, headers: B, ip: '192.0.2.1' }).status).toBe(200);
    // Forged keys never reach the limiter (401 first).
    expect(burst(sim!, 3, (i) => ({ method: 'GET', path: '/v1/k', host: HOST, headers: { 'x-api-key': `forged-${i}` } }))).toEqual([401, 401, 401]);
  });

  it('by: consumer is one bucket per consumer whichever credential it shows, and X-Consumer-* headers choose nothing', async () => {
    const { sim } = await kong(`  /or: ${op('orr', 'security: [{ hkey: [] }, { basicAuth: [] }]', 'rateLimit: { requests: 2, per: minute, by: consumer }')}`);
    const out = [
      sim!.send({ method: 'GET', path: '/v1/or', host: HOST, headers: { ...A, 'x-consumer-id': 'bob' } }).status,
      sim!.send({ method: 'GET', path: '/v1/or', host: HOST, headers: basic('alice', 'a-pw') }).status,
      sim!.send({ method: 'GET', path: '/v1/or', host: HOST, headers: { ...A, 'x-consumer-username': 'x' }, ip: '198.51.100.1' }).status,
    ];
    expect(out).toEqual([200, 200, 429]);
    expect(sim!.send({ method: 'GET', path: '/v1/or', host: HOST, headers: B }).status).toBe(200);
  });

  it('by: ip never reads X-Forwarded-For / X-Real-IP / Forwarded (gwc sets no trusted_ips)', async () => {
    const { sim } = await kong(`  /ip: { get: { operationId: ip, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, by: ip } }, responses: ${ok} } }`);
    const xff = (i: number) => ({ 'x-forwarded-for': `10.0.0.${i}`, 'x-real-ip': `10.0.1.${i}`, forwarded: `for=10.0.2.${i}` });
    expect(burst(sim!, 4, (i) => ({ method: 'GET', path: '/v1/ip', host: HOST, headers: xff(i), ip: '203.0.113.9' }))).toEqual([200, 200, 429, 429]);
  });

  it('buckets are per route: a route\'s plugin counts only its own requests', async () => {
    const { sim } = await kong([`  /a: ${op('a', KEYED, 'rateLimit: { requests: 1, per: minute, by: consumer }')}`, `  /b: ${op('b', KEYED, 'rateLimit: { requests: 1, per: minute, by: consumer }')}`].join('\n'));
    expect([sim!.send({ method: 'GET', path: '/v1/a', host: HOST, headers: A }).status, sim!.send({ method: 'GET', path: '/v1/b', host: HOST, headers: A }).status]).toEqual([200, 200]);
    expect(sim!.send({ method: 'GET', path: '/v1/a', host: HOST, headers: A }).status).toBe(429);
  });
});
