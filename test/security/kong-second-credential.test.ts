/**
 * Kong, a second credential beside the verified one (tasks from red team 4's leftovers), through the
 * Kong request oracle (test/targets/kong/kong-oracle.ts, pre- and post-function Lua run for real):
 * - a per-consumer proxy-cache (keyed on consumer, route, method, path, query) and a credential the
 *   gateway did not verify (a Cookie or Authorization session, another scheme's header key): the
 *   backend may answer per that credential, and the entry is then served to every request of the
 *   consumer (an app key shared by its end users: user 1's answer reaches user 2);
 * - key-auth reads a header key from the header only (key_in_query: false) and a query key from the
 *   query only (key_in_header: false): the key's name in the other place reaches the backend
 *   unverified (FastAPI APIKeyHeader/APIKeyQuery pairs read either: Traefik denies it, ec4f81f).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { readsAs, spellingsOf } from '../helpers/name-readings.js';
import { carrierVariants } from './helpers/carrier-variants.js';
import { evaluate, type DeckDoc, type OracleRequest } from '../targets/kong/kong-oracle.js';
import { resolvePrecedence } from '../targets/kong/precedence.js';
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';
import { HEADER_FAMILY_MARK } from '../../src/targets/kong/header-family.js';
import { CACHE_BYPASS_MARK } from '../../src/targets/kong/cache-bypass.js';

const HOST = 'api.test';
const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: second credential, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: sc
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { hkey: "\${env:APP_KEY}" } }
    other: { credentials: { hkey2: "\${env:OTHER_KEY}" } }
    third: { credentials: { qkey: "\${env:Q_KEY}" } }
paths:
  /me: { get: { operationId: me, security: [{ hkey: [] }], x-gateway: { cache: { ttl: 60s } }, responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /other: { get: { operationId: other, security: [{ hkey2: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hkey: { type: apiKey, in: header, name: X-Key }
    hkey2: { type: apiKey, in: header, name: X-Other-Key }
    qkey: { type: apiKey, in: query, name: api_key }
`;
const ENV = { DECK_APP_KEY: 'app-key-1', DECK_OTHER_KEY: 'other-key-2', DECK_Q_KEY: 'q-key-3' };

describe('Kong: a second, unverified credential beside the verified one', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')?.contents ?? '') as DeckDoc;
  const send = (req: Partial<OracleRequest> & { path: string }) => evaluate(doc, { method: 'GET', host: HOST, ...req }, ENV);

  it('builds, with a per-consumer proxy-cache on /me', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.message])).toEqual([]);
    const o = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1' } });
    expect(o.status).toBe(200);
    expect(o.cacheKey).toBeDefined();
  });

  // Was open: Kong's proxy-cache keys on the consumer and never looks at another credential; its only
  // per-request bypass is the request's Cache-Control (no-store / no-cache with cache_control: true,
  // kong/plugins/proxy-cache/handler.lua cacheable_request; its `ngx.var.authorization` test reads a
  // variable nginx never sets). Fixed: the route's pre-function ends with a chunk (cache-bypass.ts,
  // before proxy-cache's priority 100) appending no-store to the request's Cache-Control when a
  // carrier of the spec (credential-carriers.ts) not of the route's own schemes is present.
  for (const [what, headers] of [
    ['a Cookie session', { cookie: 'session=user2' }],
    ['an Authorization session', { authorization: 'Bearer user2-session' }],
    ["another scheme's header key", { 'x-other-key': 'other-key-2' }],
  ] as const) {
    it(`${what} beside the verified key: neither served from nor stored in the consumer's cache`, () => {
      const o = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1', ...headers } });
      expect(o.status).toBe(200);
      expect(o.cacheKey).toBeUndefined();
    });
  }

  // The class: every carrier of the spec the route does not verify, in every spelling a backend
  // reads (carrier-variants.ts: `-`/`_` and case of a header). A query carrier is in the key (Kong
  // keys on the whole query), so such a request never shares the consumer's plain entry.
  describe('every carrier of the spec but the route own, in every spelling', async () => {
    const g = await gatewayOf(SPEC);
    let serial = 0;
    const variants = carrierVariants(g.gateway!, () => `user2-${++serial}-zz`).filter((v) => !v.carrier.schemes.includes('hkey'));
    const plain = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1' } }).cacheKey;
    it.each(variants.map((v) => [v.label, v] as const))('%s beside the verified key: bypassed, or keyed apart', (_l, v) => {
      const o = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1', ...v.headers }, ...(v.query ? { rawQuery: v.query } : {}), ...(v.body ? { body: v.body } : {}) });
      expect(o.status).toBe(200);
      if (o.cacheKey !== undefined) {
        expect(v.carrier.in, 'only a query carrier may be cached (keyed apart)').toBe('query');
        expect(o.cacheKey).not.toBe(plain);
      }
    });
  });

  // proxy-cache reads ngx.var.http_cache_control: nginx takes the first line whose name reads as
  // cache_control (before 1.23), so a client's `Cache_Control: max-age=60` sent first would be read
  // in place of gwc's no-store. The chunk clears every such line and sends one with their values.
  it("a client's own Cache_Control (or Cache-Control) line beside a second credential does not undo the bypass", () => {
    for (const cc of [{ cache_control: 'max-age=60' }, { 'cache-control': 'max-age=60' }, { CACHE_CONTROL: 'public' }] as Array<Record<string, string>>) {
      const o = send({ path: '/v1/me', headers: { ...cc, 'x-key': 'app-key-1', cookie: 'session=user2' } });
      expect(o.status).toBe(200);
      expect(o.cacheKey, JSON.stringify(cc)).toBeUndefined();
      // The backend gets the client's directives and no-store, on one line.
      expect(Object.entries(o.upstream!.headers).filter(([h]) => h.replace(/-/g, '_').toLowerCase() === 'cache_control').map(([, v]) => v)).toEqual([`${Object.values(cc)[0]}, no-store`]);
    }
  });

  // gwc diff reads the chunk into the route's cache key: a deployed /me without it (gwc before), or
  // with a header dropped from its list, stores the second credential's answer for the consumer.
  it('gwc diff: a deployed /me without the cache-bypass chunk, or watching less, is cache-key-narrowed', () => {
    type P = { name: string; config: { access?: string[] } };
    type R = { name: string; plugins?: P[] };
    type D = { services?: Array<{ routes?: R[] }>; routes?: R[] };
    const me = (d: D) => [...(d.services ?? []).flatMap((x) => x.routes ?? []), ...(d.routes ?? [])].find((r) => r.name.endsWith('.me'))!;
    const own = structuredClone(resolvePrecedence(doc as never)) as D;
    const edited = (f: (access: string[]) => string[]) => {
      const d = structuredClone(own);
      const pre = me(d).plugins!.find((p) => p.name === 'pre-function')!;
      pre.config.access = f(pre.config.access!);
      return d;
    };
    const findings = (a: unknown, b: unknown) => diffStates({ entities: kongEntities(a as never) }, { entities: kongEntities(b as never) }).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
    expect(findings(doc, own)).toEqual([]);
    const dropped = edited((a) => a.filter((c) => !c.startsWith(CACHE_BYPASS_MARK)));
    expect(findings(own, dropped)).toEqual([`cache-key-narrowed ${me(own).name}`]);
    const less = edited((a) => a.map((c) => (c.startsWith(CACHE_BYPASS_MARK) ? c.replace(' cookie ', ' ') : c)));
    expect(findings(own, less)).toEqual([`cache-key-narrowed ${me(own).name}`]);
    expect(findings(dropped, own)).toEqual([]);
  });

  it('control: a request without a second credential keeps its Cache-Control and is cached', () => {
    const o = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1', 'cache-control': 'max-age=60' } });
    expect(o.cacheKey).toBeDefined();
    expect(o.upstream!.headers['cache-control']).toBe('max-age=60');
  });

  // Was open: the header key's name in the query, every spelling, reached the backend beside the
  // verified header key (key-auth reads the header only, key_in_query: false). Fixed: a credential
  // header's name is watched by the route's name-readings chunk (policies.ts headerKeyNames), as
  // Traefik's query-names guard does; dropped from the query and a form body, refused in multipart.
  it('?x-key=forged (every spelling) beside the verified header key never reaches the backend', () => {
    const reached = ['x-key', ...spellingsOf('x-key')].filter((s) => {
      const o = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1' }, rawQuery: `${s}=forged` });
      return Object.keys(o.upstream?.query ?? {}).some((k) => readsAs(k, 'x-key'));
    });
    expect(reached).toEqual([]);
  });

  // Was open, the converse: the query key's name as a header (api_key, Api-Key) beside the verified
  // ?api_key=: key-auth reads the query only (key_in_header: false) and nothing removed the header.
  // Fixed: the route's header-family chunk also clears its query keys' names (policies.ts
  // queryKeyHeaderNames), every case and -/_ spelling, before key-auth runs.
  const headerSpellings = (name: string) => [...new Set([name, ...spellingsOf(name)].filter((s) => /^[A-Za-z0-9_]+$/.test(s)).flatMap((s) => [s, s.replace(/_/g, '-')]))];
  it('an api_key header (every case and -/_ spelling) beside the verified ?api_key= never reaches the backend', () => {
    const spellings = headerSpellings('api_key');
    expect(spellings.length).toBeGreaterThan(8);
    const reached = spellings.filter((h) => {
      const o = send({ path: '/v1/q', rawQuery: 'api_key=q-key-3', headers: { [h]: 'forged' } });
      expect(o.status, h).toBe(200);
      return Object.keys(o.upstream!.headers).some((k) => k.toLowerCase().replace(/-/g, '_') === 'api_key');
    });
    expect(reached).toEqual([]);
    // All at once, too.
    const o = send({ path: '/v1/q', rawQuery: 'api_key=q-key-3', headers: { api_key: 'forged', 'api-key': 'forged' } });
    expect(o.status).toBe(200);
    expect(Object.keys(o.upstream!.headers).filter((h) => h.replace(/-/g, '_') === 'api_key')).toEqual([]);
  });

  it('control: the header chunk clears the query key name on /q only; a header unlike it passes', () => {
    const o = send({ path: '/v1/q', rawQuery: 'api_key=q-key-3', headers: { 'api-keys': 'x', 'x-api-key': 'y' } });
    expect(Object.keys(o.upstream!.headers)).toEqual(expect.arrayContaining(['api-keys', 'x-api-key']));
    const me = send({ path: '/v1/me', headers: { 'x-key': 'app-key-1', 'api-key': 'z' } });
    expect(me.status).toBe(200);
    expect(me.upstream!.headers['api-key']).toBe('z');
  });

  it('gwc diff: a deployed /q whose header chunk lacks the query key names (gwc before) is request-header-passed', () => {
    type P = { name: string; config: { access?: string[] } };
    type R = { name: string; plugins?: P[] };
    const all = (d: { services?: Array<{ routes?: R[] }>; routes?: R[] }) => [...(d.services ?? []).flatMap((x) => x.routes ?? []), ...(d.routes ?? [])];
    const chunkOf = (r: R) => r.plugins!.find((p) => p.name === 'pre-function')!.config.access!.find((c) => c.startsWith(HEADER_FAMILY_MARK))!;
    const own = structuredClone(resolvePrecedence(doc as never)) as { services?: Array<{ routes?: R[] }>; routes?: R[] };
    const q = all(own).find((r) => r.name.endsWith('q'))!;
    const other = all(own).find((r) => r.name.endsWith('other'))!;
    expect(chunkOf(q)).not.toBe(chunkOf(other));
    const old = structuredClone(own);
    const pre = all(old).find((r) => r.name === q.name)!.plugins!.find((p) => p.name === 'pre-function')!;
    pre.config.access = pre.config.access!.map((c) => (c.startsWith(HEADER_FAMILY_MARK) ? chunkOf(other) : c));
    const findings = (a: unknown, b: unknown) => diffStates({ entities: kongEntities(a as never) }, { entities: kongEntities(b as never) }).findings.filter((f) => f.class === 'security').map((f) => f.rule);
    expect(findings(doc, own)).toEqual([]);
    expect(findings(own, old)).toEqual(['request-header-passed']);
  });

  it('control: the verified key reaches the backend as Kong authenticated it; a plain request is cached per consumer', () => {
    const o = send({ path: '/v1/q', rawQuery: 'api_key=q-key-3' });
    expect(o.status).toBe(200);
    expect(o.consumer).toBe('sc.third');
    // another consumer's key of another scheme: key-auth's store is global, the scheme's acl group refuses it
    expect(send({ path: '/v1/me', headers: { 'x-key': 'other-key-2' } }).status).toBe(403);
  });
});
