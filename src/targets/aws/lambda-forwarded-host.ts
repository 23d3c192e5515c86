/**
 * A Lambda backend and the client's own X-Forwarded-Host (closing note of session 20, item 1; the
 * HTTP backend's case is aws-http-forwarded-host, http/integrations.ts).
 *
 * A Lambda proxy integration (REST `aws_proxy`, HTTP API `AWS_PROXY`) takes no request parameters:
 * the event's headers are the client's, and API Gateway writes no X-Forwarded-Host of its own
 * (it sets X-Forwarded-For, -Port and -Proto), so a client's `X-Forwarded-Host: evil.example`
 * reaches the function as sent, on both flavours. A function behind an adapter that rebuilds an HTTP
 * request for a web framework (serverless-http with Express `trust proxy`, the Lambda Web Adapter
 * with Django USE_X_FORWARDED_HOST, Rails, Spring's ForwardedHeaderFilter) builds links, redirects
 * and password-reset mails from it. gwc cannot blank it (REST blanks it for an HTTP backend,
 * neutralise.ts): a warning once per Lambda backend, at the backend, on every route (a reset route
 * is public). test/security/fwd21-aws-lambda-forwarded-host.test.ts.
 */
import type { Backend } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';

/** Says once per Lambda backend that its function is handed the client's X-Forwarded-Host. */
export function warnLambdaForwardedHost(ctx: TargetContext<unknown>, backend: Backend): void {
  if (backend.kind === 'lambda' && ctx.once(`lambda forwarded host ${backend.name}`)) ctx.report('aws-lambda-forwarded-host', { backend: backend.name }, backend.loc);
}
