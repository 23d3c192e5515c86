/**
 * Traefik (DESIGN.md 7.1-7.3): a credential a router passes to the backend without having verified
 * it, on every router shape of a route, through the Traefik oracle. redteam6-traefik-or-kept holds
 * the OR route whose other alternative passes a kept query or cookie key; here the other shapes:
 *
 * - optional auth with a kept cookie key (`[{}, {ck}]`; refused at its scheme since red team 15,
 *   traefik-kept-cookie-credential, the cases stay as the guard of that refusal): the anonymous router verifies nothing; it
 *   only excludes the cookie spellings its rule lists (credentials.ts credentialPresent). Python's
 *   SimpleCookie (aiohttp, Bottle, CherryPy) also splits a Cookie header on whitespace
 *   (`theme=dark sid_key=...`), and PHP before 8.0.24 url-decodes cookie names (`+` a space, then
 *   read as `_`; a leading space dropped): `sid+key`, `+sid_key` are $_COOKIE['sid_key'];
 * - a forward-auth scheme's other request headers (`requestHeaders: [X-Session]`, or the Cookie
 *   header): the service verified them, so they are the alternative's credential (nginx red team 7),
 *   yet the router of another alternative (bob's password) passed them on as sent;
 * - AND-of-OR `[{basic, ck}, {hk}]` and a kept query key beside `{}` (controls: refused before).
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (security: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: unverified
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:A}', qk: '\${env:A}', ck: '\${env:A}', chk: '\${env:A}', qh: '\${env:A}' } }
    bob: { credentials: { basic: { username: bob, password: '\${env:B}' } } }
paths:
  /r: { get: { operationId: r, security: ${security}, responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/q' } } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/c' } } }
    qh: { type: apiKey, in: query, name: api_key, x-gateway: { forwardAuth: { url: 'http://auth.internal/q' } } }
    chk: { type: apiKey, in: cookie, name: sid_key, x-gateway: { backendCookies: none, forwardAuth: { url: 'http://auth.internal/c' } } }
    fs: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/s', requestHeaders: [X-Session] } } }
    hks: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/ks', requestHeaders: [X-Session] } } }
    fck: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/ck', requestHeaders: [Cookie] } } }
    basic: { type: http, scheme: basic }
    rb: { type: http, scheme: basic }
`;
/** The verifier: a request carrying alice's key (or her session) and nothing forged. */
const auth = (call: AuthCall) => {
  const all = JSON.stringify([...call.headers.map.entries()]);
  // Echoes the session it verified: a requestHeaders header reaches a Traefik backend only as the
  // service answers it (authResponseHeaders, red team 15).
  const session = call.headers.values('X-Session')[0];
  const headers: Record<string, string> = session === undefined ? {} : { 'X-Session': session };
  return all.includes('key-a') && !all.includes('FORGED') ? { status: 200, headers } : { status: 401 };
};
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function compiled(security: string, edit: (text: string) => string = (t) => t) {
  const { built } = await compileCase(writeSpec(edit(spec(security))));
  const errors = built!.result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params.scheme, d.loc?.pointer]);
  const config = built!.config as TraefikConfig | undefined;
  const files = built!.result.files[0] ? htpasswdFiles(built!.result.files[0].contents, () => 'pw-b') : {};
  const go = (headers: Record<string, string>, query = '') => send(config!, { method: 'GET', host: 'api.test', target: `/v1/r${query}`, headers, tls: true }, { auth, files });
  return { errors, built: built!.result.files.length > 0, go };
}
/** The spec with `scheme` no consumer's key: the forward-auth service's own app keys. */
const withoutAliceKey = (scheme: string) => (text: string) => text.replace(`${scheme}: '\${env:A}', `, '');
/** Whether the backend got the forged value (in any header or the query). */
const forgedReached = (o: ReturnType<Awaited<ReturnType<typeof compiled>>['go']>) =>
  o.backend !== undefined && JSON.stringify([o.backend.rawQuery, [...o.backend.headers.map.entries()]]).includes('FORGED');

describe('Traefik: every router of a route passes only carriers it verified', () => {
  // Optional auth, kept cookie key: the anonymous router takes a cookie spelling its rule does not list.
  const cookieForms = ['theme=dark sid_key=FORGED', 'theme=dark\tsid_key=FORGED', 'sid+key=FORGED', '+sid_key=FORGED', 'SID+KEY=FORGED'];
  it.each(cookieForms)('optional [{}, {ck kept}]: Cookie %s, no other credential: refused at build, or never reaches the backend', async (cookie) => {
    const c = await compiled('[{}, { ck: [] }]');
    if (!c.built) {
      // A kept cookie key is refused at its scheme since red team 15 (traefik-kept-cookie-credential).
      expect(c.errors).toEqual([['traefik-kept-cookie-credential', 'ck', '/components/securitySchemes/ck']]);
      return;
    }
    expect(forgedReached(c.go({ Cookie: cookie }))).toBe(false);
  });

  it('control: optional [{}, {ck}] with the key hidden builds (the cookie is not the backend\'s to read), and an anonymous caller passes', async () => {
    const c = await compiled('[{}, { chk: [] }]');
    expect(c.errors).toEqual([]);
    expect(c.go({}).status).toBe(200);
    expect(c.go({ Cookie: 'sid_key=FORGED' }).status).toBe(401);
  });

  it('control: optional [{}, {qk kept}] stays refused (traefik-optional-query-key)', async () => {
    const c = await compiled('[{}, { qk: [] }]');
    expect(c.built).toBe(false);
    expect(c.errors.map((e) => e[0])).toContain('traefik-optional-query-key');
  });

  it('control: AND-of-OR [{basic, ck}, {hk}] is refused: the hk router would pass a forged sid_key', async () => {
    const c = await compiled('[{ basic: [], ck: [] }, { hk: [] }]');
    expect(c.built).toBe(false);
    // Since RL19 (494e1f7) the AND of bob's password and a key alice holds is refused first
    // (traefik-auth-and-consumers: two consumers could meet it); with no consumer holding ck, the
    // kept cookie is what refuses it.
    expect(c.errors).toEqual([['traefik-auth-and-consumers', undefined, '/paths/~1r/get/security']]);
    const appKey = await compiled('[{ basic: [], ck: [] }, { hk: [] }]', withoutAliceKey('ck'));
    expect(appKey.errors).toEqual([['traefik-kept-cookie-credential', 'ck', '/components/securitySchemes/ck']]);
  });

  it('control: [{chk}, {basic, chk}] with a consumer\'s key is refused (traefik-auth-and-consumers: alice\'s key and bob\'s password)', async () => {
    const c = await compiled('[{ chk: [] }, { basic: [], chk: [] }]');
    expect([c.built, c.errors]).toEqual([false, [['traefik-auth-and-consumers', undefined, '/paths/~1r/get/security']]]);
  });

  it('control: [{chk}, {basic, chk}] with the key service\'s own keys builds (both routers verify the cookie), and bob without a key is refused', async () => {
    const c = await compiled('[{ chk: [] }, { basic: [], chk: [] }]', withoutAliceKey('chk'));
    expect(c.errors).toEqual([]);
    expect(c.go({ Authorization: basic('bob', 'pw-b'), Cookie: 'sid_key=FORGED' }).status).toBe(401);
    expect(c.go({ Authorization: basic('bob', 'pw-b'), Cookie: 'sid_key=key-a' }).status).toBe(200);
  });

  // A forward-auth scheme's other request headers, beside bob's password on an OR route.
  const sessionForms = ['X-Session', 'x-session', 'X_Session'];
  it.each(sessionForms)("OR [{basic}, {fs}]: %s forged beside bob's password never reaches the backend", async (h) => {
    const c = await compiled('[{ basic: [] }, { fs: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({ Authorization: basic('bob', 'pw-b'), [h]: 'FORGED' });
    expect(o.status).toBe(200);
    expect(forgedReached(o)).toBe(false);
  });

  it("control: OR [{basic}, {fs}]: alice's verified session still reaches the backend", async () => {
    const c = await compiled('[{ basic: [] }, { fs: [] }]');
    const o = c.go({ Authorization: 'Bearer t', 'X-Session': 'key-a' });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.get('X-Session')).toBe('key-a');
  });

  it.each(sessionForms)('optional [{}, {hks}] (its service reads X-Session too): %s forged, no key: never reaches the backend', async (h) => {
    const c = await compiled('[{}, { hks: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({ [h]: 'FORGED' });
    expect(o.status).toBe(200);
    expect(forgedReached(o)).toBe(false);
    const verified = c.go({ 'X-Api-Key': 'key-a', 'X-Session': 'key-a' });
    expect([verified.status, verified.backend?.headers.get('X-Session')]).toEqual([200, 'key-a']);
  });

  it('an alternative nobody can pass (roles no consumer holds) is left out: [{rb: [admin]}, {chk}] builds', async () => {
    const c = await compiled('[{ rb: [admin] }, { chk: [] }]');
    expect(c.errors).toEqual([]);
    expect(c.go({ Cookie: 'sid_key=FORGED' }).status).toBe(401);
    expect(c.go({ Cookie: 'sid_key=key-a' }).status).toBe(200);
  });

  it("OR [{basic}, {fck}]: a session cookie forged beside bob's password: refused at build, or never reaches the backend", async () => {
    const c = await compiled('[{ basic: [] }, { fck: [] }]');
    if (!c.built) {
      expect(c.errors).toEqual([['traefik-or-kept-credential', 'fck', '/paths/~1r/get/security']]);
      return;
    }
    expect(forgedReached(c.go({ Authorization: basic('bob', 'pw-b'), Cookie: 'session=FORGED' }))).toBe(false);
  });

  it('control: [{fs}] alone builds and passes X-Session verified', async () => {
    const c = await compiled('[{ fs: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({ Authorization: 'Bearer t', 'X-Session': 'key-a' });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.get('X-Session')).toBe('key-a');
  });

  // DESIGN.md 7.3 (section 7: keep it or refuse the build): a HIDDEN query or cookie key (the
  // default, hideCredentials: true) reached the backend with the request (only warned), since
  // Traefik cannot remove one query parameter or one cookie: no open-source middleware rewrites the
  // query (traefik/traefik#6276; ReplacePathRegex reads the path only), and the headers middleware
  // deletes whole headers. A query key is refused at its scheme (traefik-credential-not-hidden), the
  // escape being hideCredentials: false; a cookie key's routers delete the whole Cookie header
  // (traefik-cookie-header-removed), refused where the header carries another cookie for the backend.
  it('a hidden query key [{qh}]: refused at build, or the verified key never reaches the backend', async () => {
    const c = await compiled('[{ qh: [] }]');
    if (!c.built) {
      expect(c.errors).toEqual([['traefik-credential-not-hidden', 'qh', '/components/securitySchemes/qh']]);
      return;
    }
    const o = c.go({}, '?api_key=key-a');
    expect(o.status).toBe(200);
    expect(o.backend!.rawQuery).not.toContain('key-a');
  });

  it('control: the escape, hideCredentials: false ([{qk}]), builds, and the backend is declared to see the verified key', async () => {
    const c = await compiled('[{ qk: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({}, '?api_key=key-a');
    expect(o.status).toBe(200);
    expect(o.backend!.rawQuery).toContain('key-a');
    expect(c.go({}, '?api_key=FORGED').status).toBe(401);
  });

  it('a hidden cookie key [{chk}]: builds, the verified cookie never reaches the backend (the whole Cookie header is removed)', async () => {
    const c = await compiled('[{ chk: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({ Cookie: 'theme=dark; sid_key=key-a' });
    expect(o.status).toBe(200);
    expect(JSON.stringify([...o.backend!.headers.map.entries()])).not.toContain('key-a');
    expect(o.backend!.headers.get('Cookie')).toBe('');
    expect(c.go({ Cookie: 'sid_key=FORGED' }).status).toBe(401);
  });

  it("OR [{basic}, {chk}]: the hidden cookie beside bob's password never reaches the backend either", async () => {
    const c = await compiled('[{ basic: [] }, { chk: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({ Authorization: basic('bob', 'pw-b'), Cookie: 'sid_key=FORGED' });
    expect(o.status).toBe(200);
    expect(forgedReached(o)).toBe(false);
  });

  it('a hidden cookie key beside a kept one ([{chk, ck}]) is refused: deleting the Cookie header would drop the kept key', async () => {
    const c = await compiled('[{ chk: [], ck: [] }]');
    expect(c.built).toBe(false);
    expect(c.errors).toEqual([['traefik-credential-not-hidden', 'chk', '/paths/~1r/get/security']]);
  });

  it("a hidden cookie key beside a forwardAuth service reading the Cookie header ([{chk}, {fck}]) is refused", async () => {
    const c = await compiled('[{ chk: [] }, { fck: [] }]');
    expect(c.built).toBe(false);
    expect(c.errors.map((e) => e[0])).toContain('traefik-credential-not-hidden');
  });

  it('a hidden cookie key on an operation declaring a cookie parameter is refused at its security line', async () => {
    const text = spec('[{ chk: [] }]').replace(
      '/r: { get: { operationId: r,',
      "/r: { get: { operationId: r, parameters: [{ name: theme, in: cookie, schema: { type: string } }],",
    );
    const { built } = await compileCase(writeSpec(text));
    const errors = built!.result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params.scheme, d.params.reads, d.loc?.pointer]);
    expect(errors).toEqual([['traefik-credential-not-hidden', 'chk', 'the cookie parameter theme', '/paths/~1r/get/security']]);
  });

  it("gwc diff: a deployed config without the hidden cookie key's Cookie removal is a security finding on each router", async () => {
    const file = writeSpec(spec('[{ basic: [] }, { chk: [] }]'));
    const desired = (await compiledState(file, 'traefik', {})).state!;
    const f = desired.files![0]!;
    const doc = parse(f.contents.replace(/\{\{ "([{}])" \}\}/g, '$1')) as { http: { routers: Record<string, { middlewares?: string[] }> } };
    const hide = Object.values(doc.http.routers).flatMap((r) => r.middlewares ?? []).filter((m) => m.endsWith('-chk-hide'));
    expect(hide.length).toBe(2);
    for (const r of Object.values(doc.http.routers)) if (r.middlewares) r.middlewares = r.middlewares.filter((m) => !m.endsWith('-chk-hide'));
    const read = readerOf('traefik').reader!.normalise([{ ...f, contents: stringify(doc) }], 'deployed');
    const plan = diffStates(desired, read.state!);
    const security = plan.findings.filter((x) => x.class === 'security').map((x) => `${x.rule} ${x.key}`);
    expect(security).toContain('credentials-forwarded unverified-r-alt2');
    expect(security).toContain('request-header-passed unverified-r-alt1');
  });

  it("gwc diff: a deployed basic router without the removal of fs's X-Session is a security finding", async () => {
    const file = writeSpec(spec('[{ basic: [] }, { fs: [] }]'));
    const desired = (await compiledState(file, 'traefik', {})).state!;
    const f = desired.files![0]!;
    const doc = parse(f.contents.replace(/\{\{ "([{}])" \}\}/g, '$1')) as { http: { routers: Record<string, { middlewares?: string[] }> } };
    const forwarded = Object.values(doc.http.routers).flatMap((r) => r.middlewares ?? []).filter((m) => m.endsWith('-fs-forwarded'));
    expect(forwarded.length).toBe(1);
    for (const r of Object.values(doc.http.routers)) if (r.middlewares) r.middlewares = r.middlewares.filter((m) => !m.endsWith('-fs-forwarded'));
    const read = readerOf('traefik').reader!.normalise([{ ...f, contents: stringify(doc) }], 'deployed');
    const plan = diffStates(desired, read.state!);
    expect(plan.findings.filter((x) => x.class === 'security').map((x) => x.rule)).toContain('request-header-passed');
  });
});
