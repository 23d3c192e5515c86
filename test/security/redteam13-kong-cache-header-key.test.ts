/**
 * Red team 13, Kong proxy-cache key (08d63a0 fixed the query part): cache_key.lua builds the
 * headers part of the key with the same generate_key_from as the query (headers_key over
 * vary_headers, which gwc writes from `cache.keyHeaders`): `name=value` items sorted and joined
 * by `:`, a header sent on several lines a table whose values are sorted and joined by `,`. The
 * bypass chunk checks the query only, so two requests the backend reads differently share one
 * per-consumer entry (one end user of a shared app key poisons what the others read):
 * - `X-Region: eu:x-tenant=1` alone and `X-Region: eu` + `X-Tenant: 1` both key
 *   `x-region=eu:x-tenant=1` (a `:` part reading as a LATER vary header: the query check's rule);
 * - `X-Tenant: a` + `X-Tenant: b` and `X-Tenant: b` + `X-Tenant: a` (a backend reading the first line);
 * - `X-Tenant: a,b` (one line) and `X-Tenant: a` + `X-Tenant: b`.
 * Through the request oracle (kong-oracle.ts, proxy-cache-key.ts headers_key). Found by red team 13
 * while da5d37f (vary headers in the bypass chunk) landed: all three are kept out of the cache now.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest, type Outcome } from '../targets/kong/kong-oracle.js';

const HOST = 'api.test';
const SPEC = `openapi: 3.1.0
info: { title: kong cache header key, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kch
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { hkey: "\${env:APP_KEY}" } }
paths:
  /me:
    get:
      operationId: me
      security: [{ hkey: [] }]
      x-gateway: { cache: { ttl: 60s, keyHeaders: [X-Tenant, X-Region] } }
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
`;
const ENV = { DECK_APP_KEY: 'app-key-1' };

describe('Kong: proxy-cache keys the vary headers whole, or the request is not cached', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (headers: Record<string, string>, repeated?: Record<string, string[]>) =>
    evaluate(doc, { method: 'GET', host: HOST, path: '/v1/me', headers: { 'x-key': 'app-key-1', ...headers }, ...(repeated ? { repeated } : {}) } as OracleRequest, ENV);
  /** What the backend reads: the first line of each key header. */
  const first = (o: Outcome, h: string) => {
    const v = o.upstream?.headers[h];
    return Array.isArray(v) ? v[0] : v;
  };
  const shared = (a: Outcome, b: Outcome) => a.status === 200 && b.status === 200 && a.cacheKey !== undefined && a.cacheKey === b.cacheKey;

  it('control: a `:` part reading as an EARLIER vary header keys apart (items are sorted)', () => {
    expect(send({ 'x-tenant': '1:x-region=eu' }).cacheKey).not.toBe(send({ 'x-tenant': '1', 'x-region': 'eu' }).cacheKey);
  });

  it('control: builds; the two headers are keyed, distinct values distinct entries', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    const a = send({ 'x-tenant': '1', 'x-region': 'eu' });
    const b = send({ 'x-tenant': '2', 'x-region': 'eu' });
    expect(a.status).toBe(200);
    expect(a.cacheKey).toBeDefined();
    expect(b.cacheKey).not.toBe(a.cacheKey);
  });

  it('was a hole, fixed by da5d37f: a `:` in one key header\'s value reads as a later key header (X-Region: eu:x-tenant=1 vs X-Region: eu + X-Tenant: 1)', () => {
    const a = send({ 'x-region': 'eu:x-tenant=1' });
    const b = send({ 'x-region': 'eu', 'x-tenant': '1' });
    expect([first(a, 'x-tenant'), first(b, 'x-tenant')]).toEqual([undefined, '1']);
    expect(shared(a, b), `${a.cacheKey} / ${b.cacheKey}`).toBe(false);
  });

  it('was a hole, fixed by da5d37f: a key header on two lines, in either order (a backend reading the first line)', () => {
    const a = send({}, { 'x-tenant': ['a', 'b'] });
    const b = send({}, { 'x-tenant': ['b', 'a'] });
    expect(shared(a, b), `${a.cacheKey} / ${b.cacheKey}`).toBe(false);
  });

  it('was a hole, fixed by da5d37f: `a,b` on one line and `a` + `b` on two', () => {
    const a = send({ 'x-tenant': 'a,b' });
    const b = send({}, { 'x-tenant': ['a', 'b'] });
    expect(shared(a, b), `${a.cacheKey} / ${b.cacheKey}`).toBe(false);
  });
});
