/**
 * Traefik: a limit per client address must not be a bucket per IPv6 address. A client holding a /64
 * rotates source addresses; sourceCriterion.ipStrategy.ipv6Subnet (Traefik 3.2, pkg/ip/strategy.go
 * getIPv6SubnetIP) counts it per /64. Through the request oracle, which applies ipv6Subnet as
 * Traefik does, with a bucket per router x middleware x source (`burst` tokens each). A line before
 * 3.2 cannot: the limit stays per address and a coded warning says so at the rateLimit node.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { send, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
  /ip: { get: { operationId: byIp, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, burst: 2, by: ip } }, responses: ${ok} } }
  /anon: { get: { operationId: anon, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, burst: 2, by: consumer } }, responses: ${ok} } }
  /tenant: { get: { operationId: tenant, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, burst: 2, by: { header: X-Tenant } } }, responses: ${ok} } }
`;

class Lab {
  private readonly used = new Map<string, number>();
  constructor(readonly config: TraefikConfig) {}
  get(target: string, remoteAddr: string, headers: Record<string, string> = {}): number {
    const req: OracleRequest = { method: 'GET', host: 'api.example.com', target, headers, remoteAddr };
    const o = send(this.config, req);
    for (const { middleware, key } of o.rateLimitKeys) {
      const b = `${o.router}|${middleware}|${key}`;
      const cap = (this.config.http.middlewares?.[middleware] as { rateLimit: { burst: number } }).rateLimit.burst;
      if ((this.used.get(b) ?? 0) >= cap) return 429;
      this.used.set(b, (this.used.get(b) ?? 0) + 1);
    }
    return o.status;
  }
}

async function lab(options: Record<string, string> = {}) {
  const { built } = await compileCase(writeSpec(SPEC), options);
  return { lab: new Lab(built!.config!), built: built! };
}

const ROTATE = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff:ffff:ffff:fffe', '2001:0db8:0001:0002:0:0:0:9'];

describe('traefik: rate limits per client address count an IPv6 client per /64', () => {
  it('attack: rotating source addresses inside one /64 gets no fresh bucket (by: ip)', async () => {
    const { lab: l, built } = await lab();
    expect(ROTATE.map((ip) => l.get('/ip', ip))).toEqual([200, 200, 429, 429]);
    expect(l.get('/ip', '2001:db8:1:3::1')).toBe(200);
    expect(built.version).toBe('3.2');
    expect(built.result.diagnostics.filter((d) => d.code === 'traefik-limit-ipv6-per-address')).toEqual([]);
  });

  it('attack: the client-address fallbacks (by: consumer on a public route, an unverified header) too', async () => {
    const { lab: l } = await lab();
    expect(ROTATE.slice(0, 3).map((ip) => l.get('/anon', ip))).toEqual([200, 200, 429]);
    expect(ROTATE.slice(0, 3).map((ip, i) => l.get('/tenant', ip, { 'X-Tenant': `t${i}` }))).toEqual([200, 200, 429]);
  });

  it('attack: behind a proxy (client-ip-depth=1) the X-Forwarded-For address is counted per /64', async () => {
    const { lab: l } = await lab({ 'client-ip-depth': '1' });
    expect(ROTATE.map((ip) => l.get('/ip', '10.0.0.1', { 'X-Forwarded-For': ip }))).toEqual([200, 200, 429, 429]);
  });

  it('IPv4 stays per address', async () => {
    const { lab: l } = await lab();
    expect(['192.0.2.1', '192.0.2.1', '192.0.2.1'].map((ip) => l.get('/ip', ip))).toEqual([200, 200, 429]);
    expect(l.get('/ip', '192.0.2.2')).toBe(200);
  });

  it('emits ipv6Subnet: 64 on every client-address limit, both schemas accept the file', async () => {
    const { built } = await lab();
    const limits = Object.values(built.config!.http.middlewares ?? {}).map((m) => (m as { rateLimit?: { sourceCriterion: unknown } }).rateLimit).filter(Boolean);
    expect(limits).toHaveLength(3);
    for (const rl of limits) expect(rl!.sourceCriterion).toEqual({ ipStrategy: { depth: 0, ipv6Subnet: 64 } });
    expect(ownSchema(built.config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(built.config), JSON.stringify(storeSchema.errors)).toBe(true);
  });

  it('a line before 3.2 keeps the limit per address and says so, once per route, at the rateLimit node', async () => {
    const { lab: l, built } = await lab({ 'traefik-version': '3.1' });
    expect(ROTATE.map((ip) => l.get('/ip', ip))).toEqual([200, 200, 200, 200]);
    const ws = built.result.diagnostics.filter((d) => d.code === 'traefik-limit-ipv6-per-address');
    const byRoute = (d: (typeof ws)[number]) => String(d.params?.route);
    expect(ws.sort((a, b) => byRoute(a).localeCompare(byRoute(b))).map((d) => [d.severity, d.params, d.loc?.pointer])).toEqual([
      ['warn', { route: 'anon', version: '3.1' }, '/paths/~1anon/get/x-gateway/rateLimit'],
      ['warn', { route: 'byIp', version: '3.1' }, '/paths/~1ip/get/x-gateway/rateLimit'],
      ['warn', { route: 'tenant', version: '3.1' }, '/paths/~1tenant/get/x-gateway/rateLimit'],
    ]);
    expect(JSON.stringify(built.config)).not.toContain('ipv6Subnet');
    expect(ownSchema(built.config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(built.config), JSON.stringify(storeSchema.errors)).toBe(true);
  });

  it('an explicit 3.2 emits it without a warning', async () => {
    const { built } = await lab({ 'traefik-version': '3.2' });
    expect(JSON.stringify(built.config)).toContain('"ipv6Subnet":64');
    expect(built.result.diagnostics.filter((d) => d.code === 'traefik-limit-ipv6-per-address')).toEqual([]);
  });
});
