/**
 * The capability check of one model for one target, made once per lint run (#18): the portability
 * rules read its diagnostics and the relayed target compile (target-refusals.ts) its plan. The
 * check is the build's own (src/targets/capability-check.ts), so sharing it changes no finding.
 */
import type { Gateway } from '../model/types.js';
import { checkCapabilities, type CheckResult } from '../targets/capability-check.js';
import type { Target } from '../targets/target.js';
import type { LintContext } from './rule.js';

// Kept per lint run (its context), not per model: the model outlives the rules (the command
// returns it), the plans and their diagnostics need not (#18: lint's memory at 10,000 routes).
const cache = new WeakMap<LintContext, Map<Target, CheckResult>>();

/** The check of the run's model (`gateway`, the run's `ctx.gateway`) for `target`. */
export function checkedCapabilities(ctx: LintContext, gateway: Gateway, target: Target): CheckResult {
  let m = cache.get(ctx);
  if (!m) cache.set(ctx, (m = new Map()));
  let r = m.get(target);
  if (!r) m.set(target, (r = checkCapabilities(gateway, target)));
  return r;
}
