/** Hand-built gateway models for the nginx unit and property tests (no loader involved). */
import type { Loc } from '../../../src/diagnostics/diagnostic.js';
import { parsePath } from '../../../src/model/paths.js';
import type { Backend, Gateway, HttpMethod, ParsedUrl, Route, SecurityScheme } from '../../../src/model/types.js';
import { compileGateway } from '../../../src/api.js';

export const loc = (pointer = ''): Loc => ({ file: 'gateway.yaml', pointer });

export function url(scheme: 'http' | 'https', host: string, port: number, path = ''): ParsedUrl {
  return { raw: `${scheme}://${host}:${port}${path}`, scheme, host, port, path };
}

export function httpBackend(name: string, host = '127.0.0.1', port = 8080, path = ''): Backend {
  return { name, loc: loc(`/x-gateway/backends/${name}`), kind: 'http', targets: [{ url: url('http', host, port, path), weight: 1, loc: loc() }], hostHeader: 'backend' };
}

export function route(id: string, method: HttpMethod, path: string, extra: Partial<Route> = {}, basePath = ''): Route {
  const parsed = parsePath(basePath + path);
  return {
    id,
    operationId: id,
    loc: loc(`/paths/${id}`),
    method,
    path,
    optionalAuth: false,
    publicPath: basePath + path,
    segments: parsed.segments,
    params: parsed.params,
    hosts: [],
    backend: 'app',
    security: [],
    declaredPublic: true, // a test route with no security is public on purpose (else security-undecided)
    policy: {},
    policyNames: [],
    tags: [],
    ...extra,
  };
}

export const keyScheme = (name = 'key', where: 'header' | 'query' | 'cookie' = 'header', param = 'x-api-key'): SecurityScheme => ({
  name,
  loc: loc(`/components/securitySchemes/${name}`),
  openapiType: 'apiKey',
  kind: 'apiKey',
  apiKey: { in: where, name: param },
  hideCredentials: true,
});

export function gateway(routes: Route[], extra: Partial<Gateway> = {}): Gateway {
  return {
    name: 'test',
    loc: loc(),
    openapiVersion: '3.1.0',
    title: 'Test',
    version: '1.0.0',
    servers: [],
    basePath: '',
    hosts: [],
    backends: [httpBackend('app')],
    securitySchemes: [],
    consumers: [],
    routes,
    accepted: [],
    ...extra,
  };
}

export function build(g: Gateway, options: Record<string, string> = {}) {
  return compileGateway(g, 'nginx', options);
}
