/**
 * The routes: one AWS::ApiGatewayV2::Route per operation, keyed `METHOD /path` (the OpenAPI path;
 * the base path is the stage or the domain's mapping key), with its authorization (auth.ts) and
 * its integration (integrations.ts). HTTP APIs pick the most specific route, a literal segment
 * before a `{param}` one (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
 */
import { bearerInQuery } from '../../bearer.js';
import type { ParamsOf } from '../../../diagnostics/codes.js';
import type { Route } from '../../../model/types.js';
import { bodyOverrides, queryOverrides } from '../../body-override.js';
import { checkConfusablePaths, literalBackendPath } from '../confusable.js';
import { upstreamReachRefusals } from '../../upstream-reach.js';
import { ref } from '../context.js';
import { routeAuthorization } from './auth.js';
import { Authorizers } from './authorizers.js';
import { HTTP_IDS, type HttpCtx } from './context.js';
import { isMappableHeader } from './headers.js';
import { buildIntegration } from './integrations.js';
import { checkHeaderNames } from '../header-names.js';
import { checkQuerySpellings } from '../query-spellings.js';
import { checkLambdaSpellings } from '../lambda-spellings.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const SEGMENT = /^([A-Za-z0-9._~!$&'()*+,;=:@-]+|\{[A-Za-z0-9._-]+\})$/;

export interface BuiltRoutes {
  /** Route key -> logical id, for the stage's RouteSettings. */
  keys: Map<Route, { key: string; id: string }>;
  /** Lambda functions API Gateway invokes as integrations or authorizers. */
  integrationFunctions: Set<string>;
  authorizerFunctions: Set<string>;
}

export function buildRoutes(ctx: HttpCtx): BuiltRoutes {
  const authorizers = new Authorizers(ctx);
  const keys = new Map<Route, { key: string; id: string }>();
  const integrationFunctions = new Set<string>();
  const upstream = new Map<Route, { origin: string; path: string }>();
  for (const route of ctx.gateway.routes) {
    const key = routeKey(ctx, route);
    const backend = ctx.backend(route);
    if (!key || !backend) continue;
    const auth = routeAuthorization(ctx, authorizers, route);
    if (!auth) continue;
    const hide = hiddenHeaders(ctx, route, backend.kind === 'lambda');
    if (!hide) continue;
    // remove:querystring.NAME names one parameter exactly, as the REST mapping does (query-spellings.ts).
    if (backend.kind === 'lambda') checkLambdaSpellings(ctx, route, backend);
    else if (backend.kind !== 'mock') checkQuerySpellings(ctx, route, backend);
    const integration = buildIntegration(ctx, route, backend, hide);
    if (!integration) continue;
    if (integration.lambdaArn) integrationFunctions.add(integration.lambdaArn);
    upstream.set(route, integration.upstream);
    const id = ctx.namer.id('Route', route.id);
    ctx.resources[id] = {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: { ApiId: ref(HTTP_IDS.api), RouteKey: key, ...auth, OperationName: route.id, Target: { 'Fn::Join': ['/', ['integrations', ref(integration.id)]] } },
    };
    keys.set(route, { key, id });
  }
  // HTTP APIs decode a path parameter's value again after matching (REST keeps it encoded), so a
  // value can carry '/' and '..' segments: https://github.com/middleapi/standard-server/pull/93,
  // test/security/redteam-aws-http.test.ts. Fail closed: any differently protected route reachable.
  checkConfusablePaths(ctx, upstream, { slashes: true });
  // The forwarding family's '_' spellings, where a backend has not said how it reads names (header-names.ts).
  checkHeaderNames(ctx, [...keys.keys()], 'http');
  // A backend path without a parameter is upstream-reach.ts's (as on the REST API).
  for (const f of upstreamReachRefusals(ctx.gateway, [...keys.keys()], 'aws', literalBackendPath)) ctx.report('upstream-param-reaches-protected', f.params, f.loc);
  // `_method` in a body: API Gateway passes a body through unread (src/targets/body-override.ts).
  for (const found of bodyOverrides(ctx.gateway, [...keys.keys()])) {
    const { route, other } = found;
    // The REST flavour's code and params; `backend` names where `methodOverride: none` would go.
    const backend = (found as { backend?: string }).backend;
    const params = { route: route.id, method: route.method, other: other.id, otherMethod: other.method, path: other.path, ...(backend ? { backend } : {}) };
    ctx.report('aws-body-method-override', params as ParamsOf<'aws-body-method-override'>, route.loc);
  }
  // `[_method]`, `_method]`, `.method` in the query: only the exact name is removed (body-override.ts queryOverrides).
  for (const { route, other, backend } of queryOverrides(ctx.gateway, [...keys.keys()])) {
    ctx.report('aws-query-method-override', { route: route.id, method: route.method, other: other.id, otherMethod: other.method, path: other.path, backend }, route.loc);
  }
  return { keys, integrationFunctions, authorizerFunctions: authorizers.functions };
}

function routeKey(ctx: HttpCtx, route: Route): string | undefined {
  if (!METHODS.has(route.method)) {
    ctx.report('aws-http-method-unsupported', { route: route.id, method: route.method }, route.loc);
    return undefined;
  }
  const parts = route.path.split('/').slice(1);
  const bad = route.path === '/' ? undefined : parts.find((p) => !SEGMENT.test(p));
  if (bad !== undefined) {
    const detail = bad === '' ? 'has an empty segment (a trailing or double slash), which an HTTP API route key cannot hold' : `has a segment "${bad}" an HTTP API route key cannot hold (a segment is literal text or one whole {param})`;
    ctx.report('aws-http-path-unsupported', { route: route.id, path: route.path, detail }, route.pathLoc ?? route.loc);
    return undefined;
  }
  return `${route.method} ${route.path}`;
}

/**
 * DESIGN.md 7.3: the credentials the route's authorizer verified, removed before the backend.
 * A reserved header (Authorization) cannot be removed by a parameter mapping, and a Lambda event
 * carries every header: such a credential is refused at its scheme unless it says
 * hideCredentials: false. Undefined after a refusal.
 */
/** Mapping targets (`header.NAME`, `querystring.NAME`) to remove, or undefined after a refusal. */
function hiddenHeaders(ctx: HttpCtx, route: Route, lambda: boolean): string[] | undefined {
  const out: string[] = [];
  for (const item of route.security.flat()) {
    const scheme = ctx.scheme(item.scheme);
    // RFC 6750 section 2.3: a token in ?access_token= is never one the JWT or Lambda authorizer
    // verified (it reads its header): removed whatever hideCredentials says (red team 2 and 3).
    if (scheme && (scheme.kind === 'jwt' || bearerInQuery(scheme)) && !out.includes('querystring.access_token')) out.push('querystring.access_token');
    if (!scheme?.hideCredentials) continue;
    const key = scheme.kind === 'apiKey' ? scheme.apiKey : undefined;
    // A cookie key whose backend reads no cookie (backendCookies: none): the whole Cookie header (AWS8).
    const wholeCookie = key?.in === 'cookie' && scheme.backendCookies === 'none';
    const header = key ? (key.in === 'header' ? key.name : wholeCookie ? 'Cookie' : undefined) : (scheme.jwt?.header ?? 'authorization');
    // A query parameter can be removed by name (remove:querystring.NAME); a cookie is one part of a
    // reserved-free but whole Cookie header, which cannot be taken apart.
    const query = key?.in === 'query' && /^[A-Za-z0-9._~-]+$/.test(key.name) ? key.name : undefined;
    const where = header ? `header ${header}` : `${key?.in ?? 'request'} ${key?.name ?? ''}`.trim();
    const why = lambda ? `${where}, sent to a Lambda function in its event` : query ? undefined : !header ? where : !isMappableHeader(header) ? `${where}, which HTTP APIs reserve` : undefined;
    if (why) {
      if (ctx.once(`unhidden ${scheme.name} ${lambda}`)) ctx.report('aws-http-credential-unhidden', { scheme: scheme.name, where: why }, scheme.loc);
      return undefined;
    }
    out.push(query ? `querystring.${query}` : `header.${header!}`);
  }
  return [...new Set(out)];
}
