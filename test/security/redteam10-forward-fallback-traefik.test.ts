/**
 * Red team 10, Traefik (DESIGN.md 7.1, 7.3): `x-gateway.forwardAuth` per scheme kind. Traefik
 * verifies API keys and JWTs only through the service (their fallback) and basic users itself
 * (basicAuth), so:
 * - a query key's service was written no authRequestHeaders (its credential has no header), and
 *   Traefik sent it EVERY request header (forward.go filterForwardRequestHeaders: an empty list
 *   passes all): the caller's Cookie, another scheme's key, a bearer token;
 * - a basic scheme's service was never called (schemeMiddlewares returned basicAuth alone): its
 *   refusal never asked, its answer headers (X-User-Id) never set, and nothing said;
 * - a cookie key whose service also reads the Cookie header (`requestHeaders: [Cookie]`: a session
 *   beside the key) had that carrier dropped as "the scheme's own credential header" (unverified.ts
 *   forwardedCarriers), so another alternative's router passed a forged session to the backend.
 * Through the Traefik oracle (which models forward.go, basicAuth, headers, chain).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (security: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt10
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { qk: '\${env:A}', hk: '\${env:A}', cks: '\${env:A}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:B}' }, bs: { username: bob, password: '\${env:B}' }, bp: { username: bob, password: '\${env:B}' } } }
paths:
  /r: { get: { operationId: r, security: ${security}, responses: ${ok} } }
  /pub: { get: { operationId: pub, x-gateway: { public: true }, responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/q' } } }
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k', responseHeaders: [X-User-Id] } } }
    cks: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/c', requestHeaders: [Cookie] } } }
    bs: { type: http, scheme: basic, x-gateway: { forwardAuth: { url: 'http://auth.internal/b', responseHeaders: [X-User-Id] } } }
    bp: { type: http, scheme: basic, x-gateway: { forwardAuth: { url: 'http://auth.internal/p' } } }
    basic: { type: http, scheme: basic }
`;
const BOB = `Basic ${Buffer.from('bob:pw-b').toString('base64')}`;

async function run(security: string, headers: Record<string, string>, query = '', verdict = 200, path = '/v1/r') {
  const { built } = await compileCase(writeSpec(spec(security)));
  const diagnostics = built!.result.diagnostics;
  const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  const config = built!.config as TraefikConfig | undefined;
  if (!config || errors.length > 0) return { errors, diagnostics, calls: [] as AuthCall[] };
  const files = built!.result.files[0] ? htpasswdFiles(built!.result.files[0].contents, () => 'pw-b') : {};
  const calls: AuthCall[] = [];
  const auth = (call: AuthCall) => {
    calls.push(call);
    return verdict === 200 ? { status: 200, headers: { 'X-User-Id': 'svc-user' } } : { status: verdict };
  };
  const o = send(config, { method: 'GET', host: 'api.test', target: `${path}${query}`, headers, tls: true }, { auth, files });
  return { o, calls, errors, diagnostics };
}
const sentNames = (calls: AuthCall[]) => calls.flatMap((c) => [...c.headers.map.keys()].map((k) => k.toLowerCase()));
const reached = (o: { backend?: { headers: { map: Map<string, string[]> }; rawQuery?: string } } | undefined) =>
  JSON.stringify([...(o?.backend?.headers.map.entries() ?? [])]);

describe('red team 10, Traefik: forwardAuth on every scheme kind', () => {
  // Mechanism: serviceHeaders(qk) is [] (a query key has no header), so no authRequestHeaders.
  it('qk (query key, no requestHeaders): the service is sent no Cookie, X-Api-Key, Authorization or Proxy-Authorization', async () => {
    const { o, calls, errors } = await run('[{ qk: [] }]', { Cookie: 'app_session=SECRET', 'X-Api-Key': 'SECRET', Authorization: 'Bearer SECRET', 'Proxy-Authorization': 'Basic SECRET' }, '?api_key=key-a');
    expect(errors).toEqual([]);
    expect(o!.status).toBe(200);
    expect(calls.length).toBe(1);
    expect(sentNames(calls).filter((n) => !n.startsWith('x-forwarded-'))).toEqual([]);
    // The key travels in the URI the service is told.
    expect(calls[0]!.headers.values('X-Forwarded-Uri').join()).toContain('api_key=key-a');
  });

  // Mechanism: schemeMiddlewares returned basicAuth alone for a basic scheme (native on Traefik).
  it('bs (basic + a service answering X-User-Id): bob\'s password verifies, the service refuses: 401', async () => {
    const { o, calls, errors } = await run('[{ bs: [] }]', { Authorization: BOB }, '', 401);
    expect(errors).toEqual([]);
    expect(calls.length).toBe(1);
    expect(o!.status).toBe(401);
  });

  it.each(['X-User-Id', 'x-user-id', 'X_User_Id', 'X-USER_ID'])("bs: a forged %s never reaches the backend; the service's answer does", async (h) => {
    const { o, errors } = await run('[{ bs: [] }]', { Authorization: BOB, [h]: 'FORGED' });
    expect(errors).toEqual([]);
    expect(o!.status).toBe(200);
    expect(reached(o)).not.toContain('FORGED');
    expect(o!.backend!.headers.values('X-User-Id')).toEqual(['svc-user']);
  });

  it('bs: a wrong password never reaches the service (basicAuth first), and is 401', async () => {
    const { o, calls } = await run('[{ bs: [] }]', { Authorization: `Basic ${Buffer.from('bob:wrong').toString('base64')}` });
    expect(o!.status).toBe(401);
    expect(calls.length).toBe(0);
  });

  it('bp (basic + a service sent only the credential): basicAuth alone, and the build says the service is not called', async () => {
    const { o, calls, diagnostics } = await run('[{ bp: [] }]', { Authorization: BOB }, '', 401);
    expect(o!.status).toBe(200);
    expect(calls.length).toBe(0);
    expect(diagnostics.filter((d) => d.code.startsWith('forward-auth')).map((d) => [d.code, d.params.scheme, d.loc?.pointer])).toEqual([
      ['forward-auth-not-called', 'bp', '/components/securitySchemes/bp/x-gateway/forwardAuth'],
    ]);
  });

  it.each(['X-User-Id', 'X_User_Id', 'x-user_id'])("OR [{basic}, {hk}]: bob's password passes; a forged %s never reaches the backend", async (h) => {
    const { o, errors } = await run('[{ basic: [] }, { hk: [] }]', { Authorization: BOB, [h]: 'FORGED' });
    expect(errors).toEqual([]);
    expect(o!.status).toBe(200);
    expect(reached(o)).not.toContain('FORGED');
  });

  it('a public route: a forged X-User-Id or X_User_Id never reaches the backend', async () => {
    const { o } = await run('[{ hk: [] }]', { 'X-User-Id': 'FORGED', X_User_Id: 'FORGED' }, '', 200, '/v1/pub');
    expect(o!.status).toBe(200);
    expect(reached(o)).not.toContain('FORGED');
  });

  // Mechanism: forwardedCarriers dropped `Cookie` from cks's requestHeaders as its own credential
  // header, so the basic router kept the Cookie header the service verifies as sent.
  it("OR [{basic}, {cks}] (the key's service reads the whole Cookie): a session forged beside bob's password: refused at build, or never reaches the backend", async () => {
    const r = await run('[{ basic: [] }, { cks: [] }]', { Authorization: BOB, Cookie: 'session=FORGED' });
    if (r.errors.length > 0) {
      // cks keeps its cookie key: refused at the scheme since red team 15 (traefik-kept-cookie-credential),
      // before the route's OR guard (traefik-or-kept-credential) would refuse it.
      expect(r.errors).toEqual(['traefik-kept-cookie-credential']);
      return;
    }
    expect(reached(r.o)).not.toContain('FORGED');
  });
});
