/**
 * Kong's answer for every route policy (issue #17 item 5): the plugin function of policies.ts that
 * compiles it, or `UNSUPPORTED` where kongCapabilities refuses the policy's feature. The route
 * compile calls through this map (`policyPlugins`), so a new PolicyId fails to compile here until
 * Kong names its plugin for it; test/targets/kong/policy-map.test.ts checks it against the table.
 */
import { POLICY_IDS } from '../../model/policies/ids.js';
import type { Route } from '../../model/types.js';
import { UNSUPPORTED, type PolicyMap } from '../policy-map.js';
import type { Ctx, Entity } from './context.js';
import {
  corsPlugin,
  fileLog,
  ipRestriction,
  proxyCache,
  rateLimiting,
  requestSizeLimiting,
  requestTransformer,
  responseTransformer,
  type KongPolicy,
  type RoutePlugins,
} from './policies.js';

export const KONG_POLICIES: PolicyMap<KongPolicy> = {
  rateLimit: rateLimiting,
  cors: corsPlugin,
  cache: proxyCache,
  ipRule: ipRestriction,
  bodyLimit: requestSizeLimiting,
  // request-transformer is on every route: it also carries the upstream path and removes what no
  // client may send (identity, override and forwarding headers), with or without the policy.
  requestHeaders: requestTransformer,
  responseHeaders: responseTransformer,
  accessLog: fileLog,
  // Kong OSS has no request validator (request-validator and oas-validation are Enterprise-only).
  validate: UNSUPPORTED,
};

/**
 * The route's policy plugins, one per policy the route uses, in POLICY_IDS order (the compile
 * sorts plugins by name after). An `UNSUPPORTED` policy is never reached enforced: the capability
 * check refused the route, or the user accepted dropping it.
 */
export function policyPlugins(ctx: Ctx, route: Route, at: RoutePlugins): Entity[] {
  const out: Entity[] = [];
  for (const id of POLICY_IDS) {
    const compile = KONG_POLICIES[id];
    if (compile === UNSUPPORTED) continue;
    const plugin = compile(ctx, route, at);
    if (plugin) out.push(plugin);
  }
  return out;
}
