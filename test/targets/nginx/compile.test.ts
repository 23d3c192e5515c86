/**
 * Unit tables for the nginx compiler: escaping by construction, refusals with diagnostics,
 * capability answers, options, and the shape of the routing layout.
 */
import { describe, expect, it } from 'vitest';
import { FEATURE_IDS } from '../../../src/model/features.js';
import { nginxTarget } from '../../../src/targets/nginx/index.js';
import { TEMPLATES } from '../../../src/targets/nginx/emit.js';
import { quote, quoteValue, regexLiteral } from '../../../src/targets/nginx/escape.js';
import { parseConf, walk } from './conf-parse.js';
import { build, gateway, httpBackend, keyScheme, loc, route } from './model.js';

const conf = (r: ReturnType<typeof build>) => r.files.find((f) => f.path.startsWith('conf.d/'))!.contents;
const errors = (r: ReturnType<typeof build>) => r.diagnostics.filter((d) => d.severity === 'error');

describe('templates escape by construction', () => {
  it.each(Object.entries(TEMPLATES))('%s prints every value through a helper', (_name, text) => {
    const bare = [...text.matchAll(/\{\{\{?\s*([^#/>!}\s][^}]*)\}\}/g)].map((m) => m[1]!.trim()).filter((e) => !/^(n|q|v|c|else)\b/.test(e));
    expect(bare).toEqual([]);
  });
});

describe('escaping', () => {
  it.each([
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['a;b{c}#d e', '"a;b{c}#d e"'],
    ['line\nbreak', '"line\\nbreak"'],
  ])('quote(%j)', (input, out) => expect(quote(input)).toBe(out));
  it('refuses control characters other than tab, CR, LF', () => {
    expect(() => quote('a\u0000b')).toThrow(/control character/);
    expect(() => quote('a\u007fb')).toThrow(/control character/);
  });
  it('writes $ as the dollar variable where nginx compiles variables', () => {
    expect(quoteValue('cost $5 ${x}', 'd')).toBe('"cost ${d}5 ${d}{x}"');
    expect(quoteValue([{ lit: '/a/' }, { var: 'gwc_p0' }], 'd')).toBe('"/a/${gwc_p0}"');
  });
  it('regex literals match only themselves', () => {
    const text = '/a.b+c(d)$e^f|g[h]{i}?*\\';
    expect(new RegExp(`^${regexLiteral(text)}$`).test(text)).toBe(true);
    expect(new RegExp(`^${regexLiteral('a.b')}$`).test('axb')).toBe(false);
  });
});

describe('capabilities', () => {
  it('answers for every feature', () => {
    for (const id of FEATURE_IDS) expect(nginxTarget.capabilities[id], id).toBeDefined();
  });
  it('cannot invoke Lambda but uses the HTTP fallback', () => {
    expect(nginxTarget.capabilities['backend.lambda']).toMatchObject({ support: 'unsupported', fallback: 'httpUrl' });
  });
});

describe('refusals are diagnostics', () => {
  it('a vault secret cannot be read by nginx', () => {
    const g = gateway([route('r', 'GET', '/r', { security: [[{ scheme: 'key', scopes: [] }]] })], {
      securitySchemes: [keyScheme()],
      consumers: [{ name: 'c', loc: loc(), groups: [], credentials: [{ scheme: 'key', kind: 'apiKey', key: { kind: 'vault', ref: 'kv/x', raw: '${vault:kv/x}' }, loc: loc('/c') }] }],
    });
    const e = errors(build(g));
    expect(e.map((d) => [d.code, d.params])).toEqual([['nginx-secret-source', { what: 'API key of consumer c', ref: '${vault:kv/x}' }]]);
    expect(e[0]!.loc?.pointer).toBe('/c');
    expect(build(g).files).toEqual([]);
  });
  it('a limit finer than one request per minute is refused, a coarser one rounded down with a warning', () => {
    const day = gateway([route('r', 'GET', '/r', { policy: { rateLimit: { requests: 100, per: 'day', by: 'ip', burst: 0, loc: loc() } } })]);
    expect(errors(build(day)).map((d) => [d.code, d.params])).toEqual([['nginx-rate-too-fine', { route: 'r', requests: 100, per: 'day' }]]);
    const hour = gateway([route('r', 'GET', '/r', { policy: { rateLimit: { requests: 90, per: 'hour', by: 'ip', burst: 0, loc: loc() } } })]);
    const r = build(hour);
    expect(errors(r)).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.params])).toEqual([['nginx-rate-rounded', { route: 'r', requests: 90, per: 'hour', perMinute: 1 }]]);
    expect(conf(r)).toContain('rate=1r/m');
  });
  it('paths under /_gwc_internal are reserved', () => {
    expect(errors(build(gateway([route('r', 'GET', '/_gwc_internal/r/0')]))).map((d) => [d.code, d.params])).toEqual([['nginx-path-reserved', { route: 'r', path: '/_gwc_internal/r/0' }]]);
  });
  it('unknown and malformed options', () => {
    const g = gateway([route('r', 'GET', '/r')]);
    const bads: Array<Record<string, string>> = [{ nope: '1' }, { listen: '80; include /etc/passwd' }, { cachePath: '/tmp/a b' }, { mode: 'weird' }];
    for (const bad of bads) {
      expect(errors(build(g, bad)).map((d) => d.code)).toEqual(['nginx-option-invalid']);
    }
  });
  it('a JWT scheme with neither keys, a JWKS URL nor forwardAuth is refused; a plain-HTTP JWKS URL too; HS* with a JWKS too', () => {
    const jwt = (jwksUri: string | undefined, algorithms = ['RS256'], audiences = ['api']) =>
      gateway([route('r', 'GET', '/r', { security: [[{ scheme: 'jwt', scopes: [] }]] })], {
        securitySchemes: [{ name: 'jwt', loc: loc(), openapiType: 'http', kind: 'jwt', hideCredentials: false, jwt: { issuer: 'https://id.example.com/', audiences, algorithms, publicKeys: [], ...(jwksUri ? { jwksUri } : {}), header: 'authorization', clockSkewSeconds: 0 } }],
      });
    expect(errors(build(jwt(undefined))).map((d) => [d.code, d.params])).toEqual([['nginx-jwt-no-keys', { scheme: 'jwt' }]]);
    expect(errors(build(jwt('http://id.example.com/jwks'))).map((d) => [d.code, d.params])).toEqual([['nginx-jwks-insecure', { scheme: 'jwt', uri: 'http://id.example.com/jwks' }]]);
    expect(errors(build(jwt('https://id.example.com/jwks', ['RS256', 'HS256']))).map((d) => d.code)).toEqual(['nginx-jwt-algorithm']);
    // Red team 3: a key set without audiences admits tokens the provider minted for any application.
    const noAud = errors(build(jwt('https://id.example.com/jwks', ['RS256'], [])));
    expect(noAud.map((d) => [d.code, d.params])).toEqual([['jwt-audience-missing', { scheme: 'jwt', keys: 'a key set (jwksUri)' }]]);
    // Red team 16: a key set signs many issuers' tokens (Entra ID's one JWKS for every tenant): an issuer is required.
    const noIss = jwt('https://id.example.com/jwks');
    delete noIss.securitySchemes[0]!.jwt!.issuer;
    expect(errors(build(noIss)).map((d) => [d.code, d.params])).toEqual([['jwt-issuer-missing', { scheme: 'jwt', keys: 'a key set (jwksUri)' }]]);
  });
  it('a JWT scheme with a https JWKS URL: two internal cached locations, TLS verified, no client request sent', () => {
    const g = gateway([route('r', 'GET', '/r', { security: [[{ scheme: 'jwt', scopes: [] }]] })], {
      securitySchemes: [{ name: 'jwt', loc: loc(), openapiType: 'http', kind: 'jwt', hideCredentials: false, jwt: { issuer: 'https://id.example.com/', audiences: ['api'], algorithms: ['RS256', 'ES256'], publicKeys: [], jwksUri: 'https://id.example.com:8443/.well-known/jwks.json?v=1', header: 'authorization', clockSkewSeconds: 0 } }],
    });
    const r = build(g);
    expect(errors(r)).toEqual([]);
    const text = conf(r);
    for (const [uri, valid] of [['/_gwc_internal/k/0', '5m'], ['/_gwc_internal/kr/0', '1m']]) {
      const block = text.slice(text.indexOf(`location = ${uri} {`), text.indexOf('}', text.indexOf(`location = ${uri} {`)));
      expect(block).toContain('internal;');
      expect(block).toContain('proxy_pass "https://id.example.com:8443/.well-known/jwks.json?v=1";');
      expect(block).toContain('proxy_pass_request_headers off;');
      expect(block).toContain(`proxy_cache_valid 200 ${valid};`);
      expect(block).toContain('proxy_cache_lock on;');
      expect(block).toContain('proxy_ssl_verify on;');
      expect(block).toContain('proxy_ssl_name "id.example.com";');
    }
    expect(text).toMatch(/proxy_cache_path .*_jwks:1m/);
  });
});

describe('output', () => {
  it('is byte-identical for the same input', () => {
    const mk = () => gateway([route('b', 'GET', '/b/{x}'), route('a', 'GET', '/a')]);
    expect(build(mk()).files).toEqual(build(mk()).files);
  });
  it('nests templated paths under ^~ prefixes keyed by literal segments', () => {
    const g = gateway([route('a', 'GET', '/v1/users/{id}'), route('b', 'GET', '/v1/users/{id}/x'), route('c', 'GET', '/v1/orders/{id}'), route('d', 'GET', '/v1/orders/{id}/y')]);
    const all = walk(parseConf(conf(build(g))));
    const prefixes = all.filter(({ d }) => d.name === 'location' && d.args[0] === '^~').map(({ d, context }) => `${context.filter((c) => c === 'location').length}:${d.args[1]}`);
    expect(prefixes).toEqual(['0:/v1/', '1:/v1/orders/', '1:/v1/users/']);
  });
  it('a route with security always has auth_request, and no return sits beside it', () => {
    const g = gateway([route('r', 'GET', '/r', { backend: 'm', security: [[{ scheme: 'key', scopes: [] }]] })], {
      securitySchemes: [keyScheme()],
      backends: [httpBackend('app'), { name: 'm', loc: loc(), kind: 'mock', targets: [], hostHeader: 'backend', mock: { status: 200, body: 'x', contentType: 'text/plain', headers: {}, loc: loc() } }],
    });
    const loc0 = walk(parseConf(conf(build(g)))).find(({ d }) => d.name === 'location' && d.args[1] === '/_gwc_internal/r/0')!.d;
    const names = loc0.block!.map((d) => d.name);
    expect(names).toContain('auth_request');
    expect(names).toContain('js_content');
    expect(names).not.toContain('return');
  });
  it('full mode writes nginx.conf with env directives for secrets and the njs module', () => {
    const g = gateway([route('r', 'GET', '/r', { security: [[{ scheme: 'key', scopes: [] }]] })], {
      securitySchemes: [keyScheme()],
      consumers: [{ name: 'c', loc: loc(), groups: [], credentials: [{ scheme: 'key', kind: 'apiKey', key: { kind: 'env', name: 'K1', raw: '${env:K1}' }, loc: loc() }] }],
    });
    const files = build(g, { mode: 'full' }).files;
    expect(files.map((f) => f.path)).toEqual(['conf.d/test.conf', 'gwc/test.js', 'gwc/test.main.conf', 'nginx.conf']);
    expect(files.find((f) => f.path === 'gwc/test.main.conf')!.contents).toContain('env K1;');
    expect(files.find((f) => f.path === 'nginx.conf')!.contents).toContain('load_module');
    // The module holds a reference to the secret, read at request time, never a value.
    expect(files.find((f) => f.path === 'gwc/test.js')!.contents).toMatch(/"key": \{\s*"env": "K1"\s*\}/);
  });
});
