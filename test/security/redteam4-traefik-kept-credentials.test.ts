/**
 * Red team 4 (redB), Traefik credentials kept for the backend (`hideCredentials: false`) in their
 * `_` spelling (classes: identity/credential headers in every `-`/`_` spelling; key schemes merged).
 *
 * A scheme with `hideCredentials: false` says the backend reads the caller's key itself, trusting the
 * gateway verified it. auth-middlewares.ts hideMiddleware writes the credential's spellings (cgiSpellings) only
 * when hideCredentials is true, and otherCredentials only removes other alternatives' credentials
 * through that same middleware, so with the key kept NO spelling of it is cleared:
 *  1. `X-Api-Key: key-a` (verified) beside `X_Api_Key: forged`: forwardAuth sends only X-Api-Key
 *     (authRequestHeaders), the backend gets both; PHP/Rack/WSGI read the two as HTTP_X_API_KEY
 *     (Go's Header.Write sorts X_Api_Key after X-Api-Key; Puma/gunicorn join "key-a, forged", a
 *     CGI env set header by header keeps the last).
 *  2. OR [{hk}] | [{basic}]: the key router is selected by `HeaderRegexp(X-Api-Key, .)` only, so
 *     `X_Api_Key: forged` beside bob's valid password takes the basic router and the forged key,
 *     never verified, reaches a backend that reads HTTP_X_API_KEY as the caller's key (with the dash
 *     spelling the key router is chosen and the forgery is refused: the control).
 *  3. OR [{hk}] | [{kb}] with kb a kept basic scheme: the key router (first in spec order) verifies
 *     alice's key and passes `Authorization: Basic root:x` on unverified (otherCredentials removes
 *     another alternative's credential only through its hide middleware, which a kept scheme lacks).
 * Kong clears the other spellings of a kept header on every route and an unverified kept credential
 * on OR routes (src/targets/kong/unverified-credentials.ts, red team 2); Traefik was not given the
 * same rule. Fix: clear every spelling but the scheme's own name of a kept header on every router
 * of a route using it, and on an OR route the kept credential of each alternative the router does
 * not verify (or select routers on cgiSpellings as credentialPresent does).
 *
 * FIXED (auth-middlewares.ts keptSpellings, keptUnverified): stripped, as Kong does, not refused: each router
 * kept exactly the kept credential it verified and cleared every other spelling of it, and every
 * spelling of another alternative's kept credential.
 * Since red team 12 a kept header credential is refused on Traefik (traefik-kept-header-credential:
 * its verifier reads one line, Traefik passes every line, a backend may read another), asserted
 * first; the attacks run on the escape, the same schemes hidden (hideCredentials: true), where no
 * spelling of the key, verified or forged, may reach the backend.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt4kept
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:A}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:B}' }, kb: { username: bobk, password: '\${env:B}' } } }
paths:
  /one: { get: { operationId: one, security: [{ hk: [] }], responses: ${ok} } }
  /either: { get: { operationId: either, security: [{ hk: [] }, { basic: [] }], responses: ${ok} } }
  /either-kb: { get: { operationId: eitherkb, security: [{ hk: [] }, { kb: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
    basic: { type: http, scheme: basic }
    kb: { type: http, scheme: basic }
`;
/** The red team's spec: hk and kb kept for the backend. */
const KEPT = SPEC.replace('X-Api-Key, x-gateway: { forwardAuth', 'X-Api-Key, x-gateway: { hideCredentials: false, forwardAuth').replace(
  'kb: { type: http, scheme: basic }',
  'kb: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }',
);
const auth = (call: AuthCall) => (call.headers.get('X-Api-Key') === 'key-a' ? { status: 200 } : { status: 401 });
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
/** Every value a CGI/WSGI/Rack backend reads as HTTP_X_API_KEY. */
const cgiKeys = (o: ReturnType<typeof send>) =>
  [...o.backend!.headers.map.entries()].filter(([k]) => k.toUpperCase().replace(/-/g, '_') === 'X_API_KEY').flatMap(([, v]) => v);

describe('red team 4: Traefik kept key header, its underscore spelling', async () => {
  it('kept (hideCredentials: false), both header credentials are refused at their schemes (red team 12)', async () => {
    const kept = (await compileCase(writeSpec(KEPT))).built!;
    expect(kept.result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer]).sort()).toEqual([
      ['traefik-kept-header-credential', '/components/securitySchemes/hk'],
      ['traefik-kept-header-credential', '/components/securitySchemes/kb'],
    ]);
    expect(kept.result.files).toEqual([]);
  });

  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  // bob's password: the users file the operator fills from the spec (test/targets/traefik/operator.ts).
  const files = htpasswdFiles(built!.result.files[0]!.contents, () => 'pw-b');
  const go = (target: string, headers: Record<string, string>) => send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth, files });

  it('control: the hidden key opens the route and never reaches the backend; a forged dash-spelt key beside bob\'s password meets the key router (401)', () => {
    const o = go('/v1/one', { 'X-Api-Key': 'key-a' });
    expect(o.status).toBe(200);
    expect(cgiKeys(o)).toEqual([]);
    expect(go('/v1/either', { Authorization: basic('bob', 'pw-b') }).status).toBe(200);
    expect(go('/v1/either', { Authorization: basic('bob', 'pw-b'), 'X-Api-Key': 'forged' }).status).toBe(401);
  });

  // FIXED: keptSpellings clears every other spelling on the router verifying the kept key.
  it('one alternative: X_Api_Key: forged beside the verified key never reaches the backend', () => {
    const o = go('/v1/one', { 'X-Api-Key': 'key-a', X_Api_Key: 'forged' });
    expect(o.status).toBe(200);
    expect(cgiKeys(o)).toEqual([]);
  });

  // FIXED: the basic router clears every spelling of the other alternative's kept key (keptUnverified).
  it("OR: X_Api_Key: forged beside bob's password is verified (key router) or never reaches the backend", () => {
    const o = go('/v1/either', { Authorization: basic('bob', 'pw-b'), X_Api_Key: 'forged' });
    if (o.status !== 200) return;
    expect(cgiKeys(o)).toEqual([]);
  });

  // Hole: otherCredentials removes another alternative's credential only through its hide
  // middleware, which a kept scheme has none of: alice's verified key (the key router, first in spec
  // order) carries an unverified Authorization: Basic root:x to a backend that reads the Basic user
  // itself (why the scheme keeps it). Kong's post-function clears it (by ~= "basic-auth").
  // FIXED: the key router clears the kept basic scheme's Authorization (keptUnverified).
  it("OR with a kept basic scheme: alice's verified key beside Authorization: Basic root:x never passes the unverified user on", () => {
    const o = go('/v1/either-kb', { 'X-Api-Key': 'key-a', Authorization: basic('root', 'x') });
    if (o.status !== 200) return;
    expect(o.backend!.headers.get('Authorization') ?? '').toBe('');
  });

  // Variants: every '-'/'_' spelling, several at once, on single and OR routes; the verified value kept.
  for (const spelt of ['X_Api_Key', 'X-Api_Key', 'X_Api-Key', 'x_api_key']) {
    it(`${spelt}: forged beside alice's verified key: the backend reads no key`, () => {
      for (const route of ['/v1/one', '/v1/either', '/v1/either-kb']) {
        const o = go(route, { 'X-Api-Key': 'key-a', [spelt]: 'forged' });
        expect(o.status, route).toBe(200);
        expect(cgiKeys(o), route).toEqual([]);
      }
    });
    it(`${spelt}: forged beside bob's password (OR): never reaches the backend`, () => {
      const o = go('/v1/either', { Authorization: basic('bob', 'pw-b'), [spelt]: 'forged' });
      if (o.status === 200) expect(cgiKeys(o)).toEqual([]);
      const k = go('/v1/either-kb', { Authorization: basic('bobk', 'pw-b'), [spelt]: 'forged' });
      if (k.status === 200) expect(cgiKeys(k)).toEqual([]);
    });
  }

  it("control: bob's hidden basic credential opens the basic router and never reaches the backend; a forged dash key there is refused", () => {
    const o = go('/v1/either-kb', { Authorization: basic('bobk', 'pw-b') });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.get('Authorization') ?? '').toBe('');
    expect(go('/v1/either-kb', { Authorization: basic('bobk', 'pw-b'), 'X-Api-Key': 'forged' }).status).toBe(401);
  });
});
