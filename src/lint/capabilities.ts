/**
 * The capability check of one model for one target, made once per lint run (#18): the portability
 * rules read its diagnostics and the relayed target compile (target-refusals.ts) its plan. The
 * check is the build's own (src/targets/capability-check.ts), so sharing it changes no finding.
 */
import type { Gateway } from '../model/types.js';
import { checkCapabilities, type CheckResult } from '../targets/capability-check.js';
import type { Target } from '../targets/target.js';

const cache = new WeakMap<Gateway, Map<Target, CheckResult>>();

export function checkedCapabilities(gateway: Gateway, target: Target): CheckResult {
  let m = cache.get(gateway);
  if (!m) cache.set(gateway, (m = new Map()));
  let r = m.get(target);
  if (!r) m.set(target, (r = checkCapabilities(gateway, target)));
  return r;
}
