/**
 * Kong: policies that must know who calls (DESIGN.md 7.4) and inputs a backend may read as another
 * route (7.5). Kong keys proxy-cache and rate-limiting on the consumer; a JWT scheme maps every
 * token of an issuer to ONE consumer, so only API-key and basic consumers are per caller.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readHeaderFamily } from '../../../src/targets/kong/header-family.js';
import { allRoutes } from './kong-router.js';
import { compile, loc, shop } from './model.js';

const routeNamed = (yaml: string, name: string) => allRoutes(parse(yaml)).find((r) => r.name === name)!;
const plugin = (r: ReturnType<typeof routeNamed>, name: string) =>
  r.plugins?.find((p) => p.name === name) as { config: { cache_control?: boolean; remove: { headers: string[]; querystring: string[] } } } | undefined;
/** The names the route's header-family chunk removes in every spelling (header-family.ts). */
const family = (r: ReturnType<typeof routeNamed>) =>
  ((r.plugins?.find((p) => p.name === 'pre-function') as { config: { access: string[] } } | undefined)?.config.access ?? []).flatMap((c) => readHeaderFamily(c) ?? []);
const cache = { ttlMs: 60000, methods: ['GET' as const], keyHeaders: [], keyQuery: true, loc: loc('/paths/~1orders~1{orderId}/get/x-gateway/cache') };

describe('kong: identity-bound policies', () => {
  it('refuses a cache on a route a JWT opens (every token holder is one consumer), at the cache line', () => {
    const g = shop();
    const route = g.routes.find((r) => r.id === 'getOrder')!;
    route.policy = { ...route.policy, cache };
    const r = compile(g);
    expect(r.files).toEqual([]);
    const d = r.diagnostics.find((x) => x.code === 'kong-cache-identity-shared');
    expect(d?.params).toMatchObject({ route: 'getOrder', schemes: 'bearer' });
    expect(d?.loc?.pointer).toBe('/paths/~1orders~1{orderId}/get/x-gateway/cache');
  });

  it('keeps a cache on an API-key route, keyed per consumer, honouring the backend Cache-Control', () => {
    const r = compile(shop());
    const pc = plugin(routeNamed(r.yaml, 'shop.getuser'), 'proxy-cache');
    expect(pc?.config.cache_control).toBe(true);
  });

  it('warns that a per-consumer limit on a JWT route is one bucket for every token holder', () => {
    const r = compile(shop());
    expect(r.diagnostics.find((x) => x.code === 'kong-limit-identity-shared')?.params).toMatchObject({ route: 'createPayment', schemes: 'bearer' });
  });
});

describe('kong: method and URL overrides', () => {
  it('removes the override headers and _method (and the spellings PHP folds into it) on every proxied route', () => {
    const { yaml } = compile(shop());
    for (const r of allRoutes(parse(yaml)).filter((x) => x.service)) {
      const rt = plugin(r, 'request-transformer');
      // Every spelling, by the header-family chunk of the route's pre-function (#18).
      expect(family(r), r.name).toEqual(expect.arrayContaining(['x_http_method_override', 'x_http_method', 'x_method_override', 'x_original_url', 'x_rewrite_url']));
      expect(rt?.config.remove.querystring, r.name).toEqual(expect.arrayContaining(['_method', '.method', ' method', '[method', '_method[]']));
    }
  });

  it('passes the inputs an operation declares', () => {
    const g = shop();
    g.routes.find((r) => r.id === 'createUser')!.declaredOverrides = [{ in: 'query', name: '_method' }, { in: 'header', name: 'X-HTTP-Method-Override' }];
    const route = routeNamed(compile(g).yaml, 'shop.createuser');
    const rt = plugin(route, 'request-transformer');
    expect(rt?.config.remove.querystring).toEqual([]);
    expect(rt?.config.remove.headers).not.toContain('X-HTTP-Method-Override');
    expect(family(route)).not.toContain('x_http_method_override');
    expect(family(route)).toContain('x_original_url');
  });
});
