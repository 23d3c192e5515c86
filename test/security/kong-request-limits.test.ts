/**
 * Kong's plugins read a request cut off: `kong.request.get_query()` and `kong.request.get_headers()`
 * with no limit argument read the first lua_max_uri_args pairs / lua_max_req_headers lines (kong.conf,
 * 100 each by default, 1..1000), while nginx passes the whole request to the backend.
 * - key-auth (query key) reads get_query(): a second `?api_key=` after the 100th pair is not the
 *   duplicate it refuses (ERR_DUPLICATE_API_KEY); where nothing rewrites the query (hide_credentials
 *   false, request-transformer with no query name to remove: an operation declaring `_method`) the
 *   backend gets both, and PHP, Rack and Express's `extended` parser read the last: a key Kong never
 *   verified.
 * - request-transformer removes a header only among get_headers()' lines: with lua_max_req_headers
 *   lowered to 50 (an operator's setting), a route's `requestHeaders.remove` header sent as the 60th
 *   line reached the backend; gwc's fixed 431 past 100 lines held only at the default.
 * The header-family chunk (first on every proxied route) now asks get_headers() and get_query() as the
 * plugins do and refuses a request either reads cut off (431 / 414). Through the request oracle
 * (kong-oracle.ts: key-auth reads the query as get_query does; the chunks run in the Lua sandbox).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { headerFamilyFraming, readHeaderFamily } from '../../src/targets/kong/header-family.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { backendQuery } from '../targets/kong/proxy-cache-key.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: kong request limits, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: krl
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { qkey: "\${env:APP_KEY}" } }
    svc: { credentials: { hkey: "\${env:H_KEY}" } }
paths:
  /k:
    get:
      operationId: k
      security: [{ qkey: [] }]
      parameters: [{ name: _method, in: query, schema: { type: string } }]
      responses: ${ok}
  /h:
    get:
      operationId: h
      security: [{ hkey: [] }]
      x-gateway: { requestHeaders: { remove: [X-Internal-Role] } }
      responses: ${ok}
    post: { operationId: hp, security: [{ hkey: [] }], responses: ${ok} }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    hkey: { type: apiKey, in: header, name: X-Key }
`;
const ENV = { DECK_APP_KEY: 'app-key-1', DECK_H_KEY: 'h-key-1' };
const pads = (n: number) => Array.from({ length: n }, (_x, i) => `p${i}=x`).join('&');
const junk = (n: number): Array<[string, string]> => Array.from({ length: n }, (_x, i) => [`j${i}`, 'x']);

describe('Kong: no plugin reads a request cut off (query pairs, header lines past Kong\'s limits)', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (req: Partial<OracleRequest> & { path: string }) => evaluate(doc, { method: 'GET', host: HOST, ...req }, ENV);
  /** Header lines in order (the oracle's `headers` keeps insertion order; names distinct). */
  const lined = (pairs: Array<[string, string]>) => Object.fromEntries(pairs);

  it('builds; control: the key verified, 100 query pairs and 100 header lines pass', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    const o = send({ path: '/v1/k', rawQuery: `api_key=app-key-1&${pads(99)}` });
    expect([o.status, o.consumer]).toEqual([200, 'krl.app']);
    expect(send({ path: '/v1/k', rawQuery: 'api_key=app-key-1&api_key=other' }).status, 'a duplicate key key-auth sees').toBe(401);
    expect(send({ path: '/v1/h', headers: lined([...junk(98), ['x-key', 'h-key-1'], ['x-internal-role', 'admin']]) }).upstream?.headers['x-internal-role']).toBeUndefined();
  });

  it('a second api_key after the 100th pair never reaches the backend unverified', () => {
    const o = send({ path: '/v1/k', rawQuery: `api_key=app-key-1&${pads(99)}&api_key=forged` });
    const keys = o.status === 200 ? backendQuery(o.upstream!.rawQuery).filter(([k]) => k === 'api_key').map(([, v]) => v) : [];
    expect(keys.filter((k) => k !== 'app-key-1'), `status ${o.status}`).toEqual([]);
  });

  it('lua_max_uri_args lowered to 20: the second api_key after the 20th pair', () => {
    const o = send({ path: '/v1/k', rawQuery: `api_key=app-key-1&${pads(19)}&api_key=forged`, maxUriArgs: 20 });
    const keys = o.status === 200 ? backendQuery(o.upstream!.rawQuery).filter(([k]) => k === 'api_key').map(([, v]) => v) : [];
    expect(keys.filter((k) => k !== 'app-key-1'), `status ${o.status}`).toEqual([]);
  });

  it('lua_max_req_headers lowered to 50: a removed header sent as the 60th line never reaches the backend', () => {
    const o = send({ path: '/v1/h', headers: lined([['x-key', 'h-key-1'], ...junk(58), ['x-internal-role', 'admin']]), maxReqHeaders: 50 });
    expect(o.status === 200 ? o.upstream?.headers['x-internal-role'] : undefined, `status ${o.status}`).toBeUndefined();
  });

  it('refused, not cut: 101 query pairs answer 414, 51 lines under lua_max_req_headers 50 answer 431', () => {
    expect(send({ path: '/v1/k', rawQuery: `api_key=app-key-1&${pads(100)}` }).status).toBe(414);
    expect(send({ path: '/v1/h', headers: lined([['x-key', 'h-key-1'], ...junk(50)]), maxReqHeaders: 50 }).status).toBe(431);
    expect(send({ path: '/v1/h', headers: lined([['x-key', 'h-key-1'], ...junk(49)]), maxReqHeaders: 50 }).status).toBe(200);
  });

  it('held: `_method` after 100 form-body pairs (request-transformer decodes the first 100 only) is dropped by the name-readings chunk', () => {
    const body = `${pads(100)}&_method=DELETE`;
    const o = send({ method: 'POST', path: '/v1/h', headers: { 'x-key': 'h-key-1', 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }, body });
    expect(o.status === 200 ? o.upstream?.bodyFields?._method : o.status).toBeUndefined();
  });

  it('gwc diff: the previous releases\' chunks (fixtures v1, v2) read as the same names; v2 keeps its framing guard', () => {
    const v1 = readFileSync(new URL('./fixtures/kong-header-family-v1.lua', import.meta.url), 'utf8');
    const v2 = readFileSync(new URL('./fixtures/kong-header-family-v2.lua', import.meta.url), 'utf8');
    expect(readHeaderFamily(v2)).toEqual(readHeaderFamily(v1));
    expect(readHeaderFamily(v2)).toEqual(['x_consumer_id', 'x_forwarded_for', 'x_http_method_override']);
    expect([headerFamilyFraming(v1), headerFamilyFraming(v2)]).toEqual([false, true]);
    expect(readHeaderFamily(v2.replace('lines > 100', 'lines > 200'))).toBeUndefined();
  });
});
