/**
 * The njs runtime (src/targets/nginx/njs/runtime.js) run in node against a fake request object:
 * every verification path (API key, basic, JWT per algorithm, claims, roles, optional auth, forward
 * auth decisions), the helpers nginx calls through js_set, and that the module the compiler emits
 * is the source file (generated .ts fresh) and type-checks against njs's own types.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NJS_RUNTIME } from '../../../src/targets/nginx/njs-runtime.js';
import { jsLiteral } from '../../../src/targets/nginx/escape.js';
import { b64u, ecKeys, now, rsaKeys, token } from './jwt.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const HS = 'hs-secret-0123456789abcdef0123456789abcdef';
const rs = rsaKeys();
const es = ecKeys();
const es384 = (() => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
})();
const dir = mkdtempSync(join(tmpdir(), 'gwc-njs-'));

const jwtScheme = (algorithms: string[], keys: unknown[], extra: Record<string, unknown> = {}) => ({
  kind: 'jwt', header: 'authorization', algorithms, keys, issuer: 'https://id.test/', audiences: ['lab'], skew: 60, ...extra,
});

const CFG = {
  consumers: [
    { name: 'admin', groups: ['admin', 'reader'], credentials: [{ scheme: 'key', kind: 'apiKey', key: { env: 'ADMIN_KEY' } }, { scheme: 'basic', kind: 'basic', username: 'root', password: { file: 'root.pw' } }] },
    { name: 'reader', groups: ['reader'], credentials: [{ scheme: 'key', kind: 'apiKey', key: { env: 'READER_KEY' } }, { scheme: 'qkey', kind: 'apiKey', key: { env: 'Q_KEY' } }] },
  ],
  routeVar: 'gwc_t_route',
  pathVar: 'gwc_t_path',
  fwdUriVar: 'gwc_t_fwd_uri',
  routes: {
    '0': { id: 'key', security: [[{ scheme: 'key', scopes: [] }]] },
    '1': { id: 'keyAdmin', security: [[{ scheme: 'key', scopes: ['admin'] }]] },
    '2': { id: 'basicReader', security: [[{ scheme: 'basic', scopes: ['reader'] }]] },
    '3': { id: 'rs', security: [[{ scheme: 'rs', scopes: [] }]] },
    '4': { id: 'es', security: [[{ scheme: 'es', scopes: [] }]] },
    '5': { id: 'hs', security: [[{ scheme: 'hs', scopes: [] }]] },
    '6': { id: 'scoped', security: [[{ scheme: 'rs', scopes: ['orders:write'] }]] },
    '7': { id: 'opt', security: [[{ scheme: 'key', scopes: [] }]] },
    '8': { id: 'fwd', security: [[{ scheme: 'fwd', scopes: [] }]] },
    '9': { id: 'and', security: [[{ scheme: 'key', scopes: [] }, { scheme: 'basic', scopes: [] }]] },
    '10': { id: 'q', hideQuery: ['api_key'], hideCookies: ['sid'], security: [[{ scheme: 'qkey', scopes: [] }]] },
    '11': { id: 'rsMulti', security: [[{ scheme: 'rsMulti', scopes: [] }]] },
    '12': { id: 'es384', security: [[{ scheme: 'es384', scopes: [] }]] },
    '13': { id: 'hspem', security: [[{ scheme: 'hspem', scopes: [] }]] },
    '14': { id: 'mock', security: [], mock: { status: 201, body: '{"a":1}', contentType: 'application/json', headers: { 'X-M': '1' } } },
  },
  schemes: {
    key: { kind: 'apiKey', in: 'header', name: 'x-api-key' },
    qkey: { kind: 'apiKey', in: 'query', name: 'api_key' },
    basic: { kind: 'basic', realm: 'lab"\\' },
    rs: jwtScheme(['RS256'], [{ file: 'rs.pem' }]),
    rsMulti: jwtScheme(['RS256', 'RS384', 'RS512'], [{ file: 'other.pem' }, { file: 'rs.pem' }]),
    es: jwtScheme(['ES256'], [{ file: 'es.pem' }]),
    es384: jwtScheme(['ES384'], [{ file: 'es384.pem' }]),
    hs: jwtScheme(['HS256', 'HS384', 'HS512'], [{ env: 'HS_SECRET' }]),
    hspem: jwtScheme(['HS256'], [{ file: 'rs.pem' }]),
    fwd: { kind: 'forward', forward: { uri: '/_gwc_internal/f/0', presence: ['authorization'], responseHeaders: ['x-user-id'] } },
  },
};

interface Runtime {
  authorize(r: FakeRequest): Promise<void>;
  authorizeOptional(r: FakeRequest): Promise<void>;
  digest(parts: unknown): string;
  cleanArgs(r: FakeRequest): string;
  cleanCookies(r: FakeRequest): string;
  mock(r: FakeRequest): void;
  same(a: string | null, b: string | null): boolean;
}
let rt: Runtime;

interface FakeRequest {
  uri: string;
  headersIn: Record<string, string>;
  rawHeadersIn: Array<[string, string]>;
  headersOut: Record<string, string>;
  variables: Record<string, string>;
  rawVariables: Record<string, Buffer>;
  status?: number;
  body?: string;
  subrequests: Array<{ uri: string; vars: Record<string, string> }>;
  subrequest(uri: string, opts: unknown): Promise<{ status: number; headersOut: Record<string, string> }>;
  return(status: number, body?: string): void;
}

function req(route: string, headersIn: Record<string, string> = {}, opts: { query?: string; path?: string; reply?: { status: number; headersOut: Record<string, string> } } = {}): FakeRequest {
  // njs reads request headers case-insensitively.
  const lower = Object.fromEntries(Object.entries(headersIn).map(([k, v]) => [k.toLowerCase(), v]));
  const r: FakeRequest = {
    uri: `/_gwc_internal/a/${route}`,
    headersIn: new Proxy(lower, { get: (t, k) => (typeof k === 'string' ? t[k.toLowerCase()] : undefined) }),
    rawHeadersIn: Object.entries(headersIn),
    headersOut: {},
    variables: { request_uri: `/v1/x${opts.query === undefined ? '' : `?${opts.query}`}`, args: opts.query ?? '', remote_addr: '10.1.2.3', gwc_t_route: route },
    rawVariables: opts.path === undefined ? {} : { gwc_t_path: Buffer.from(opts.path, 'latin1') },
    subrequests: [],
    async subrequest(uri) {
      r.subrequests.push({ uri, vars: { ...r.variables } });
      return opts.reply ?? { status: 500, headersOut: {} };
    },
    return(status, body) {
      r.status = status;
      r.body = body;
    },
  };
  return r;
}

async function authorize(route: string, headersIn: Record<string, string> = {}, opts: Parameters<typeof req>[2] = {}, handler: 'authorize' | 'authorizeOptional' = 'authorize') {
  const r = req(route, headersIn, opts);
  await rt[handler](r);
  return r;
}
const optional = (route: string, headersIn: Record<string, string> = {}) => authorize(route, headersIn, {}, 'authorizeOptional');

const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://id.test/', aud: 'lab', sub: 'carol', exp: now() + 300, ...extra });
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const basicAuth = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

beforeAll(async () => {
  const g = globalThis as Record<string, unknown>;
  g.ngx = { ERR: 4, log: (_l: number, m: string) => process.env.GWC_DEBUG && console.log(m), conf_prefix: `${dir}/` };
  process.env.ADMIN_KEY = 'Admin-Key-1';
  process.env.READER_KEY = 'Reader-Key-2';
  process.env.Q_KEY = 'q-key-3';
  process.env.HS_SECRET = HS;
  writeFileSync(join(dir, 'root.pw'), 'root-pw\n');
  writeFileSync(join(dir, 'rs.pem'), rs.publicPem);
  writeFileSync(join(dir, 'other.pem'), rsaKeys().publicPem);
  writeFileSync(join(dir, 'es.pem'), es.publicPem);
  writeFileSync(join(dir, 'es384.pem'), es384.publicPem);
  const file = join(dir, 'runtime.mjs');
  writeFileSync(file, NJS_RUNTIME.replace('/*CFG*/null', () => jsLiteral(CFG)));
  rt = (await import(pathToFileURL(file).href)).default as Runtime;
});

describe('njs runtime: source of truth', () => {
  it('njs-runtime.ts is generated from njs/runtime.js (fresh)', () => {
    expect(() => execFileSync('node', [join(ROOT, 'scripts/gen-njs-runtime.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
  it("every other njs source's copy of runtime.js text is runtime.js's (scripts/gen-njs-runtime.mjs COPIES)", async () => {
    const gen = (await import(pathToFileURL(join(ROOT, 'scripts/gen-njs-runtime.mjs')).href)) as {
      COPIES: Array<{ target: string }>;
      withCopies: (runtime: string, target: string, c: unknown) => string;
    };
    const runtime = readFileSync(join(ROOT, 'src/targets/nginx/njs/runtime.js'), 'utf8');
    expect(gen.COPIES.map((c) => c.target).sort()).toEqual(['src/targets/nginx/njs/headers.js', 'src/targets/nginx/njs/validate.js']);
    for (const c of gen.COPIES) {
      const text = readFileSync(join(ROOT, c.target), 'utf8');
      expect(gen.withCopies(runtime, text, c), c.target).toBe(text);
      // A copy edited in place is put back from runtime.js, never kept.
      const edited = text.replace("indexOf('_') >= 0", "indexOf('-') >= 0").replace("t.indexOf('csp-report') >= 0", 'false');
      expect(edited).not.toBe(text);
      expect(gen.withCopies(runtime, edited, c), c.target).toBe(text);
    }
  });
  it('runtime.js type-checks against njs-types (no API njs lacks)', () => {
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.njs.json')], { stdio: 'pipe' });
  }, 60_000);
  it('uses no syntax njs 0.7 lacks (optional chaining, ??, spread, classes)', () => {
    const code = NJS_RUNTIME.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const bad of [/\?\./, /\?\?/, /\.\.\.[A-Za-z_[{(]/, /\bclass\s/]) expect(code).not.toMatch(bad);
  });
});

describe('njs runtime: API keys and basic', () => {
  it('same() is exact and case-sensitive', () => {
    expect(rt.same('abc', 'abc')).toBe(true);
    for (const b of ['ABC', 'ab', 'abcd', '', 'abd', null]) expect(rt.same('abc', b)).toBe(false);
    expect(rt.same('', '')).toBe(false);
    expect(rt.same(null, 'x')).toBe(false);
  });
  it('a key passes as its consumer; wrong, missing or another scheme\'s key is 401', async () => {
    const ok = await authorize('0', { 'x-api-key': 'Reader-Key-2' });
    expect(ok.status).toBe(204);
    expect(ok.headersOut).toMatchObject({ 'X-Gwc-Consumer': 'reader', 'X-Gwc-Scheme': 'key' });
    for (const h of [{}, { 'x-api-key': 'reader-key-2' }, { 'x-api-key': 'q-key-3' }, { 'x-api-key': '' }] as Array<Record<string, string>>) {
      const r = await authorize('0', h);
      expect(r.status, JSON.stringify(h)).toBe(401);
      expect(r.headersOut['X-Gwc-Consumer']).toBeUndefined();
    }
  });
  it('roles: every listed role must be in the consumer\'s groups (403 otherwise)', async () => {
    expect((await authorize('1', { 'x-api-key': 'Reader-Key-2' })).status).toBe(403);
    expect((await authorize('1', { 'x-api-key': 'Admin-Key-1' })).status).toBe(204);
    expect((await authorize('2', basicAuth('root', 'root-pw'))).status).toBe(204);
  });
  it('basic: password from a file (trailing newline dropped), challenge escaped', async () => {
    const bad = await authorize('2', basicAuth('root', 'root-pw\n'));
    expect(bad.status).toBe(401);
    expect(bad.headersOut['WWW-Authenticate']).toBe('Basic realm="lab", charset="UTF-8"');
    expect((await authorize('2', basicAuth('admin', 'root-pw'))).status).toBe(401);
    expect((await authorize('2', { Authorization: 'Basic !!!' })).status).toBe(401);
  });
  it('AND needs both halves', async () => {
    expect((await authorize('9', { 'x-api-key': 'Admin-Key-1' })).status).toBe(401);
    expect((await authorize('9', { 'x-api-key': 'Admin-Key-1', ...basicAuth('root', 'root-pw') })).status).toBe(204);
  });
  it('query keys are read from the raw query', async () => {
    expect((await authorize('10', {}, { query: 'a=1&api_key=q-key-3' })).status).toBe(204);
    expect((await authorize('10', {}, { query: 'api_key=Admin-Key-1' })).status).toBe(401);
  });
});

describe('njs runtime: JWT', () => {
  const ok = async (route: string, t: string) => expect((await authorize(route, bearer(t))).status, t).toBe(204);
  const deny = async (route: string, t: string, status = 401) => expect((await authorize(route, bearer(t))).status, t).toBe(status);
  it('RS256/384/512 (second key of a list), ES256, ES384, HS256/384/512 each verify', async () => {
    for (const alg of ['RS256', 'RS384', 'RS512']) await ok('11', token(alg, claims(), rs.privateKey));
    await ok('4', token('ES256', claims(), es.privateKey));
    await ok('12', token('ES384', claims(), es384.privateKey as KeyObject));
    for (const alg of ['HS256', 'HS384', 'HS512']) await ok('5', token(alg, claims(), HS));
    const r = await authorize('3', bearer(token('RS256', claims(), rs.privateKey)));
    // A token's identity is scheme-qualified, never a spec consumer's name (red team 2).
    expect(r.headersOut['X-Gwc-Consumer']).toBe('rs:carol');
  });
  it('algorithm confusion and family binding', async () => {
    const pem = rs.publicPem.replace(/\r?\n$/, '');
    await deny('3', token('HS256', claims(), pem));
    await deny('13', token('HS256', claims(), pem));
    await deny('13', token('HS256', claims(), rs.publicPem));
    await deny('5', token('RS256', claims(), rs.privateKey));
    await deny('3', token('ES256', claims(), es.privateKey));
    await deny('4', token('ES384', claims(), es384.privateKey as KeyObject));
  });
  it('alg none, unknown kid with a foreign key, crit, malformed parts are 401', async () => {
    const good = token('RS256', claims(), rs.privateKey);
    const [, body, sig] = good.split('.');
    await deny('3', `${b64u('{"alg":"none"}')}.${body}.`);
    await deny('3', `${b64u('{"alg":"RS256","kid":"x"}')}.${body}.${b64u('x')}`);
    await deny('3', `${b64u('{"alg":"RS256","crit":["b64"]}')}.${body}.${sig}`);
    await deny('3', `${b64u('[]')}.${body}.${sig}`);
    await deny('3', `a.b.c`);
    await deny('3', `${good}.x`);
    // One signature character changed (mid-signature: the last one may only carry padding bits).
    const at = good.length - 20;
    await deny('3', `${good.slice(0, at)}${good[at] === 'A' ? 'B' : 'A'}${good.slice(at + 1)}`);
  });
  it('exp (required), nbf, iss, aud, with the scheme\'s skew', async () => {
    await ok('3', token('RS256', claims({ exp: now() - 30 }), rs.privateKey));
    await deny('3', token('RS256', claims({ exp: now() - 120 }), rs.privateKey));
    await deny('3', token('RS256', claims({ exp: undefined }), rs.privateKey));
    await deny('3', token('RS256', claims({ exp: String(now() + 300) }), rs.privateKey));
    await ok('3', token('RS256', claims({ nbf: now() + 30 }), rs.privateKey));
    await deny('3', token('RS256', claims({ nbf: now() + 120 }), rs.privateKey));
    await deny('3', token('RS256', claims({ iss: 'https://evil.test/' }), rs.privateKey));
    await deny('3', token('RS256', claims({ aud: 'x' }), rs.privateKey));
    await ok('3', token('RS256', claims({ aud: ['x', 'lab'] }), rs.privateKey));
  });
  it('scopes: scope (space separated) or scp; missing one is 403', async () => {
    await deny('6', token('RS256', claims({ scope: 'orders:read' }), rs.privateKey), 403);
    await ok('6', token('RS256', claims({ scope: 'orders:read orders:write' }), rs.privateKey));
    await ok('6', token('RS256', claims({ scp: ['orders:write'] }), rs.privateKey));
  });
  it('a sub with control characters cannot break the identity header', async () => {
    const r = await authorize('3', bearer(token('RS256', claims({ sub: 'a\r\nX-Evil: 1%' }), rs.privateKey)));
    expect(r.status).toBe(204);
    expect(r.headersOut['X-Gwc-Consumer']).toBe('rs:a%0D%0AX-Evil: 1%25');
  });
  it('a passed check names its route (X-Gwc-Route, the proxy step of a verified route serves only it); a refused one names none', async () => {
    const r = await authorize('3', bearer(token('RS256', claims({}), rs.privateKey)));
    expect(r.status).toBe(204);
    expect(r.headersOut['X-Gwc-Route']).toBe('3');
    const refused = await authorize('3', bearer(token('RS256', claims({}), rsaKeys().privateKey)));
    expect(refused.status).toBe(401);
    expect(refused.headersOut['X-Gwc-Route']).toBeUndefined();
  });
});

describe('njs runtime: optional and forward auth', () => {
  it('optional: nothing presented passes anonymous; anything presented is verified', async () => {
    const anon = await optional('7');
    expect(anon.status).toBe(204);
    // The route that admitted it (X-Gwc-Route): a verify location hands it to its proxy step (templates-route.ts).
    expect(anon.headersOut).toEqual({ 'X-Gwc-Identity': '-', 'X-Gwc-Route': '7' });
    expect((await optional('7', { 'x-api-key': 'nope' })).status).toBe(401);
    expect((await optional('7', { 'x-api-key': '' })).status).toBe(401);
    expect((await optional('7', { 'x-api-key': 'Admin-Key-1' })).headersOut['X-Gwc-Consumer']).toBe('admin');
    // The same route behind the strict handler: no credential is 401.
    expect((await authorize('7')).status).toBe(401);
    // Optional over AND: any part presented means the whole alternative is verified.
    expect((await optional('9', { 'x-api-key': 'Admin-Key-1' })).status).toBe(401);
    expect((await optional('9')).status).toBe(204);
  });
  it('forward: the service is asked with the normalised path re-encoded and the raw query; its headers are passed on', async () => {
    const r = await authorize('8', { Authorization: 'Bearer t' }, { path: '/v1/a b?#%\n\u00e9', query: 'x=1&y=%20', reply: { status: 200, headersOut: { 'x-user-id': 'u-1', 'x-other': 'no' } } });
    expect(r.status).toBe(204);
    expect(r.subrequests).toEqual([{ uri: '/_gwc_internal/f/0', vars: expect.objectContaining({ gwc_t_fwd_uri: '/v1/a%20b%3F%23%25%0A%E9?x=1&y=%20' }) }]);
    expect(r.headersOut['x-user-id']).toBe('u-1');
    expect(r.headersOut['x-other']).toBeUndefined();
  });
  it('forward: 403 stays 403, any other failure is 401; no normalised path means no call and 401', async () => {
    expect((await authorize('8', {}, { path: '/v1/a', reply: { status: 403, headersOut: {} } })).status).toBe(403);
    expect((await authorize('8', {}, { path: '/v1/a', reply: { status: 500, headersOut: {} } })).status).toBe(401);
    expect((await authorize('8', {}, { path: '/v1/a', reply: { status: 302, headersOut: {} } })).status).toBe(401);
    const none = await authorize('8', {}, { reply: { status: 200, headersOut: {} } });
    expect(none.status).toBe(401);
    expect(none.subrequests).toEqual([]);
  });
  it('forward: a header the service is sent on two lines is 401 and the service is not asked (red team 15)', async () => {
    const r = req('8', { Authorization: 'Bearer t' }, { path: '/v1/a', reply: { status: 200, headersOut: {} } });
    r.rawHeadersIn = [['Authorization', 'Bearer t'], ['authorization', 'Bearer forged']];
    await rt.authorize(r);
    expect(r.status).toBe(401);
    expect(r.subrequests).toEqual([]);
  });
  it('an unknown route is refused', async () => {
    expect((await authorize('99')).status).toBe(403);
  });
});

describe('njs runtime: js_set helpers and mock', () => {
  it('cleanArgs and cleanCookies drop only the hidden names (also encoded)', () => {
    expect(rt.cleanArgs(req('10', {}, { query: 'a=1&api_key=x&%61pi_key=y&b=2' }))).toBe('a=1&b=2');
    expect(rt.cleanCookies(req('10', { Cookie: 'sid=1; theme=dark;sid2=3' }))).toBe('theme=dark; sid2=3');
    expect(rt.cleanArgs(req('0', {}, { query: 'api_key=x' }))).toBe('api_key=x');
  });
  it('digest: length-prefixed, so parts never run into each other (cache keys, identity)', () => {
    expect(rt.digest(['a|b', 'c'])).not.toBe(rt.digest(['a', 'b|c']));
    expect(rt.digest(['ab', 'c'])).not.toBe(rt.digest(['a', 'bc']));
    expect(rt.digest([null])).not.toBe(rt.digest(['']));
    expect(rt.digest([['a'], 'b'])).not.toBe(rt.digest(['a', ['b']]));
    expect(rt.digest(['x', 'y'])).toBe(rt.digest(['x', 'y']));
    expect(rt.digest(['x'])).toMatch(/^[0-9a-f]{64}$/);
  });
  it('mock answers with its status, body and headers', () => {
    const r = req('14');
    rt.mock(r);
    expect([r.status, r.body, r.headersOut]).toEqual([201, '{"a":1}', { 'X-M': '1', 'Content-Type': 'application/json' }]);
  });
});
