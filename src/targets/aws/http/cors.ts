/**
 * CORS: an HTTP API has one CorsConfiguration for all routes; API Gateway answers preflights and
 * adds the headers to every response (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
 * Routes with different policies (or some with none) would all get the one configuration, which
 * widens some of them: refused.
 */
import type { Cors, Route } from '../../../model/types.js';
import type { Cfn } from '../context.js';
import type { HttpCtx } from './context.js';

/** The `api` hook of `cors` (policies.ts): the Api's CorsConfiguration, when the routes built use CORS. */
export function corsApi(ctx: HttpCtx, routes: readonly Route[], api: Cfn): void {
  const cors = corsConfiguration(ctx, routes);
  if (cors) api.CorsConfiguration = cors;
}

export function corsConfiguration(ctx: HttpCtx, routes: readonly Route[]): Cfn | undefined {
  const of = (r: Route): Cors | undefined => (r.policy.cors && ctx.plan.enforced(r.id, 'cors') ? r.policy.cors : undefined);
  const first = routes.find((r) => of(r));
  if (!first) return undefined;
  const want = signature(of(first));
  for (const r of routes) {
    if (signature(of(r)) !== want) {
      ctx.report('aws-http-cors-mixed', { route: r.id, other: first.id }, of(r)?.loc ?? r.loc);
      return undefined;
    }
  }
  const c = of(first)!;
  const methods = c.methods.length > 0 ? c.methods : [...new Set(routes.map((r) => r.method))].sort();
  const out: Cfn = { AllowOrigins: [...c.origins], AllowMethods: [...methods], AllowCredentials: c.credentials };
  if (c.headers.length > 0) out.AllowHeaders = [...c.headers];
  if (c.exposeHeaders.length > 0) out.ExposeHeaders = [...c.exposeHeaders];
  if (c.maxAgeSeconds !== undefined) out.MaxAge = c.maxAgeSeconds;
  return out;
}

function signature(c: Cors | undefined): string {
  if (!c) return 'none';
  const s = (l: readonly string[]) => [...l].map((x) => x.toLowerCase()).sort();
  return JSON.stringify([s(c.origins), s(c.methods), s(c.headers), s(c.exposeHeaders), c.credentials, c.maxAgeSeconds ?? null]);
}
