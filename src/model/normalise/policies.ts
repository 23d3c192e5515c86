/**
 * Policies: named bundles and inline settings, merged in the override order of DESIGN.md
 * section 2 (operation > path item > root defaults). The nearest level that lists `policies`
 * picks the bundles; inline settings then override per feature, farthest first; `false` removes.
 * Each policy merges its own keys (its unit's `apply`, src/model/policies/); this file only runs
 * them, in the registry's order.
 */
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { BUNDLED_POLICIES } from '../policies/index.js';
import type { Policy } from '../types.js';
import { isObj, type Walker } from './node.js';

/** Applies the policy settings found in `node` onto `into` (later calls override earlier ones). */
export function applyPolicySettings(w: Walker, node: Located, into: Policy, out: Diagnostic[]): void {
  if (!isObj(node.value)) return;
  for (const unit of BUNDLED_POLICIES) unit.apply(w, node, into, out);
}
