/**
 * Traefik: identity and forwarding headers a client writes never reach the backend as the
 * client's (DESIGN.md 7.3), on public, basic and forward-auth routers. The backend's view is
 * Traefik's own: the entry point's forwarded-headers handler first (with no trustedIPs, the static
 * default, it deletes the client's X-Forwarded-Proto/-For/-Host/-Port/-Server/-Uri/-Method/-Tls-*
 * and X-Real-Ip and writes its own: pkg/middlewares/forwardedheaders), then the picked router's
 * middlewares in order (a headers middleware writing "" removes a request header).
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_FORWARDING_HEADERS, FOREIGN_IDENTITY_HEADERS, GATEWAY_IDENTITY_HEADERS } from '../../src/model/overrides.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { pickRouter, type Req } from '../targets/traefik/traefik-router.js';

const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
  consumers:
    ops: { credentials: { admin: { username: ops, password: '\${env:OPS_PASSWORD}' } } }
paths:
  /public:
    get: { x-gateway: { public: true }, responses: { '200': { description: ok } } }
    post: { x-gateway: { public: true }, responses: { '200': { description: ok } } }
  /admin:
    get: { security: [{ admin: [] }], responses: { '200': { description: ok } } }
  /me:
    get: { security: [{ fwd: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    admin: { type: http, scheme: basic }
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check', responseHeaders: [X-User-Id] } }
`;

/** What Traefik's entry point does for a client outside forwardedHeaders.trustedIPs. */
const ENTRY_POINT_REPLACES = ['X-Forwarded-Proto', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Server', 'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Real-Ip'];

function through(config: TraefikConfig, req: Req, answer: Record<string, string> = {}): { router?: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v.join(',');
  for (const h of ENTRY_POINT_REPLACES) delete headers[h.toLowerCase()];
  Object.assign(headers, { 'x-forwarded-for': '198.51.100.9', 'x-real-ip': '198.51.100.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com', 'x-forwarded-port': '443', 'x-forwarded-server': 'traefik-1' });
  const router = pickRouter(config, req);
  if (!router) return { headers };
  for (const name of config.http.routers[router]!.middlewares ?? []) {
    const mw = config.http.middlewares?.[name] as Record<string, any> | undefined;
    for (const [k, v] of Object.entries(mw?.headers?.customRequestHeaders ?? {})) {
      if (v === '') delete headers[k.toLowerCase()];
      else headers[k.toLowerCase()] = String(v);
    }
    for (const h of mw?.forwardAuth?.authResponseHeaders ?? []) {
      const hit = Object.entries(answer).find(([k]) => k.toLowerCase() === String(h).toLowerCase());
      if (hit) headers[String(h).toLowerCase()] = hit[1];
    }
  }
  return { router, headers };
}

const NAMES = [...FOREIGN_IDENTITY_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...CLIENT_FORWARDING_HEADERS, 'X-User-Id', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Proto'];
const forged = Object.fromEntries(NAMES.map((h) => [h, ['forged']]));
const basicOps = `Basic ${Buffer.from('ops:pw').toString('base64')}`;

describe('traefik: identity and forwarding headers a client writes', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config!;

  it('builds a file both schemas accept', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
  });

  const cases: Array<[string, Req]> = [
    ['a public GET', { method: 'GET', host: 'api.example.com', path: '/public', headers: forged }],
    ['a public POST', { method: 'POST', host: 'api.example.com', path: '/public', headers: forged }],
    ['a basic-auth route', { method: 'GET', host: 'api.example.com', path: '/admin', headers: { ...forged, Authorization: [basicOps] } }],
    ['a forward-auth route', { method: 'GET', host: 'api.example.com', path: '/me', headers: { ...forged, Authorization: ['Bearer t'] } }],
  ];
  it.each(NAMES)('%s never reaches the backend as the client wrote it', (h) => {
    for (const [what, req] of cases) {
      const r = through(config, req, { 'X-User-Id': 'alice' });
      expect(r.router, what).toBeDefined();
      expect(r.headers[h.toLowerCase()], `${what}: ${h}`).not.toBe('forged');
    }
  });

  it("Traefik's own forwarding headers (its entry point's) still reach the backend", () => {
    const r = through(config, cases[0]![1]);
    expect(r.headers).toMatchObject({ 'x-forwarded-for': '198.51.100.9', 'x-real-ip': '198.51.100.9', 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', 'x-forwarded-server': 'traefik-1' });
  });

  // First after the query-name guard (a redirectRegex that reads the URL only, ec4f81f): before any middleware that reads a header.
  it('every operation router clears them first', () => {
    const routers = Object.entries(config.http.routers).filter(([name]) => built!.roles.get(name)?.kind === 'operation');
    expect(routers.length).toBeGreaterThan(2);
    for (const [name, r] of routers) {
      const mws = r.middlewares!.map((m) => config.http.middlewares?.[m] as { headers?: { customRequestHeaders?: Record<string, string> }; redirectRegex?: unknown });
      const first = mws.find((m) => m.redirectRegex === undefined)!;
      const cleared = Object.keys(first.headers?.customRequestHeaders ?? {}).map((h) => h.toLowerCase());
      for (const h of [...FOREIGN_IDENTITY_HEADERS, 'Forwarded', 'X-Forwarded-Prefix']) expect(cleared, `${name} ${h}`).toContain(h.toLowerCase());
    }
  });
});
