/**
 * The `accessLog` policy on an HTTP API: a Stage has one access log (AccessLogSettings, written by
 * stage.ts), on when any route asks for it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
 */
import type { Route } from '../../../model/types.js';
import type { HttpCtx } from './context.js';
import type { HttpStageParts } from './policy-parts.js';

/** The `stage` hook of `accessLog` (policies.ts). */
export function accessLogStage(ctx: HttpCtx, route: Route, into: HttpStageParts): void {
  if (route.policy.accessLog && ctx.plan.enforced(route.id, 'accessLog')) into.stage.accessLog = true;
}
