/**
 * API Gateway HTTP APIs' answer for every route policy (issue #17 item 5): the hooks of this
 * flavour's compiler that emit it (`AwsHttpPolicy`, policy-parts.ts), or `UNSUPPORTED` where
 * this flavour's capabilities.ts refuses its feature. The compile calls the policies only through
 * this map (`httpPolicyHooks`), so a new `PolicyId` fails to compile until the flavour names its
 * code for it; test/targets/aws/policy-map.test.ts checks the map against the capability table.
 */
import { POLICY_IDS } from '../../../model/policies/ids.js';
import { UNSUPPORTED, type PolicyMap } from '../../policy-map.js';
import { accessLogStage } from './access-log.js';
import { corsApi } from './cors.js';
import type { AwsHttpPolicy } from './policy-parts.js';
import { requestHeadersMapping } from './request-headers.js';
import { throttleRoute } from './throttle.js';

export const AWS_HTTP_POLICIES: PolicyMap<AwsHttpPolicy> = {
  // Stage RouteSettings: one bucket per route key.
  rateLimit: { stage: throttleRoute },
  // The Api's one CorsConfiguration.
  cors: { api: corsApi },
  cache: UNSUPPORTED,
  ipRule: UNSUPPORTED,
  bodyLimit: UNSUPPORTED,
  // Integration RequestParameters overwrite:/remove:header.NAME.
  requestHeaders: { integration: requestHeadersMapping },
  responseHeaders: UNSUPPORTED,
  // The Stage's AccessLogSettings.
  accessLog: { stage: accessLogStage },
  validate: UNSUPPORTED,
};

/** The hooks of one place of the compile, in `POLICY_IDS` order. */
export function httpPolicyHooks<K extends keyof AwsHttpPolicy>(place: K): Array<NonNullable<AwsHttpPolicy[K]>> {
  const hooks: Array<NonNullable<AwsHttpPolicy[K]>> = [];
  for (const id of POLICY_IDS) {
    const policy = AWS_HTTP_POLICIES[id];
    if (policy === UNSUPPORTED) continue;
    const hook = policy[place];
    if (hook) hooks.push(hook as NonNullable<AwsHttpPolicy[K]>);
  }
  return hooks;
}
