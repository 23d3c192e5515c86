/**
 * Traefik: where a rate limit runs relative to auth (closing15 "Still open" 9: "the per-address
 * limit runs before auth: forged keys count against the caller's address"). Decided, pinned here:
 * - `by: ip` (and a `by: {header}` limit nobody verifies, counted per address) runs BEFORE auth, as
 *   nginx's limit_req (preaccess phase, before auth_request): a request with a forged key is counted,
 *   which is what slows credential guessing; the bucket is the caller's address, which the caller
 *   shares only with its own network (a NAT drains together whatever the credentials).
 * - `by: consumer` runs AFTER auth (policy-map.ts rateLimitParts afterAuth), also where it falls
 *   back to the client address (traefik-limit-key-unverified: a header API key verified by a
 *   forwardAuth service): a refused credential is never counted, so a forged-key flood from a shared
 *   address cannot drain the verified callers' bucket (Kong likewise counts after its auth plugins).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const limited = (path: string, by: string) =>
  `  ${path}: { get: { security: [{ hk: [] }], x-gateway: { rateLimit: { requests: 3, per: minute, by: ${by} } }, responses: { '200': { description: ok } } } }\n`;
const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
${limited('/ip', 'ip')}${limited('/consumer', 'consumer')}${limited('/client', '{ header: X-Client-Id }')}components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
`;
const auth = (call: AuthCall) => (call.headers.get('X-Api-Key') === 'key-good' ? { status: 200 } : { status: 401 });

describe('traefik: a rate limit and auth, in which order', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const get = (path: string, key: string) =>
    send(config, { method: 'GET', host: 'api.example.com', target: path, headers: { 'X-Api-Key': key, 'X-Client-Id': 'c1' }, tls: true, remoteAddr: '198.51.100.9' }, { auth });

  it('builds, the per-consumer limit said to be per address', () => {
    expect(built!.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built!.result.diagnostics.map((d) => d.code)).toContain('traefik-limit-key-unverified');
  });

  it('by: ip and an unverified header limit count a forged key (before auth: guessing is slowed)', () => {
    for (const path of ['/ip', '/client']) {
      const o = get(path, 'forged');
      expect(o.status, path).toBe(401);
      expect(o.rateLimitKeys.map((k) => k.key), path).toEqual(['198.51.100.9']);
      expect(o.authCalls.length, path).toBe(1);
    }
  });

  it('by: consumer never counts a refused credential, though it keys on the address (after auth)', () => {
    const forged = get('/consumer', 'forged');
    expect(forged.status).toBe(401);
    expect(forged.rateLimitKeys).toEqual([]);
    const good = get('/consumer', 'key-good');
    expect(good.status).toBe(200);
    expect(good.rateLimitKeys.map((k) => k.key)).toEqual(['198.51.100.9']);
  });
});
