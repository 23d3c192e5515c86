/**
 * The capability check of one model for one target, made once per lint run (#18): the portability
 * rules read its diagnostics and the relayed target compile (target-refusals.ts) its plan. The
 * check is the build's own (src/targets/capability-check.ts), so sharing it changes no finding.
 */
import { routeFeatures, type FeatureUse } from '../model/route-features.js';
import type { Gateway, Route } from '../model/types.js';
import { checkCapabilities, type CheckResult } from '../targets/capability-check.js';
import type { Target } from '../targets/target.js';
import type { LintContext } from './rule.js';

// Kept per lint run (its context), not per model: the model outlives the rules (the command
// returns it), the plans and their diagnostics need not (#18: lint's memory at 10,000 routes).
const cache = new WeakMap<LintContext, Map<Target, CheckResult>>();

/** The check of the run's model (`gateway`, the run's `ctx.gateway`) for `target`; another model's (an environment's) is made each time. */
export function checkedCapabilities(ctx: LintContext, gateway: Gateway, target: Target): CheckResult {
  if (ctx.gateway !== undefined && gateway !== ctx.gateway) return checkCapabilities(gateway, target);
  let m = cache.get(ctx);
  if (!m) cache.set(ctx, (m = new Map()));
  let r = m.get(target);
  if (!r) m.set(target, (r = checkCapabilities(gateway, target, featuresOf(ctx, gateway))));
  return r;
}

// A route's feature uses are the model's, the same for every target: read once per run (#18:
// four capability checks and capability-emulated each read all 10,000 routes' before).
const features = new WeakMap<LintContext, { gateway: Gateway; of: (route: Route) => readonly FeatureUse[] }>();

/** `routeFeatures(gateway, route)` of the run's model, each route's made once per lint run. */
export function featuresOf(ctx: LintContext, gateway: Gateway): (route: Route) => readonly FeatureUse[] {
  const had = features.get(ctx);
  if (had && had.gateway === gateway) return had.of;
  const byRoute = new Map<Route, readonly FeatureUse[]>();
  const of = (route: Route) => {
    let uses = byRoute.get(route);
    if (!uses) byRoute.set(route, (uses = routeFeatures(gateway, route)));
    return uses;
  };
  features.set(ctx, { gateway, of });
  return of;
}
