/**
 * Two templates one URL matches, neither more specific (route-ambiguous), where the one gwc
 * tries first (first differing segment, literal wins) admits callers the other does not:
 * `/v1/public/{page}` (public) and `/v1/{tenant}/admin` (keyed). GET /v1/public/admin is a URL of
 * the keyed template (tenant `public`), and every target answers it through the public route, no
 * key asked: the backend gets /public/admin, which its own router may well dispatch to the admin
 * handler (Express and Rails try routes in declaration order, Spring ranks by its own pattern
 * rules): the keyed route answers without the key (DESIGN.md 7.5). gwc cannot know the backend's
 * tie-break, so that pair is refused (route-ambiguous-unprotected, error, at the keyed path, lint
 * and build alike); the reverse (the public URL routed to the keyed route: a key asked where none
 * is needed) and a pair secured alike keep the warning. Traefik oracle (traefik-oracle.ts): the
 * attack on the router table as it was built; KNG5.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget, loadGateway } from '../../src/api.js';
import { checkCapabilities } from '../../src/targets/capability-check.js';
import { compileTraefik, traefikTarget } from '../../src/targets/traefik/index.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const ok = `responses: { '200': { description: ok } }`;
const SPEC = (publicPath: string, keyedPath: string, keyedSecurity = '[{ hk: [] }]', publicSecurity = 'x-gateway: { public: true }') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
  defaults: { backend: app }
  consumers: { alice: { credentials: { hk: '\${env:ALICE_KEY}' } } }
paths:
  ${publicPath}: { get: { operationId: pub, ${publicSecurity}, ${ok} } }
  ${keyedPath}: { get: { operationId: keyed, security: ${keyedSecurity}, ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
`;
const POINTER_KEYED = '/paths/~1{tenant}~1admin';

describe('route-ambiguous where the route tried first admits callers the other does not', () => {
  it('the attack, on the router table Traefik gets for the pair: GET /v1/public/admin (the keyed template, tenant "public") answered without a key', async () => {
    // The model refuses the pair now; compiled past that refusal (the table every build wrote
    // before), the public router answers the keyed template's URL.
    // (The model refuses the pair, so it is loaded secured alike and the public route opened after.)
    const { gateway, diagnostics } = await loadGateway(writeSpec(SPEC('/public/{page}', '/{tenant}/admin', '[{ hk: [] }]', 'security: [{ hk: [] }]')));
    expect(diagnostics.map((d) => d.code)).toContain('route-ambiguous');
    gateway!.routes.find((r) => r.id === 'pub')!.security = [];
    const built = compileTraefik(gateway!, checkCapabilities(gateway!, traefikTarget).plan, { options: {} });
    const o = send(built.config as TraefikConfig, { method: 'GET', host: 'api.example.com', target: '/v1/public/admin', headers: {}, tls: true, remoteAddr: '198.51.100.9' }, { auth: () => ({ status: 401 }) });
    expect(o.status).toBe(200);
    expect(o.backend?.path).toBe('/public/admin');
    // The same URL on the keyed router alone asks the key.
    expect(send(built.config as TraefikConfig, { method: 'GET', host: 'api.example.com', target: '/v1/tenant1/admin', headers: {}, tls: true, remoteAddr: '198.51.100.9' }, { auth: () => ({ status: 401 }) }).status).toBe(401);
  });

  for (const target of ['traefik', 'kong', 'nginx', 'aws']) {
    it(`${target}: refused at the keyed path, lint and build alike`, async () => {
      const file = writeSpec(SPEC('/public/{page}', '/{tenant}/admin'));
      const b = await buildTarget(file, { target });
      expect(b.files).toEqual([]);
      const d = b.diagnostics.find((x) => x.code === 'route-ambiguous-unprotected');
      expect(d).toMatchObject({ severity: 'error', params: { route: 'keyed', other: 'pub', method: 'GET' }, loc: { pointer: POINTER_KEYED } });
      const l = await lint(file, { target });
      expect(l.diagnostics.find((x) => x.code === 'route-ambiguous-unprotected')).toMatchObject({ severity: 'error', loc: { pointer: POINTER_KEYED } });
    });
  }

  it('variant: a public route with optional auth, or another scheme, tried first is the same hole', async () => {
    const other = SPEC('/public/{page}', '/{tenant}/admin', '[{ hk: [] }]', 'security: [{}, { hk: [] }]');
    const b = await buildTarget(writeSpec(other), { target: 'traefik' });
    expect(b.diagnostics.map((d) => d.code)).toContain('route-ambiguous-unprotected');
  });

  it('control: the keyed route tried first (a key asked on the public URL) and a pair secured alike keep the warning', async () => {
    // /v1/{tenant}/admin public, /v1/public/{page} keyed: the public URL /v1/public/admin asks a key.
    const reverse = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080 } }
  defaults: { backend: app }
  consumers: { alice: { credentials: { hk: '\${env:ALICE_KEY}' } } }
paths:
  /public/{page}: { get: { operationId: keyed, security: [{ hk: [] }], ${ok} } }
  /{tenant}/admin: { get: { operationId: pub, x-gateway: { public: true }, ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.example.com:9000/check' } } }
`;
    for (const text of [reverse, SPEC('/public/{page}', '/{tenant}/admin', '[{ hk: [] }]', 'security: [{ hk: [] }]')]) {
      const b = await buildTarget(writeSpec(text), { target: 'traefik' });
      const codes = b.diagnostics.map((d) => d.code);
      expect(codes).toContain('route-ambiguous');
      expect(codes).not.toContain('route-ambiguous-unprotected');
      expect(b.files.length).toBeGreaterThan(0);
    }
  });
});
