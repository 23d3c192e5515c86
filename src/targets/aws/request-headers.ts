/**
 * The `requestHeaders` policy on API Gateway REST: static values set through the http_proxy
 * integration's request parameters, quoted as API Gateway literals. A parameter mapping can only
 * map a value, never remove a header, so `remove` is refused; a Lambda proxy integration takes no
 * request parameters at all (the function receives the request as sent), so any operation there
 * is refused. https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { isHeaderName, staticValue } from './escape.js';
import type { IntegrationParts } from './policy-parts.js';

/** The `integration` hook of `requestHeaders` (policies.ts), called while backends.ts builds the integration. */
export function requestHeadersIntegration(ctx: Ctx, route: Route, into: IntegrationParts): void {
  const ops = route.policy.requestHeaders;
  if (!ops || !ctx.plan.enforced(route.id, 'requestHeaders')) return;
  if (into.kind === 'aws_proxy') {
    ctx.report('aws-lambda-request-headers', { route: route.id }, ops.loc);
    return;
  }
  // A mock integration forwards nothing: there is no request to set a header on.
  if (into.kind !== 'http_proxy') return;
  if (ops.remove.length > 0) {
    ctx.report('aws-request-header-remove', { route: route.id, headers: ops.remove.join(', ') }, ops.loc);
  }
  for (const name of Object.keys(ops.set).sort()) {
    const v = staticValue(ops.set[name] ?? '');
    if (!isHeaderName(name) || v === undefined) {
      ctx.report('aws-request-header-invalid', { route: route.id, header: name }, ops.loc);
      continue;
    }
    into.requestParameters[`integration.request.header.${name}`] = v;
  }
}
