/**
 * An operation's `x-amazon-apigateway-integration` against what gwc builds for the route. gwc
 * sends a route to its backend (x-gateway.backends, or the servers of a plain OpenAPI document);
 * an integration that sends it elsewhere (a service action such as Step Functions StartExecution,
 * a mapping-template http integration, a VPC link, another URL or function) would be replaced by
 * a proxy to that backend, so it is refused. One gwc reproduces (an http_proxy to the backend's own
 * URL for this path, an aws_proxy to the backend's function, a mock on a mock backend) builds,
 * with a warning for fields it does not carry.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
 */
import { isObj, type Obj } from '../../model/normalise/node.js';
import type { Backend, Route } from '../../model/types.js';

export type IntegrationVerdict =
  | { kind: 'unmapped'; type: string; detail: string }
  | { kind: 'partial'; fields: string[] }
  | { kind: 'same' };

/** Fields that only restate what gwc writes for a reproduced integration. */
const CARRIED = new Set(['type', 'uri', 'httpMethod', 'passthroughBehavior', 'connectionType', 'payloadFormatVersion', 'responses']);

/** arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations */
const LAMBDA_URI = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/(arn:aws[a-z-]*:lambda:[^/]+)\/invocations$/;

export function integrationVerdict(value: unknown, route: Route, backend: Backend | undefined): IntegrationVerdict {
  if (!isObj(value)) return { kind: 'unmapped', type: '(not an object)', detail: 'API Gateway would refuse the import' };
  const type = String(value.type ?? '').toLowerCase();
  const refuse = (detail: string): IntegrationVerdict => ({ kind: 'unmapped', type: type || '(none)', detail });
  if (type === 'aws') return refuse(`an AWS service action (${typeof value.uri === 'string' ? value.uri : 'its uri'}) is not a backend gwc can call; gwc would proxy the route to ${backendText(backend)}`);
  if (type === 'http') return refuse('a non-proxy http integration rewrites the request with mapping templates, which gwc does not carry');
  if (String(value.connectionType ?? 'INTERNET').toUpperCase() === 'VPC_LINK' && !backend?.vpcLink) return refuse('a VPC link integration reaches a private host; declare the backend in x-gateway.backends with vpcLink');
  const tls = isObj(value.tlsConfig) ? value.tlsConfig : {};
  if (tls.insecureSkipVerification === true && backend?.tls?.verify !== false) return refuse('tlsConfig.insecureSkipVerification would be dropped; gwc verifies the backend certificate unless x-gateway.backends says tls.verify: false');
  for (const f of ['requestParameters', 'requestTemplates']) {
    if (value[f] !== undefined) return refuse(`${f} rewrites what the backend receives (headers, path, query, body), which gwc does not carry`);
  }
  if (typeof value.uri !== 'string' && type !== 'mock') return refuse('its uri is not a plain string (a CloudFormation function?), so gwc cannot tell where it goes');
  const method = String(value.httpMethod ?? 'ANY').toUpperCase();
  if (type === 'http_proxy') {
    if (method !== 'ANY' && method !== route.method) return refuse(`it calls the backend with ${method}, gwc with the client's ${route.method}`);
    const expected = httpUrl(route, backend);
    if (!expected || !sameUrl(value.uri as string, expected)) return refuse(`it proxies to ${String(value.uri)}; gwc would proxy the route to ${expected ?? backendText(backend)}`);
  } else if (type === 'aws_proxy') {
    const fn = LAMBDA_URI.exec(String(value.uri))?.[1];
    if (!fn || backend?.kind !== 'lambda' || backend.lambda?.arn !== fn) return refuse(`it invokes ${fn ?? String(value.uri)}; gwc would send the route to ${backendText(backend)}`);
  } else if (type === 'mock') {
    if (backend?.kind !== 'mock') return refuse(`a mock answers without a backend; gwc would proxy the route to ${backendText(backend)} (declare a mock backend in x-gateway.backends)`);
    return { kind: 'partial', fields: ['requestTemplates', 'responses'].filter((f) => value[f] !== undefined) };
  } else {
    return refuse('API Gateway knows the types http, http_proxy, aws, aws_proxy and mock');
  }
  const extra = Object.keys(value).filter((k) => !CARRIED.has(k));
  return extra.length > 0 ? { kind: 'partial', fields: extra } : { kind: 'same' };
}

function backendText(backend: Backend | undefined): string {
  if (!backend) return 'its backend';
  if (backend.kind === 'lambda') return `the Lambda function ${backend.lambda?.arn ?? backend.name}`;
  const t = backend.targets[0];
  return t ? `${t.url.raw} (backend ${backend.name})` : `backend ${backend.name}`;
}

/** The URL gwc proxies the route to: its backend's only target and the upstream path. */
function httpUrl(route: Route, backend: Backend | undefined): string | undefined {
  if (!backend || backend.kind !== 'http' || backend.targets.length !== 1) return undefined;
  const u = backend.targets[0]!.url;
  return `${u.scheme}://${u.host}:${u.port}${u.path}${route.upstreamPath?.template ?? route.path}`;
}

function sameUrl(a: string, b: string): boolean {
  const parse = (s: string): Obj | undefined => {
    try {
      const u = new URL(s.replace(/[{}]/g, (c) => (c === '{' ? '%7B' : '%7D')));
      return { scheme: u.protocol, host: u.hostname.toLowerCase(), port: u.port || (u.protocol === 'https:' ? '443' : '80'), path: u.pathname, search: u.search };
    } catch {
      return undefined;
    }
  };
  const x = parse(a);
  const y = parse(b);
  return !!x && !!y && JSON.stringify(x) === JSON.stringify(y);
}
