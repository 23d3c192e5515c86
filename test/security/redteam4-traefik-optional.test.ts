/**
 * Red team 4 (redB), Traefik optional auth on a cookie API key (classes: optional auth; credentials
 * as Rack reads them).
 *
 * An optional route (`security: [{}, {ck: []}]`) gets an anonymous router, selected when the request
 * carries no credential of the route's schemes (auth.ts authRouters); for a cookie key that test is
 * credentials.ts credentialPresent: `HeaderRegexp(Cookie, (^|;)[ \t]*<name as read>[ \t]*(=|;|$))`.
 * Rack 2 (Rack::Utils.parse_cookies_header splits on `[;,] *`) and RFC 2109 readers also split a
 * Cookie header on ',': `Cookie: theme=dark, sid=forged` is the cookie sid=forged to them, but the
 * regex needs a ';' or the start before the name, so the request takes the ANONYMOUS router (no
 * forwardAuth at all) and reaches the backend with the forged session key, never verified. nginx
 * counts a name after ',' as present since 74c2933 (runtime credentialPairs, "Rack 2 and RFC 2109
 * readers"); Traefik was not given the same reading. Fix: `(^|[;,])` in credentialPresent's cookie
 * regex (and the same for any other cookie-reading selector).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt4opt
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { ck: '\${env:A}' } }
paths:
  /feed: { get: { operationId: feed, security: [{}, { ck: [] }], responses: ${ok} } }
components:
  securitySchemes:
    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, forwardAuth: { url: 'http://auth.internal/k' } } }
`;
/** The session service: alice's key only. */
const auth = (call: AuthCall) => (/(^|;\s*)sid=key-a(;|$)/.test(call.headers.get('Cookie') ?? '') ? { status: 200 } : { status: 401 });

describe('red team 4: Traefik optional cookie key, a cookie after a comma', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const go = (cookie?: string) => send(config, { method: 'GET', host: 'api.test', target: '/v1/feed', headers: cookie ? { Cookie: cookie } : {}, tls: true }, { auth });

  it('control: anonymous passes; alice verified; a forged sid after ";" is verified and refused', () => {
    expect(go().status).toBe(200);
    expect(go('sid=key-a').status).toBe(200);
    expect(go('sid=key-a').authCalls).toHaveLength(1);
    const forged = go('theme=dark; sid=forged');
    expect(forged.status).toBe(401);
    expect(forged.backend).toBeUndefined();
  });

  // FIXED: credentialPresent (and credentialSelector) read a cookie name after ',' too (COOKIE_START).
  it('a forged sid after "," (Rack 2 reads it as the cookie sid) is verified, never passed anonymous', () => {
    const o = go('theme=dark, sid=forged');
    expect(o.authCalls.length > 0 || o.backend === undefined).toBe(true);
  });

  // Variants: no blank, a tab, another case or %XX spelling of the name, a name with no value, more pairs.
  for (const cookie of ['theme=dark,sid=forged', 'theme=dark,\tsid=forged', 'theme=dark, SID=forged', 'theme=dark, s%69d=forged', 'a=1; theme=dark, sid=forged; b=2', 'theme=dark, sid', 'theme=dark, sid, b=2']) {
    it(`variant ${JSON.stringify(cookie)}: verified, never anonymous`, () => {
      const o = go(cookie);
      expect(o.authCalls.length).toBeGreaterThan(0);
      expect(o.status).toBe(401);
      expect(o.backend).toBeUndefined();
    });
  }

  it('control: a "," inside a value before another name (theme=a,b) is not a sid cookie: anonymous', () => {
    expect(go('theme=a,b').status).toBe(200);
    expect(go('theme=a,b').authCalls).toHaveLength(0);
    expect(go('theme=dark, sidx=1').authCalls).toHaveLength(0);
  });
});

const OR = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt4or
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { ck: '\${env:A}' } }
paths:
  /feed: { get: { operationId: feed, security: [{ ck: [] }, { bk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, forwardAuth: { url: 'http://auth.internal/k' } } }
    bk: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/b' } } }
`;

describe('red team 4 class: the OR router selector reads a cookie after "," too', async () => {
  const { built } = await compileCase(writeSpec(OR));
  const config = built!.config as TraefikConfig;
  const both = (cookie: string) =>
    send(config, { method: 'GET', host: 'api.test', target: '/v1/feed', headers: { Cookie: cookie, Authorization: 'Bearer good' }, tls: true }, {
      auth: (call) => (call.address.includes('/b') ? (call.headers.get('Authorization') === 'Bearer good' ? { status: 200 } : { status: 401 }) : auth(call)),
    });

  it('control: a verified bearer with no sid cookie passes', () => {
    expect(both('theme=dark').status).toBe(200);
  });

  for (const cookie of ['theme=dark; sid=forged', 'theme=dark, sid=forged', 'theme=dark,sid=forged']) {
    it(`a forged ${JSON.stringify(cookie)} beside a verified bearer never reaches the backend unverified`, () => {
      const o = both(cookie);
      expect(o.backend === undefined || o.authCalls.some((c) => c.headers.get('Cookie') === cookie && !c.address.includes('/b'))).toBe(true);
    });
  }
});
