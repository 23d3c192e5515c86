/**
 * Red-team catalogue, Traefik identity-bound policies (DESIGN.md 7.4). Traefik has no response
 * cache (capability `cache` is unsupported: refused, never dropped), so the attacks are on
 * rateLimit, through the request oracle (test/targets/traefik/traefik-oracle.ts) with buckets kept
 * across requests as Traefik keeps them: one bucket set per router using the middleware
 * (pkg/middlewares/ratelimiter/rate_limiter.go: each instance its own limiter, source
 * `<name>:<key>`), holding `burst` tokens (no refill modelled), the key from sourceCriterion
 * (a header's first value, or ipStrategy: depth from the right of the first X-Forwarded-For line,
 * none is the connection's address; pkg/ip/strategy.go).
 * Attacks: a header the caller rotates for a fresh bucket or sets to a victim's; X-Forwarded-For
 * spoofing; a route split into one router per security alternative multiplying the quota; the
 * credential header counted before it is verified; a cache silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type OracleEnv, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const FA = "x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } }";
const SPEC = (paths: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
  consumers:
    alice: { credentials: { basicAuth: { username: alice, password: '\${env:ALICE_PASSWORD}' } } }
paths:
${paths}
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, ${FA} }
    basicAuth: { type: http, scheme: basic }
`;
const KEYS = new Set(['key-alice', 'key-bob']);
const env: OracleEnv = { auth: (call) => ({ status: KEYS.has(call.headers.get('X-Api-Key') ?? '') ? 200 : 401 }) };

/** Traefik with its rate-limit buckets: one per router x middleware x source, `burst` tokens each. */
class Lab {
  private readonly used = new Map<string, number>();
  constructor(readonly config: TraefikConfig) {}
  get(target: string, headers: Record<string, string | string[]> = {}, remoteAddr = '203.0.113.7', e: OracleEnv = env): number {
    const req: OracleRequest = { method: 'GET', host: 'api.example.com', target, headers, remoteAddr };
    const o = send(this.config, req, e);
    for (const { middleware, key } of o.rateLimitKeys) {
      const b = `${o.router}|${middleware}|${key}`;
      const cap = (this.config.http.middlewares?.[middleware] as { rateLimit: { burst: number } }).rateLimit.burst;
      if ((this.used.get(b) ?? 0) >= cap) return 429;
      this.used.set(b, (this.used.get(b) ?? 0) + 1);
    }
    return o.status;
  }
  /** Requests per second a router's limiter lets through in the long run. */
  rate(router: string): number {
    const mw = (this.config.http.routers[router]!.middlewares ?? []).map((n) => this.config.http.middlewares?.[n] as { rateLimit?: { average: number; period: string } }).find((m) => m?.rateLimit)!.rateLimit!;
    const m = /^(\d+)([smh])$/.exec(mw.period)!;
    return mw.average / (Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h']);
  }
}

async function lab(paths: string, options: Record<string, string> = {}) {
  const { built } = await compileCase(writeSpec(SPEC(paths)), options);
  return { lab: new Lab(built!.config!), diagnostics: built!.result.diagnostics };
}
const limited = (path: string, id: string, security: string, rateLimit: string) => `  ${path}: { get: { operationId: ${id}, ${security}, x-gateway: { rateLimit: ${rateLimit} }, responses: ${ok} } }`;
const pub = (path: string, id: string, rateLimit: string) => `  ${path}: { get: { operationId: ${id}, x-gateway: { public: true, rateLimit: ${rateLimit} }, responses: ${ok} } }`;

describe('traefik red team: rate limits', () => {
  it('by: {header} nobody verifies: rotating it is no fresh bucket, and writing a victim\'s value never drains the victim', async () => {
    const { lab: l, diagnostics } = await lab(pub('/t', 'tenant', '{ requests: 2, per: minute, burst: 2, by: { header: X-Tenant } }'));
    expect([0, 1, 2, 3].map((i) => l.get('/t', { 'X-Tenant': `t-${i}` }, '192.0.2.1'))).toEqual([200, 200, 429, 429]);
    [0, 1, 2].forEach(() => l.get('/t', { 'X-Tenant': 'victim' }, '192.0.2.66'));
    expect(l.get('/t', { 'X-Tenant': 'victim' }, '192.0.2.7')).toBe(200);
    expect(diagnostics.find((d) => d.code === 'limit-key-unverified')).toMatchObject({
      severity: 'warn', params: { route: 'tenant', header: 'X-Tenant', target: 'traefik' }, loc: { pointer: '/paths/~1t/get/x-gateway/rateLimit' },
    });
  });

  // Red team 12: the limiter reads the key header's FIRST line while forward auth may verify
  // another, so a header API key is no single-valued key: counted per client address, warned.
  it('by: {header} on the route\'s API-key header is counted per client address (a second line would vary the key), warned', async () => {
    const { lab: l, diagnostics } = await lab(limited('/k', 'keyed', 'security: [{ hk: [] }]', '{ requests: 2, per: minute, burst: 2, by: { header: x-api-key } }'));
    expect(diagnostics.filter((d) => d.code === 'limit-key-unverified').map((d) => d.params?.route)).toEqual(['keyed']);
    expect([0, 1, 2].map(() => l.get('/k', { 'X-Api-Key': 'key-alice' }, '192.0.2.1'))).toEqual([200, 200, 429]);
    // Forged keys are refused (counted per address, as every request of that address is).
    const o = send(l.config, { method: 'GET', host: 'api.example.com', target: '/k', headers: { 'X-Api-Key': 'forged' } }, env);
    expect(o.status).toBe(401);
  });

  it('by: ip never reads a client\'s X-Forwarded-For (default depth 0); with client-ip-depth 1 only the entry the trusted proxy appended counts', async () => {
    const spoof = (i: number) => ({ 'X-Forwarded-For': `10.0.0.${i}`, 'X-Real-Ip': `10.0.1.${i}`, Forwarded: `for=10.0.2.${i}` });
    const { lab: l } = await lab(pub('/ip', 'ip', '{ requests: 2, per: minute, burst: 2, by: ip }'));
    expect([0, 1, 2, 3].map((i) => l.get('/ip', spoof(i), '198.51.100.9'))).toEqual([200, 200, 429, 429]);
    const { lab: behind } = await lab(pub('/ip', 'ip', '{ requests: 2, per: minute, burst: 2, by: ip }'), { 'client-ip-depth': '1' });
    // The load balancer (trusted: its X-Forwarded-For is kept) appends the real client to what the client wrote.
    const viaLb = (i: number) => behind.get('/ip', { 'X-Forwarded-For': `10.0.0.${i}, 198.51.100.9` }, '10.1.1.1', { ...env, entryPoint: { trustForwardedHeaders: true } });
    expect([0, 1, 2, 3].map(viaLb)).toEqual([200, 200, 429, 429]);
    // Traefik reads the first X-Forwarded-For line only: a proxy that adds its entry on a line of
    // its own (instead of appending to the client's) hands the client the key. client-ip-depth is
    // only as sound as the proxy in front (src/targets/traefik/options.ts says what it needs).
    const twoLines = (i: number) => behind.get('/ip', { 'X-Forwarded-For': [`10.9.0.${i}`, '198.51.100.10'] }, '10.1.1.1', { ...env, entryPoint: { trustForwardedHeaders: true } });
    expect([0, 1, 2].map(twoLines), 'the model reads another line than Traefik').toEqual([200, 200, 200]);
  });

  it('one router per security alternative never multiplies the quota: N routers each get 1/N of the rate', async () => {
    const { lab: l } = await lab(limited('/or', 'orr', 'security: [{ hk: [] }, { basicAuth: [] }]', '{ requests: 60, per: minute, by: ip }'));
    const routers = Object.keys(l.config.http.routers).filter((r) => (l.config.http.routers[r]!.middlewares ?? []).some((n) => 'rateLimit' in (l.config.http.middlewares?.[n] ?? {})));
    expect(routers.length).toBe(2);
    const total = routers.reduce((s, r) => s + l.rate(r), 0);
    expect(total, 'the routers together let through more than the limit').toBeLessThanOrEqual(1);
  });

  it('a per-consumer limit on basic keys on the verified user, whatever X-Consumer the client sends', async () => {
    const { built } = await compileCase(writeSpec(SPEC(limited('/b', 'basic', 'security: [{ basicAuth: [] }]', '{ requests: 2, per: minute, by: consumer }'))));
    const c = built!.config!;
    const router = Object.keys(c.http.routers).find((r) => r.includes('basic') && !r.includes('other'))!;
    const chain = (c.http.routers[router]!.middlewares ?? []).map((n) => c.http.middlewares?.[n] as Record<string, any>);
    const clear = chain.findIndex((m) => Object.keys(m.headers?.customRequestHeaders ?? {}).some((h) => h.toLowerCase() === 'x-consumer'));
    const limit = chain.findIndex((m) => m.rateLimit);
    expect(chain[limit]!.rateLimit.sourceCriterion).toEqual({ requestHeaderName: 'X-Consumer' });
    expect(clear).toBeGreaterThanOrEqual(0);
    expect(clear).toBeLessThan(limit);
  });

  it('a cache is refused on Traefik (no response cache), never compiled away silently', async () => {
    const b = await buildTarget(writeSpec(SPEC(`  /c: { get: { operationId: cached, x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }`)), { target: 'traefik' });
    expect(b.diagnostics.find((d) => d.params?.feature === 'cache')).toMatchObject({ code: 'capability-unsupported', params: { route: 'cached' } });
    expect(b.files).toEqual([]);
  });
});
