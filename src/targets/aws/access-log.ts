/**
 * The `accessLog` policy on API Gateway REST: a Stage has one access log (AccessLogSetting, written
 * by stage.ts), on when any route asks for it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import type { StageParts } from './policy-parts.js';

/** The `stage` hook of `accessLog` (policies.ts). */
export function accessLogStage(ctx: Ctx, route: Route, into: StageParts): void {
  if (route.policy.accessLog && ctx.plan.enforced(route.id, 'accessLog')) into.stage.accessLog = true;
}
