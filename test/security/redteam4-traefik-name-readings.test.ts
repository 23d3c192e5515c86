/**
 * Red team 4, Traefik: a query name the backend reads differently from the gateway (DESIGN.md 7.3,
 * 7.5). Traefik's router guards keep a few exact spellings off the routers (`_method`, `.method`,
 * ` method`, `[method`, `_method[]`; access_token's five; a header name's word cases), since
 * QueryRegexp reads one exact decoded name. A backend reads more (src/targets/query-names.ts):
 * `%20%20_method` and `+.method` (PHP trims leading blanks), `_METHOD`, `ACCESS_TOKEN`, `X-aPi-KEY`
 * (ASP.NET), `access_token[0]` (PHP, Rack, qs). Spellings generated from the rule table
 * (test/helpers/name-readings.ts), through the Traefik request oracle, whose redirectRegex follows
 * pkg/middlewares/redirect (rawURL: the RequestURI as sent).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { queryNamesRedirect } from '../../src/targets/traefik/query-names.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { neighboursOf, spellingsOf } from '../helpers/name-readings.js';
import { compileCase, ownSchema } from '../targets/traefik/cases.js';
import { send, type AuthCall, type AuthAnswer, type OracleRequest } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rt4q
  backends: { app: { url: http://app.internal:8080, methodOverride: none } }
  defaults: { backend: app }
  consumers:
    ops: { credentials: { basic: { username: ops, password: '\${env:OPS_PW}' } } }
paths:
  /things:
    post: { x-gateway: { public: true }, responses: ${ok} }
    delete: { security: [{ basic: [] }], responses: ${ok} }
  /me:
    get: { security: [{ sso: [] }], responses: ${ok} }
  /keys:
    get: { security: [{ hkey: [] }], responses: ${ok} }
  /declared:
    post: { x-gateway: { public: true }, parameters: [{ name: _method, in: query, schema: { type: string } }], responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check' } } }
    hkey: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://keys.internal:9100/check' } } }
`;

describe('red team 4: Traefik, query names a backend reads as _method, access_token or a header key', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const env = {
    auth: {
      'http://auth.internal:9000/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('Authorization') === 'Bearer good' ? 200 : 401 }),
      'http://keys.internal:9100/check': (call: AuthCall): AuthAnswer => ({ status: call.headers.get('X-Api-Key') === 'key-good' ? 200 : 401 }),
    },
  };
  const req = (method: string, target: string, headers: OracleRequest['headers'] = {}): OracleRequest => ({ method, host: 'api.example.com', target, headers, tls: true });

  it('builds a file the schema accepts', () => {
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
  });

  it('control: the routes pass their query on', () => {
    expect(send(config, req('POST', '/v1/things?a=1&method=x&x_method=1'), env).backend!.rawQuery).toBe('a=1&method=x&x_method=1');
    expect(send(config, req('GET', '/v1/me?a=1', { Authorization: 'Bearer good' }), env).backend!.rawQuery).toBe('a=1');
    expect(send(config, req('GET', '/v1/keys?a=1', { 'X-Api-Key': 'key-good' }), env).backend!.rawQuery).toBe('a=1');
  });

  // FIXED (was BROKE): each spelling below reached the backend (it runs the keyed DELETE handler for
  // an anonymous caller on Symfony/Laravel, whose backend the user declared methodOverride: none
  // for the body only).
  it.each(spellingsOf('_method'))('?%s=DELETE on the public POST never reaches the backend', (s) => {
    const o = send(config, req('POST', `/v1/things?a=1&${s}=DELETE`), env);
    expect(o.backend, `${s} reached the backend`).toBeUndefined();
    expect([307, 405]).toContain(o.status);
  });

  it.each(spellingsOf('access_token'))('?%s=forged beside the verified bearer token never reaches the backend', (s) => {
    const o = send(config, req('GET', `/v1/me?${s}=forged&a=1`, { Authorization: 'Bearer good' }), env);
    expect(o.backend, `${s} reached the backend`).toBeUndefined();
    expect([302, 405]).toContain(o.status);
  });

  it.each(spellingsOf('x-api-key'))('?%s=forged beside the verified header key never reaches the backend', (s) => {
    const o = send(config, req('GET', `/v1/keys?a=1&${s}=forged`, { 'X-Api-Key': 'key-good' }), env);
    expect(o.backend, `${s} reached the backend`).toBeUndefined();
    expect([302, 405]).toContain(o.status);
  });

  // The non-ASCII letters a Unicode case-blind backend folds (QUERY_NAME_RULE.unicodeFold: Echo binds
  // `?acce%C5%BFs_token=` to access_token by strings.EqualFold), %XX in either hex case.
  const UNICODE_TOKEN = ['acce%C5%BFs_token', 'ACCE%c5%bfS_TOKEN', 'access_to%E2%84%AAen', 'acces%C5%BF_to%E2%84%AAen[]'];
  it.each(UNICODE_TOKEN)('?%s=forged (a letter Go/Java fold) beside the verified bearer token never reaches the backend', (s) => {
    const o = send(config, req('GET', `/v1/me?a=1&${s}=forged`, { Authorization: 'Bearer good' }), env);
    expect(o.backend, `${s} reached the backend`).toBeUndefined();
    expect(o.status).toBe(302);
  });
  it.each(['x-ap%C4%B1-key', 'X-AP%C4%B0-%E2%84%AAEY'])('?%s=forged (a letter Go/Java fold) beside the verified header key never reaches the backend', (s) => {
    const o = send(config, req('GET', `/v1/keys?${s}=forged&a=1`, { 'X-Api-Key': 'key-good' }), env);
    expect(o.backend, `${s} reached the backend`).toBeUndefined();
  });

  it('the redirect sends the client to the same URL without its query, before any verifier is called', () => {
    const o = send(config, req('GET', '/v1/me?ACCESS_TOKEN=forged&a=1', { Authorization: 'Bearer good' }), env);
    expect([o.status, o.responseHeaders.get('Location'), o.authCalls.length]).toEqual([302, 'https://api.example.com/v1/me', 0]);
    expect(send(config, req('POST', '/v1/things?%20_method=DELETE'), env).status).toBe(307);
  });

  it('controls: neighbours of each name pass; names are watched only where they apply; a declared _method passes', () => {
    for (const n of neighboursOf('_method')) expect(send(config, req('POST', `/v1/things?${encodeURIComponent(n)}=1`), env).backend, n).toBeDefined();
    for (const n of neighboursOf('access_token')) expect(send(config, req('GET', `/v1/me?${encodeURIComponent(n)}=1`, { Authorization: 'Bearer good' }), env).backend, n).toBeDefined();
    expect(send(config, req('POST', '/v1/things?ACCESS_TOKEN=1&X-API-KEY=1'), env).backend).toBeDefined();
    expect(send(config, req('POST', '/v1/declared?_method=PUT&%20_method=PUT'), env).backend!.rawQuery).toBe('_method=PUT&%20_method=PUT');
  });
});

describe('the redirect regex, against the rule table', () => {
  const names = ['_method', 'access_token', 'x-api-key'];
  const re = new RegExp(queryNamesRedirect(names).regex);
  it.each(names)('%s: every generated spelling matches anywhere in the query; neighbours and values do not', (n) => {
    for (const s of [n, ...spellingsOf(n)]) {
      for (const url of [`https://h/p?${s}=1`, `https://h/p?a=1&${s}`, `https://h/p?a=1&${s}&b=2`]) expect(re.test(url), url).toBe(true);
    }
    for (const s of neighboursOf(n)) expect(re.test(`https://h/p?a=1&${encodeURIComponent(s)}=1`), s).toBe(false);
    expect(re.test(`https://h/${n}?a=${n}`)).toBe(false);
  });
  it('the letters the rule folds (unicodeFold) match %XX-encoded and raw (RE2 reads raw UTF-8 as the letter)', () => {
    for (const s of ['acce%C5%BFs_token', 'acce\u017fs_token', 'access_to\u212aen', '_%E2%84%AAey', 'x-ap\u0130-key', 'x-ap\u0131-key']) expect(re.test(`https://h/p?a=1&${s}=1`), s).toBe(s.startsWith('_%E2') ? false : true);
  });
});
