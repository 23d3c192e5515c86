/**
 * Traefik: inputs a client must never control reach the backend cleared, on every router
 * (DESIGN.md sections 7.3 and 7.5). The oracle applies the picked router's headers middlewares in
 * order (Traefik writes "" to remove a request header) and forwardAuth's authResponseHeaders,
 * which copy only what the service answers: a header the service leaves out keeps the client's.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { pickRouter, type Req } from '../targets/traefik/traefik-router.js';

const SPEC = `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
paths:
  /public:
    get: { x-gateway: { public: true }, responses: { '200': { description: ok } } }
  /me:
    get: { security: [{ fwd: [] }], responses: { '200': { description: ok } } }
  /legacy:
    post:
      x-gateway: { public: true }
      parameters: [{ name: _method, in: query, schema: { type: string } }, { name: X-HTTP-Method-Override, in: header, schema: { type: string } }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check', responseHeaders: [X-User-Id] } }
`;

/** The backend's view of a request through the picked router: headers after every middleware. */
function through(config: TraefikConfig, req: Req, answer: Record<string, string> = {}): { router?: string; headers: Record<string, string> } {
  const router = pickRouter(config, req);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v.join(',');
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

const smuggled = {
  'X-User-Id': ['admin'],
  'x-consumer': ['admin'],
  'X-Authenticated-Scheme': ['fwd'],
  'X-HTTP-Method-Override': ['DELETE'],
  'X-HTTP-Method': ['DELETE'],
  'X-Method-Override': ['DELETE'],
  'X-Original-URL': ['/me'],
  'X-Rewrite-URL': ['/me'],
};

describe('traefik: client-set identity and override inputs', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config!;

  it('builds a file both schemas accept', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
  });

  it('clears identity and override headers on a public route', () => {
    const r = through(config, { method: 'GET', host: 'api.example.com', path: '/public', headers: smuggled });
    expect(r.router).toBeDefined();
    for (const h of Object.keys(smuggled)) expect(r.headers, h).not.toHaveProperty(h.toLowerCase());
  });

  it('on a forward-auth route the service decides X-User-Id, and a header it leaves out is not the client\'s', () => {
    const req = { method: 'GET', host: 'api.example.com', path: '/me', headers: { ...smuggled, Authorization: ['Bearer t'] } };
    expect(through(config, req, { 'X-User-Id': 'alice' }).headers['x-user-id']).toBe('alice');
    expect(through(config, req, {}).headers).not.toHaveProperty('x-user-id');
  });

  it('strips the bearer token the forward-auth service verified', () => {
    const r = through(config, { method: 'GET', host: 'api.example.com', path: '/me', headers: { Authorization: ['Bearer t'] } });
    expect(r.headers).not.toHaveProperty('authorization');
  });

  it('keeps _method (and the spellings PHP folds into it) off the operation router: 405, never the backend', () => {
    for (const key of ['_method', '.method', ' method', '[method', '_method[]']) {
      const router = pickRouter(config, { method: 'GET', host: 'api.example.com', path: '/public', query: { [key]: ['DELETE'] } });
      expect(built!.roles.get(router!)?.kind, key).toBe('method-not-allowed');
    }
    const empty = pickRouter(config, { method: 'GET', host: 'api.example.com', path: '/public', query: { _method: [''] } });
    expect(built!.roles.get(empty!)?.kind).toBe('method-not-allowed');
  });

  it('passes the override inputs an operation declares', () => {
    const req = { method: 'POST', host: 'api.example.com', path: '/legacy', headers: { 'X-HTTP-Method-Override': ['PUT'] }, query: { _method: ['PUT'] } };
    const r = through(config, req);
    expect(built!.roles.get(r.router!)?.kind).toBe('operation');
    expect(r.headers['x-http-method-override']).toBe('PUT');
  });
});
