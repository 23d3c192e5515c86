/**
 * The proof behind writing a plugin once per service (src/targets/kong/hoist.ts, #18): for every
 * spec that builds for Kong here (each fixture under both name schemes, the Kong test models, the
 * synthetic bench spec, the test spec files, Kong's converter fixtures, generated specs), every
 * route's EFFECTIVE plugins (Kong's precedence resolved: route over service over global,
 * precedence.ts, written apart from hoist.ts) are the ones the un-hoisted compile gives it, and
 * everything else in the decK file is the same. Then the pass's own rules on hand-made services.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadGateway } from '../../../src/api.js';
import type { Gateway } from '../../../src/model/types.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { compileKong } from '../../../src/targets/kong/compile.js';
import { DeckTemplate, type Entity } from '../../../src/targets/kong/context.js';
import { hoistServicePlugins } from '../../../src/targets/kong/hoist.js';
import { kongTarget } from '../../../src/targets/kong/index.js';
import { syntheticSpec } from '../../../bench/synthetic.js';
import { fixtureCases, FIXTURES } from '../../helpers/golden.js';
import { conformancePath } from '../../helpers/binaries.js';
import { declaredPublic, writeSpec } from '../../helpers/spec.js';
import { specArbitrary } from '../../property/arbitraries.js';
import { shop } from './model.js';
import { effectivePlugins, resolvePrecedence, type DeckPlugin } from './precedence.js';

type Obj = Record<string, unknown>;

/** The decK document both ways, or undefined when Kong refuses the gateway. */
function bothWays(gateway: Gateway, names: 'gwc' | 'openapi2kong' = 'gwc'): { hoisted: Obj; perRoute: Obj } | undefined {
  const plan = checkCapabilities(gateway, kongTarget).plan;
  const hoisted = compileKong(gateway, plan, { rateLimitPolicy: 'local', names });
  const perRoute = compileKong(gateway, plan, { rateLimitPolicy: 'local', names, perRoutePlugins: true });
  expect(hoisted.diagnostics).toEqual(perRoute.diagnostics);
  if (!hoisted.files[0] || !perRoute.files[0]) {
    expect(hoisted.files.length).toBe(perRoute.files.length);
    return undefined;
  }
  return { hoisted: parse(hoisted.files[0].contents) as Obj, perRoute: parse(perRoute.files[0].contents) as Obj };
}

/** Every route of the document with its service (nested or named), by route name. */
function routesOf(doc: Obj): Map<string, { route: Obj; service?: Obj }> {
  const out = new Map<string, { route: Obj; service?: Obj }>();
  const services = (doc.services as Obj[] | undefined) ?? [];
  for (const s of services) for (const r of (s.routes as Obj[] | undefined) ?? []) out.set(String(r.name), { route: r, service: s });
  for (const r of (doc.routes as Obj[] | undefined) ?? []) out.set(String(r.name), { route: r, ...(r.service ? { service: services.find((s) => s.name === r.service) } : {}) });
  return out;
}

const withoutId = (p: DeckPlugin): Obj => {
  const { id: _id, ...rest } = p;
  return rest;
};
const stripPluginIds = (doc: Obj): Obj => JSON.parse(JSON.stringify(doc, (k, v: unknown) => (k === 'plugins' && Array.isArray(v) ? v.map((p) => withoutId(p as DeckPlugin)) : v))) as Obj;

/** The proof for one gateway; returns how many route plugins the hoisting moved to a service. */
function sameEffect(gateway: Gateway, names: 'gwc' | 'openapi2kong' = 'gwc'): number {
  const both = bothWays(gateway, names);
  if (!both) return 0;
  const { hoisted, perRoute } = both;
  const globals = (hoisted.plugins as DeckPlugin[] | undefined) ?? [];
  expect(globals).toEqual(perRoute.plugins ?? []);
  // gwc writes no plugin scoped to a service and a consumer, or to a route and a service (levels
  // 3 and 4, above Route): only consumer-scoped globals (level 5, above both Route and Service).
  for (const p of globals) expect(p.service ?? p.route).toBeUndefined();
  const before = routesOf(perRoute);
  const after = routesOf(hoisted);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  let moved = 0;
  for (const [name, { route, service }] of before) {
    // Un-hoisted, no service carries a plugin: the route's own are all it has.
    expect(service?.plugins ?? []).toEqual([]);
    const was = effectivePlugins(route, service, globals);
    const now = after.get(name)!;
    const is = effectivePlugins(now.route, now.service, globals);
    expect([...is.keys()].sort(), name).toEqual([...was.keys()].sort());
    for (const [plugin, p] of was) expect(withoutId(is.get(plugin)!), `${name} ${plugin}`).toEqual(withoutId(p));
    moved += ((route.plugins as unknown[] | undefined) ?? []).length - ((now.route.plugins as unknown[] | undefined) ?? []).length;
  }
  // Nothing else moved: resolved, the hoisted file is the per-route one (plugin ids aside).
  expect(stripPluginIds(resolvePrecedence(hoisted))).toEqual(stripPluginIds(perRoute));
  return moved;
}

async function gatewayOf(file: string): Promise<Gateway | undefined> {
  return (await loadGateway(file)).gateway;
}

describe('kong: a plugin on the service acts on every route as it did on each route (#18)', () => {
  it.each(fixtureCases())('fixture %s, both name schemes', async (c) => {
    const gateway = await gatewayOf(join(FIXTURES, c, 'gateway.yaml'));
    if (!gateway) return;
    sameEffect(gateway, 'gwc');
    sameEffect(gateway, 'openapi2kong');
  });

  it('the shop model of the Kong tests', () => {
    expect(sameEffect(shop())).toBeGreaterThan(0);
  });

  it('the synthetic bench spec (300 operations): the pre-function of every route moves to its service', async () => {
    const gateway = (await gatewayOf(writeSpec(syntheticSpec(300))))!;
    expect(sameEffect(gateway)).toBeGreaterThanOrEqual(gateway.routes.length);
  });

  it('the test spec files and the fixtures of Kong\'s own converter', async () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith('.yaml')) files.push(join(dir, e.name));
      }
    };
    walk(new URL('../..', import.meta.url).pathname);
    const conformance = conformancePath('openapi2kong-fixtures');
    if (conformance && existsSync(conformance)) {
      for (const f of readdirSync(conformance).filter((x) => x.endsWith('.yaml')).sort()) files.push(declaredPublic(join(conformance, f)));
    }
    let built = 0;
    for (const f of files) {
      const gateway = await gatewayOf(f);
      if (!gateway) continue;
      for (const names of ['gwc', 'openapi2kong'] as const) if (bothWays(gateway, names)) (sameEffect(gateway, names), (built += 1));
    }
    expect(built).toBeGreaterThan(10);
  });

  it('generated specs (the property suite\'s arbitrary)', async () => {
    await fc.assert(
      fc.asyncProperty(specArbitrary, async (yaml) => {
        const gateway = await gatewayOf(writeSpec(yaml));
        if (gateway) sameEffect(gateway);
      }),
      { numRuns: Number(process.env.GWC_PROPERTY_RUNS ?? 60), seed: 18 },
    );
  });
});

describe('kong: hoistServicePlugins rules', () => {
  const plugin = (name: string, config: Entity, id = `${name}-id`): Entity => ({ name, id, config, enabled: true, tags: ['gwc:t'] });
  const service = (routes: Entity[][], own?: Entity[]) => ({
    name: 's',
    entity: { name: 's', ...(own ? { plugins: own } : {}) } as Entity,
    routes: routes.map((plugins, i) => ({ name: `r${i}`, plugins }) as Entity),
  });
  const hoist = (s: ReturnType<typeof service>) => hoistServicePlugins([s], (sv, p) => `${sv}/${p}`);
  const names = (e: Entity) => ((e.plugins as Entity[] | undefined) ?? []).map((p) => `${String(p.name)}:${JSON.stringify(p.config)}`);

  it('one configuration on every route goes on the service; where they differ, every route keeps its own', () => {
    const same = service([[plugin('pre-function', { access: ['b'] })], [plugin('pre-function', { access: ['b'] }, 'x')]]);
    hoist(same);
    expect(same.entity.plugins).toEqual([{ ...plugin('pre-function', { access: ['b'] }), id: 's/pre-function' }]);
    expect(same.routes.map(names)).toEqual([[], []]);
    const mixed = service([[plugin('pre-function', { access: ['a'] })], [plugin('pre-function', { access: ['b'] })], [plugin('pre-function', { access: ['b'] }, 'x')]]);
    hoist(mixed);
    expect(mixed.entity.plugins).toBeUndefined();
    expect(mixed.routes.map(names)).toEqual([['pre-function:{"access":["a"]}'], ['pre-function:{"access":["b"]}'], ['pre-function:{"access":["b"]}']]);
  });

  it('a route without the plugin: not hoisted (that route would gain it)', () => {
    const s = service([[plugin('pre-function', { access: ['a'] })], [plugin('pre-function', { access: ['a'] })], []]);
    hoist(s);
    expect(s.entity.plugins).toBeUndefined();
    expect(s.routes.map((r) => names(r).length)).toEqual([1, 1, 0]);
  });

  it('a service with its own plugin of that name, a single route, a plugin not listed, one of a kind: not hoisted', () => {
    const own = service([[plugin('pre-function', { access: ['a'] })], [plugin('pre-function', { access: ['a'] })]], [plugin('pre-function', { access: ['z'] })]);
    hoist(own);
    expect(own.routes.map((r) => names(r).length)).toEqual([1, 1]);
    const single = service([[plugin('pre-function', { access: ['a'] })]]);
    hoist(single);
    expect(single.entity.plugins).toBeUndefined();
    const other = service([[plugin('key-auth', { key_names: ['k'] })], [plugin('key-auth', { key_names: ['k'] })]]);
    hoist(other);
    expect(other.entity.plugins).toBeUndefined();
    const distinct = service([[plugin('request-transformer', { a: 1 })], [plugin('request-transformer', { a: 2 })]]);
    hoist(distinct);
    expect(distinct.entity.plugins).toBeUndefined();
  });

  it('a decK template and a string spelled like it are different configurations', () => {
    const s = service([[plugin('request-transformer', { v: new DeckTemplate('t') as never })], [plugin('request-transformer', { v: { template: 't' } })], [plugin('request-transformer', { v: { template: 't' } })]]);
    hoist(s);
    expect(s.entity.plugins).toBeUndefined();
    expect(s.routes.map((r) => names(r).length)).toEqual([1, 1, 1]);
  });
});
