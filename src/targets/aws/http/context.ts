/**
 * The state one HTTP API compile threads through src/targets/aws/http: the REST flavour's Ctx
 * (itself the shared TargetContext<AwsOptions> of src/targets/base-context.ts, with the template
 * maps and namer, so shared checks such as confusable.ts run unchanged) plus the HTTP API's own
 * logical ids.
 */
import type { Gateway } from '../../../model/types.js';
import type { CapabilityPlan } from '../../capability-check.js';
import { Ctx } from '../context.js';
import type { AwsOptions } from '../options.js';

/** Fixed logical ids of the HTTP API template; user-derived ids carry a prefix and never take them. */
export const HTTP_IDS = {
  api: 'HttpApi',
  stage: 'Stage',
  domain: 'CustomDomain',
  mapping: 'ApiMapping',
  certificate: 'CertificateArn',
  accessLog: 'AccessLogDestinationArn',
} as const;

export class HttpCtx extends Ctx {
  constructor(gateway: Gateway, plan: CapabilityPlan, options: AwsOptions) {
    super(gateway, plan, options);
    // Reserve the HTTP ids too (the REST ones are reserved by Ctx).
    for (const id of Object.values(HTTP_IDS)) this.namer.id(id, '');
  }
}

/** HTTP API integration timeout bounds (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html). */
export const HTTP_MIN_TIMEOUT_MS = 50;
export const HTTP_MAX_TIMEOUT_MS = 30_000;
