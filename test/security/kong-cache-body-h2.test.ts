/**
 * Kong's cache-bypass chunk (cache-bypass.ts) decided "a body is sent" from Content-Length and
 * Transfer-Encoding alone. Over HTTP/2 (and HTTP/3) a request carries a body in DATA frames with
 * neither header (RFC 9113 section 8.1: content-length is optional), and Kong's nginx proxies it to
 * the backend (HTTP/1.1, with the Content-Length it computes after reading it): a GET whose body
 * holds RFC 6750's `access_token=<user 2's token>` beside the app's verified key was answered from,
 * and stored in, the consumer's cache entry while the backend answered per the body's token. Now
 * the chunk reads the body (kong.request.get_raw_body: "" without one, nil for one nginx buffered
 * to a file) when neither header says there is one. Through the request oracle (lua-headers.ts
 * models get_raw_body).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { cacheBypassFacts, cacheBypassLua, readCacheBypass } from '../../src/targets/kong/cache-bypass.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong cache body h2, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kcb
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
  consumers:
    app: { credentials: { hkey: "\${env:APP_KEY}" } }
paths:
  /me: { get: { operationId: me, security: [{ hkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /tok: { get: { operationId: tok, security: [{ jwt: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { anyAudience: true, issuer: "https://one.example/", algorithms: [RS256], publicKeys: ["\${env:PEM1}"] }
`;
const ENV = { DECK_APP_KEY: 'app-key-1', DECK_PEM1: 'pem1' };

describe('Kong: a body sent without Content-Length (HTTP/2) keeps the request out of the consumer\'s cache', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const me = (headers: Record<string, string>, body?: string) =>
    evaluate(doc, { method: 'GET', host: HOST, path: '/v1/me', headers: { 'x-key': 'app-key-1', ...headers }, ...(body === undefined ? {} : { body }) } as OracleRequest, ENV);

  it('builds; control: no body is cached, a body with Content-Length or Transfer-Encoding bypasses', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(me({}).cacheKey).toBeDefined();
    expect(me({}, '').cacheKey, 'an empty body is none').toBeDefined();
    expect(me({ 'content-length': '19' }, 'access_token=user2-x').cacheKey).toBeUndefined();
    expect(me({ 'transfer-encoding': 'chunked' }, 'access_token=user2-x').cacheKey).toBeUndefined();
  });

  for (const [what, body] of [['a form token', 'access_token=user2-x'], ['a JSON token', '{"access_token":"user2-x"}'], ['any text', 'x']] as const) {
    it(`${what} in a body with neither header (HTTP/2 DATA frames): neither served from nor stored in the cache`, () => {
      const o = me({}, body);
      expect(o.status).toBe(200);
      expect(o.cacheKey).toBeUndefined();
    });
  }

  it('gwc diff: the previous release\'s chunk (fixture kong-cache-bypass-v1.lua) reads as the same bypass; an edit as none', () => {
    const v1 = readFileSync(new URL('./fixtures/kong-cache-bypass-v1.lua', import.meta.url), 'utf8');
    const b = readCacheBypass(v1);
    expect(b).toEqual({ headers: ['cookie', 'x_other_key'], body: true });
    expect(cacheBypassLua(b!)).not.toBe(v1);
    expect(readCacheBypass(cacheBypassLua(b!))).toEqual(b);
    expect(readCacheBypass(v1.replace("cl ~= '0'", "cl ~= '1'"))).toBeUndefined();
    expect(cacheBypassFacts({ config: { access: [v1] } })).toEqual(cacheBypassFacts({ config: { access: [cacheBypassLua(b!)] } }));
  });
});
