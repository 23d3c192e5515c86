/**
 * nginx (real traffic): a route's proxy step `/_gwc_internal/r/N` serves only requests its own route
 * admitted. Each route's checks run in locations before r/N (the public location's dispatch, a body
 * check b/N, a validation c/N, a verify location v/N with the auth check before a per-consumer
 * limit), and nginx variables survive every internal redirect: r/N used to ask only that SOME
 * identity was set (`if ($id_key = "")`), so any internal redirect into it (a backend's
 * X-Accel-Redirect, error_page, `rewrite ... last`, try_files, a named location, njs
 * r.internalRedirect) arrived authorised by another route's state: bob, verified on a keyed route,
 * reached an admin-only route's backend past its role check (red team 14); an anonymous caller of
 * an optional route (identity "-") likewise; and any caller reached a public route's backend past
 * its body check. Red team 14's fix ignores X-Accel-Redirect; this suite re-enables it in a copy of
 * the generated configuration (a hand edit, or a future regression) and adds hand-written
 * redirects, and asserts r/N refuses (403) whatever carried the request there.
 * The guard (templates-route.ts): r/N answers 403 unless `$<gw>_admit` names its route, which only
 * that route's dispatch sets (or, on a route verified before its limit, only its own auth check's
 * success: njs decide answers X-Gwc-Route).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now, rsaKeys, token } from '../targets/nginx/jwt.js';
import { bearer, HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const rs = rsaKeys();
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: route admission, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: radm
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { groups: [admin], credentials: { key: "\${env:ALICE}" } }
    bob: { groups: [staff], credentials: { key: "\${env:BOB}" } }
paths:
  /pub: { get: { operationId: pub, responses: ${ok} } }
  /keyed: { get: { operationId: keyed, security: [{ key: [] }], responses: ${ok} } }
  /jwt: { get: { operationId: jwtRoute, security: [{ jwt: [] }], responses: ${ok} } }
  /fwd: { get: { operationId: fwdRoute, security: [{ fwd: [] }], responses: ${ok} } }
  /feed: { get: { operationId: feed, security: [{}, { key: [] }], responses: ${ok} } }
  /staff: { get: { operationId: staff, security: [{ key: [staff] }], responses: ${ok} } }
  /admin: { get: { operationId: adminLimited, security: [{ key: [admin] }], x-gateway: { rateLimit: { requests: 100, per: minute, by: consumer } }, responses: ${ok} } }
  /admin2: { get: { operationId: adminPlain, security: [{ key: [admin] }], responses: ${ok} } }
  /upload: { post: { operationId: upload, responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.test/", algorithms: [RS256], publicKeys: ["\${file:keys/rs.pem}"] }
    fwd:
      type: http
      scheme: bearer
      x-gateway: { forwardAuth: { url: "http://auth.internal:9000/verify", responseHeaders: [X-User-Id] } }
`;
const ENV = { ALICE: 'alice-key-0001', BOB: 'bob-key-0002' };
const bobJwt = () => token('RS256', { iss: 'https://id.test/', sub: 'bob', exp: now() + 300 }, rs.privateKey);

/** The sources: a route of each kind whose backend answers X-Accel-Redirect, and the caller's credentials there. */
const SOURCES: Array<[string, () => Record<string, string>]> = [
  ['pub (no auth, anonymous)', () => ({})],
  ['keyed (api key, bob)', () => ({ 'x-api-key': ENV.BOB })],
  ['jwt (bob)', () => bearer(bobJwt())],
  ['fwd (forwardAuth)', () => bearer('good')],
  ['feed (optional, anonymous)', () => ({})],
  ['staff (role staff, bob)', () => ({ 'x-api-key': ENV.BOB })],
];
const sourcePath = (s: string) => `/v1/${s.split(' ')[0]}`;
/** Backend paths of the targets (the echo stub sees the upstream path). */
const TARGETS = ['adminLimited', 'adminPlain', 'upload'] as const;
const BACKEND: Record<(typeof TARGETS)[number], string> = { adminLimited: '/admin', adminPlain: '/admin2', upload: '/upload' };

/** The proxy step of an operation: the location right under its comment (`# GET /v1/admin (adminLimited)`). */
function proxyStep(conf: string, op: string): string {
  const m = new RegExp(`# [A-Z]+ \\S+ \\(${op}\\)\\n\\s*location = (/_gwc_internal/r/\\d+) \\{`).exec(conf);
  if (!m) throw new Error(`no proxy step for ${op}`);
  return m[1]!;
}

/** Hand-written redirects into the location named by the client's X-Go header, from a location of no route. */
const HAND = `
    location = /hand/rewrite { rewrite ^ $http_x_go last; }
    location = /hand/try { root /dev/null; try_files /gwc $http_x_go; }
    location = /hand/error { error_page 418 = /hand/error-target; return 418; }
    location = /hand/error-target { internal; rewrite ^ $http_x_go last; }
    location = /hand/named { error_page 418 = @hand; return 418; }
    location @hand { rewrite ^ $http_x_go last; }
    location = /hand/njs { js_content hand.go; }
`;

describe.skipIf(!NGINX)("nginx: a route's proxy step refuses a request another route admitted", () => {
  let lab: PolicyLab;
  let conf = '';
  const target: Record<string, string> = {};
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, {
      env: ENV,
      files: { 'keys/rs.pem': rs.publicPem, 'gwc/hand.js': 'function go(r) { r.internalRedirect(r.headersIn["x-go"]); }\nexport default { go };\n' },
      forward: { fwd: (e) => (e.headers.authorization === 'Bearer good' ? { status: 200, headers: { 'X-User-Id': 'u1' } } : { status: 401 }) },
      // A source route's backend passes on where the client asked to go (a media proxy passing a fetched header on).
      answer: (echo) => {
        const go = echo.headers['x-go'];
        const source = SOURCES.some(([s]) => echo.path === `/${s.split(' ')[0]}`);
        return source && typeof go === 'string' ? { 'x-accel-redirect': go } : undefined;
      },
      // The copy: X-Accel-Redirect honoured again (red team 14's server line gone) and hand-written redirects added.
      confEdit: (text) => {
        const edited = text
          .replace(/^[ \t]*proxy_ignore_headers X-Accel-Redirect;\n/gm, '')
          .replace('    server_tokens off;\n', `    server_tokens off;\n${HAND}`)
          .replace(/^js_import /m, 'js_import hand from "gwc/hand.js";\njs_import ');
        return edited;
      },
    });
    conf = readFileSync(`${lab.ng.dir}/conf.d/radm.conf`, 'utf8');
    for (const t of TARGETS) target[t] = proxyStep(conf, t);
  });
  afterAll(async () => lab?.stop());

  it('the copy honours X-Accel-Redirect and holds the hand-written redirects', () => {
    expect(conf).not.toMatch(/^\s*proxy_ignore_headers X-Accel-Redirect;/m);
    expect(conf).toContain('location = /hand/njs');
    expect(target.adminLimited).toMatch(/^\/_gwc_internal\/r\/\d+$/);
    expect(conf).toContain(target.adminLimited!.replace('/r/', '/v/'));
  });

  it('control: each route serves its own callers; the admin routes refuse bob and serve alice', async () => {
    for (const [s, creds] of SOURCES) expect((await lab.call('GET', sourcePath(s), creds())).r.status, s).toBe(200);
    for (const p of ['/v1/admin', '/v1/admin2']) {
      expect((await lab.call('GET', p, { 'x-api-key': ENV.BOB })).r.status).toBe(403);
      const a = await lab.call('GET', p, { 'x-api-key': ENV.ALICE });
      expect(a.r.status).toBe(200);
      expect(a.hits[0]!.headers['x-consumer']).toBe('alice');
    }
    const u = await lab.call('POST', '/v1/upload', { 'content-type': 'application/x-www-form-urlencoded' }, undefined, '_method=DELETE');
    expect(u.r.status, "the upload route's body check refuses _method").toBe(400);
    expect((await lab.call('POST', '/v1/upload', { 'content-type': 'application/x-www-form-urlencoded' }, undefined, 'a=1')).r.status).toBe(200);
    // The X-Accel path works in the copy: a source backend can send its own request to a public location.
    const via = await lab.call('GET', '/v1/pub', { 'x-go': '/v1/keyed' });
    expect(via.r.status, 'the keyed route, reached by X-Accel-Redirect, still runs its own check').toBe(401);
  });

  for (const [s, creds] of SOURCES) {
    for (const t of TARGETS) {
      it(`${s}: a backend's X-Accel-Redirect into ${t}'s proxy step is refused`, async () => {
        const { r, hits } = await lab.call('GET', sourcePath(s), { ...creds(), 'x-go': target[t]! });
        expect(hits.filter((h) => h.path === BACKEND[t]), `${t}'s backend served a request ${s} admitted`).toEqual([]);
        expect([401, 403]).toContain(r.status);
      });
    }
  }

  it("a backend's X-Accel-Redirect into the verify or body-check step of another route runs that route's check", async () => {
    const v = await lab.call('GET', '/v1/keyed', { 'x-api-key': ENV.BOB, 'x-go': target.adminLimited!.replace('/r/', '/v/') });
    expect(v.hits.filter((h) => h.path === '/admin')).toEqual([]);
    expect(v.r.status).toBe(403);
    const b = await lab.call('GET', '/v1/keyed', { 'x-api-key': ENV.BOB, 'x-go': target.upload!.replace('/r/', '/b/') });
    expect(b.hits.filter((h) => h.path === '/upload')).toEqual([]);
  });

  for (const how of ['rewrite', 'try', 'error', 'named', 'njs']) {
    it(`a hand-written redirect (${how}) into a route's proxy step is refused`, async () => {
      for (const t of TARGETS) {
        const { r, hits } = await lab.call('GET', `/hand/${how}`, { 'x-api-key': ENV.BOB, 'x-go': target[t]! });
        expect(hits.filter((h) => h.path === BACKEND[t]), `${t}'s backend served a ${how} redirect`).toEqual([]);
        expect([401, 403], t).toContain(r.status);
      }
    });
  }
});
