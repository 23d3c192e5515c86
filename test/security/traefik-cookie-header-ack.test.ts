/**
 * Traefik, a hidden cookie key (hideCredentials, the default): Traefik removes only whole headers,
 * so hiding the key takes the whole Cookie header (auth-middlewares.ts hideMiddleware). Before, that
 * was a warning (traefik-cookie-header-removed) and the build went on: a session cookie or a CSRF
 * cookie the spec never declares vanished before the backend. Attack: the backend's double-submit
 * CSRF check compares the csrf cookie with the X-CSRF-Token header; a cross-site form post carries
 * the victim's cookies (the key verified by the gateway) but neither header nor, once the gateway
 * drops the Cookie header, cookie: a check written as `cookie === header` passes on two blanks.
 * Now it is refused at the scheme (traefik-credential-not-hidden) unless the scheme states
 * `backendCookies: none` (the backend reads no cookie on its routes), DESIGN.md 4 and 7.3.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (x: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: ack
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /transfer: { post: { operationId: transfer, security: [{ session: [] }], responses: ${ok} } }
components:
  securitySchemes:
    session: { type: apiKey, in: cookie, name: sid, x-gateway: { ${x}forwardAuth: { url: 'http://session.internal/check' } } }
`;
const auth = (call: AuthCall) => ({ status: call.headers.get('Cookie').includes('sid=victim') ? 200 : 401 });
/** A double-submit CSRF check as often written: the csrf cookie must equal the X-CSRF-Token header. */
const csrfPasses = (h: { get: (n: string) => string }) => (/(?:^|;\s*)csrf=([^;]*)/.exec(h.get('Cookie'))?.[1] ?? '') === h.get('X-CSRF-Token');

describe('Traefik: a hidden cookie key needs backendCookies: none', () => {
  it('without it the build is refused at the scheme, and lint says so at the same line', async () => {
    const file = writeSpec(spec(''));
    const b = await buildTarget(file, { target: 'traefik', options: {} });
    const refused = b.diagnostics.filter((d) => d.severity === 'error');
    expect(refused.map((d) => [d.code, d.loc?.pointer])).toEqual([['traefik-credential-not-hidden', '/components/securitySchemes/session']]);
    expect(refused[0]!.message).toContain('backendCookies: none');
    const l = await lint(file, { target: 'traefik' } as Parameters<typeof lint>[1]);
    expect(l.diagnostics.filter((d) => d.severity === 'error').map((d) => d.loc?.pointer)).toContain('/components/securitySchemes/session');
  });

  it('the attack it prevents: with the Cookie header removed, a cross-site post passes a double-submit CSRF check on two blanks', async () => {
    const { built } = await compileCase(writeSpec(spec('backendCookies: none, ')));
    const cfg = built!.config as TraefikConfig;
    // The victim's browser sends its cookies (the session key and the csrf cookie); the attacker's form cannot set the header.
    const o = send(cfg, { method: 'POST', host: 'api.test', target: '/v1/transfer', headers: { Cookie: 'sid=victim; csrf=t0k3n' }, tls: true }, { auth });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.get('Cookie')).toBe('');
    // That is why only the spec can say the removal is harmless: here it says the backend reads no cookie.
    expect(csrfPasses(o.backend!.headers)).toBe(true);
  });

  it('with it the build goes on, warned, and no cookie reaches the backend', async () => {
    const b = await buildTarget(writeSpec(spec('backendCookies: none, ')), { target: 'traefik', options: {} });
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(b.diagnostics.filter((d) => d.code === 'traefik-cookie-header-removed').map((d) => d.loc?.pointer)).toEqual(['/components/securitySchemes/session']);
  });

  it('with it, a declared cookie parameter is still refused at the operation (the statement does not hold there)', async () => {
    const b = await buildTarget(writeSpec(spec('backendCookies: none, ').replace('security: [{ session: [] }]', 'parameters: [{ name: csrf, in: cookie, schema: { type: string } }], security: [{ session: [] }]')), { target: 'traefik', options: {} });
    expect(b.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer])).toEqual([['traefik-credential-not-hidden', '/paths/~1transfer/post/security']]);
  });

  it('nginx removes the one cookie key and needs no statement: the same spec builds there alike', async () => {
    const a = await buildTarget(writeSpec(spec('')), { target: 'nginx', options: {} });
    const b = await buildTarget(writeSpec(spec('backendCookies: none, ')), { target: 'nginx', options: {} });
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(a.files.map((f) => f.contents)).toEqual(b.files.map((f) => f.contents));
  });
});
