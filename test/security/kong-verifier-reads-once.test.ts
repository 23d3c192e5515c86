/**
 * Kong (request oracle): a value a verifier reads arrives once (DESIGN.md 7.1, 7.3). The class of
 * red team 12 (a kept X-Token on two lines: jwt verified the first, the backend read the last),
 * generalised over every name a plugin gwc emits on Kong reads from the request:
 * - key-auth: its one key name (`key_names`), in the header XOR the query (`key_in_body: false`);
 *   hidden or kept;
 * - basic-auth: Proxy-Authorization, then Authorization; hidden or kept;
 * - jwt: its scheme's header (`header_names`; `uri_param_names` and `cookie_names` are empty);
 *   hidden or kept; on an OR route beside a key;
 * - gwc's Lua chunks read Content-Type / Content-Encoding (name-readings: a second line or a `_`
 *   spelling refused, kong-body-readings), vary headers and Cache-Control (cache-bypass: a second
 *   line or spelling bypasses, redteam13-kong-cache-header-key), the jwt header (jwt-claims: every
 *   line), the query (query-spellings, name-readings) and every header name (header-family);
 * - acl and the consumer headers read no request input: the auth plugins set X-Consumer-* after the
 *   header-family chunk cleared every client spelling (security-header-spellings);
 * - rate-limiting `limit_by: header` keys on a header the client chooses anyway (README: only for a
 *   header a front proxy sets): a second line picks another bucket, as another value would.
 * Kong refuses cookie API keys (kong-api-key-cookie) and writes no hmac-auth, oauth2 or ldap-auth.
 *
 * Each verified credential is sent with a second occurrence carrying another value: a second line
 * (either order), another case, the `_` spelling (Kong runs underscores_in_headers on; a CGI/WSGI/Rack
 * backend reads X_Api_Key as X-Api-Key), for a query key a repeated name, the spellings a backend
 * reads as the name (`API_KEY`, `api_key[]`, `api.key`), and the name as a header. The request must
 * be refused, or the backend must get at most the one value the verifier read (none when hidden).
 * nginx's own 400 on a second Authorization line (a unique header: kong-oracle NGINX_UNIQUE_HEADERS)
 * is part of the model. Every case holds on Kong 3.4 (get_header: get_headers()[name][1]) and 3.6
 * (nginx's $http_<name>).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { evaluate, symbolicJwt, type DeckDoc, type OracleRequest, type Outcome } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: verifier reads once, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: once
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept: { kong: [{ feature: auth.jwt, reason: verifier reads once }] }
  consumers:
    alice: { credentials: { hkey: "\${env:A_HKEY}" } }
    bob: { credentials: { hkey: "\${env:B_HKEY}" } }
    carol: { credentials: { kkey: "\${env:C_KKEY}" } }
    dave: { credentials: { kkey: "\${env:D_KKEY}" } }
    erin: { credentials: { hq: "\${env:E_HQ}" } }
    fred: { credentials: { hq: "\${env:F_HQ}" } }
    gina: { credentials: { kq: "\${env:G_KQ}" } }
    hank: { credentials: { kq: "\${env:H_KQ}" } }
    ivy: { credentials: { hpw: { username: ivy, password: "\${env:I_PW}" } } }
    jack: { credentials: { hpw: { username: jack, password: "\${env:J_PW}" } } }
    kim: { credentials: { kpw: { username: kim, password: "\${env:K_PW}" } } }
    lee: { credentials: { kpw: { username: lee, password: "\${env:L_PW}" } } }
paths:
  /hk: { get: { operationId: hk, security: [{ hkey: [] }], responses: ${ok} } }
  /kk: { get: { operationId: kk, security: [{ kkey: [] }], responses: ${ok} } }
  /hq: { get: { operationId: hq, security: [{ hq: [] }], responses: ${ok} } }
  /kq: { get: { operationId: kq, security: [{ kq: [] }], responses: ${ok} } }
  /hb: { get: { operationId: hb, security: [{ hpw: [] }], responses: ${ok} } }
  /kb: { get: { operationId: kb, security: [{ kpw: [] }], responses: ${ok} } }
  /ht: { get: { operationId: ht, security: [{ htok: [] }], responses: ${ok} } }
  /kt: { get: { operationId: kt, security: [{ ktok: [] }], responses: ${ok} } }
  /or: { get: { operationId: or, security: [{ kkey: [] }, { ktok: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Api-Key }
    kkey: { type: apiKey, in: header, name: X-Kept-Key, x-gateway: { hideCredentials: false } }
    hq: { type: apiKey, in: query, name: api_key }
    kq: { type: apiKey, in: query, name: kept_key, x-gateway: { hideCredentials: false } }
    hpw: { type: http, scheme: basic }
    kpw: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
    htok: { type: http, scheme: bearer, x-gateway: { header: X-Token, issuer: "https://id.test/", audiences: [shop], publicKeys: ["\${env:PK}"] } }
    ktok: { type: http, scheme: bearer, x-gateway: { header: X-Kept-Token, issuer: "https://kept.test/", audiences: [shop], publicKeys: ["\${env:PK2}"], hideCredentials: false } }
`;
const ENV = {
  DECK_A_HKEY: 'alice-key', DECK_B_HKEY: 'bob-key', DECK_C_KKEY: 'carol-key', DECK_D_KKEY: 'dave-key',
  DECK_E_HQ: 'erin-key', DECK_F_HQ: 'fred-key', DECK_G_KQ: 'gina-key', DECK_H_KQ: 'hank-key',
  DECK_I_PW: 'ipw', DECK_J_PW: 'jpw', DECK_K_PW: 'kpw', DECK_L_PW: 'lpw',
};
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const token = (iss: string, sub: string) => `Bearer ${symbolicJwt(iss, { sub, aud: 'shop', exp: 2_000_000_000 })}`;
const forged = (iss: string) => `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss, sub: 'admin', aud: 'shop', exp: 2_000_000_000 })}.forged`;
/** A header name as a CGI/WSGI/Rack backend reads it. */
const cgi = (n: string) => n.toLowerCase().replace(/_/g, '-');
const VERSIONS = ['3.4', '3.6'];

/** Every second occurrence of header `name` beside the verified `good`, carrying `other`. */
function headerVariants(name: string, good: string, other: string): Array<[string, Partial<OracleRequest>]> {
  const low = name.toLowerCase();
  const under = low.replace(/-/g, '_');
  return [
    ['second line after', { repeated: { [low]: [good, other] } }],
    ['second line before', { repeated: { [low]: [other, good] } }],
    ['another case', { headers: { [name]: good, [name.toUpperCase()]: other } }],
    ...(under !== low ? ([['_ spelling', { headers: { [name]: good, [under]: other } }], ['_ spelling first', { headers: { [under]: other, [name]: good } }]] as Array<[string, Partial<OracleRequest>]>) : []),
  ];
}

/** A request refused, or the backend gets at most one value of `name` (in any spelling), the one the verifier read. */
function once(o: Outcome, name: string, hidden: boolean, readBy: Record<string, string>): string | undefined {
  if (o.status !== 200) return undefined;
  const values = (o.upstream?.lines ?? []).filter(([n]) => cgi(n) === cgi(name)).map(([, v]) => v);
  if (hidden && values.length > 0) return `hidden ${name} reached the backend: ${values.join(' | ')}`;
  if (values.length > 1) return `${name} reached the backend ${values.length} times: ${values.join(' | ')}`;
  if (values.length === 1 && readBy[values[0]!] !== undefined && `once.${readBy[values[0]!]}` !== o.consumer) return `the verifier read ${o.consumer}, the backend ${readBy[values[0]!]}`;
  return undefined;
}

describe('Kong: a value a verifier reads arrives once (every name a plugin gwc emits reads)', async () => {
  const loaded = await gatewayOf(SPEC);
  const r = compileGateway(unsecuredPublic(loaded.gateway!), 'kong');
  const d = parse(r.files[0]!.contents) as DeckDoc;
  const call = (path: string, extra: Partial<OracleRequest>, kongVersion: string) => evaluate(d, { method: 'GET', path, host: 'api.test', ...extra, kongVersion }, ENV);

  it('builds; controls: each credential alone passes, hidden ones never reach the backend, kept ones do once', () => {
    expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    for (const v of VERSIONS) {
      expect(call('/v1/hk', { headers: { 'X-Api-Key': 'alice-key' } }, v)).toMatchObject({ status: 200, consumer: 'once.alice' });
      expect(call('/v1/kk', { headers: { 'X-Kept-Key': 'carol-key' } }, v).upstream?.lines?.filter(([n]) => n === 'x-kept-key')).toEqual([['x-kept-key', 'carol-key']]);
      expect(call('/v1/hq', { rawQuery: 'api_key=erin-key' }, v)).toMatchObject({ status: 200, consumer: 'once.erin', upstream: { rawQuery: '' } });
      expect(call('/v1/kq', { rawQuery: 'kept_key=gina-key' }, v)).toMatchObject({ status: 200, consumer: 'once.gina', upstream: { rawQuery: 'kept_key=gina-key' } });
      expect(call('/v1/hb', { headers: { Authorization: basic('ivy', 'ipw') } }, v)).toMatchObject({ status: 200, consumer: 'once.ivy' });
      expect(call('/v1/kb', { headers: { Authorization: basic('kim', 'kpw') } }, v)).toMatchObject({ status: 200, consumer: 'once.kim' });
      expect(call('/v1/ht', { headers: { 'X-Token': token('https://id.test/', 'ann') } }, v).status).toBe(200);
      expect(call('/v1/kt', { headers: { 'X-Kept-Token': token('https://kept.test/', 'ann') } }, v).status).toBe(200);
      expect(call('/v1/or', { headers: { 'X-Kept-Key': 'carol-key' } }, v)).toMatchObject({ status: 200, consumer: 'once.carol' });
    }
  });

  it('nginx answers 400 to a second line of a header it holds unique (Authorization, Host, Content-Length, Transfer-Encoding, ...)', () => {
    for (const v of VERSIONS) {
      expect(call('/v1/hb', { repeated: { authorization: [basic('ivy', 'ipw'), basic('jack', 'x')] } }, v).status).toBe(400);
      expect(call('/v1/hk', { headers: { 'X-Api-Key': 'alice-key', Authorization: 'a', authorization: 'b' } }, v).status).toBe(400);
      for (const h of ['host', 'content-length', 'transfer-encoding', 'expect', 'if-match', 'if-none-match', 'content-range', 'if-range', 'if-modified-since', 'if-unmodified-since']) {
        expect(call('/v1/hk', { headers: { 'X-Api-Key': 'alice-key' }, repeated: { [h]: ['1', '2'] } }, v).status, h).toBe(400);
      }
      // Not unique to nginx: Cookie (nor Proxy-Authorization before nginx 1.29.7, X-Api-Key: key-auth refuses it itself); one line of each is no refusal.
      expect(call('/v1/hk', { headers: { 'X-Api-Key': 'alice-key' }, repeated: { cookie: ['a=1', 'b=2'] } }, v).status).toBe(200);
      expect(call('/v1/hk', { headers: { 'X-Api-Key': 'alice-key' }, repeated: { 'if-match': ['"a"'] } }, v).status).toBe(200);
    }
  });

  const headerCases: Array<[string, string, string, string, boolean, Record<string, string>]> = [
    // [route, header, verified value, second value, hidden, value -> consumer]
    ['/v1/hk', 'X-Api-Key', 'alice-key', 'bob-key', true, { 'alice-key': 'alice', 'bob-key': 'bob' }],
    ['/v1/kk', 'X-Kept-Key', 'carol-key', 'dave-key', false, { 'carol-key': 'carol', 'dave-key': 'dave' }],
    ['/v1/or', 'X-Kept-Key', 'carol-key', 'dave-key', false, { 'carol-key': 'carol', 'dave-key': 'dave' }],
    ['/v1/hb', 'Proxy-Authorization', basic('ivy', 'ipw'), basic('jack', 'jpw'), true, {}],
    ['/v1/kb', 'Proxy-Authorization', basic('kim', 'kpw'), basic('lee', 'lpw'), false, { [basic('kim', 'kpw')]: 'kim', [basic('lee', 'lpw')]: 'lee' }],
    ['/v1/hb', 'Authorization', basic('ivy', 'ipw'), basic('jack', 'jpw'), true, {}],
    ['/v1/kb', 'Authorization', basic('kim', 'kpw'), basic('lee', 'lpw'), false, { [basic('kim', 'kpw')]: 'kim', [basic('lee', 'lpw')]: 'lee' }],
    ['/v1/ht', 'X-Token', token('https://id.test/', 'ann'), forged('https://id.test/'), true, {}],
    ['/v1/kt', 'X-Kept-Token', token('https://kept.test/', 'ann'), forged('https://kept.test/'), false, {}],
    ['/v1/kt', 'X-Kept-Token', token('https://kept.test/', 'ann'), token('https://kept.test/', 'admin'), false, {}],
    ['/v1/or', 'X-Kept-Token', token('https://kept.test/', 'ann'), forged('https://kept.test/'), false, {}],
  ];
  for (const [path, name, good, other, hidden, readBy] of headerCases) {
    it(`${path} ${name} (${hidden ? 'hidden' : 'kept'}): a second occurrence is refused or never reaches the backend beside the verified one`, () => {
      for (const v of VERSIONS) {
        for (const [how, extra] of headerVariants(name, good, other)) {
          expect(once(call(path, extra, v), name, hidden, readBy), `${v} ${how}`).toBeUndefined();
        }
        // Basic's two headers at once: whichever basic-auth verified, the other never goes on.
        if (/authorization/i.test(name)) {
          const both = call(path, { headers: { 'Proxy-Authorization': good, Authorization: other } }, v);
          expect(once(both, 'Authorization', hidden, readBy), `${v} both headers`).toBeUndefined();
          expect(once(both, 'Proxy-Authorization', hidden, readBy), `${v} both headers`).toBeUndefined();
        }
      }
    });
  }

  const queryCases: Array<[string, string, string, string, boolean, Record<string, string>]> = [
    ['/v1/hq', 'api_key', 'erin-key', 'fred-key', true, { 'erin-key': 'erin', 'fred-key': 'fred' }],
    ['/v1/kq', 'kept_key', 'gina-key', 'hank-key', false, { 'gina-key': 'gina', 'hank-key': 'hank' }],
  ];
  for (const [path, name, good, other, hidden, readBy] of queryCases) {
    it(`${path} ?${name} (${hidden ? 'hidden' : 'kept'}): a repeated name, another spelling or the name as a header never reaches the backend beside the verified key`, () => {
      const spellings = [name, name.toUpperCase(), `${name}[]`, name.replace('_', '.'), `${name}%5B0%5D`, ` ${name}`.replace(' ', '%20')];
      for (const v of VERSIONS) {
        for (const s of spellings) {
          for (const raw of [`${name}=${good}&${s}=${other}`, `${s}=${other}&${name}=${good}`]) {
            const o = call(path, { rawQuery: raw }, v);
            if (o.status !== 200) continue;
            const values = (o.upstream?.rawQuery ?? '').split('&').filter((p) => p !== '').map((p) => p.split('=')).filter(([k]) => queryNameAsRead(k!) === queryNameAsRead(name)).map(([, x]) => x);
            if (hidden) expect(values, `${v} ${raw}`).toEqual([]);
            else expect(values.every((x) => `once.${readBy[decodeURIComponent(x!)]}` === o.consumer) && values.length <= 1, `${v} ${raw}: ${values.join(' | ')} for ${o.consumer}`).toBe(true);
          }
        }
        // The key's name as a header (FastAPI APIKeyHeader, CGI HTTP_API_KEY) beside the verified query key.
        for (const h of [name, name.replace('_', '-'), name.toUpperCase()]) {
          const o = call(path, { rawQuery: `${name}=${good}`, headers: { [h]: other } }, v);
          expect(once(o, name, true, readBy), `${v} header ${h}`).toBeUndefined();
        }
      }
    });
  }
});
