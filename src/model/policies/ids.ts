/**
 * The route policies, by id: the settings a route takes from named bundles, `defaults`, the path
 * item and the operation (`Policy` in model/types.ts), plus `validate`. Each has a unit in this
 * folder (`PolicyUnit`, unit.ts) and each target names, in its `policies` map
 * (src/targets/policy-map.ts), the function that compiles it or says it cannot: adding an id here
 * fails to compile until every target answers it.
 */
import type { FeatureId } from '../features.js';

export const POLICY_IDS = [
  'rateLimit',
  'cors',
  'cache',
  'ipRule',
  'bodyLimit',
  'requestHeaders',
  'responseHeaders',
  'accessLog',
  'validate',
] as const;

export type PolicyId = (typeof POLICY_IDS)[number];

/** The feature each policy is answered under in the capability tables (model/features.ts). */
export const POLICY_FEATURE = {
  rateLimit: 'rateLimit',
  cors: 'cors',
  cache: 'cache',
  ipRule: 'ipRule',
  bodyLimit: 'bodyLimit',
  requestHeaders: 'requestHeaders',
  responseHeaders: 'responseHeaders',
  accessLog: 'accessLog',
  validate: 'validation',
} as const satisfies Record<PolicyId, FeatureId>;
