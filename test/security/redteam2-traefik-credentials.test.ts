/**
 * Red team 2, Traefik: credential spellings a backend reads as the credential (DESIGN.md 7.2, 7.3).
 * CGI-style backends (PHP, Rack, WSGI: HTTP_X_API_KEY) read X_Api_Key as X-Api-Key, Traefik keeps
 * header names with '_' by default (underscoreHeadersStrategy keep), and Go canonicalises
 * X_Api_Key to X_api_key, a different key from X-Api-Key. PHP reads the query or cookie name
 * api.key, api key and api[key as api_key; ASP.NET reads query names case-blind.
 * Through the Traefik request oracle (test/targets/traefik/traefik-oracle.ts).
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase, ownSchema } from '../targets/traefik/cases.js';
import { send, type AuthCall, type AuthAnswer, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const KEYS: Record<string, string> = { 'key-alice': 'alice', 'key-bob': 'bob' };

const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt2
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hkey: '\${env:ALICE_KEY}' } }
    bob: { credentials: { hkey: '\${env:BOB_KEY}' } }
paths:
  /keys:
    get: { security: [{ hkey: [] }], responses: ${ok} }
  /opt:
    get: { security: [{}, { hkey: [] }], responses: ${ok} }
  /tok:
    get: { security: [{ tok: [] }], responses: ${ok} }
  /opt-tok:
    get: { security: [{}, { tok: [] }], responses: ${ok} }
  /ukeys:
    get: { security: [{ ukey: [] }], responses: ${ok} }
  /opt-c:
    get: { security: [{}, { ckey: [] }], responses: ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check', responseHeaders: [X-Key-Owner] } } }
    ukey: { type: apiKey, in: header, name: X_Tenant_Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
    qkey: { type: apiKey, in: query, name: api_key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
    ckey: { type: apiKey, in: cookie, name: session_key, x-gateway: { backendCookies: none, forwardAuth: { url: 'http://keys.internal:9100/check' } } }
    tok:
      type: http
      scheme: bearer
      x-gateway:
        header: X-Session-Token
        issuer: https://id.example.com/
        forwardAuth: { url: 'http://tokens.internal:9200/check' }
`;

function keyService(calls: AuthCall[]) {
  return (call: AuthCall): AuthAnswer => {
    calls.push(call);
    const who = KEYS[call.headers.get('X-Api-Key')];
    return who ? { status: 200, headers: { 'X-Key-Owner': who } } : { status: 401 };
  };
}
function tokenService(calls: AuthCall[]) {
  return (call: AuthCall): AuthAnswer => {
    calls.push(call);
    return call.headers.get('X-Session-Token') === 'tok-good' ? { status: 200 } : { status: 401 };
  };
}

describe('red team 2: Traefik credential spellings a CGI-style backend reads', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const calls: AuthCall[] = [];
  const env = { auth: { 'http://keys.internal:9100/check': keyService(calls), 'http://tokens.internal:9200/check': tokenService(calls) } };
  const req = (target: string, headers: OracleRequest['headers'] = {}): OracleRequest => ({ method: 'GET', host: 'api.example.com', target, headers, tls: true });
  /** Every header the backend received whose name a CGI backend reads as `name`. */
  const asCgi = (h: Record<string, string[]>, name: string) =>
    Object.entries(h).filter(([k]) => k.replace(/_/g, '-').toLowerCase() === name.toLowerCase()).flatMap(([, v]) => v);

  it('builds a file the schema accepts', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
  });

  it('control: the verified key opens /keys and is stripped', () => {
    const o = send(config, req('/v1/keys', { 'X-Api-Key': 'key-bob' }), env);
    expect(o.status).toBe(200);
    expect(asCgi(o.backend!.headers.lower(), 'x-api-key')).toEqual([]);
  });

  for (const spelling of ['X_Api_Key', 'X-Api_Key', 'x_api-key']) {
    it(`required key: ${spelling} beside the verified key never reaches the backend`, () => {
      const o = send(config, req('/v1/keys', { 'X-Api-Key': 'key-bob', [spelling]: 'key-alice' }), env);
      expect(o.status).toBe(200);
      expect(asCgi(o.backend!.headers.lower(), 'x-api-key'), 'an unverified key reached a CGI backend').toEqual([]);
    });

    it(`optional key: ${spelling} alone is a present credential (verified or refused, never anonymous)`, () => {
      const o = send(config, req('/v1/opt', { [spelling]: 'forged' }), env);
      if (o.status === 200) expect(asCgi(o.backend!.headers.lower(), 'x-api-key'), 'an unverified key reached a CGI backend').toEqual([]);
      else expect(o.status).toBe(401);
    });
  }

  it('a scheme header spelt with underscores: the dash spelling beside it never reaches the backend', () => {
    const o = send(config, req('/v1/ukeys', { X_Tenant_Key: 'key-bob', 'X-Tenant-Key': 'key-alice' }), { auth: () => ({ status: 200 }) });
    expect(o.status).toBe(200);
    expect(asCgi(o.backend!.headers.lower(), 'x-tenant-key')).toEqual([]);
  });

  // PHP reads api.key, api key, api[key and api%5Fkey as api_key (cookie names too), ASP.NET case-blind.
  // The key is hidden: its routers delete the whole Cookie header (traefik-cookie-header-removed); kept,
  // optional auth on it is refused, the anonymous router verifying nothing (traefik-unverified-carriers.test.ts).
  for (const c of ['session.key=forged', 'session%5Fkey=forged', 'session key=forged', 'SESSION_KEY=forged', 'a=1; Session%5bKey=x', 'session_%4bey']) {
    it(`optional cookie key: Cookie ${c} is a present credential, never passed on as anonymous`, () => {
      const o = send(config, req('/v1/opt-c', { Cookie: c }), env);
      expect(o.status, 'a spelling a backend reads as the key went through unverified').not.toBe(200);
    });
  }

  it('control: other cookies stay anonymous, the exact cookie name is verified', () => {
    expect(send(config, req('/v1/opt-c', { Cookie: 'theme=dark; session_keys=1; xsession_key=2' }), env).status).toBe(200);
    expect(send(config, req('/v1/opt-c', { Cookie: 'theme=dark; session_key=key-alice' }), env).status).toBe(401);
  });

  it('JWT in a custom header: X_Session_Token beside the verified token never reaches the backend', () => {
    const o = send(config, req('/v1/tok', { 'X-Session-Token': 'tok-good', X_Session_Token: 'forged' }), env);
    expect(o.status).toBe(200);
    expect(asCgi(o.backend!.headers.lower(), 'x-session-token')).toEqual([]);
  });

  it('optional JWT in a custom header: X_Session_Token alone is never passed on as anonymous', () => {
    const o = send(config, req('/v1/opt-tok', { X_Session_Token: 'forged' }), env);
    if (o.status === 200) expect(asCgi(o.backend!.headers.lower(), 'x-session-token')).toEqual([]);
    else expect(o.status).toBe(401);
  });
});

describe('red team 2: Traefik optional auth on a query key', () => {
  it('is refused at the security line (Traefik cannot see API_KEY, api.key or api[key: they would pass as anonymous)', async () => {
    const spec = SPEC.replace('  /opt-c:', `  /opt-q:\n    get: { security: [{}, { qkey: [] }], responses: ${ok} }\n  /opt-c:`);
    const { gateway } = await compileCase(writeSpec(spec));
    const { compileGateway } = await import('../../src/api.js');
    const result = compileGateway(gateway!, 'traefik');
    expect(result.files).toEqual([]);
    const d = result.diagnostics.filter((x) => x.code === 'traefik-optional-query-key' && x.severity === 'error');
    expect(d.map((x) => [x.params, x.loc?.pointer])).toEqual([[{ route: 'get_opt_q', scheme: 'qkey', name: 'api_key' }, '/paths/~1opt-q/get/security']]);
    const linted = await lint(writeSpec(spec), { target: 'traefik' });
    const relayed = linted.diagnostics.filter((x) => x.code === 'target-compile' && x.params.code === 'traefik-optional-query-key');
    expect(relayed.map((x) => [x.severity, x.loc?.pointer])).toEqual([['error', '/paths/~1opt-q/get/security']]);
  });
});

describe('red team 2: Traefik and a bearer token in ?access_token= (RFC 6750 section 2.3)', async () => {
  // Traefik OSS cannot remove a query parameter: a route with a bearer scheme (the Authorization
  // token, verified by forwardAuth) keeps every request carrying ?access_token= in a spelling Go
  // reads as a name of its own off its routers (the path's method-not-allowed router answers 405),
  // so a token the verifier never saw cannot reach a backend that reads it from the query (Spring's
  // allowUriQueryParameter, passport-http-bearer, doorkeeper). Optional auth on such a scheme is
  // refused: traefik-optional-bearer-query (below).
  const spec = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: bq
  backends: { app: { url: http://app.internal:8080, methodOverride: none } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /me:
    get: { security: [{ sso: [] }], responses: ${ok} }
    post: { x-gateway: { public: true }, responses: ${ok} }
  /either:
    get: { security: [{ basic: [] }, { sso: [] }], responses: ${ok} }
  /both:
    get: { security: [{ basic: [], sso: [] }], responses: ${ok} }
  /jwt:
    get: { security: [{ tok: [] }], responses: ${ok} }
  /custom:
    get: { security: [{ ctok: [] }], responses: ${ok} }
  /keys:
    get: { security: [{ hkey: [] }], responses: ${ok} }
  /open:
    get: { x-gateway: { public: true }, responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    tok: { type: oauth2, flows: { clientCredentials: { tokenUrl: 'https://id.example.com/token', scopes: {} } }, x-gateway: { issuer: 'https://id.example.com/', forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    ctok: { type: http, scheme: bearer, x-gateway: { header: X-Session-Token, issuer: 'https://id.example.com/', forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
`;
  const { built } = await compileCase(writeSpec(spec));
  const config = built!.config as TraefikConfig;
  const text = built!.result.files[0]!.contents;
  const { htpasswdFiles } = await import('../targets/traefik/operator.js');
  const env = {
    files: htpasswdFiles(text, () => 'pw-alice'),
    auth: {
      'http://auth.internal:9000/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('Authorization') === 'Bearer good' || call.headers.get('X-Session-Token') === 'good' ? 200 : 401 }),
      'http://keys.internal:9100/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('X-Api-Key') === 'key-good' ? 200 : 401 }),
    },
  };
  const req = (target: string, headers: OracleRequest['headers'] = {}): OracleRequest => ({ method: 'GET', host: 'api.example.com', target, headers, tls: true });
  const basic = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;
  const bearer = { Authorization: 'Bearer good' };
  /** Query names a backend reads as access_token in the query the backend received (PHP: '.', ' ', '[' for '_'; %XX decoded). */
  const tokenPairs = (raw: string) =>
    raw.split('&').filter((kv) => {
      let k = kv.split('=')[0]!.replace(/\+/g, ' ');
      try { k = decodeURIComponent(k); } catch { /* as sent */ }
      return k.replace(/[ .[]/g, '_').replace(/\[\]$|_\]$/, '') === 'access_token';
    });

  it('builds a file the schema accepts', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
  });

  it('control: the verified header token opens /me and is stripped; the query reaches the backend', () => {
    const o = send(config, req('/v1/me?a=1', bearer), env);
    expect(o.status).toBe(200);
    expect(o.backend!.headers.lower().authorization).toBeUndefined();
    expect(o.backend!.rawQuery).toBe('a=1');
  });

  // Every spelling Go's url.Query() reads as its own name and PHP, Express or Spring read as access_token.
  const SPELLINGS = ['access_token=forged', 'access%5Ftoken=forged', 'access%5ftoken=forged', 'access.token=forged', 'access+token=forged', 'access%20token=forged', 'access[token=forged', 'access_token[]=forged', 'access_token', 'access_token='];
  for (const q of SPELLINGS) {
    it(`an unverified ?${q} beside the verified header token never reaches the backend (4xx)`, () => {
      const o = send(config, req(`/v1/me?a=1&${q}`, bearer), env);
      expect(o.backend, 'a token the verifier never saw reached the backend').toBeUndefined();
      expect(o.status).toBeGreaterThanOrEqual(400);
      expect(o.status).toBeLessThan(500);
    });
  }

  it('?access_token= with no header token is refused too, never verified nor passed on', () => {
    const o = send(config, req('/v1/me?access_token=good'), env);
    expect([o.status, o.backend]).toEqual([405, undefined]);
  });

  it('an OR of basic and bearer: a verified password beside ?access_token= never passes the token on', () => {
    const o = send(config, req('/v1/either?access_token=forged', { Authorization: basic }), env);
    expect(o.backend).toBeUndefined();
    expect(send(config, req('/v1/either?x=1', { Authorization: basic }), env).status).toBe(200);
  });

  it('an AND of basic and bearer, and a JWT scheme verified through forwardAuth: the same', () => {
    expect(send(config, req('/v1/both?access_token=forged', { Authorization: basic }), env).backend).toBeUndefined();
    expect(send(config, req('/v1/jwt?access_token=forged', bearer), env).backend).toBeUndefined();
    expect(send(config, req('/v1/jwt', bearer), env).status).toBe(200);
  });

  it('a ";" pair never reaches the backend as a pair of its own (the entry point encodes it)', () => {
    const o = send(config, req('/v1/me?a=1;access_token=forged', bearer), env);
    if (o.backend) expect(tokenPairs(o.backend.rawQuery)).toEqual([]);
  });

  it('the other methods of the path, routes without a bearer scheme and public routes keep their query', () => {
    expect(send(config, { ...req('/v1/me?access_token=x'), method: 'POST' }, env).backend!.rawQuery).toBe('access_token=x');
    expect(send(config, req('/v1/keys?access_token=x', { 'X-Api-Key': 'key-good' }), env).backend!.rawQuery).toBe('access_token=x');
    expect(send(config, req('/v1/open?access_token=x'), env).backend!.rawQuery).toBe('access_token=x');
    // A token in its own header (x-gateway.header) is no Authorization bearer token: no backend reads it from ?access_token=.
    expect(send(config, req('/v1/custom?access_token=x', { 'X-Session-Token': 'good' }), env).status).toBe(200);
  });

  // FIXED (was a documented gap): ASP.NET reads query names case-blind, and QueryRegexp reads one
  // exact name; the route's redirectRegex (traefik/query-names.ts) matches every spelling the rule
  // table reads as access_token in the raw URL and redirects before the backend (red team 4).
  it('FIXED: ?ACCESS_TOKEN= (ASP.NET reads query names case-blind) beside the verified header token never reaches the backend', () => {
    const o = send(config, req('/v1/me?ACCESS_TOKEN=forged', bearer), env);
    expect(o.backend).toBeUndefined();
  });
});

describe('red team 2: Traefik optional auth on a bearer scheme is refused (traefik-optional-bearer-query)', () => {
  const base = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: bo
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /ok:
    get: { security: [{ sso: [] }], responses: ${ok} }
  /opt:
    get: { security: SECURITY, responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    tok: { type: http, scheme: bearer, x-gateway: { issuer: 'https://id.example.com/', forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    ctok: { type: http, scheme: bearer, x-gateway: { header: X-Session-Token, issuer: 'https://id.example.com/', forwardAuth: { url: 'http://auth.internal:9000/check' } } }
`;
  const cases: Array<[string, string, string]> = [
    ['a forward bearer scheme', '[{}, { sso: [] }]', 'sso'],
    ['a JWT scheme verified through forwardAuth', '[{}, { tok: [] }]', 'tok'],
    ['a bearer alternative beside basic', '[{}, { basic: [] }, { sso: [] }]', 'sso'],
    ['a bearer scheme in an AND', '[{}, { hkey: [], tok: [] }]', 'tok'],
  ];
  for (const [what, security, scheme] of cases) {
    it(`${what}: ?access_token= alone would meet the anonymous router; refused at the security line (build and lint)`, async () => {
      const file = writeSpec(base.replace('SECURITY', security));
      const { gateway } = await compileCase(file);
      const { compileGateway } = await import('../../src/api.js');
      const result = compileGateway(gateway!, 'traefik');
      expect(result.files).toEqual([]);
      const d = result.diagnostics.filter((x) => x.code === 'traefik-optional-bearer-query');
      expect(d.map((x) => [x.severity, x.params, x.loc?.pointer])).toEqual([['error', { route: 'get_opt', scheme, parameter: 'access_token' }, '/paths/~1opt/get/security']]);
      const linted = await lint(file, { target: 'traefik' });
      const relayed = linted.diagnostics.filter((x) => x.code === 'target-compile' && x.params.code === 'traefik-optional-bearer-query');
      expect(relayed.map((x) => [x.severity, x.loc?.pointer])).toEqual([['error', '/paths/~1opt/get/security']]);
    });
  }

  it('control: optional basic, optional header key and a token in its own header still build', async () => {
    for (const security of ['[{}, { basic: [] }]', '[{}, { hkey: [] }]', '[{}, { ctok: [] }]']) {
      const { gateway } = await compileCase(writeSpec(base.replace('SECURITY', security)));
      const { compileGateway } = await import('../../src/api.js');
      const result = compileGateway(gateway!, 'traefik');
      expect(result.diagnostics.filter((x) => x.severity === 'error'), security).toEqual([]);
    }
  });
});

describe('red team 2: Traefik OR of two schemes, a second credential sent beside the verified one', async () => {
  const spec = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: or2
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /either:
    get: { security: [{ basic: [] }, { hkey: [] }], responses: ${ok} }
  /either-tok:
    get: { security: [{ hkey: [] }, { sso: [] }], responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
`;
  const { built } = await compileCase(writeSpec(spec));
  const config = built!.config as TraefikConfig;
  const text = built!.result.files[0]!.contents;
  const { htpasswdFiles } = await import('../targets/traefik/operator.js');
  const env = {
    files: htpasswdFiles(text, () => 'pw-alice'),
    auth: {
      'http://keys.internal:9100/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('X-Api-Key') === 'key-good' ? 200 : 401 }),
      'http://auth.internal:9000/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('Authorization') === 'Bearer good' ? 200 : 401 }),
    },
  };
  const req = (target: string, headers: OracleRequest['headers'] = {}): OracleRequest => ({ method: 'GET', host: 'api.example.com', target, headers, tls: true });
  const basic = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

  it('control: each alternative alone passes and its credential is stripped', () => {
    const a = send(config, req('/v1/either', { Authorization: basic }), env);
    const k = send(config, req('/v1/either', { 'X-Api-Key': 'key-good' }), env);
    expect([a.status, k.status]).toEqual([200, 200]);
    expect(a.backend!.headers.lower().authorization).toBeUndefined();
    expect(k.backend!.headers.lower()['x-api-key']).toBeUndefined();
  });

  it('a verified password beside an unverified X-Api-Key: the key never reaches the backend', () => {
    const o = send(config, req('/v1/either', { Authorization: basic, 'X-Api-Key': 'forged-admin-key' }), env);
    if (o.status === 200) expect(o.backend!.headers.lower()['x-api-key'], 'an unverified key reached the backend').toBeUndefined();
  });

  it('a verified key beside an unverified Authorization (basic or bearer): it never reaches the backend', () => {
    for (const auth of [basic.replace('YWxp', 'Ym9i'), 'Bearer forged']) {
      const o = send(config, req('/v1/either', { 'X-Api-Key': 'key-good', Authorization: auth }), env);
      if (o.status === 200) expect(o.backend!.headers.lower().authorization, `${auth}: an unverified credential reached the backend`).toBeUndefined();
      const t = send(config, req('/v1/either-tok', { 'X-Api-Key': 'key-good', Authorization: auth }), env);
      if (t.status === 200) expect(t.backend!.headers.lower().authorization, `${auth}: an unverified token reached the backend`).toBeUndefined();
    }
  });
});

describe('red team 2: Traefik limits on an optional-auth route', async () => {
  const spec = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: ol
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /feed:
    get: { security: [{}, { basic: [] }], x-gateway: { rateLimit: { requests: 5, per: minute, by: consumer } }, responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
  const { built } = await compileCase(writeSpec(spec));
  const config = built!.config as TraefikConfig;
  const text = built!.result.files[0]!.contents;
  const { htpasswdFiles } = await import('../targets/traefik/operator.js');
  const env = { files: htpasswdFiles(text, () => 'pw-alice') };
  const req = (headers: OracleRequest['headers'] = {}, remoteAddr = '203.0.113.7'): OracleRequest => ({ method: 'GET', host: 'api.example.com', target: '/v1/feed', headers, tls: true, remoteAddr });

  it('anonymous callers are counted per client address, whatever X-Consumer (any spelling) they send; the verified user on its own', () => {
    const keys = (o: ReturnType<typeof send>) => o.rateLimitKeys.map((k) => k.key);
    const a = send(config, req({ 'X-Consumer': 'alice', X_Consumer: 'alice' }), env);
    const b = send(config, req({}, '198.51.100.9'), env);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(keys(a)).not.toEqual(keys(b));
    expect(keys(a).join()).not.toContain('alice');
    const v = send(config, req({ Authorization: `Basic ${Buffer.from('alice:pw-alice').toString('base64')}` }), env);
    expect(v.status).toBe(200);
    expect(keys(v).join()).toContain('alice');
  });
});

describe('red team 2/3: Traefik, a credential header name sent as a query parameter', async () => {
  // A backend reading an API key from the header OR a query parameter of the same name (FastAPI
  // APIKeyHeader/APIKeyQuery pairs, DRF key libraries, Spring getParameter fallbacks) would take an
  // unverified ?x-api-key= once the verified header is stripped. Traefik cannot remove a query
  // parameter: such a request is kept off the route's routers (405), as ?access_token= on bearer routes.
  const spec = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: hq
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
paths:
  /h:
    get: { security: [{ hk: [] }], responses: ${ok} }
  /t:
    get: { security: [{ st: [] }], responses: ${ok} }
  /or:
    get: { security: [{ hk: [] }, { st: [] }], responses: ${ok} }
  /open:
    get: { x-gateway: { public: true }, responses: ${ok} }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/k' } } }
    st: { type: http, scheme: bearer, x-gateway: { header: X-Session-Token, issuer: 'https://id.example.com/', forwardAuth: { url: 'http://auth.internal/t' } } }
`;
  const { built } = await compileCase(writeSpec(spec));
  const config = built!.config as TraefikConfig;
  const auth = (call: AuthCall): AuthAnswer => ({ status: call.headers.get('X-Api-Key') === 'key-a' || call.headers.get('X-Session-Token') === 'tok-a' ? 200 : 401 });
  const go = (target: string, headers: OracleRequest['headers'] = {}) => send(config, { method: 'GET', host: 'api.example.com', target, headers, tls: true }, { auth });

  it('builds a file the schema accepts; controls pass', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    expect(go('/v1/h?a=1', { 'X-Api-Key': 'key-a' }).backend!.rawQuery).toBe('a=1');
    expect(go('/v1/open?x-api-key=1').backend!.rawQuery).toBe('x-api-key=1');
  });

  for (const q of ['x-api-key', 'X-Api-Key', 'X-API-KEY', 'X-API-Key', 'x-API-key', 'x%2Dapi%2Dkey']) {
    it(`?${q}=forged beside the verified header key never reaches the backend`, () => {
      const o = go(`/v1/h?${q}=forged`, { 'X-Api-Key': 'key-a' });
      expect(o.backend, 'an unverified key reached the backend').toBeUndefined();
      expect(o.status).toBe(405);
    });
  }

  for (const q of ['x-session-token', 'X-Session-Token']) {
    it(`a JWT in its own header: ?${q}=forged beside the verified token never reaches the backend (also on an OR route)`, () => {
      expect(go(`/v1/t?${q}=forged`, { 'X-Session-Token': 'tok-a' }).backend).toBeUndefined();
      expect(go(`/v1/or?${q}=forged`, { 'X-Api-Key': 'key-a' }).backend).toBeUndefined();
      expect(go(`/v1/or?x-api-key=forged`, { 'X-Session-Token': 'tok-a' }).backend).toBeUndefined();
    });
  }
});
