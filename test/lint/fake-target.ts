/** A target made of data only, so portability tests do not depend on the real targets' tables. */
import { FEATURE_IDS, type FeatureId } from '../../src/model/features.js';
import type { Capability, CapabilityTable, Target } from '../../src/targets/target.js';

export function fakeTarget(name: string, overrides: Partial<Record<FeatureId, Capability>> = {}, limits?: Target['limits']): Target {
  const capabilities = Object.fromEntries(FEATURE_IDS.map((f) => [f, overrides[f] ?? { support: 'native' }])) as CapabilityTable;
  return { name, title: name, output: '-', capabilities, ...(limits ? { limits } : {}), compile: () => ({ files: [], diagnostics: [] }) } as Target;
}
