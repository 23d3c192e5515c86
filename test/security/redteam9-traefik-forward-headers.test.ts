/**
 * Red team 9, Traefik (DESIGN.md 7.1-7.3): what a forwardAuth service is sent. The spec names the
 * request headers a service reads (`forwardAuth.requestHeaders`, besides the credential itself);
 * nginx sends the service exactly those (`proxy_pass_request_headers off`, deployed-support.ts).
 * Traefik's forwardAuth sends EVERY request header when authRequestHeaders is unset or empty
 * (middlewares/auth/forward.go filterForwardRequestHeaders: `len(allowedHeaders) == 0` returns
 * all), and auth-middlewares.ts writes authRequestHeaders only when the list is non-empty; for a
 * `forward` scheme the list is requestHeaders alone, without Authorization.
 * Through the Traefik oracle (which models forward.go): what the service got per router.
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
  name: rt9
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:A}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:B}' } } }
paths:
  /r: { get: { operationId: r, security: ${security}, responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key }
    fb: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/b' } } }
    fs: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/s', requestHeaders: [X-Session] } } }
    basic: { type: http, scheme: basic }
`;

async function run(security: string, headers: Record<string, string>) {
  const { built } = await compileCase(writeSpec(spec(security)));
  const config = built!.config as TraefikConfig;
  const files = built!.result.files[0] ? htpasswdFiles(built!.result.files[0].contents, () => 'pw-b') : {};
  const calls: AuthCall[] = [];
  const auth = (call: AuthCall) => {
    calls.push(call);
    return { status: 200 };
  };
  const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/r', headers, tls: true }, { auth, files });
  return { o, calls, errors: built!.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) };
}
const sent = (calls: AuthCall[]) => calls.map((c) => [...c.headers.map.keys()].map((k) => k.toLowerCase()));

describe('red team 9, Traefik: a forwardAuth service is sent what the spec names, nothing more', () => {
  // Control: a scheme naming requestHeaders gets an authRequestHeaders list (the filter is on).
  it('control: fs (requestHeaders: [X-Session]) is not sent the Cookie or another scheme\'s key', async () => {
    const { o, calls, errors } = await run('[{ fs: [] }]', { Authorization: 'Bearer t', 'X-Session': 's', Cookie: 'app_session=SECRET', 'X-Api-Key': 'SECRET' });
    expect(errors).toEqual([]);
    expect(o.authCalls.length + calls.length).toBeGreaterThan(0);
    for (const names of sent(calls)) {
      expect(names).not.toContain('cookie');
      expect(names).not.toContain('x-api-key');
    }
  });

  // Mechanism: fb names no requestHeaders, so auth-middlewares.ts writes no authRequestHeaders and
  // Traefik forwards every request header to the service: the caller's Cookie (another app's session
  // on the same host), an X-Api-Key, Proxy-Authorization, reach a verifier the spec says reads only the
  // bearer (nginx sends it Authorization alone). Credential disclosure to a third-party verifier, and a
  // service that reads them verifies what gwc's carrier model (unverified.ts forwardedCarriers: none)
  // never guards on the other routers. Fix: always write authRequestHeaders, Authorization first
  // (`[credential, ...requestHeaders]` for every kind, as for apiKey/jwt).
  it('fb (no requestHeaders): the service is sent no Cookie, X-Api-Key or Proxy-Authorization', async () => {
    const { calls, errors } = await run('[{ fb: [] }]', { Authorization: 'Bearer t', Cookie: 'app_session=SECRET', 'X-Api-Key': 'SECRET', 'Proxy-Authorization': 'Basic SECRET' });
    expect(errors).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
    for (const names of sent(calls)) {
      expect(names).not.toContain('cookie');
      expect(names).not.toContain('x-api-key');
      expect(names).not.toContain('proxy-authorization');
    }
  });

  // Mechanism: for kind 'forward' authRequestHeaders is requestHeaders alone ([x-session]), so
  // Traefik's filter drops Authorization: the service never sees the bearer the scheme is about
  // (nginx sends Authorization plus the named headers). A service that treats a missing bearer as
  // "session-only" login passes on X-Session alone. Fix: authRequestHeaders = [Authorization, ...requestHeaders].
  it('fs (requestHeaders: [X-Session]): the service is sent the bearer (Authorization) it verifies', async () => {
    const { calls, errors } = await run('[{ fs: [] }]', { Authorization: 'Bearer t', 'X-Session': 's' });
    expect(errors).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
    for (const names of sent(calls)) expect(names).toContain('authorization');
  });
  // The consequence on an OR route: Traefik hands fb's service the whole Cookie header, so a
  // service that logs browsers in by a session cookie works through gwc's Traefik output (and only
  // there); guardCarriers sees no forwarded carrier for fb (requestHeaders: []), so bob's basic
  // router passes a forged session cookie to the backend as if the service had verified it (the
  // nginx red team 7 hole, back through the unfiltered forwardAuth). Same fix: authRequestHeaders
  // always written, so the service reads only what the spec names and guardCarriers guards.
  it('OR [{basic}, {fb}]: bob\'s password passes, the Cookie fb\'s service was sent never reaches the backend', async () => {
    const { calls } = await run('[{ basic: [] }, { fb: [] }]', { Authorization: 'Bearer t', Cookie: 'session=GOOD' });
    const served = calls.some((c) => c.headers.values('Cookie').length > 0);
    const bob = await run('[{ basic: [] }, { fb: [] }]', { Authorization: `Basic ${Buffer.from('bob:pw-b').toString('base64')}`, Cookie: 'session=FORGED' });
    expect(bob.o.backend).toBeDefined();
    const reached = JSON.stringify([...bob.o.backend!.headers.map.entries()]).includes('FORGED');
    expect(served && reached).toBe(false);
  });
});
