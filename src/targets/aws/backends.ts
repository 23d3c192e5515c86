/**
 * `x-amazon-apigateway-integration` per route: http_proxy for URL backends, aws_proxy for Lambda,
 * mock for mock backends.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
 */
import type { Backend, Route } from '../../model/types.js';
import { type Cfn, type Ctx } from './context.js';
import { isHeaderName, staticValue, vtlLiteral } from './escape.js';
import { credentialParameter } from './auth.js';
import { connectionOf } from './network.js';
import { lambdaUri } from './lambda-arn.js';
import { policyHooks } from './policies.js';
import { checkQuerySpellings } from './query-spellings.js';
import type { IntegrationParts } from './policy-parts.js';
import { hideUnenforced, refuseUnenforcedOnLambda } from './unenforced.js';
import { checkLambdaSpellings } from './lambda-spellings.js';
import { headerNaming } from './header-names.js';
import { neutraliseOverrides } from './neutralise.js';
import { keepVerifiedValues } from './kept-values.js';
import { mapContextHeaders } from './context-headers.js';

// Moved to lambda-arn.ts (authorizers.ts needs them too, and backends.ts imports auth): re-exported.
export { lambdaArnParts, lambdaUri } from './lambda-arn.js';

export interface Integration {
  integration: Cfn;
  /** OpenAPI responses of the operation (the method responses API Gateway creates). */
  responses: Record<string, Cfn>;
}

export function integrationFor(ctx: Ctx, route: Route, backend: Backend): Integration | undefined {
  if (backend.kind === 'mock') return mockIntegration(ctx, route, backend);
  const timeout = timeoutOf(ctx, route, backend);
  if (backend.kind === 'lambda') {
    const arn = backend.lambda?.arn ?? '';
    const uri = lambdaUri(arn);
    if (!uri) {
      ctx.report('aws-lambda-arn-invalid', { owner: 'backend', name: backend.name, arn }, backend.lambda?.loc ?? backend.loc);
      return undefined;
    }
    if (route.upstreamPath) {
      ctx.report('aws-lambda-upstream-path', { route: route.id }, route.upstreamPath.loc);
    }
    applyPolicies(ctx, route, { kind: 'aws_proxy', backend, requestParameters: {}, responseHeaders: {} });
    // An OR route's alternatives that are not enforced: nothing can be blanked on the way to a function.
    refuseUnenforcedOnLambda(ctx, route, backend.name);
    // The verified credential's other spellings are in the event too (lambda-spellings.ts).
    checkLambdaSpellings(ctx, route, backend);
    return {
      integration: { type: 'aws_proxy', httpMethod: 'POST', uri, passthroughBehavior: 'when_no_match', ...timeout },
      responses: { '200': { description: 'the Lambda function response' } },
    };
  }
  return httpIntegration(ctx, route, backend, timeout);
}

function timeoutOf(ctx: Ctx, route: Route, backend: Backend): Cfn {
  // REST integrations have one timeout (timeoutInMillis, the whole exchange); a connect timeout
  // has nowhere to go: said once per backend, at the backend (API_Integration.html).
  if (backend.connectTimeoutMs !== undefined && ctx.once(`connect-timeout ${backend.name}`)) {
    ctx.report('aws-connect-timeout-ignored', { backend: backend.name, ms: backend.connectTimeoutMs }, backend.loc);
  }
  const ms = route.timeoutMs ?? backend.timeoutMs;
  if (ms === undefined) return {};
  const max = ctx.options.maxTimeoutMs;
  if (ms > max) {
    ctx.report('aws-timeout-too-long', { route: route.id, ms, max }, backend.loc);
    return { timeoutInMillis: max };
  }
  if (ms < 50) {
    ctx.report('aws-timeout-too-short', { route: route.id, ms, min: 50 }, backend.loc);
    return { timeoutInMillis: 50 };
  }
  return { timeoutInMillis: ms };
}

function httpIntegration(ctx: Ctx, route: Route, backend: Backend, timeout: Cfn): Integration | undefined {
  const target = backend.targets[0];
  if (!target) {
    ctx.report('aws-backend-no-url', { backend: backend.name }, backend.loc);
    return undefined;
  }
  const { url } = target;
  const defaultPort = url.scheme === 'https' ? 443 : 80;
  const origin = `${url.scheme}://${url.host}${url.port === defaultPort ? '' : `:${url.port}`}`;
  const path = url.path + (route.upstreamPath?.template ?? route.path);
  const uri = origin + path;
  // RFC 3986 characters only: API Gateway requires a fully formed, encoded URL, and anything else
  // could not be checked here.
  if (!/^[A-Za-z0-9._~:/?#@!$&'()*+,;=%{}[\]-]+$/.test(uri)) {
    ctx.report('aws-backend-url-invalid', { backend: backend.name, uri }, backend.loc);
    return undefined;
  }
  const connection = connectionOf(ctx, backend);
  if (!connection) return undefined;
  // A query credential is blanked by its exact name only: refused unless the backend reads no
  // other spelling (the error fails the build; the integration is still made, so nothing else cascades).
  checkQuerySpellings(ctx, route, backend);
  const requestParameters: Record<string, string> = {};
  for (const p of route.params) requestParameters[`integration.request.path.${p}`] = `method.request.path.${p}`;
  const integration: Cfn = {
    type: 'http_proxy',
    httpMethod: route.method,
    uri,
    ...connection,
    passthroughBehavior: 'when_no_match',
    ...timeout,
  };
  tls(ctx, route, backend, integration);
  applyPolicies(ctx, route, { kind: 'http_proxy', backend, requestParameters, responseHeaders: {} });
  hideCredentials(ctx, route, requestParameters);
  hideUnenforced(ctx, route, requestParameters);
  mapContextHeaders(ctx, route, requestParameters);
  neutraliseOverrides(ctx, route, requestParameters, headerNaming(backend));
  keepVerifiedValues(ctx, route, requestParameters);
  if (backend.hostHeader === 'client') {
    ctx.report('aws-host-header-client', { backend: backend.name }, backend.loc);
  }
  if (Object.keys(requestParameters).length > 0) integration.requestParameters = requestParameters;
  return { integration, responses: { '200': { description: 'passed through from the backend' } } };
}

/** https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-integration-tls-config.html */
function tls(ctx: Ctx, route: Route, backend: Backend, integration: Cfn): void {
  const t = backend.tls;
  const target = backend.targets[0];
  if (!t || !target || target.url.scheme !== 'https' || !ctx.plan.enforced(route.id, 'backend.tls')) return;
  if (t.caFile) ctx.report('aws-tls-ca-file', { backend: backend.name }, t.loc);
  if (t.serverName && t.serverName.toLowerCase() !== target.url.host.toLowerCase()) {
    ctx.report('aws-tls-server-name', { backend: backend.name, serverName: t.serverName }, t.loc);
  }
  if (!t.verify) integration.tlsConfig = { insecureSkipVerification: true };
}

/**
 * The route policies' part of the integration, through the map (policies.ts): `requestHeaders`
 * sets its static values here (request-headers.ts), CORS names a mock's origin (cors.ts).
 */
function applyPolicies(ctx: Ctx, route: Route, into: IntegrationParts): void {
  for (const hook of policyHooks('integration')) hook(ctx, route, into);
}

/**
 * Hide credentials: an http_proxy integration forwards every header, so overwrite the credential
 * headers with an empty static value. Written after the policies' parameters, so a requestHeaders
 * value for a credential header of the same spelling is replaced by the empty one.
 */
function hideCredentials(ctx: Ctx, route: Route, params: Record<string, string>): void {
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (!s?.hideCredentials) continue;
      // A header or query parameter name outside the token characters never compiled (the scheme is refused).
      const p = credentialParameter(s);
      if (p && isHeaderName(p.name)) params[`integration.request.${p.in}.${p.name}`] = "''";
    }
  }
}

function mockIntegration(ctx: Ctx, route: Route, backend: Backend): Integration | undefined {
  const mock = backend.mock;
  if (!mock) return undefined;
  const body = vtlLiteral(mock.body);
  if (body === undefined) {
    ctx.report('aws-mock-body-vtl', { backend: backend.name }, mock.loc);
    return undefined;
  }
  const status = String(mock.status);
  const responseParameters: Record<string, string> = {};
  const headers: Record<string, Cfn> = {};
  const all: Record<string, string> = { 'Content-Type': mock.contentType, ...mock.headers };
  applyPolicies(ctx, route, { kind: 'mock', backend, requestParameters: {}, responseHeaders: all });
  for (const name of Object.keys(all).sort()) {
    const v = staticValue(all[name] ?? '');
    if (!isHeaderName(name) || v === undefined) {
      ctx.report('aws-mock-header-invalid', { backend: backend.name, header: name }, mock.loc);
      continue;
    }
    responseParameters[`method.response.header.${name}`] = v;
    headers[name] = { schema: { type: 'string' } };
  }
  return {
    integration: {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      passthroughBehavior: 'when_no_match',
      responses: {
        default: { statusCode: status, responseParameters, responseTemplates: { [mock.contentType]: body } },
      },
    },
    responses: { [status]: { description: 'mock response', headers } },
  };
}
