/**
 * Kong's cache and an API key's name in a request body (nginx's 9778081 on Kong; closing15 item 7).
 * A backend reads a body field over (or in place of) the query parameter of the same name
 * (Laravel's input(), PHP's $_REQUEST, Rack's params), and a header key's name as a parameter too
 * (red teams 3 and 6). On a route verifying that key the name-readings chunk refuses such a body
 * (400), but a cached route that does not verify it (a public one, or one of another scheme) has no
 * such check, and proxy-cache keys no body: the cache-bypass chunk counted only the spec's 'body'
 * carriers (RFC 6750's access_token). So `api_key=<bob's key>` in the body of a GET to a keyed by app's header key (Kong refuses a public cached route:
 * kong-cache-key-ambiguous) was answered for bob and stored in app's entry, served to every next
 * end user of the app. Now a query or header
 * API key the route does not verify counts as a body carrier: a request with a body bypasses.
 * Through the request oracle (cacheKey undefined: neither served from nor stored in the cache).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong cache body key, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kcbk
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { ak: "\${env:APP_KEY}" } }
    bobq: { credentials: { qk: "\${env:BOB_Q}" } }
    bobh: { credentials: { hk: "\${env:BOB_H}" } }
paths:
  /app: { get: { operationId: app, security: [{ ak: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /h: { get: { operationId: h, security: [{ hk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    ak: { type: apiKey, in: header, name: X-App-Key }
    qk: { type: apiKey, in: query, name: api_key }
    hk: { type: apiKey, in: header, name: X-Api-Key }
`;
const ENV = { DECK_APP_KEY: 'app-key-1', DECK_BOB_Q: 'bob-query-key-1', DECK_BOB_H: 'bob-header-key-2' };
const FORM = 'application/x-www-form-urlencoded';

describe("Kong: an API key's name in a body keeps the request out of a cache that does not verify it", async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const get = (path: string, auth: Record<string, string>, body?: string, type = FORM) =>
    evaluate(doc, { method: 'GET', host: HOST, path, headers: { ...auth, ...(body === undefined ? {} : { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }) }, ...(body === undefined ? {} : { body }) } as OracleRequest, ENV);

  it('builds; control: a plain request is cached', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(get('/v1/app', { 'x-app-key': 'app-key-1' }).cacheKey).toBeDefined();
  });

  for (const [what, body, type] of [
    ["the query key's name (Laravel input(), PHP $_REQUEST)", `api_key=${ENV.DECK_BOB_Q}`, FORM],
    ["the header key's name", `x-api-key=${ENV.DECK_BOB_H}`, FORM],
    ['the query key in JSON', `{"api_key":"${ENV.DECK_BOB_Q}"}`, 'application/json'],
    ['the query key in JSON under a JSON synonym', `{"api_key":"${ENV.DECK_BOB_Q}"}`, 'text/x-json'],
  ] as const) {
    it(`${what} in a GET body: never stored in nor served from the app's entry`, () => {
      const o = get('/v1/app', { 'x-app-key': 'app-key-1' }, body, type);
      expect(o.status === 200 ? o.cacheKey : undefined, body).toBeUndefined();
    });
  }
});
