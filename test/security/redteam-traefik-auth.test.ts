/**
 * Red team: Traefik access control (DESIGN.md section 7, issue #13), attacked through the Traefik
 * request oracle (test/targets/traefik/traefik-oracle.ts), which runs the picked router's
 * middlewares with Traefik's own semantics. Each attack asserts the status and what the backend
 * saw, under both path-matching behaviours of Traefik 3 (decoded path up to 3.4.0, routing path
 * with reserved characters kept encoded from 3.4.1): gwc's output says "Traefik 3.0 or later".
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type AuthAnswer, type AuthCall, type OracleEnv, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SECRETS: Record<string, string> = { ALICE_KEY: 'key-alice', BOB_KEY: 'key-bob', ALICE_PW: 'pw-alice', BOB_PW: 'pw-bob' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const ALICE = basic('alice', 'pw-alice');
const BOB = basic('bob', 'pw-bob');

export const BASE_SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  policies:
    web: { cors: { origins: [https://web.example.com], methods: [GET, OPTIONS], headers: [Authorization] } }
  consumers:
    alice: { groups: [admin], credentials: { key: '\${env:ALICE_KEY}', basic: { username: alice, password: '\${env:ALICE_PW}' } } }
    bob: { groups: [reader], credentials: { key: '\${env:BOB_KEY}', basic: { username: bob, password: '\${env:BOB_PW}' } } }
paths:
  /public/{name}:
    get: { x-gateway: { public: true }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: ${ok} }
  /admin:
    get: { security: [{ basic: [] }], responses: ${ok} }
  /keys:
    get: { security: [{ key: [] }], responses: ${ok} }
  /either:
    get: { security: [{ basic: [] }, { fwd: [] }], responses: ${ok} }
  /me:
    get: { security: [{ fwd: [] }], x-gateway: { policies: [web] }, responses: ${ok} }
    options: { security: [{ fwd: [] }], x-gateway: { policies: [web] }, responses: ${ok} }
  /users/me:
    get: { security: [{ basic: [] }], responses: ${ok} }
  /users/{id}:
    get: { x-gateway: { public: true }, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check', responseHeaders: [X-Consumer] } } }
    basic: { type: http, scheme: basic }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id, X-Forwarded-User] } } }
`;

/** The operator's key service and bearer service: they know the real credentials, and log what they were asked. */
export function services(calls: AuthCall[] = []) {
  const keys = (call: AuthCall): AuthAnswer => {
    calls.push(call);
    const who = Object.entries(SECRETS).find(([k, v]) => k.endsWith('_KEY') && v === call.headers.get('X-Api-Key'))?.[0];
    return who ? { status: 200, headers: { 'X-Consumer': who.split('_')[0]!.toLowerCase() } } : { status: 401 };
  };
  const bearer = (call: AuthCall): AuthAnswer => {
    calls.push(call);
    // A URI-based policy, as forward-auth services often have: /v1/public/* needs nothing.
    if (call.headers.get('X-Forwarded-Uri').startsWith('/v1/public/')) return { status: 200 };
    return call.headers.get('Authorization') === 'Bearer good' ? { status: 200, headers: { 'X-User-Id': 'u-1', 'X-Forwarded-User': 'u-1' } } : { status: 401 };
  };
  return { 'http://keys.internal:9100/check': keys, 'http://auth.internal:9000/check': bearer };
}

export async function built(spec: string) {
  const { built: b, gateway } = await compileCase(writeSpec(spec));
  return { b, gateway };
}

const MODES = ['decoded', 'reserved-encoded'] as const;

describe('red team: Traefik access control', async () => {
  const { b } = await built(BASE_SPEC);
  const config = b!.config as TraefikConfig;
  const text = b!.result.files[0]!.contents;
  const calls: AuthCall[] = [];
  const env = (routing: (typeof MODES)[number] = 'decoded', extra: Partial<OracleEnv> = {}): OracleEnv => ({
    files: htpasswdFiles(text, (n) => SECRETS[n]!),
    auth: services(calls),
    routing,
    ...extra,
  });
  const req = (target: string, headers: OracleRequest['headers'] = {}, method = 'GET'): OracleRequest => ({ method, host: 'api.example.com', target, headers, tls: true });
  const role = (router?: string) => (router ? b!.roles.get(router) : undefined);

  it('builds a file both schemas accept, every router with its own priority', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
    const prios = Object.values(config.http.routers).map((r) => r.priority);
    expect(new Set(prios).size).toBe(prios.length);
  });

  it('the baseline: each consumer\'s own credential opens its routes, and nothing else does', () => {
    expect(send(config, req('/v1/admin', { Authorization: ALICE }), env()).status).toBe(200);
    expect(send(config, req('/v1/keys', { 'X-Api-Key': 'key-bob' }), env()).status).toBe(200);
    expect(send(config, req('/v1/admin'), env()).status).toBe(401);
  });

  it("another consumer's password, a user name in another case, the key of another scheme", () => {
    expect(send(config, req('/v1/admin', { Authorization: basic('alice', 'pw-bob') }), env()).status).toBe(401);
    expect(send(config, req('/v1/admin', { Authorization: basic('Alice', 'pw-alice') }), env()).status).toBe(401);
    expect(send(config, req('/v1/admin', { 'X-Api-Key': 'key-alice' }), env()).status).toBe(401);
    expect(send(config, req('/v1/keys', { Authorization: ALICE }), env()).status).toBe(401);
    expect(send(config, req('/v1/me', { Authorization: ALICE }), env()).status).toBe(401);
  });

  // An AND of the consumers' key and a basic user is refused (traefik-auth-and-consumers: alice's key
  // with bob's password passed, told alice): test/security/rl19-traefik-and-consumers.test.ts.

  it('duplicate Authorization headers: the first is the one verified, none reaches the backend', () => {
    const o = send(config, req('/v1/admin', { Authorization: [ALICE, basic('mallory', 'x')] }), env());
    expect(o.status).toBe(200);
    expect(o.backend!.user).toBe('alice');
    expect(o.backend!.headers.lower().authorization).toBeUndefined();
    expect(send(config, req('/v1/admin', { Authorization: ['Bearer good', ALICE] }), env()).status).toBe(401);
    expect(send(config, req('/v1/either', { Authorization: ['Bearer forged', ALICE] }), env()).status).toBe(401);
    const either = send(config, req('/v1/either', { Authorization: [ALICE, 'Bearer forged'] }), env());
    expect(either.status).toBe(200);
    expect(either.backend!.headers.lower().authorization).toBeUndefined();
  });

  for (const mode of MODES) {
    it(`[${mode}] a path spelled to reach a weaker router meets auth or no router, and the backend never reads a protected path`, () => {
      const protectedPaths = ['/admin', '/users/me', '/me', '/keys', '/either'];
      const attempts = [
        '/v1/ADMIN', '/V1/admin', '/v1/admin/', '/v1//admin', '/v1/./admin', '/v1/public/../admin', '/v1/public/%2e%2e/admin', '/v1/public/..%2Fadmin',
        '/v1%2Fpublic/admin', '/v1%2fpublic/admin', '/v1/public%2Fx/admin', '/v1/users/me/', '/v1/users/me%2F', '/v1/users/%6de', '/v1/users/me;x', '/v1/users/me%3Bx',
        '/v1/users/x%2F..%2Fme', '/v1/users/..%2Fadmin', '/v1/users%2Fme', '/v1/public/x%2F..%2F..%2Fadmin', '/v1%2Fusers/me', '/%76%31/public/admin', '/v1/public/admin%23',
      ];
      for (const target of attempts) {
        const o = send(config, req(target), env(mode));
        if (o.status !== 200) continue;
        const r = role(o.router);
        // Admitted without a credential: only a public route, and its backend path is that route's.
        expect(r?.kind, target).toBe('operation');
        const decoded = decodeURIComponent(o.backend!.path);
        for (const p of protectedPaths) expect(decoded, `${target} -> ${o.backend!.path} via ${o.router}`).not.toBe(p);
        // Either the public operation's own backend path, or (a literal spelled with an encoded reserved
        // character is not rewritten) the public path exactly as routed.
        expect(decoded, target).toMatch(/^(\/v1)?\/(public|users)\/[^/]+$/);
      }
    });
  }

  it('OPTIONS, HEAD and a CORS preflight never reach a protected backend without auth', () => {
    expect(send(config, req('/v1/admin', {}, 'HEAD'), env()).status).toBe(405);
    expect(send(config, req('/v1/admin', {}, 'OPTIONS'), env()).status).toBe(405);
    const pre = send(config, req('/v1/me', { Origin: 'https://web.example.com', 'Access-Control-Request-Method': 'GET' }, 'OPTIONS'), env());
    expect(pre.status).toBe(200);
    expect(pre.backend).toBeUndefined();
    // A preflight-shaped OPTIONS to the declared OPTIONS operation is answered, never forwarded.
    const optionsOp = send(config, req('/v1/me', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'DELETE' }, 'OPTIONS'), env());
    expect(optionsOp.backend).toBeUndefined();
    expect(send(config, req('/v1/me', {}, 'OPTIONS'), env()).status).toBe(401);
  });

  it('identity headers a client sends never reach the backend, on public and protected routes', () => {
    const forged = { 'X-Consumer': 'alice', 'X-User-Id': 'admin', 'X-Forwarded-User': 'admin', 'X-Authenticated-Scheme': 'basic' };
    for (const [target, headers] of [
      ['/v1/public/x', {}],
      ['/v1/users/42', {}],
      ['/v1/admin', { Authorization: BOB }],
      ['/v1/keys', { 'X-Api-Key': 'key-bob' }],
      ['/v1/me', { Authorization: 'Bearer good' }],
    ] as const) {
      const o = send(config, req(target, { ...forged, ...headers }), env());
      expect(o.status, target).toBe(200);
      const h = o.backend!.headers.lower();
      for (const [k, v] of Object.entries(forged)) expect(h[k.toLowerCase()] ?? [], `${target} ${k}`).not.toContain(v);
    }
    const b = send(config, req('/v1/admin', { ...forged, Authorization: BOB }), env());
    expect(b.backend!.headers.lower()['x-consumer']).toEqual(['bob']);
  });

  // CGI, WSGI and Rack read a header as HTTP_<NAME> with - and _ alike (CVE-2024-45614, Puma), so
  // X_Consumer is X-Consumer to them; Traefik keeps underscore headers by default
  // (entryPoints.http.underscoreHeadersStrategy: keep, https://doc.traefik.io/traefik/routing/entrypoints/).
  it('identity and override headers spelled with underscores never reach the backend either', () => {
    const cgi = (h: Record<string, string[]>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace(/_/g, '-'), v]));
    const forged = { X_Consumer: 'alice', 'X_User-Id': 'admin', X_User_Id: 'admin', X_Authenticated_Scheme: 'basic', X_HTTP_Method_Override: 'DELETE', X_Original_URL: '/v1/admin' };
    for (const [target, headers] of [
      ['/v1/public/x', {}],
      ['/v1/admin', { Authorization: BOB }],
      ['/v1/me', { Authorization: 'Bearer good' }],
    ] as const) {
      const o = send(config, req(target, { ...forged, ...headers }), env());
      expect(o.status, target).toBe(200);
      const h = cgi(o.backend!.headers.lower());
      for (const [k, v] of Object.entries(forged)) expect(h[k.toLowerCase().replace(/_/g, '-')] ?? [], `${target} ${k}`).not.toContain(v);
    }
  });

  // replacePathRegex *adds* X-Replaced-Path (Traefik's "original path" header,
  // pkg/middlewares/replacepathregex): clear-inputs removes a client's own value first (clears.ts).
  it('X-Replaced-Path: the backend sees only the value Traefik wrote', () => {
    const o = send(config, req('/v1/public/x', { 'X-Replaced-Path': '/v1/admin' }), env());
    expect(o.backend!.headers.values('X-Replaced-Path')).toEqual(['/v1/public/x']);
  });

  it('forwardAuth: a client cannot pick the X-Forwarded-Uri the auth service authorises, even from a trusted proxy', () => {
    for (const trust of [false, true]) {
      calls.length = 0;
      const o = send(config, req('/v1/me', { 'X-Forwarded-Uri': '/v1/public/x', 'X-Forwarded-Method': 'GET', 'X-Forwarded-Host': 'api.example.com' }), env('decoded', { entryPoint: { trustForwardedHeaders: trust } }));
      expect(o.status, `trusted proxy ${trust}`).toBe(401);
      expect(calls.at(-1)!.headers.get('X-Forwarded-Uri')).toBe('/v1/me');
    }
    for (const cfg of Object.values(config.http.middlewares ?? {})) if ('forwardAuth' in cfg) expect(cfg.forwardAuth.trustForwardHeader).toBe(false);
  });

  it('forwardAuth sees the path Traefik routed (dot segments removed), not the raw one', () => {
    calls.length = 0;
    const o = send(config, req('/v1/public/../me'), env());
    expect(o.router && role(o.router)?.routeId).toBe('get_me');
    expect(o.status).toBe(401);
    expect(calls.at(-1)!.headers.get('X-Forwarded-Uri')).toBe('/v1/me');
  });
});

const ROLES_SPEC = (extraPaths = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rr
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { groups: [admin, ops], credentials: { key: '\${env:ALICE_KEY}', basic: { username: alice, password: '\${env:ALICE_PW}' } } }
    bob: { groups: [reader, Admin], credentials: { key: '\${env:BOB_KEY}', basic: { username: bob, password: '\${env:BOB_PW}' } } }
paths:
  /admin:
    delete: { security: [{ basic: [admin] }], responses: ${ok} }
  /ops:
    get: { security: [{ basic: [admin, ops] }], responses: ${ok} }
  /report:
    get: { security: [{ basic: [admin] }, { key: [] }], responses: ${ok} }
  /nobody:
    get: { security: [{ basic: [root] }], responses: ${ok} }
  /either-role:
    get: { security: [{ basic: [admin] }, { basic: [reader] }], responses: ${ok} }
  /maybe:
    get: { security: [{}, { basic: [] }], responses: ${ok} }
  /maybe-key:
    get: { security: [{}, { key: [] }], responses: ${ok} }
${extraPaths}components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check', responseHeaders: [X-Consumer] } } }
    basic: { type: http, scheme: basic }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id, X-Forwarded-User] } } }
    sso: { type: oauth2, flows: { clientCredentials: { tokenUrl: 'https://id.example.com/token', scopes: {} } }, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
`;

describe('red team: Traefik roles and optional auth', async () => {
  const { b } = await built(ROLES_SPEC());
  const diagnostics = b?.result.diagnostics ?? [];

  it('builds, and says which alternative admits nobody', () => {
    expect(b?.config, JSON.stringify(diagnostics.filter((d) => d.severity === 'error'))).toBeDefined();
    expect(ownSchema(b!.config!), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(b!.config!), JSON.stringify(storeSchema.errors)).toBe(true);
    const unheld = diagnostics.filter((d) => d.code === 'traefik-role-unheld');
    expect(unheld.map((d) => d.params)).toEqual([{ route: 'get_nobody', scheme: 'basic', roles: 'root' }]);
    expect(unheld[0]!.loc?.pointer).toBe('/paths/~1nobody/get/security');
  });

  const config = b!.config as TraefikConfig;
  const text = b!.result.files[0]!.contents;
  const env = (routing: (typeof MODES)[number] = 'decoded'): OracleEnv => ({ files: htpasswdFiles(text, (n) => SECRETS[n]!), auth: services(), routing });
  const send1 = (target: string, headers: OracleRequest['headers'] = {}, method = 'GET', routing: (typeof MODES)[number] = 'decoded') =>
    send(config, { method, host: 'api.example.com', target, headers: { ...headers, 'X-Consumer': 'smuggled' }, tls: true }, env(routing));

  for (const mode of MODES) {
    it(`[${mode}] a missing role, a role in another case, a partial role set: refused; the holder: admitted`, () => {
      expect(send1('/v1/admin', { Authorization: ALICE }, 'DELETE', mode).status).toBe(200);
      expect(send1('/v1/admin', { Authorization: BOB }, 'DELETE', mode).status).toBe(401); // bob is Admin, not admin
      expect(send1('/v1/ops', { Authorization: ALICE }, 'GET', mode).status).toBe(200);
      expect(send1('/v1/ops', { Authorization: BOB }, 'GET', mode).status).toBe(401);
      expect(send1('/v1/report', { Authorization: BOB }, 'GET', mode).status).toBe(401);
      expect(send1('/v1/report', { 'X-Api-Key': 'key-bob' }, 'GET', mode).status).toBe(200);
      const a = send1('/v1/report', { Authorization: ALICE }, 'GET', mode);
      expect(a.status).toBe(200);
      expect(a.backend!.headers.lower()['x-consumer']).toEqual(['alice']);
      for (const h of <Array<Record<string, string>>>[{ Authorization: ALICE }, { Authorization: BOB }, {}]) expect(send1('/v1/nobody', h, 'GET', mode).status, JSON.stringify(h)).toBe(403);
      // [admin] OR [reader] on one scheme: one credential, so one users file holding both.
      expect(send1('/v1/either-role', { Authorization: ALICE }, 'GET', mode).status).toBe(200);
      expect(send1('/v1/either-role', { Authorization: BOB }, 'GET', mode).status).toBe(200);
    });

    it(`[${mode}] optional auth: no credential is anonymous; any present credential must verify`, () => {
      const anon = send1('/v1/maybe', {}, 'GET', mode);
      expect(anon.status).toBe(200);
      expect(anon.backend!.headers.lower()['x-consumer']).toBeUndefined();
      const alice = send1('/v1/maybe', { Authorization: ALICE }, 'GET', mode);
      expect(alice.status).toBe(200);
      expect(alice.backend!.headers.lower()['x-consumer']).toEqual(['alice']);
      expect(alice.backend!.headers.lower().authorization).toBeUndefined();
      for (const wrong of [basic('alice', 'x'), 'Basic', 'Basic !!', 'Bearer x', '', 'basic ' + Buffer.from('mallory:x').toString('base64')]) {
        expect(send1('/v1/maybe', { Authorization: wrong }, 'GET', mode).status, wrong).toBe(401);
      }
      expect(send1('/v1/maybe', { Authorization: [ALICE, 'Bearer x'] }, 'GET', mode).status).toBe(200);
      expect(send1('/v1/maybe', { Authorization: ['Bearer x', ALICE] }, 'GET', mode).status).toBe(401);
      // A present key on an optional key route: verified, not anonymous. (This route had a bearer
      // alternative too; optional auth on a bearer scheme is refused since ff1a787,
      // traefik-optional-bearer-query: redteam2-traefik-credentials.)
      expect(send1('/v1/maybe-key', {}, 'GET', mode).status).toBe(200);
      expect(send1('/v1/maybe-key', { 'X-Api-Key': 'key-bob' }, 'GET', mode).backend!.headers.lower()['x-consumer']).toEqual(['bob']);
      for (const h of <Array<Record<string, string | string[]>>>[{ 'X-Api-Key': '' }, { 'X-Api-Key': 'forged' }, { 'x-api-key': ['forged', 'key-bob'] }]) {
        expect(send1('/v1/maybe-key', h, 'GET', mode).status, JSON.stringify(h)).toBe(401);
      }
    });
  }

  it('roles on an API key verified by a forwardAuth service are refused at the security line, by build and by lint', async () => {
    const spec = ROLES_SPEC(`  /keys-admin:\n    get: { security: [{ key: [admin] }], responses: ${ok} }\n`);
    const { b: r } = await built(spec);
    const d = r!.result.diagnostics.filter((x) => x.code === 'traefik-roles-forward-auth');
    expect(r!.result.files).toEqual([]);
    expect(d.map((x) => [x.params, x.loc?.pointer])).toEqual([[{ route: 'get_keys_admin', scheme: 'key', roles: 'admin' }, '/paths/~1keys-admin/get/security']]);
    const linted = await lint(writeSpec(spec), { target: 'traefik' });
    // lint relays the target's compile refusals as target-compile {code} at the build's position (DESIGN.md 7.7)
    const relayed = linted.diagnostics.filter((x) => x.code === 'target-compile' && x.params.code === 'traefik-roles-forward-auth');
    expect(relayed.map((x) => [x.severity, x.loc?.pointer])).toEqual([['error', '/paths/~1keys-admin/get/security']]);
  });

  it('optional auth beside a scheme whose credential Traefik cannot see is refused, by build and by lint', async () => {
    const spec = ROLES_SPEC(`  /sso:\n    get: { security: [{}, { sso: [] }], responses: ${ok} }\n`);
    const { b: r } = await built(spec);
    const d = r!.result.diagnostics.filter((x) => x.code === 'traefik-optional-credential-unknown');
    expect(r!.result.files).toEqual([]);
    expect(d.map((x) => [x.params, x.loc?.pointer])).toEqual([[{ route: 'get_sso', scheme: 'sso' }, '/paths/~1sso/get/security']]);
    const linted = await lint(writeSpec(spec), { target: 'traefik' });
    expect(linted.diagnostics.some((x) => x.code === 'target-compile' && x.params.code === 'traefik-optional-credential-unknown' && x.severity === 'error')).toBe(true);
  });
});

describe('red team: gwc diff sees Traefik auth made optional', () => {
  it('the new anonymous router is a security finding; the verifying router keeps its name', async () => {
    const { CHANGE_CLASSES, planBetween, variant } = await import('../diff/helpers.js');
    const c = CHANGE_CLASSES.find((x) => x.name === 'auth made optional')!;
    const plan = await planBetween('traefik', variant(c.edits));
    const security = plan.findings.filter((f) => f.class === 'security');
    // Route precedence (df6712d) also names what the verifying router loses: the anonymous router now
    // takes its GET without a key (auth-removed), and passes the key header as sent (request-header-passed).
    expect(security.map((f) => [f.key, f.rule])).toEqual([
      ['storefront-getorder', 'auth-removed'],
      ['storefront-getorder', 'request-header-passed'],
      ['storefront-getorder-anonymous', 'route-public'],
    ]);
    expect(plan.changes.filter((x) => x.action === 'create').map((x) => x.key)).toEqual(['storefront-getorder-anonymous']);
    expect(plan.changes.some((x) => x.action === 'delete')).toBe(false);
  });
});
