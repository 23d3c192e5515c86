/**
 * The `rateLimit` policy on an HTTP API: Stage RouteSettings ThrottlingRateLimit/BurstLimit per
 * route key, one bucket for all callers of the route. HTTP APIs have no usage plans, so a limit
 * per caller (consumer, header) cannot be kept and is refused; `by: ip` is warned.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 */
import type { RateLimit, Route } from '../../../model/types.js';
import type { HttpCtx } from './context.js';
import type { HttpStageParts } from './policy-parts.js';

const SECONDS: Record<RateLimit['per'], number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** The `stage` hook of `rateLimit` (policies.ts): the route key's RouteSettings. */
export function throttleRoute(ctx: HttpCtx, route: Route, into: HttpStageParts): void {
  const rl = route.policy.rateLimit;
  if (!rl || !ctx.plan.enforced(route.id, 'rateLimit')) return;
  if (rl.by !== 'ip') {
    ctx.report('aws-http-limit-per-caller', { route: route.id, by: typeof rl.by === 'object' ? `header ${rl.by.header}` : rl.by }, rl.loc);
    return;
  }
  // Said once per rateLimit the spec writes (a policy's limit is one line, not one per route).
  if (ctx.once(`shared ${rl.loc.file}#${rl.loc.pointer}`)) ctx.report('aws-http-limit-shared-bucket', { route: route.id }, rl.loc);
  // Same bucket as the REST flavour: refills at requests/period, holds requests + burst.
  into.routeSettings[into.key] = { ThrottlingRateLimit: Math.round((rl.requests / SECONDS[rl.per]) * 1e6) / 1e6, ThrottlingBurstLimit: rl.requests + rl.burst };
  // RouteSettings name route keys: the stage must be created after the routes exist.
  into.dependsOn.push(into.id);
}
