/**
 * Traefik and IPv4-mapped client addresses (`::ffff:192.0.2.1`) in a per-address rate limit.
 * From the connection Traefik never sees one: Go prints an IPv4-mapped peer as IPv4 (net.IP.String),
 * so without --option client-ip-depth a client has one spelling. Behind a proxy (depth > 0) the
 * address is the X-Forwarded-For entry the proxy wrote, and a proxy on a dual-stack socket (HAProxy
 * `v4v6`, nginx `ipv6only=off`) writes `::ffff:a.b.c.d`. Traefik keys that text as it is
 * (pkg/ip/strategy.go): netip reads it as IPv6, so ipv6Subnet: 64 masks it to `::`, one bucket for
 * every IPv4 client the proxy spells that way, apart from the client's own IPv4 bucket. No ipStrategy
 * field unmaps it, so gwc says so with a code at the rateLimit node of each such route; nginx
 * counts both spellings as one address (e2e-ratelimit-ipv6.test.ts), IP allow lists are unaffected
 * (Traefik's checker unmaps, ip-mapped-address.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
  /ip: { get: { operationId: byIp, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, burst: 2, by: ip } }, responses: ${ok} } }
  /anon: { get: { operationId: anon, x-gateway: { public: true, rateLimit: { requests: 2, per: minute, burst: 2, by: consumer } }, responses: ${ok} } }
  /allowed: { get: { operationId: allowed, x-gateway: { public: true, ipAllow: [192.0.2.0/24] }, responses: ${ok} } }
`;

async function build(options: Record<string, string> = {}) {
  const { built } = await compileCase(writeSpec(SPEC), options);
  return built!;
}

/** Which bucket keys Traefik computes for a request through a proxy that wrote `xff`. */
function keys(config: TraefikConfig, xff: string): string[] {
  return send(config, { method: 'GET', host: 'api.example.com', target: '/ip', headers: { 'X-Forwarded-For': xff }, remoteAddr: '10.0.0.1' }, { entryPoint: { trustForwardedHeaders: true } }).rateLimitKeys.map((k) => k.key);
}

describe('traefik: per-address limits and IPv4-mapped client addresses', () => {
  it('the gap, as Traefik keys it behind a proxy: a mapped spelling is another bucket, and every mapped client shares one', async () => {
    const built = await build({ 'client-ip-depth': '1' });
    const a = keys(built.config!, '::ffff:192.0.2.1');
    expect(a).not.toEqual(keys(built.config!, '192.0.2.1'));
    expect(a).toEqual(keys(built.config!, '::ffff:198.51.100.7'));
  });

  it('behind a proxy (client-ip-depth > 0) each route limited per client address is warned, once, at its rateLimit node', async () => {
    const built = await build({ 'client-ip-depth': '1' });
    const ws = built.result.diagnostics.filter((d) => d.code === 'traefik-limit-mapped-address').map((d) => [d.severity, d.params, d.loc?.pointer]);
    expect(ws.sort((x, y) => String(x[2]) < String(y[2]) ? -1 : 1)).toEqual([
      ['warn', { route: 'anon', depth: 1 }, '/paths/~1anon/get/x-gateway/rateLimit'],
      ['warn', { route: 'byIp', depth: 1 }, '/paths/~1ip/get/x-gateway/rateLimit'],
    ]);
  });

  it('from the connection (depth 0) nothing is warned: Go prints a mapped peer as IPv4', async () => {
    const built = await build();
    expect(built.result.diagnostics.filter((d) => d.code === 'traefik-limit-mapped-address')).toEqual([]);
  });
});
