/**
 * The `rateLimit` policy on API Gateway REST. Throttling on a Stage is per route for all clients
 * together; a usage plan's per-method throttle is per API key
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 */
import { compareText } from '../../diagnostics/collate.js';
import type { RateLimit, Route } from '../../model/types.js';
import { usesApiKeys } from './auth.js';
import type { Ctx } from './context.js';
import { resourcePath } from './paths.js';
import type { StageParts } from './policy-parts.js';

const SECONDS: Record<RateLimit['per'], number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/**
 * A token bucket refilling at requests/period and holding a period's `requests` plus the spec's
 * `burst` ("requests allowed above the rate"), as nginx's burst = requests - 1 + burst: a larger
 * `burst` never gives a smaller bucket (it used to replace `requests`, so burst 50 on 100/minute
 * held 50 where burst 0 held 100).
 */
function throttle(rl: RateLimit): { rate: number; burst: number } {
  const rate = Math.round((rl.requests / SECONDS[rl.per]) * 1e6) / 1e6;
  return { rate, burst: rl.requests + rl.burst };
}

/**
 * The `stage` hook of `rateLimit` (policies.ts): the usage plan's per-method throttle when the
 * limit is per API key, else the method's one bucket on the Stage (warned), or refused when it
 * counts by another header.
 */
export function throttleMethod(ctx: Ctx, route: Route, into: StageParts): void {
  const rl = route.policy.rateLimit;
  if (!rl || !ctx.plan.enforced(route.id, 'rateLimit')) return;
  const t = throttle(rl);
  // API Gateway counts per caller only by API key (the usage plan's per-method throttle); a
  // limit by the API-key header itself is that too. Anything else is the stage's one bucket.
  const keyHeader = typeof rl.by === 'object' && rl.by.header.toLowerCase() === 'x-api-key';
  const perKey = (rl.by === 'consumer' || keyHeader) && requiresApiKey(ctx, route);
  if (perKey) {
    // A usage plan counts per API key, and stage.ts deploys every key a consumer lists: a consumer
    // holding n keys of the route's scheme would get n times the limit (nginx and Kong count the
    // consumer, by: consumer and by: {header: X-Api-Key} alike: the header is the credential, the
    // caller its consumer; RL19). Fail closed at the limit, naming them.
    const several = multiKeyConsumers(ctx, route);
    if (several.length > 0) {
      ctx.report('aws-limit-consumer-keys', { route: route.id, consumers: several.join(', ') }, rl.loc);
      return;
    }
  }
  if (perKey) into.usagePlanThrottle[`${resourcePath(route)}/${route.method}`] = { RateLimit: t.rate, BurstLimit: t.burst };
  else if (typeof rl.by === 'object') {
    // A header's values (a tenant, a client id) cannot be counted apart: one bucket any caller could drain for all.
    ctx.report('aws-limit-key-unsupported', { route: route.id, header: rl.by.header }, rl.loc);
  } else {
    ctx.report('aws-limit-shared-bucket', { route: route.id, by: rl.by }, rl.loc);
    into.method.ThrottlingRateLimit = t.rate;
    into.method.ThrottlingBurstLimit = t.burst;
  }
}

function requiresApiKey(ctx: Ctx, route: Route): boolean {
  return route.security.length === 1 && ctx.plan.enforced(route.id, 'auth.apiKey') &&
    (route.security[0] ?? []).some((i) => usesApiKeys(ctx.scheme(i.scheme)));
}

/** The consumers holding more than one API key of a scheme the route requires (each key its own usage plan bucket). */
function multiKeyConsumers(ctx: Ctx, route: Route): string[] {
  const schemes = new Set((route.security[0] ?? []).map((i) => i.scheme).filter((sch) => usesApiKeys(ctx.scheme(sch))));
  return ctx.gateway.consumers
    .filter((c) => new Set(c.credentials.flatMap((cred) => (cred.kind === 'apiKey' && schemes.has(cred.scheme) ? [cred.key.raw] : []))).size > 1)
    .map((c) => c.name)
    .sort(compareText);
}
