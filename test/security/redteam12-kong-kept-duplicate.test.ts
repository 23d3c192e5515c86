/**
 * Red team 12, Kong (request oracle): a JWT kept for the backend (`hideCredentials: false`) in a
 * header of its own (`X-Token`), sent on two lines (class: duplicate header lines of a kept
 * credential; DESIGN.md 7.1, 7.3; nginx's twin is test/security/redteam-nginx-duplicates.test.ts).
 *
 * Mechanism: Kong 3.4's jwt plugin (kong/plugins/jwt/handler.lua retrieve_tokens) reads
 * `kong.request.get_headers()[name]` and, for a table (the header sent twice), verifies
 * `token_header[1]`, the FIRST line only. gwc's nbf/aud chunk (jwt-claims.ts) reads every line but
 * checks claims, never signatures, so a second line carrying unsigned claims with the right `aud`
 * passes it. No plugin removes the second line of a kept header (request-transformer clears a
 * hidden one, the kept-credentials post-function clears only the `_` spellings and, on OR routes,
 * a credential another plugin verified), so both lines reach the backend, and a backend reading
 * the LAST line (PHP-FPM's $_SERVER, and gunicorn for some headers) reads claims nobody verified:
 * `sub: admin` with the caller's own valid token in front. Kong 3.6+ reads nginx's `$http_x_token`,
 * which joins the lines (", "), and refuses; nginx (njs) refuses two lines; key-auth refuses a
 * duplicate key (ERR_DUPLICATE_API_KEY); Authorization itself is a unique header to nginx (400).
 * Fixed (KNG3): the jwt-claims chunk, which reads every line whose name reads as the header's,
 * refuses (401) more than one; its diff reader knows the previous release by hash.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { evaluate, symbolicJwt, type DeckDoc } from '../targets/kong/kong-oracle.js';

const SPEC = `openapi: 3.1.0
info: { title: red team 12 kong kept duplicate, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt12k
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept: { kong: [{ feature: auth.jwt, reason: red team 12 }] }
paths:
  /t: { get: { operationId: t, security: [{ tok: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    tok:
      type: http
      scheme: bearer
      x-gateway: { header: X-Token, issuer: "https://id.test/", audiences: [shop], publicKeys: ["\${env:PK}"], hideCredentials: false }
`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** The caller's own token, signed (the oracle's symbolic `valid` signature). */
const GOOD = symbolicJwt('https://id.test/', { sub: 'mallory', aud: 'shop', exp: 2_000_000_000 });
/** Claims the caller wrote: right issuer and audience, no valid signature. */
const FORGED = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'https://id.test/', sub: 'admin', aud: 'shop', exp: 2_000_000_000 })}.forged`;

async function doc(): Promise<DeckDoc> {
  const loaded = await gatewayOf(SPEC);
  const r = compileGateway(unsecuredPublic(loaded.gateway!), 'kong');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return parse(r.files[0]!.contents) as DeckDoc;
}

describe('red team 12, Kong: a kept X-Token sent on two lines', async () => {
  const d = await doc();
  const call = (lines: string[]) => evaluate(d, { method: 'GET', path: '/v1/t', host: 'api.test', repeated: { 'x-token': lines.map((t) => `Bearer ${t}`) } });

  it('control: the caller\'s own token passes and reaches the backend; the forged one alone is refused', () => {
    expect(call([GOOD]).status).toBe(200);
    expect(call([GOOD]).upstream?.headers['x-token']).toBe(`Bearer ${GOOD}`);
    expect(call([FORGED]).status).toBe(401);
  });

  it('forged first, own token second: refused (jwt verifies the first line)', () => {
    expect(call([FORGED, GOOD]).status).toBe(401);
  });

  // Mechanism above: jwt verifies line 1, both lines go upstream (the oracle's upstream headers
  // show the first; Kong proxies every line). Refused (401) by the jwt-claims chunk since KNG3, as
  // nginx and Kong 3.6+ refuse it.
  it('own token first, forged claims second: refused, never both lines to the backend (Kong 3.4)', () => {
    expect(call([GOOD, FORGED]).status).not.toBe(200);
  });
});

/**
 * The class on every Kong scheme kind that verifies a header and can keep it (KNG3): one line
 * verified, every line forwarded. key-auth refuses a header key sent twice itself
 * (kong/plugins/key-auth/handler.lua: a table is ERR_DUPLICATE_API_KEY, 401); basic-auth reads
 * Proxy-Authorization first (get_header: its first line) and the kept-credentials post-function
 * drops both Authorization and Proxy-Authorization once Proxy-Authorization is sent
 * (unverified-credentials.ts); Authorization itself is a unique header to nginx (a second line is
 * 400 before any plugin: ngx_http_process_unique_header_line, modelled by the oracle since KNG4:
 * NGINX_UNIQUE_HEADERS; Proxy-Authorization is not unique to the nginx of any Kong 3). A
 * forward-verified scheme keeps nothing on Kong: Kong calls no service, and forward-auth-accepted
 * is refused while a header the service would verify passes.
 */
const KINDS = `openapi: 3.1.0
info: { title: red team 12 kong kept duplicate kinds, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rt12kk
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept: { kong: [{ feature: auth.jwt, reason: red team 12 }] }
  consumers:
    alice: { credentials: { key: "\${env:ALICE_KEY}", pw: { username: alice, password: "\${env:ALICE_PW}" } } }
    bob: { credentials: { key: "\${env:BOB_KEY}", pw: { username: bob, password: "\${env:BOB_PW}" } } }
paths:
  /k: { get: { operationId: k, security: [{ key: [] }], responses: { "200": { description: ok } } } }
  /b: { get: { operationId: b, security: [{ pw: [] }], responses: { "200": { description: ok } } } }
  /kj: { get: { operationId: kj, security: [{ key: [] }, { tok: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    pw: { type: http, scheme: basic, x-gateway: { hideCredentials: false } }
    tok:
      type: http
      scheme: bearer
      x-gateway: { header: X-Token, issuer: "https://id.test/", audiences: [shop], publicKeys: ["\${env:PK}"], hideCredentials: false }
`;

describe('red team 12, Kong: a kept credential header on two lines, every scheme kind', async () => {
  const loaded = await gatewayOf(KINDS);
  const r = compileGateway(unsecuredPublic(loaded.gateway!), 'kong');
  const d = parse(r.files[0]!.contents) as DeckDoc;
  const env = { DECK_ALICE_KEY: 'alice-key', DECK_BOB_KEY: 'bob-key', DECK_ALICE_PW: 'apw', DECK_BOB_PW: 'bpw' };
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const call = (path: string, repeated: Record<string, string[]>, kongVersion?: string) =>
    evaluate(d, { method: 'GET', path, host: 'api.test', repeated, ...(kongVersion ? { kongVersion } : {}) }, env);

  it('builds', () => expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([]));

  it('key-auth: the kept key on two lines is refused (ERR_DUPLICATE_API_KEY), either order', () => {
    expect(call('/v1/k', { 'x-api-key': ['alice-key'] }).upstream?.headers['x-api-key']).toBe('alice-key');
    expect(call('/v1/k', { 'x-api-key': ['alice-key', 'bob-key'] }).status).toBe(401);
    expect(call('/v1/k', { 'x-api-key': ['bob-key', 'alice-key'] }).status).toBe(401);
  });

  it('key-auth: a second line in the other spelling (X_Api_Key) never reaches the backend', () => {
    const o = call('/v1/k', { 'x-api-key': ['alice-key'], x_api_key: ['forged'] });
    expect(Object.keys(o.upstream?.headers ?? {}).filter((h) => h === 'x_api_key')).toEqual([]);
  });

  it('basic-auth: Authorization on two lines is 400 from nginx, before any plugin (a unique header), on 3.4 and 3.6', () => {
    for (const v of ['3.4', '3.6']) {
      expect(call('/v1/b', { authorization: [basic('alice', 'apw'), basic('bob', 'x')] }, v)).toMatchObject({ status: 400, ran: [] });
      // Control: one line passes and is kept for the backend.
      expect(call('/v1/b', { authorization: [basic('alice', 'apw')] }, v).upstream?.lines?.filter(([n]) => n === 'authorization')).toEqual([['authorization', basic('alice', 'apw')]]);
    }
  });

  it('basic-auth: Proxy-Authorization on two lines, or beside Authorization: neither reaches the backend', () => {
    for (const lines of <Array<Record<string, string[]>>>[
      { 'proxy-authorization': [basic('alice', 'apw'), basic('bob', 'x')] },
      { 'proxy-authorization': [basic('alice', 'apw')], authorization: [basic('bob', 'x')] },
    ]) {
      const o = call('/v1/b', lines);
      if (o.status !== 200) continue;
      expect(o.upstream?.lines?.filter(([n]) => /^(proxy-)?authorization$/.test(n))).toEqual([]);
    }
  });

  const GOOD2 = symbolicJwt('https://id.test/', { sub: 'mallory', aud: 'shop', exp: 2_000_000_000 });
  it('OR route (key or kept jwt): the kept X-Token on two lines is refused on 3.4 and 3.6, in either spelling', () => {
    expect(call('/v1/kj', { 'x-token': [`Bearer ${GOOD2}`] }).status).toBe(200);
    for (const v of ['3.4', '3.6']) {
      expect(call('/v1/kj', { 'x-token': [`Bearer ${GOOD2}`, `Bearer ${FORGED}`] }, v).status, v).not.toBe(200);
      expect(call('/v1/kj', { 'x-token': [`Bearer ${GOOD2}`], x_token: [`Bearer ${FORGED}`] }, v).status, v).not.toBe(200);
      expect(call('/v1/kj', { 'x-api-key': ['alice-key'], 'x-token': [`Bearer ${GOOD2}`, `Bearer ${FORGED}`] }, v).status, v).not.toBe(200);
    }
  });
});
