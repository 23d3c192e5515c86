/**
 * KONG_POLICIES (issue #17 item 5): one answer per PolicyId, `UNSUPPORTED` exactly where Kong's
 * capability table refuses the policy's feature, and the map is what the route compile calls.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { POLICY_FEATURE, POLICY_IDS, type PolicyId } from '../../../src/model/policies/ids.js';
import type { Route } from '../../../src/model/types.js';
import { kongCapabilities } from '../../../src/targets/kong/capabilities.js';
import { Ctx, type Entity } from '../../../src/targets/kong/context.js';
import { kongTarget } from '../../../src/targets/kong/index.js';
import type { KongPolicy } from '../../../src/targets/kong/policies.js';
import { KONG_POLICIES } from '../../../src/targets/kong/policy-map.js';
import { UNSUPPORTED } from '../../../src/targets/policy-map.js';
import { allRoutes, type KongRoute } from './kong-router.js';
import { compile, shop } from './model.js';

const SUPPORTED = POLICY_IDS.filter((id) => KONG_POLICIES[id] !== UNSUPPORTED);

/** The shop route's policy value for `id` (validate lives beside the policies, on the route). */
const uses = (r: Route, id: PolicyId) => (id === 'validate' ? r.validate !== undefined : r.policy[id] !== undefined);

describe('kong: policy map', () => {
  it.each(POLICY_IDS)('%s is UNSUPPORTED exactly where the capability table says unsupported', (id) => {
    const unsupported = kongCapabilities[POLICY_FEATURE[id]].support === 'unsupported';
    expect(KONG_POLICIES[id] === UNSUPPORTED, `${id} (feature ${POLICY_FEATURE[id]})`).toBe(unsupported);
  });

  it('is the map the Kong target declares', () => {
    expect(kongTarget.policies).toBe(KONG_POLICIES);
  });

  it('answers validate UNSUPPORTED (Kong OSS has no request validator)', () => {
    expect(KONG_POLICIES.validate).toBe(UNSUPPORTED);
    expect(SUPPORTED).toHaveLength(POLICY_IDS.length - 1);
  });

  describe('the route compile calls through it', () => {
    const g = shop();
    const { check, yaml } = compile(g);
    const routes = new Map(allRoutes(parse(yaml)).map((r) => [r.name, r]));
    const ctx = new Ctx(g, check.plan, { rateLimitPolicy: 'local', names: 'gwc' });
    const plugins = (r: KongRoute) => (r.plugins ?? []) as Array<{ name: string; config: unknown }>;

    it.each(SUPPORTED)("%s: every shop route using it carries the plugin the map's function gives", (id) => {
      const using = g.routes.filter((r) => uses(r, id));
      expect(using.length, `shop() uses ${id}`).toBeGreaterThan(0);
      for (const r of using) {
        const made = (KONG_POLICIES[id] as KongPolicy)(ctx, r, { uri: undefined, auth: { plugins: [], removeHeaders: [], removeQuery: [] }, responseHeaders: {} });
        expect(made, `${id} on ${r.id}`).toBeDefined();
        const out = routes.get(ctx.names.route(r.id));
        expect(out, r.id).toBeDefined();
        const found = plugins(out!).find((p) => p.name === made!.name);
        expect(found, `${made!.name} on ${r.id}`).toBeDefined();
        // request- and response-transformer also take the route's upstream path, auth removals and
        // a mock's headers from the compile; the others depend on the route alone.
        if (id !== 'requestHeaders' && id !== 'responseHeaders') expect(found!.config).toEqual(made!.config);
      }
    });

    it('a plugin the map names is what the compile writes (swapping an entry changes the output)', () => {
      const map = KONG_POLICIES as Record<PolicyId, KongPolicy | typeof UNSUPPORTED>;
      const original = map.ipRule;
      const marker: Entity = { name: 'pre-function', config: { access: ['-- marker'] } };
      map.ipRule = (c, r) => (r.policy.ipRule ? marker : undefined);
      try {
        const doc = parse(compile(shop()).yaml);
        const admin = allRoutes(doc).find((r) => r.name === ctx.names.route('getAdminStats'))!;
        expect(plugins(admin).map((p) => p.name)).toContain('pre-function');
        expect(plugins(admin).map((p) => p.name)).not.toContain('ip-restriction');
      } finally {
        map.ipRule = original;
      }
    });
  });
});
