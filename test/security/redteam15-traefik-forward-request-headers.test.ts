/**
 * Red team 15, Traefik (request oracle): 49db3d2 (traefik-kept-header-credential) refuses a kept
 * CREDENTIAL header because its verifier reads one line while Traefik passes every line on, and
 * keptSpellings strips the credential's other `-`/`_` spellings. A forwardAuth scheme's
 * `requestHeaders` (a session, tenant or device header the service verifies beside the key; a
 * credential carrier of the spec, src/targets/credential-carriers.ts) was the same: Traefik sent it
 * to the service (authRequestHeaders) AND on to the backend, and neither mechanism covered it:
 * - `X-Tenant: acme` then `X-Tenant: evil`: the service reads the first (Go Header.Get, Spring
 *   getHeader) and says 200; both lines reached the backend, which reading the last (PHP-FPM) took
 *   the tenant nobody verified.
 * - `X-Tenant: acme` + `X_Tenant: evil`: authRequestHeaders sends the service X-Tenant only; the
 *   backend got X_tenant too, which CGI/Rack/WSGI read as HTTP_X_TENANT.
 * Fixed (auth-middlewares.ts answeredRequestHeaders): every requestHeaders name, in every `-`/`_`
 * spelling, is in the forwardAuth middleware's authResponseHeaders: after a 2xx Traefik deletes
 * every line of each (forward.go req.Header.Del, canonical key: every case) and copies the service's
 * answer lines. The backend reads what the service verified and echoed, never the client's lines;
 * a service echoing nothing leaves the backend without it (traefik-request-headers-answered, a
 * warning at the scheme).
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
  /d: { get: { operationId: d, security: [{ dk: [] }], responses: ${ok} } }
  /or: { get: { operationId: or, security: [{ hk: [] }, { basic: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', requestHeaders: [X-Tenant] } } }
    dk:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: 'http://auth.internal/d', requestHeaders: [x-device-id], responseHeaders: [X-User-Id] } }
    basic: { type: http, scheme: basic }
`;
/** A Go service: alice's key, for tenant acme only (Header.Get: the first line); echoes the tenant it verified. */
const echo = (call: AuthCall) =>
  call.headers.get('X-Api-Key') === 'alice-key' && call.headers.get('X-Tenant') === 'acme' ? { status: 200, headers: { 'X-Tenant': 'acme' } } : { status: 401 };
/** The same service answering no header. */
const silent = (call: AuthCall) => ({ status: echo(call).status });
/** A PHP service: the LAST line. */
const lastLine = (call: AuthCall) =>
  call.headers.get('X-Api-Key') === 'alice-key' && call.headers.values('X-Tenant').at(-1) === 'acme' ? { status: 200, headers: { 'X-Tenant': 'acme' } } : { status: 401 };
/** The bearer scheme's service: device d-1 for token T, answering the user and the device. */
const device = (call: AuthCall) =>
  call.headers.get('Authorization') === 'Bearer T' && call.headers.get('X-Device-Id') === 'd-1' ? { status: 200, headers: { 'X-User-Id': 'alice', 'X-Device-Id': 'd-1' } } : { status: 401 };

/** Every backend line whose name reads as `name` to a CGI-style backend. */
const linesOf = (o: ReturnType<typeof send>, name: string) =>
  [...(o.backend?.headers.map.entries() ?? [])].filter(([k]) => k.toLowerCase().replace(/_/g, '-') === name).flatMap(([, v]) => v);

describe("red team 15, Traefik: a forwardAuth service's requestHeaders sent twice", async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built?.config as TraefikConfig;
  const go = (target: string, headers: Record<string, string[]>, auth: (c: AuthCall) => { status: number }) =>
    send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth });
  const tenants = (o: ReturnType<typeof send>) => linesOf(o, 'x-tenant');

  it('control: builds; alice for acme passes with her tenant, another tenant does not', () => {
    expect(built?.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const o = go('/v1/k', { 'X-Api-Key': ['alice-key'], 'X-Tenant': ['acme'] }, echo);
    expect([o.status, tenants(o)]).toEqual([200, ['acme']]);
    expect(go('/v1/k', { 'X-Api-Key': ['alice-key'], 'X-Tenant': ['evil'] }, echo).status).toBe(401);
  });

  it('warns once per scheme, at the scheme, naming the headers', () => {
    const w = (built?.result.diagnostics ?? []).filter((d) => d.code === 'traefik-request-headers-answered');
    expect(w.map((d) => [d.severity, d.loc?.pointer, d.params]).sort()).toEqual([
      ['warn', '/components/securitySchemes/dk', { scheme: 'dk', headers: 'X-Device-Id' }],
      ['warn', '/components/securitySchemes/hk', { scheme: 'hk', headers: 'X-Tenant' }],
    ]);
  });

  // Mechanism: the service verified line 1 (acme); Traefik forwarded both lines to the backend.
  const ATTACKS: Array<[string, Record<string, string[]>]> = [
    ['a second X-Tenant line', { 'X-Tenant': ['acme', 'evil'] }],
    ['a third X-Tenant line', { 'X-Tenant': ['acme', 'acme', 'evil'] }],
    ['another case on a line of its own', { 'X-Tenant': ['acme'], 'x-TENANT': ['evil'] }],
    ['X_Tenant beside it', { 'X-Tenant': ['acme'], X_Tenant: ['evil'] }],
    ['x_tenant in lower case', { 'X-Tenant': ['acme'], x_tenant: ['evil'] }],
    ['X_Tenant on two lines', { 'X-Tenant': ['acme'], X_TENANT: ['evil', 'evil2'] }],
    ['an empty first line (a service reading the last)', { 'X-Tenant': ['', 'acme'] }],
  ];
  for (const [what, extra] of ATTACKS) {
    it(`${what}: only the tenant the service verified reaches the backend`, () => {
      for (const auth of [echo, lastLine]) {
        const o = go('/v1/k', { 'X-Api-Key': ['alice-key'], ...extra }, auth);
        if (o.status !== 200) continue; // refused: safe
        expect(tenants(o)).toEqual(['acme']);
      }
      const s = go('/v1/k', { 'X-Api-Key': ['alice-key'], ...extra }, silent);
      if (s.status === 200) expect(tenants(s)).toEqual([]);
    });
  }

  it('a service that echoes nothing: the backend gets no X-Tenant at all', () => {
    const o = go('/v1/k', { 'X-Api-Key': ['alice-key'], 'X-Tenant': ['acme'] }, silent);
    expect([o.status, tenants(o)]).toEqual([200, []]);
  });

  it('a lower-case requestHeaders name beside responseHeaders: both answered, every spelling of the device replaced', () => {
    const o = go('/v1/d', { Authorization: ['Bearer T'], 'X-Device-Id': ['d-1', 'd-evil'], X_Device_Id: ['d-evil'], 'X-Device_Id': ['d-evil'], 'X-User-Id': ['admin'] }, device);
    expect([o.status, linesOf(o, 'x-device-id'), linesOf(o, 'x-user-id')]).toEqual([200, ['d-1'], ['alice']]);
  });

  it('authResponseHeaders lists every `-`/`_` spelling of each requestHeaders name', () => {
    const fa = built?.config?.http.middlewares ?? {};
    const answered = Object.values(fa).flatMap((m) => ((m as { forwardAuth?: { authResponseHeaders?: string[] } }).forwardAuth?.authResponseHeaders ?? []));
    expect(answered).toEqual(expect.arrayContaining(['X-Tenant', 'X_Tenant', 'X-Device-Id', 'X_Device_Id', 'X-Device_Id', 'X_Device-Id', 'x-user-id']));
  });
});
