/**
 * Kong: rate-limiting keys a client-address limit on the whole address
 * (kong/plugins/rate-limiting/handler.lua get_identifier -> kong.client.get_forwarded_ip(); the
 * schema's limit_by has no prefix option), so an IPv6 client rotating addresses inside its /64 gets
 * a fresh bucket per request. gwc cannot fix that in the plugin: it says so, with a code, at the
 * rateLimit node of every route whose limit ends up per client address (by: ip, by: consumer on a
 * route without a verified consumer, an unverified header), and not where it counts per consumer.
 * The simulation (test/targets/kong/kong-policy-sim.ts) shows the gap the warning names.
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
const lim = (path: string, id: string, by: string, security = 'x-gateway: { public: true, ') =>
  `  ${path}: { get: { operationId: ${id}, ${security}rateLimit: { requests: 2, per: minute, by: ${by} } }, responses: ${ok} } }`;
const SPEC = `openapi: 3.1.0
info: { title: rtk, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
paths:
${lim('/ip', 'byIp', 'ip')}
${lim('/anon', 'anon', 'consumer')}
${lim('/tenant', 'tenant', '{ header: X-Tenant }')}
${lim('/me', 'me', 'consumer', 'security: [{ hkey: [] }], x-gateway: { ')}
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: x-api-key }
`;
const env = { DECK_ALICE_KEY: 'alice-key-0001' };

describe('kong: a limit per client address on IPv6', async () => {
  const b = await buildTarget(writeSpec(SPEC), { target: 'kong' });
  const yaml = b.files.find((f) => f.path === 'kong.yaml')?.contents;

  it('builds a file deck accepts', () => {
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(yaml).toBeDefined();
    expect(deckValidate(yaml!)?.ok ?? true).toBe(true);
  });

  it('warns at the rateLimit node of every route limited per client address, not on the per-consumer one', () => {
    const ws = b.diagnostics.filter((d) => d.code === 'kong-limit-ipv6-per-address');
    const rows = ws.map((d) => [d.severity, d.params, d.loc?.pointer]).sort((x, y) => String(x[2]).localeCompare(String(y[2])));
    expect(rows).toEqual([
      ['warn', { route: 'anon' }, '/paths/~1anon/get/x-gateway/rateLimit'],
      ['warn', { route: 'byIp' }, '/paths/~1ip/get/x-gateway/rateLimit'],
      ['warn', { route: 'tenant' }, '/paths/~1tenant/get/x-gateway/rateLimit'],
    ]);
  });

  it('the gap it names: Kong gives each address of one /64 its own bucket (per-consumer limits are not affected)', () => {
    const sim = new KongSim(parse(yaml!) as DeckDoc, env);
    const get = (path: string, ip: string, headers: Record<string, string> = {}) => sim.send({ method: 'GET', path, host: HOST, headers, ip }).status;
    expect(['2001:db8:1:2::1', '2001:db8:1:2::1', '2001:db8:1:2::1'].map((ip) => get('/v1/ip', ip))).toEqual([200, 200, 429]);
    expect(['2001:db8:1:2::2', '2001:db8:1:2::3'].map((ip) => get('/v1/ip', ip))).toEqual([200, 200]);
    const key = { 'x-api-key': env.DECK_ALICE_KEY };
    expect(['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:3::3'].map((ip) => get('/v1/me', ip, key))).toEqual([200, 200, 429]);
  });
});
