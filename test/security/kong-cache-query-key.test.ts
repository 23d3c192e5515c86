/**
 * Kong's proxy-cache does not key on the whole query (README said it did): cache_key.lua's
 * params_key reads `kong.request.get_query()` with no limit argument, the first lua_max_uri_args
 * pairs (100 by default, kong.conf 1..1000), and writes them as `name=value` items sorted and joined
 * by `:`, a repeated name's values sorted and joined by `,` (test/targets/kong/proxy-cache-key.ts
 * models both from the plugin's source). So two requests the backend reads differently share one
 * entry:
 * - a query credential the route does not verify (a session in `?session=`) after 100 padding pairs
 *   is not in the key: on a per-consumer cache (an app key shared by its end users) user 1's answer
 *   is served to user 2;
 * - `?q=shoes%3Asort%3Dprice` (one pair) and `?q=shoes&sort=price` (two) both key as
 *   `q=shoes:sort=price`; `?ids=1,2` and `?ids=1&ids=2`; `?tag=a&tag=b` and `?tag=b&tag=a` (a
 *   backend reading the first value): one end user of the app poisons the entry the others read.
 * A route cached for every caller alike is refused on Kong for the second reason
 * (kong-cache-key-ambiguous); these attacks are on the per-consumer cache gwc builds.
 * Through the request oracle (kong-oracle.ts: pre-function chunks run in the Lua sandbox,
 * proxy-cache's key derived as the plugin derives it).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc, type OracleRequest, type Outcome } from '../targets/kong/kong-oracle.js';
import { backendQuery, proxyCacheKeyText } from '../targets/kong/proxy-cache-key.js';
import { runHeaderChunk } from '../targets/kong/lua-headers.js';
import { readFileSync } from 'node:fs';
import { CACHE_BYPASS_MARK, cacheBypassFacts, cacheBypassLua, readCacheBypass } from '../../src/targets/kong/cache-bypass.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: kong cache query key, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: kcq
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { hkey: "\${env:APP_KEY}" } }
    web: { credentials: { qs: "\${env:SESSION}" } }
paths:
  /me:
    get:
      operationId: me
      security: [{ hkey: [] }]
      # A declared _method leaves request-transformer's remove.querystring empty: it never rewrites
      # the query, so the backend reads every pair (elsewhere set_uri_args keeps the first 100 only).
      parameters: [{ name: _method, in: query, schema: { type: string } }]
      x-gateway: { cache: { ttl: 60s } }
      responses: ${ok}
  /lang: { get: { operationId: lang, security: [{ hkey: [] }], x-gateway: { cache: { ttl: 60s, keyHeaders: [Accept-Language, X-Tenant] } }, responses: ${ok} } }
  /plain: { get: { operationId: plain, security: [{ hkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /acct: { get: { operationId: acct, security: [{ qs: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    qs: { type: apiKey, in: query, name: session }
`;
const ENV = { DECK_APP_KEY: 'app-key-1', DECK_SESSION: 'sess-1' };

/** The backend's reading of a query: every pair in order, names grouped (distinct names' order aside). */
const reading = (o: Outcome) => {
  const byName = new Map<string, Array<string | true>>();
  for (const [k, v] of backendQuery(o.upstream?.rawQuery ?? '')) byName.set(k, [...(byName.get(k) ?? []), v]);
  return JSON.stringify([...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};
const pads = (n: number) => Array.from({ length: n }, (_x, i) => `p${i}=x`).join('&');

describe('Kong: proxy-cache keys the whole query, or the request is not cached', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (path: string, rawQuery: string, extra: Partial<OracleRequest> = {}) =>
    evaluate(doc, { method: 'GET', host: HOST, path, rawQuery, headers: { 'x-key': 'app-key-1' }, ...extra }, ENV);
  /** Two requests share an entry only when the backend reads them alike. */
  const neverShared = (a: Outcome, b: Outcome) => {
    expect([a.status, b.status].every((s) => s === 200 || s >= 400)).toBe(true);
    if (a.status !== 200 || b.status !== 200) return;
    expect(reading(a)).not.toBe(reading(b));
    const shared = a.cacheKey !== undefined && a.cacheKey === b.cacheKey;
    expect(shared, `${a.upstream?.rawQuery.slice(-40)} / ${b.upstream?.rawQuery.slice(-40)} share ${a.cacheKey?.slice(-60)}`).toBe(false);
  };

  it('builds; control: ordinary queries are cached, each under its own key, the same query under the same key', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    const a = send('/v1/me', 'q=shoes&sort=price');
    const b = send('/v1/me', 'sort=price&q=shoes');
    const c = send('/v1/me', 'q=boots&sort=price');
    expect([a.status, a.cacheKey === undefined]).toEqual([200, false]);
    expect(b.cacheKey).toBe(a.cacheKey);
    expect(c.cacheKey).not.toBe(a.cacheKey);
    expect(send('/v1/me', 'since=2026-12-07T05:30:00Z&q=a').cacheKey, 'a time in a value').toBeDefined();
    expect(send('/v1/me', `${pads(98)}&q=a`).cacheKey, '99 pairs').toBeDefined();
    expect(send('/v1/me', 'session=u1').cacheKey).not.toBe(send('/v1/me', 'session=u2').cacheKey);
  });

  it('an unverified query session after 100 padding pairs (per-consumer cache): user 1\'s entry never served to user 2', () => {
    neverShared(send('/v1/me', `${pads(100)}&session=user1`), send('/v1/me', `${pads(100)}&session=user2`));
  });

  it('a keyed parameter after 100 pairs', () => {
    neverShared(send('/v1/me', `${pads(100)}&q=shoes`), send('/v1/me', `${pads(100)}&q=evil`));
  });

  it('lua_max_uri_args lowered to 20 by the operator: the 21st pair', () => {
    const cfg = { maxUriArgs: 20 };
    neverShared(send('/v1/me', `${pads(20)}&q=shoes`, cfg), send('/v1/me', `${pads(20)}&q=evil`, cfg));
  });

  for (const [what, a, b] of [
    ['a `:` and `=` inside one value read as two pairs', 'q=shoes%3Asort%3Dprice', 'q=shoes&sort=price'],
    ['a `:` inside a value read as a name without value', 'a=x%3Ab', 'a=x&b'],
    ['a `,` inside a value read as a repeated name', 'ids=1%2C2', 'ids=1&ids=2'],
    ['a `,` unescaped', 'ids=1,2', 'ids=2&ids=1'],
    ['a repeated name in the other order (first-value backends)', 'tag=a&tag=b', 'tag=b&tag=a'],
    ['`=` inside a name', 'a%3Db=c', 'a=b%3Dc'],
  ] as const) {
    it(`${what}`, () => neverShared(send('/v1/me', a), send('/v1/me', b)));
  }

  /** The backend's reading of the vary headers: every line, names read as CGI does (lower case, `_` for `-`). */
  const varyReading = (o: Outcome) => JSON.stringify(Object.entries(o.upstream?.headers ?? {}).filter(([k]) => ['accept_language', 'x_tenant'].includes(k.replace(/-/g, '_'))).map(([k, v]) => [k.replace(/-/g, '_'), v]).sort());
  const lang = (headers: Record<string, string>, repeated?: Record<string, string[]>) =>
    evaluate(doc, { method: 'GET', host: HOST, path: '/v1/lang', headers: { 'x-key': 'app-key-1', ...headers }, ...(repeated ? { repeated } : {}) }, ENV);
  for (const [what, a, b] of [
    ['a `:` in one vary header reading as the next', lang({ 'accept-language': 'en', 'x-tenant': 'b' }), lang({ 'accept-language': 'en:x-tenant=b' })],
    ['a vary header spelt with `_` (never read by proxy-cache, read by a CGI-style backend)', lang({ 'accept-language': 'en', x_tenant: 'b' }), lang({ 'accept-language': 'en' })],
  ] as const) {
    it(`vary headers: ${what}`, () => {
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(varyReading(a)).not.toBe(varyReading(b));
      expect(a.cacheKey !== undefined && a.cacheKey === b.cacheKey).toBe(false);
    });
  }
  it('vary headers control: each tenant its own entry, the same headers the same entry', () => {
    const a = lang({ 'accept-language': 'en-US,en;q=0.9', 'x-tenant': 'a' });
    expect(a.cacheKey).toBeDefined();
    expect(lang({ 'accept-language': 'en-US,en;q=0.9', 'x-tenant': 'a' }).cacheKey).toBe(a.cacheKey);
    expect(lang({ 'accept-language': 'en-US,en;q=0.9', 'x-tenant': 'b' }).cacheKey).not.toBe(a.cacheKey);
  });

  it('control: a route cached for every caller alike stays refused (kong-cache-key-ambiguous)', async () => {
    const open = SPEC.replace('paths:\n', `paths:\n  /search: { get: { operationId: search, security: [], x-gateway: { public: true, cache: { ttl: 60s } }, responses: ${ok} } }\n`);
    const g = await gatewayOf(open);
    expect(compileGateway(g.gateway!, 'kong', {}).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['kong-cache-key-ambiguous']);
  });

  it('fact: on a route whose request-transformer removes a query name (every route not declaring _method), the backend gets the first 100 pairs only', () => {
    const o = send('/v1/plain', `${pads(100)}&q=shoes`);
    expect(o.status === 200 ? backendQuery(o.upstream!.rawQuery).length : o.status).toBe(o.status === 200 ? 100 : 414);
  });

  it('generated: any two queries over `a b = : , %3A %2C %3D &` sharing an entry are read alike by the backend (the route\'s chunk run alone)', () => {
    const me = doc.services!.flatMap((s) => (s.routes as Array<{ name: string; plugins?: Array<{ name: string; config: { access?: string[] } }> }>) ?? []).find((r) => r.name.endsWith('.me'));
    const chunk = me?.plugins?.find((p) => p.name === 'pre-function')?.config.access?.find((c) => c.startsWith(CACHE_BYPASS_MARK));
    expect(chunk).toBeDefined();
    const atoms = ['a', 'b', '=', ':', ',', '%3A', '%2C', '%3D', '&', '1', 'c'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const byKey = new Map<string, string>();
    let cached = 0;
    for (let i = 0; i < 800; i++) {
      const q = Array.from({ length: 1 + rnd(8) }, () => atoms[rnd(atoms.length)]).join('');
      const r = runHeaderChunk(chunk!, [], undefined, undefined, { rawQuery: q });
      if (r.set.some(([n, v]) => n === 'cache-control' && v.includes('no-store'))) continue;
      const key = proxyCacheKeyText({ route: 'me', method: 'GET', requestPath: '/v1/me', rawQuery: q });
      if (key === undefined) continue;
      cached++;
      const read = reading({ status: 200, ran: [], upstream: { path: '', headers: {}, query: {}, rawQuery: q } });
      const seen = byKey.get(key);
      if (seen !== undefined) expect(read, q).toBe(seen);
      else byKey.set(key, read);
    }
    expect(cached).toBeGreaterThan(150);
  });

  it('gwc diff: the previous release\'s chunk (fixture kong-cache-bypass-v2.lua) reads as the same bypass without the query check; an edit of today\'s as none', () => {
    const v2 = readFileSync(new URL('./fixtures/kong-cache-bypass-v2.lua', import.meta.url), 'utf8');
    expect(readCacheBypass(v2)).toEqual({ headers: ['cookie', 'x_other_key'], body: true });
    const now = cacheBypassLua({ headers: ['cookie', 'x_other_key'], body: true, query: true });
    expect(readCacheBypass(now)).toEqual({ headers: ['cookie', 'x_other_key'], body: true, query: true, vary: [] });
    const withVary = cacheBypassLua({ headers: [], body: false, query: true, vary: ['x-tenant'] });
    expect(readCacheBypass(withVary)).toEqual({ headers: [], body: false, query: true, vary: ['x-tenant'] });
    expect(readCacheBypass(now.replace("> name then hit = true", "< name then hit = true"))).toBeUndefined();
    const facts = (code: string) => cacheBypassFacts({ config: { access: [code] } });
    // A deployed chunk without the check lacks one key fact: `gwc diff` says cache-key-narrowed (classify.ts).
    expect(facts(now).filter((f) => !facts(v2).includes(f))).toEqual(['not stored or served when the query does not key whole (past the pair limit, a repeated name, a `:` reading as another pair)']);
  });
});
