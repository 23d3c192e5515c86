/**
 * The `requestHeaders` policy on an HTTP API: integration RequestParameters `overwrite:header.NAME`
 * (static values) and `remove:header.NAME` on HTTP proxy integrations. Reserved headers cannot be
 * mapped, and a Lambda integration takes no mapping at all (the function receives the request as
 * sent): both refused. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
 */
import type { Route } from '../../../model/types.js';
import type { HttpCtx } from './context.js';
import { isMappableHeader } from './headers.js';
import type { HttpIntegrationParts } from './policy-parts.js';

/** The `integration` hook of `requestHeaders` (policies.ts): the mappings; false after a refusal. */
export function requestHeadersMapping(ctx: HttpCtx, route: Route, into: HttpIntegrationParts): boolean {
  const ops = route.policy.requestHeaders;
  if (!ops || !ctx.plan.enforced(route.id, 'requestHeaders')) return true;
  if (into.kind === 'lambda') {
    ctx.report('aws-http-header-unmappable', { route: route.id, header: [...Object.keys(ops.set), ...ops.remove].join(', '), detail: 'cannot be set or removed on a Lambda integration (the function receives the request as sent)' }, ops.loc);
    return false;
  }
  const params = into.requestParameters;
  for (const [name, value] of Object.entries(ops.set)) {
    const why = !isMappableHeader(name) ? 'is reserved by HTTP APIs (or not a header name) and cannot be mapped' : /[$\u0000-\u001f\u007f]/.test(value) ? 'has a value with $ or a control character, which a static mapping value cannot carry' : undefined;
    if (why) {
      ctx.report('aws-http-header-unmappable', { route: route.id, header: name, detail: why }, ops.loc);
      return false;
    }
    params[`overwrite:header.${name}`] = value;
  }
  for (const name of ops.remove) {
    if (!isMappableHeader(name)) {
      ctx.report('aws-http-header-unmappable', { route: route.id, header: name, detail: 'is reserved by HTTP APIs (or not a header name) and cannot be removed' }, ops.loc);
      return false;
    }
    params[`remove:header.${name}`] = '';
  }
  return true;
}
