/**
 * Red team 4, Kong: a name the backend reads differently from the gateway (DESIGN.md 7.3, 7.5).
 * request-transformer removes `_method` and `access_token` by exact decoded name (remove.querystring,
 * remove.body), and reads a multipart field's name by dropping its first and last characters
 * (Kong/lua-multipart decode: `name=_method` is `metho` to it; of two `_method` parts, `delete`
 * removes the last only). PHP trims leading blanks and reads ` `, `.`, `[` as `_`, ASP.NET reads
 * names case-blind, PHP/Rack/qs read `x[]`, `x[0]` as `x`. Spellings are generated from the rule
 * table (test/helpers/name-readings.ts, src/targets/query-names.ts), checked through the Kong request
 * oracle with the route's pre-function Lua run for real (test/targets/kong/lua-sandbox.ts).
 * Attack: a public POST beside a keyed DELETE of one backend path; `_method=DELETE` in a spelling
 * Kong leaves runs the backend's DELETE handler for an anonymous caller (Symfony, Laravel).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { neighboursOf, readsAs, spellingsOf } from '../helpers/name-readings.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { deckValidate } from '../targets/kong/validate.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: rt4 names, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: rt4n
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
  consumers:
    ops: { credentials: { hkey: "\${env:OPS_KEY}" } }
paths:
  /things:
    post: { operationId: postThing, x-gateway: { public: true }, responses: ${ok} }
    delete: { operationId: deleteThing, security: [{ hkey: [] }], responses: ${ok} }
  /tok:
    get: { operationId: tok, security: [{ jwt: [] }], responses: ${ok} }
    post: { operationId: tokPost, security: [{ jwt: [] }], responses: ${ok} }
  /declared:
    post: { operationId: declared, x-gateway: { public: true }, parameters: [{ name: _method, in: query, schema: { type: string } }], responses: ${ok} }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://id.example/", algorithms: [RS256], publicKeys: ["\${env:JWT_PEM}"] }
`;
const ENV = { DECK_OPS_KEY: 'ops-key-1', DECK_JWT_PEM: 'pem' };
const FORM = 'application/x-www-form-urlencoded';
const B = 'rt4b';
const multipart = (disposition: string, value = 'DELETE') => `--${B}\r\n${disposition}\r\n\r\n${value}\r\n--${B}--\r\n`;
const BEARER = { authorization: 'Bearer valid:https://id.example/' };

describe('red team 4: Kong, names a backend reads as _method or access_token', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const yaml = built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '';
  const doc = parse(yaml) as DeckDoc;
  const send = (req: Partial<OracleRequest> & { path: string }) => evaluate(doc, { method: 'POST', host: HOST, ...req }, ENV);
  /** Names of the upstream query and form body that read as `name`. */
  const reaching = (o: ReturnType<typeof send>, name: string) => [
    ...Object.keys(o.upstream?.query ?? {}).filter((k) => readsAs(k, name)),
    ...Object.keys(o.upstream?.bodyFields ?? {}).filter((k) => readsAs(k, name)),
  ];

  it('builds a valid decK file', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(deckValidate(yaml)?.ok ?? true).toBe(true);
  });

  it('control: the exact names are removed, other names pass', () => {
    const o = send({ path: '/v1/things', rawQuery: 'a=1&_method=DELETE', headers: { 'content-type': FORM }, body: 'b=2&_method=DELETE' });
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ a: '1' });
    expect(o.upstream!.bodyFields).toEqual({ b: '2' });
  });

  const METHOD = spellingsOf('_method');
  // FIXED (was BROKE): every spelling below reached the backend beside the public POST.
  it.each(METHOD)('query ?%s=DELETE on the public POST never reaches the backend', (s) => {
    const o = send({ path: '/v1/things', rawQuery: `a=1&${s}=DELETE&z=2` });
    expect(o.status).toBe(200);
    expect(reaching(o, '_method'), `${s} reached the backend`).toEqual([]);
    expect(o.upstream!.query).toEqual({ a: '1', z: '2' });
  });

  it.each(METHOD)('form body %s=DELETE on the public POST never reaches the backend', (s) => {
    const o = send({ path: '/v1/things', headers: { 'content-type': FORM }, body: `a=1&${s}=DELETE&z=2` });
    expect(o.status).toBe(200);
    expect(reaching(o, '_method'), `${s} reached the backend`).toEqual([]);
    expect(o.upstream!.bodyFields).toEqual({ a: '1', z: '2' });
  });

  // Multipart names as PHP's rfc1867 parser reads them: "quoted", 'quoted', bare, any case of NAME,
  // folded onto the next line, duplicated, and every generated spelling inside the quotes.
  const DISPOSITIONS = [
    'Content-Disposition: form-data; name="_method"',
    'Content-Disposition: form-data; name=_method',
    "Content-Disposition: form-data; name='_method'",
    'content-disposition: form-data; NAME="_method"',
    'Content-Disposition: form-data; name = "_method"',
    'Content-Disposition: form-data;\r\n name="_method"',
    'Content-Disposition: form-data;\r\n\tname=_method',
    'Content-Disposition: form-data; name="\\_method"',
    ...METHOD.filter((s) => !s.includes('%') && !s.includes('+')).map((s) => `Content-Disposition: form-data; name="${s}"`),
  ];
  it.each(DISPOSITIONS)('multipart %j on the public POST is refused before the backend', (d) => {
    const o = send({ path: '/v1/things', headers: { 'content-type': `multipart/form-data; boundary=${B}` }, body: multipart(d) });
    expect(o.status).toBe(400);
    expect(o.upstream).toBeUndefined();
  });

  it('multipart: two _method parts (lua-multipart deletes one) are refused', () => {
    const d = 'Content-Disposition: form-data; name="_method"';
    const body = `--${B}\r\n${d}\r\n\r\nDELETE\r\n--${B}\r\n${d}\r\n\r\nDELETE\r\n--${B}--\r\n`;
    expect(send({ path: '/v1/things', headers: { 'content-type': `multipart/form-data; boundary=${B}` }, body }).status).toBe(400);
  });

  it('control: a multipart body without such a name passes; neighbours of _method pass', () => {
    const o = send({ path: '/v1/things', headers: { 'content-type': `multipart/form-data; boundary=${B}` }, body: multipart('Content-Disposition: form-data; name="title"; filename="_method.txt"') });
    expect(o.status).toBe(200);
    for (const n of neighboursOf('_method')) {
      const q = send({ path: '/v1/things', rawQuery: `${encodeURIComponent(n)}=1` });
      expect(Object.keys(q.upstream!.query), n).toEqual([n]);
    }
  });

  const TOKEN = spellingsOf('access_token');
  it.each(TOKEN)('bearer route: ?%s=forged beside the verified header token never reaches the backend', (s) => {
    const o = send({ method: 'GET', path: '/v1/tok', headers: BEARER, rawQuery: `a=1&${s}=forged` });
    expect(o.status).toBe(200);
    expect(reaching(o, 'access_token'), `${s} reached the backend`).toEqual([]);
    expect(o.upstream!.query).toEqual({ a: '1' });
  });

  it.each(TOKEN)('bearer route: form body %s=forged beside the verified header token never reaches the backend', (s) => {
    const o = send({ path: '/v1/tok', headers: { ...BEARER, 'content-type': FORM }, body: `a=1&${s}=forged` });
    expect(o.status).toBe(200);
    expect(reaching(o, 'access_token'), `${s} reached the backend`).toEqual([]);
  });

  it('bearer route: a multipart access_token part (bare, quoted, array form) is refused', () => {
    for (const d of ['name=access_token', 'name="access_token[0]"', "name='ACCESS_TOKEN'"]) {
      const o = send({ path: '/v1/tok', headers: { ...BEARER, 'content-type': `multipart/form-data; boundary=${B}` }, body: multipart(`Content-Disposition: form-data; ${d}`, 'forged') });
      expect(o.status, d).toBe(400);
    }
  });

  it('control: access_token is left alone where no bearer scheme is (public POST)', () => {
    const o = send({ path: '/v1/things', rawQuery: 'access_token=x' });
    expect(o.upstream!.query).toEqual({ access_token: 'x' });
  });

  it('control: an operation declaring _method keeps it (every spelling)', () => {
    const o = send({ path: '/v1/declared', rawQuery: '_method=PUT&%20_method=PUT' });
    expect(o.status).toBe(200);
    expect(o.upstream!.query).toEqual({ _method: 'PUT', ' _method': 'PUT' });
  });
});
