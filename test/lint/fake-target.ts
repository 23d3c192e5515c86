/** A target made of data only, so portability tests do not depend on the real targets' tables. */
import { FEATURE_IDS, type FeatureId } from '../../src/model/features.js';
import { POLICY_FEATURE, POLICY_IDS } from '../../src/model/policies/ids.js';
import { UNSUPPORTED, type PolicyMap } from '../../src/targets/policy-map.js';
import type { Capability, CapabilityTable, Target } from '../../src/targets/target.js';

/** A policy map agreeing with `capabilities`: a no-op where supported, UNSUPPORTED where not. */
export function fakePolicies(capabilities: CapabilityTable): PolicyMap<unknown> {
  return Object.fromEntries(POLICY_IDS.map((id) => [id, capabilities[POLICY_FEATURE[id]].support === 'unsupported' ? UNSUPPORTED : () => undefined])) as PolicyMap<unknown>;
}

export function fakeTarget(name: string, overrides: Partial<Record<FeatureId, Capability>> = {}, limits?: Target['limits']): Target {
  const capabilities = Object.fromEntries(FEATURE_IDS.map((f) => [f, overrides[f] ?? { support: 'native' }])) as CapabilityTable;
  return { name, title: name, output: '-', capabilities, policies: fakePolicies(capabilities), ...(limits ? { limits } : {}), compile: () => ({ files: [], diagnostics: [] }) };
}
