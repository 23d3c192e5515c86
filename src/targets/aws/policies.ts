/**
 * API Gateway REST's answer for every route policy (issue #17 item 5): the hooks of the compiler
 * that emit it (`AwsPolicy`, policy-parts.ts), or `UNSUPPORTED` where capabilities.ts refuses its
 * feature. The compile calls the policies only through this map (`policyHooks`), so a new
 * `PolicyId` fails to compile until this target names its code for it;
 * test/targets/aws/policy-map.test.ts checks the map against the capability table.
 */
import { POLICY_IDS } from '../../model/policies/ids.js';
import { UNSUPPORTED, type PolicyMap } from '../policy-map.js';
import { accessLogStage } from './access-log.js';
import { cacheKeys, cacheMethodSettings, inertFormBody } from './cache.js';
import { corsGatewayResponses, corsMockOrigin, corsPreflight } from './cors.js';
import type { AwsPolicy } from './policy-parts.js';
import { ipRuleResourcePolicy } from './policy.js';
import { requestHeadersIntegration } from './request-headers.js';
import { throttleMethod } from './throttle.js';
import { applyValidation } from './validators.js';

export const AWS_POLICIES: PolicyMap<AwsPolicy> = {
  // Stage MethodSettings (one bucket per method) or the usage plan's per-key method throttle.
  rateLimit: { stage: throttleMethod },
  // An OPTIONS mock per path, CORS headers on the gateway's own responses and on a mock's answer.
  cors: { integration: corsMockOrigin, pathItem: corsPreflight, body: corsGatewayResponses },
  // Cache key parameters on the operation, CachingEnabled/TTL in the method settings, and a form
  // body made inert on a cached method (Content-Type emptied: cache.ts inertFormBody).
  cache: { integration: inertFormBody, operation: cacheKeys, stage: cacheMethodSettings },
  // The RestApi resource policy (aws:SourceIp).
  ipRule: { restApi: ipRuleResourcePolicy },
  bodyLimit: UNSUPPORTED,
  // Integration request parameters with static values.
  requestHeaders: { integration: requestHeadersIntegration },
  responseHeaders: UNSUPPORTED,
  // The Stage's AccessLogSetting.
  accessLog: { stage: accessLogStage },
  // Request validators, models and the 400 gateway responses in the Body.
  validate: { body: applyValidation },
};

/**
 * The hooks of one place of the compile, in `POLICY_IDS` order (the order the compile wrote them
 * in before the map, which the goldens pin: throttle before cache in a method's settings, CORS
 * headers before the validation answers in the gateway responses).
 */
export function policyHooks<K extends keyof AwsPolicy>(place: K): Array<NonNullable<AwsPolicy[K]>> {
  const hooks: Array<NonNullable<AwsPolicy[K]>> = [];
  for (const id of POLICY_IDS) {
    const policy = AWS_POLICIES[id];
    if (policy === UNSUPPORTED) continue;
    const hook = policy[place];
    if (hook) hooks.push(hook as NonNullable<AwsPolicy[K]>);
  }
  return hooks;
}
