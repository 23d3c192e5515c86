/**
 * Red team 15, Traefik (request oracle): 49db3d2 (traefik-kept-header-credential) refuses a kept
 * CREDENTIAL header because its verifier reads one line while Traefik passes every line on, and
 * keptSpellings strips the credential's other `-`/`_` spellings. A forwardAuth scheme's
 * `requestHeaders` (a session, tenant or device header the service verifies beside the key; a
 * credential carrier of the spec, src/targets/credential-carriers.ts) is the same: Traefik sends it
 * to the service (authRequestHeaders) AND on to the backend, and neither mechanism covers it:
 * - `X-Tenant: acme` then `X-Tenant: evil`: the service reads the first (Go Header.Get, Spring
 *   getHeader) and says 200; both lines reach the backend, which reading the last (PHP-FPM) takes
 *   the tenant nobody verified.
 * - `X-Tenant: acme` + `X_Tenant: evil`: authRequestHeaders sends the service X-Tenant only; the
 *   backend gets X_tenant too, which CGI/Rack/WSGI read as HTTP_X_TENANT.
 * nginx refuses a credential carrier sent twice. Fix class: treat every forwardAuth requestHeaders
 * name as a kept credential header (refuse, or hide every other spelling and refuse a second line
 * is impossible on Traefik: refuse unless the backend reads it from the service's answer).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt15t
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /k: { get: { operationId: k, security: [{ hk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', requestHeaders: [X-Tenant] } } }
`;
/** A Go service: alice's key, for tenant acme only (Header.Get: the first line). */
const auth = (call: AuthCall) => (call.headers.get('X-Api-Key') === 'alice-key' && call.headers.get('X-Tenant') === 'acme' ? { status: 200 } : { status: 401 });

describe("red team 15, Traefik: a forwardAuth service's requestHeaders sent twice", async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built?.config as TraefikConfig;
  const clean = built !== undefined && built.result.diagnostics.every((d) => d.severity !== 'error');
  const go = (headers: Record<string, string[]>) => send(config, { method: 'GET', host: 'api.test', target: '/v1/k', headers, tls: true }, { auth });
  /** Every backend line whose name reads as X-Tenant to a CGI-style backend. */
  const tenants = (o: ReturnType<typeof go>) =>
    [...(o.backend?.headers.map.entries() ?? [])].filter(([k]) => k.toLowerCase().replace(/_/g, '-') === 'x-tenant').flatMap(([, v]) => v);

  it('control: builds; alice for acme passes, another tenant does not', () => {
    expect(clean).toBe(true);
    expect(go({ 'X-Api-Key': ['alice-key'], 'X-Tenant': ['acme'] }).status).toBe(200);
    expect(go({ 'X-Api-Key': ['alice-key'], 'X-Tenant': ['evil'] }).status).toBe(401);
  });

  // Mechanism: the service verified line 1 (acme); Traefik forwarded both lines to the backend.
  it.fails('a second X-Tenant line never reaches the backend unverified', () => {
    if (!clean) return; // refused at build: safe
    const o = go({ 'X-Api-Key': ['alice-key'], 'X-Tenant': ['acme', 'evil'] });
    if (o.status !== 200) return;
    expect(tenants(o)).toEqual(['acme']);
  });

  // Mechanism: authRequestHeaders sends the service X-Tenant only; X_Tenant reaches the backend.
  it.fails('X_Tenant beside the verified X-Tenant never reaches the backend', () => {
    if (!clean) return;
    const o = go({ 'X-Api-Key': ['alice-key'], 'X-Tenant': ['acme'], X_Tenant: ['evil'] });
    if (o.status !== 200) return;
    expect(tenants(o)).toEqual(['acme']);
  });
});
