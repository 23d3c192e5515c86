/**
 * A route to a Lambda function (REST `aws_proxy`, HTTP API `AWS_PROXY`) and the other spellings of
 * the credential API Gateway verified for it (closing14.md "Still open" 7).
 *
 * A proxy integration takes no request parameters, so nothing gwc blanks or removes on the way to
 * an HTTP backend can be blanked on the way to a function: its event holds every header and query
 * parameter as the client sent them (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 * A function reading its request through an adapter that rebuilds a CGI or PHP request (Bref,
 * serverless-wsgi, aws-lambda-wsgi, Laravel Vapor) reads `X_Token` as HTTP_X_TOKEN, the verified
 * `X-Token` itself (last one wins), and `?api_key[]=` or `?API_KEY=` as `api_key`. So
 * `X-Token: <alice's> X_Token: <bob's>` passes the authorizer on alice's token and the function
 * acts for bob.
 *
 * Fail closed, as for an HTTP backend's query credential (aws-query-credential-spellings, whose
 * check this applies to functions as well): a route whose verified header credential has a `-` or
 * `_` in its name is refused, `aws-lambda-header-spellings`, once per scheme at the route's security
 * line, unless the backend says its function reads header names exactly
 * (`x-gateway.backends.NAME.headerNames: exact`: a handler reading `event.headers` by key, Mangum/
 * ASGI, Node; flagged by gwc diff as trust-added). Authorization, Cookie and other names without a
 * separator have no other spelling. An alternative that is not enforced (auth.or) is
 * aws-or-lambda-unenforced's: its carriers, spellings included, are refused there.
 * test/security/aws-lambda-spellings.test.ts.
 */
import { AUTH_FEATURE } from '../../model/route-features.js';
import type { Backend, Route } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';
import { schemeCarriers } from '../credential-carriers.js';
import { separatorSpellings } from '../header-spellings.js';
import { compareText } from '../../diagnostics/collate.js';
import { checkQuerySpellings } from './query-spellings.js';
import { warnLambdaForwardedHost } from './lambda-forwarded-host.js';

/** Refuses what a Lambda route's event would hand its function in a spelling API Gateway never checked. */
export function checkLambdaSpellings(ctx: TargetContext<unknown>, route: Route, backend: Backend): void {
  warnLambdaForwardedHost(ctx, backend); // the event's X-Forwarded-Host is the client's too
  checkQuerySpellings(ctx, route, backend);
  if (backend.headerNames?.value === 'exact') return;
  const alt = route.security[0];
  if (!alt) return;
  for (const item of alt) {
    const s = ctx.scheme(item.scheme);
    if (!s || !ctx.plan.enforced(route.id, AUTH_FEATURE[s.kind])) continue;
    const headers = [...new Set(schemeCarriers(s).filter((c) => c.in === 'header' && separatorSpellings(c.name).length > 0).map((c) => c.name))].sort(compareText);
    if (headers.length === 0) continue;
    const example = separatorSpellings(headers[0]!).find((v) => v.includes('_')) ?? headers[0]!;
    ctx.report('aws-lambda-header-spellings', { route: route.id, scheme: s.name, headers: headers.join(', '), example, backend: backend.name }, route.securityLoc ?? route.loc);
  }
}
