/**
 * Red team 6, Kong: a route's own request-header rule on Cache-Control undoes the cache bypass.
 * A per-consumer proxy-cache must not store (or serve) the answer to a request carrying, beside the
 * verified key, a credential the route does not verify (a session Cookie, another scheme's header):
 * the route's pre-function ends with a chunk appending `no-store` to the request's Cache-Control
 * (cache-bypass.ts). request-transformer (priority 801) runs after pre-function (1000000) and before
 * proxy-cache (100), so a route rule that sets, replaces or removes Cache-Control (any case, `-`/`_`
 * spelling: nginx reads the first line whose name reads as cache_control) overwrote that `no-store`,
 * and the answer to user 2's session was stored as the consumer's entry and served to user 1's next
 * plain request. No OSS plugin runs Lua between 801 and 100 (post-function is -1000), so the chunk
 * cannot be ordered after the rule: gwc refuses the rule on such a route (kong-cache-control-rule) at
 * its line, lint at the same line. The invariant below, per variant: the build is refused, or the
 * oracle (kong-oracle.ts: request-transformer, then proxy-cache's cache_control bypass) stores no
 * entry for the request with the second credential. Before the fix every variant built and stored it.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget, compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const spec = (rule: string, where: 'operation' | 'path' | 'policy' = 'operation') => `openapi: 3.1.0
info: { title: cc, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: cc
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app${where === 'policy' ? ', policies: [hdr]' : ''} }
  policies:
    hdr: { ${where === 'policy' ? rule : 'cors: { origins: [https://a.example] }'} }
  consumers:
    alice: { credentials: { hkey: "\${env:ALICE_KEY}" } }
    olga: { credentials: { okey: "\${env:OLGA_KEY}" } }
paths:
  /me:
${where === 'path' ? `    x-gateway: { ${rule} }\n` : ''}    get:
      operationId: me
      security: [{ hkey: [] }]
      x-gateway: { cache: { ttl: 60s }${where === 'operation' ? `, ${rule}` : ''} }
      responses: ${ok}
  /other: { get: { operationId: other, security: [{ okey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Api-Key }
    okey: { type: apiKey, in: header, name: X-Other-Key }
`;
const ENV = { DECK_ALICE_KEY: 'alice-key-1', DECK_OLGA_KEY: 'olga-key-2' };

const RULES: Array<[string, string, 'operation' | 'path' | 'policy']> = [
  ['set Cache-Control', 'requestHeaders: { set: { Cache-Control: "max-age=60" } }', 'operation'],
  ['set cache-control (lower case)', 'requestHeaders: { set: { cache-control: "public" } }', 'operation'],
  ['set CACHE_CONTROL (underscore)', 'requestHeaders: { set: { CACHE_CONTROL: "max-age=1" } }', 'operation'],
  ['remove Cache-Control', 'requestHeaders: { remove: [Cache-Control] }', 'operation'],
  ['remove cache_control', 'requestHeaders: { remove: [cache_control] }', 'operation'],
  ['set on the path item', 'requestHeaders: { set: { Cache-Control: "max-age=60" } }', 'path'],
  ['set by a named policy', 'requestHeaders: { set: { Cache-Control: "max-age=60" } }', 'policy'],
];

describe('red team 6, Kong: a Cache-Control request rule never undoes the second-credential cache bypass', () => {
  it.each(RULES)('%s: refused, or no entry stored for a request with a session cookie', async (_label, rule, where) => {
    const loaded = await gatewayOf(spec(rule, where));
    if (!loaded.gateway) throw new Error(JSON.stringify(loaded.diagnostics.map((d) => [d.code, d.message])));
    const built = compileGateway(loaded.gateway!, 'kong', {});
    const refused = built.diagnostics.filter((d) => d.code === 'kong-cache-control-rule');
    if (refused.length > 0) return;
    const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    const o = evaluate(doc, { method: 'GET', host: HOST, path: '/v1/me', headers: { 'x-api-key': 'alice-key-1', cookie: 'session=user2' } }, ENV);
    expect(o.status).toBe(200);
    expect(o.cacheKey, 'stored as alice\'s entry').toBeUndefined();
  });

  it.each(RULES)('%s: lint says what build says, at the same line', async (_label, rule, where) => {
    const file = writeSpec(spec(rule, where));
    const at = (ds: Array<{ severity: string; code: unknown; params?: Record<string, unknown>; position?: { line: number } }>, relayed: boolean) =>
      ds.filter((d) => d.severity === 'error').map((d) => `${String(relayed && d.params?.code ? d.params.code : d.code)}@${d.position?.line}`).sort();
    const b = await buildTarget(file, { target: 'kong' });
    const l = await lint(file, { target: 'kong' });
    expect(at(b.diagnostics as never, false).filter((x) => x.startsWith('kong-cache-control-rule@')).length).toBe(1);
    expect(at(l.diagnostics as never, true)).toEqual(at(b.diagnostics as never, false));
  });

  it('control: a rule on another header, or Cache-Control on a route without a cache, builds; the bypass holds', async () => {
    for (const s of [spec('requestHeaders: { set: { X-Tenant: t1 }, remove: [X-Debug] }'), spec('requestHeaders: { set: { Cache-Control: "no-cache" } }').replace('cache: { ttl: 60s }, ', '')]) {
      const loaded = await gatewayOf(s);
      const built = compileGateway(loaded.gateway!, 'kong', {});
      expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
      const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
      expect(evaluate(doc, { method: 'GET', host: HOST, path: '/v1/me', headers: { 'x-api-key': 'alice-key-1', cookie: 'session=user2' } }, ENV).cacheKey).toBeUndefined();
    }
  });
});
