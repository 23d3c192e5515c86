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
import { declareMappedSources } from './kept-values.js';
import { type Cfn, type Ctx } from './context.js';
import { bodyOverrides, queryOverrides } from '../body-override.js';
import { checkConfusablePaths, literalBackendPath } from './confusable.js';
import { checkBlankedQueryNames } from './query-spellings.js';
import { checkHeaderNames } from './header-names.js';
import { upstreamReachRefusals } from '../upstream-reach.js';
import { pathProblem, resourcePath } from './paths.js';
import { policyHooks } from './policies.js';
import type { OperationParts } from './policy-parts.js';

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
      ctx.report('aws-path-unsupported', { route: route.id, path: route.path, ...problem }, route.loc);
      continue;
    }
    if (!METHODS.has(route.method)) {
      ctx.report('aws-method-unsupported', { route: route.id, method: route.method }, route.loc);
      continue;
    }
    const key = resourcePath(route);
    byPath.set(key, [...(byPath.get(key) ?? []), route]);
  }

  // Routes arrive in precedence order (concrete before templated) and the paths keep it, though
  // API Gateway's resource tree picks the most specific resource whatever the order.
  const paths: Record<string, Cfn> = {};
  const upstream = new Map<Route, { origin: string; path: string }>();
  for (const [path, routes] of byPath) {
    const item: Cfn = {};
    for (const route of routes) {
      const op = operation(ctx, auth, route, integrationFunctions);
      if (!op) continue;
      item[route.method.toLowerCase()] = op;
      compiled.push(route);
      const integration = op['x-amazon-apigateway-integration'] as Cfn;
      const uri = uriText(integration.uri);
      const m = integration.type === 'http_proxy' ? /^([a-z]+:\/\/[^/]+)(\/.*)?$/.exec(uri) : null;
      if (m) upstream.set(route, { origin: originKey(integration, m[1] as string), path: m[2] ?? '/' });
      // A Lambda proxy function is given the request path itself and routes on it (a Spring
      // function drops `;` parameters the same way): its "backend path" is the resource path.
      if (integration.type === 'aws_proxy') upstream.set(route, { origin: uri, path });
    }
    // The path's own policy parts (CORS's OPTIONS preflight), through the map (policies.ts).
    for (const hook of policyHooks('pathItem')) hook(ctx, routes, item);
    item['x-amazon-apigateway-any-method'] = methodNotAllowed(Object.keys(item).map((m) => m.toUpperCase()));
    const params = routes[0]?.params ?? [];
    if (params.length > 0) item.parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    paths[path] = item;
  }

  auth.checkApiKeySchemes();
  checkConfusablePaths(ctx, upstream);
  // A header credential's name in the query, blanked by its exact name only: said at each backend.
  checkBlankedQueryNames(ctx, compiled);
  // The forwarding family's '_' spellings and Content_Length, where a backend has not said how it reads names.
  checkHeaderNames(ctx, compiled, 'rest');
  // A backend path without a parameter (a public /status with upstreamPath /admin) is no
  // confusable value: upstream-reach.ts compares it, as on the other targets.
  for (const f of upstreamReachRefusals(ctx.gateway, compiled, 'aws', literalBackendPath)) ctx.report('upstream-param-reaches-protected', f.params, f.loc);
  // `_method` in a body: API Gateway passes a body through unread (src/targets/body-override.ts).
  for (const { route, other, backend } of bodyOverrides(ctx.gateway, compiled)) {
    ctx.report('aws-body-method-override', { route: route.id, method: route.method, other: other.id, otherMethod: other.method, path: other.path, backend }, route.loc);
  }
  // `[_method]`, `_method]`, `.method` in the query: only the exact name is blanked (body-override.ts queryOverrides).
  for (const { route, other, backend } of queryOverrides(ctx.gateway, compiled)) {
    ctx.report('aws-query-method-override', { route: route.id, method: route.method, other: other.id, otherMethod: other.method, path: other.path, backend }, route.loc);
  }
  if (compiled.length === 0 && !ctx.diagnostics.some((d) => d.severity === 'error')) {
    // A REST API without a method cannot be deployed (and a webhooks-only spec has nothing to serve).
    ctx.report('aws-no-methods', { name: ctx.gateway.name }, ctx.gateway.loc);
  }
  const body: Cfn = {
    openapi: '3.0.1',
    info: { title: ctx.gateway.title, version: ctx.gateway.version },
    paths,
  };
  const schemes = auth.schemes();
  if (Object.keys(schemes).length > 0) body.components = { securitySchemes: schemes };
  if (auth.apiKeyUsed) body['x-amazon-apigateway-api-key-source'] = 'HEADER';
  body['x-amazon-apigateway-gateway-responses'] = gatewayResponses();
  if (ctx.options.binaryMediaTypes.length > 0) body['x-amazon-apigateway-binary-media-types'] = [...ctx.options.binaryMediaTypes];
  return { body, auth, integrationFunctions, routes: compiled };
}

function operation(ctx: Ctx, auth: Auth, route: Route, lambdas: Set<string>): Cfn | undefined {
  const backend = ctx.backend(route);
  if (!backend) {
    // Unreachable (the model refuses an unknown backend first): the same code if it ever is.
    ctx.report('unknown-backend', { name: route.backend, suggestion: '' }, route.loc);
    return undefined;
  }
  const integration = integrationFor(ctx, route, backend);
  if (!integration) return undefined;
  if (backend.kind === 'lambda' && backend.lambda) lambdas.add(backend.lambda.arn);
  const op: Cfn = {};
  if (route.operationId) op.operationId = route.operationId;
  if (route.summary) op.summary = route.summary;
  const security = auth.operationSecurity(route);
  // The route policies' part of the operation (the cache keys), through the map (policies.ts).
  const parts: OperationParts = { auth, security, integration: integration.integration, parameters: [] };
  for (const hook of policyHooks('operation')) hook(ctx, route, parts);
  declareMappedSources(integration.integration, parts.parameters);
  if (parts.parameters.length > 0) op.parameters = parts.parameters;
  op.responses = integration.responses;
  if (security) op.security = security;
  op['x-amazon-apigateway-integration'] = integration.integration;
  return op;
}

/**
 * An integration URI as text, to compare origins by (checkConfusablePaths). Written out today
 * (lambdaUri, backends.ts), but an intrinsic (`{ 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:...' }`)
 * printed by String() is `[object Object]`: every such function or host would be ONE origin, and a
 * Lambda one would not start with `arn:`, so it would be read as an http backend. An Fn::Sub is
 * read as its template text (its `${...}` names stay, so two different ones stay apart); any other
 * value as its JSON with sorted keys (deterministic, distinct).
 */
export function uriText(uri: unknown): string {
  if (typeof uri === 'string') return uri;
  const sub = uri && typeof uri === 'object' ? (uri as Record<string, unknown>)['Fn::Sub'] : undefined;
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (text !== undefined && (!Array.isArray(sub) || sub.length < 2 || Object.keys((sub[1] ?? {}) as object).length === 0)) return text;
  return JSON.stringify(uri, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)) ?? String(uri);
}

/**
 * Where an http_proxy integration really connects: its URI's origin, or through a VPC link the
 * link's load balancer on the URI's port whatever the host (the host is only the Host header), so
 * routes to different host names behind one link are compared as one backend.
 */
function originKey(integration: Cfn, origin: string): string {
  if (integration.connectionType !== 'VPC_LINK') return origin;
  const u = new URL(origin);
  return `vpc-link ${String(integration.connectionId)} ${u.protocol}${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

/**
 * Gateway responses: 404 instead of API Gateway's 403 "Missing Authentication Token" for an
 * unknown path (DESIGN.md section 3 rule 4; gwc never uses IAM auth, the other cause of that
 * response). The policies add theirs over the built Body (CORS headers: cors.ts; the 400 answers
 * of request validation: validators.ts).
 */
function gatewayResponses(): Record<string, Cfn> {
  return {
    MISSING_AUTHENTICATION_TOKEN: {
      statusCode: '404',
      responseTemplates: { 'application/json': '{"message":"Not Found"}' },
    },
  };
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
