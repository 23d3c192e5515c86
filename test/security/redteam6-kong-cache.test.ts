/**
 * Red team 6, Kong per-consumer proxy-cache and a second credential (c8fa09d), through the Kong
 * request oracle (the route's Lua run for real, ngx.req.get_headers' line limit modelled). The
 * cache-bypass chunk reads `kong.request.get_headers(1000)`, which returns the first 1000 header
 * LINES only, while key-auth finds its key at any position (kong.request.get_header, ngx.var) and
 * nginx passes every line on: junk lines before a session Cookie could hide it from the chunk.
 * Held: the header-family chunk, first in every proxied route's pre-function, answers 431 to more
 * than 100 lines (header-family.ts MAX_HEADER_LINES), so no truncated table is ever read.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: red team 6 kong cache, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r6kc
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { hkey: "\${env:APP_KEY}" } }
paths:
  /me: { get: { operationId: me, security: [{ hkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
`;
const ENV = { DECK_APP_KEY: 'app-key-1' };

describe('red team 6, Kong: a second credential past get_headers\' line limit', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (headers: Record<string, string>) => evaluate(doc, { method: 'GET', host: HOST, path: '/v1/me', headers } as OracleRequest, ENV);
  const junk = (n: number) => Object.fromEntries(Array.from({ length: n }, (_x, i) => [`j${i}`, 'x']));

  it('control: a Cookie beside the key bypasses the cache, a plain request is cached', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    expect(send({ 'x-key': 'app-key-1' }).cacheKey).toBeDefined();
    expect(send({ 'x-key': 'app-key-1', cookie: 'session=user2' }).cacheKey).toBeUndefined();
  });

  it.each([100, 1000, 1200])('held: %i junk lines before the session Cookie are refused (431), never cached nor proxied', (n) => {
    const o = send({ ...junk(n), 'x-key': 'app-key-1', cookie: 'session=user2' });
    expect([o.status, o.cacheKey, o.upstream]).toEqual([431, undefined, undefined]);
  });
});
