/**
 * The RestApi `Body`: the spec turned into the OpenAPI 3.0.1 document API Gateway imports
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/import-edge-optimized-api.html).
 * API Gateway rejects 3.1, so the document is written fresh from the model as 3.0.1 rather than
 * converted from the source: only what API Gateway acts on (paths, path and cache-key parameters,
 * security, integrations, the x-amazon-apigateway-* extensions) is carried over.
 */
import type { Route } from '../../model/types.js';
import { Auth } from './auth.js';
import { integrationFor } from './backends.js';
import { type Cfn, type Ctx } from './context.js';
import { gatewayResponses, preflight } from './cors.js';
import { isHeaderName } from './escape.js';
import { pathProblem, resourcePath } from './paths.js';

/** API Gateway's method names; TRACE is not one. */
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH']);

export interface BodyResult {
  body: Cfn;
  auth: Auth;
  /** Lambda function ARNs that integrations invoke. */
  integrationFunctions: Set<string>;
  /** The routes that made it into the Body, in precedence order. */
  routes: Route[];
}

export function buildBody(ctx: Ctx): BodyResult {
  const auth = new Auth(ctx);
  const integrationFunctions = new Set<string>();
  const compiled: Route[] = [];
  const byPath = new Map<string, Route[]>();
  for (const route of ctx.gateway.routes) {
    const problem = pathProblem(route);
    if (problem) {
      ctx.error(`route ${route.id}: ${problem}`, route.loc);
      continue;
    }
    if (!METHODS.has(route.method)) {
      ctx.error(`route ${route.id}: API Gateway has no ${route.method} method`, route.loc);
      continue;
    }
    const key = resourcePath(route);
    byPath.set(key, [...(byPath.get(key) ?? []), route]);
  }

  // Routes arrive in precedence order (concrete before templated) and the paths keep it, though
  // API Gateway's resource tree picks the most specific resource whatever the order.
  const paths: Record<string, Cfn> = {};
  for (const [path, routes] of byPath) {
    const item: Cfn = {};
    for (const route of routes) {
      const op = operation(ctx, auth, route, integrationFunctions);
      if (!op) continue;
      item[route.method.toLowerCase()] = op;
      compiled.push(route);
    }
    const options = preflight(ctx, routes);
    if (options) item.options = options;
    item['x-amazon-apigateway-any-method'] = methodNotAllowed(Object.keys(item).map((m) => m.toUpperCase()));
    const params = routes[0]?.params ?? [];
    if (params.length > 0) item.parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    paths[path] = item;
  }

  const body: Cfn = {
    openapi: '3.0.1',
    info: { title: ctx.gateway.title, version: ctx.gateway.version },
    paths,
  };
  const schemes = auth.schemes();
  if (Object.keys(schemes).length > 0) body.components = { securitySchemes: schemes };
  if (auth.apiKeyUsed) body['x-amazon-apigateway-api-key-source'] = 'HEADER';
  body['x-amazon-apigateway-gateway-responses'] = gatewayResponses(ctx);
  if (ctx.options.binaryMediaTypes.length > 0) body['x-amazon-apigateway-binary-media-types'] = [...ctx.options.binaryMediaTypes];
  return { body, auth, integrationFunctions, routes: compiled };
}

function operation(ctx: Ctx, auth: Auth, route: Route, lambdas: Set<string>): Cfn | undefined {
  const backend = ctx.backend(route);
  if (!backend) {
    ctx.error(`route ${route.id}: no backend named ${route.backend}`, route.loc);
    return undefined;
  }
  const integration = integrationFor(ctx, route, backend);
  if (!integration) return undefined;
  if (backend.kind === 'lambda' && backend.lambda) lambdas.add(backend.lambda.arn);
  const op: Cfn = {};
  if (route.operationId) op.operationId = route.operationId;
  if (route.summary) op.summary = route.summary;
  const headerParams = cacheKeys(ctx, route, integration.integration);
  if (headerParams.length > 0) op.parameters = headerParams;
  op.responses = integration.responses;
  const security = auth.operationSecurity(route);
  if (security) op.security = security;
  op['x-amazon-apigateway-integration'] = integration.integration;
  return op;
}

/**
 * Cache keys: the path parameters and the declared key headers; every key must also be a
 * method request parameter (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html).
 */
function cacheKeys(ctx: Ctx, route: Route, integration: Cfn): Cfn[] {
  const cache = route.policy.cache;
  if (!cache || !ctx.plan.enforced(route.id, 'cache') || !cache.methods.includes(route.method)) return [];
  const keys = route.params.map((p) => `method.request.path.${p}`);
  const params: Cfn[] = [];
  for (const h of cache.keyHeaders) {
    if (!isHeaderName(h)) {
      ctx.error(`route ${route.id}: cache key header ${JSON.stringify(h)} is not a header name`, cache.loc);
      continue;
    }
    keys.push(`method.request.header.${h}`);
    params.push({ name: h, in: 'header', required: false, schema: { type: 'string' } });
  }
  if (cache.keyQuery) {
    ctx.warn(
      `route ${route.id}: API Gateway keys its cache on declared query parameters only and the model does not carry them, so responses are cached regardless of the query string`,
      cache.loc,
    );
  }
  if (keys.length > 0) integration.cacheKeyParameters = keys;
  return params;
}

/** Methods the path does not declare get 405 with Allow (DESIGN.md section 3 rule 4) from a mock ANY method. */
function methodNotAllowed(declared: string[]): Cfn {
  const allow = declared.filter((m) => METHODS.has(m)).join(', ');
  return {
    responses: { '405': { description: 'method not allowed', headers: { Allow: { schema: { type: 'string' } } } } },
    'x-amazon-apigateway-integration': {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 405}' },
      passthroughBehavior: 'when_no_match',
      responses: {
        default: {
          statusCode: '405',
          responseParameters: { 'method.response.header.Allow': `'${allow}'` },
          responseTemplates: { 'application/json': '{"message":"Method Not Allowed"}' },
        },
      },
    },
  };
}
