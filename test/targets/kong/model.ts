/**
 * Hand-written gateway models for the Kong tests (the loader is not needed to test the compiler),
 * plus a permissive capability plan built with the real capability check.
 */
import type { Loc } from '../../../src/diagnostics/diagnostic.js';
import type { Backend, Gateway, HttpMethod, ParsedUrl, Route, SecurityScheme } from '../../../src/model/types.js';
import { parsePath } from '../../../src/model/paths.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { kongTarget } from '../../../src/targets/kong/index.js';

export const loc = (pointer = ''): Loc => ({ file: 'gateway.yaml', pointer });

export function url(raw: string): ParsedUrl {
  const u = new URL(raw);
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  return { raw, scheme, host: u.hostname, port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80, path: u.pathname.replace(/\/$/, '') };
}

export function backend(name: string, ...urls: string[]): Backend {
  return { name, loc: loc(`/x-gateway/backends/${name}`), kind: 'http', targets: urls.map((u) => ({ url: url(u), weight: 1, loc: loc() })), hostHeader: 'backend' };
}

export function route(id: string, method: HttpMethod, path: string, extra: Partial<Route> = {}, basePath = ''): Route {
  const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  return {
    id,
    operationId: id,
    loc: loc(`/paths/${path.replace(/\//g, '~1')}/${method.toLowerCase()}`),
    method,
    path,
    optionalAuth: false,
    publicPath: basePath + path,
    segments: parsePath(basePath + path).segments,
    params,
    hosts: [],
    backend: 'users',
    security: [],
    declaredPublic: true, // a test route with no security is public on purpose (else security-undecided)
    policy: {},
    policyNames: [],
    tags: [],
    ...extra,
  };
}

export const apiKey: SecurityScheme = {
  name: 'apiKey', loc: loc('/components/securitySchemes/apiKey'), openapiType: 'apiKey', kind: 'apiKey',
  apiKey: { in: 'header', name: 'x-api-key' }, hideCredentials: true,
};
export const basic: SecurityScheme = {
  name: 'adminBasic', loc: loc('/components/securitySchemes/adminBasic'), openapiType: 'http', kind: 'basic',
  basic: { realm: 'shop-admin' }, hideCredentials: true,
};
export const bearer: SecurityScheme = {
  name: 'bearer', loc: loc('/components/securitySchemes/bearer'), openapiType: 'http', kind: 'jwt',
  jwt: { issuer: 'https://id.shop.example.com/', audiences: ['shop'], algorithms: ['RS256'], publicKeys: [{ kind: 'env', name: 'JWT_PUBLIC_KEY', raw: '${env:JWT_PUBLIC_KEY}' }], header: 'Authorization', clockSkewSeconds: 0 },
  hideCredentials: false,
};

/** A shop-like gateway exercising every feature Kong compiles. */
export function shop(): Gateway {
  const base = '/v1';
  const orders = backend('orders', 'http://orders-a.internal:8080', 'http://orders-b.internal:8080');
  orders.targets[0]!.weight = 3;
  orders.healthCheck = { path: '/healthz', intervalMs: 10000, timeoutMs: 2000, healthyThreshold: 2, unhealthyThreshold: 3, loc: loc() };
  orders.timeoutMs = 10000;
  const users = backend('users', 'http://users.internal:8080');
  users.timeoutMs = 5000;
  users.connectTimeoutMs = 2000;
  users.retries = 2;
  const payments = backend('payments', 'https://payments.internal:8443');
  payments.tls = { verify: true, serverName: 'payments.internal', loc: loc() };
  const docs: Backend = { name: 'docs', loc: loc(), kind: 'mock', targets: [], hostHeader: 'backend', mock: { status: 200, body: '{"docs":"https://docs.shop.example.com"}', contentType: 'application/json', headers: { 'X-Mock': 'yes' }, loc: loc() } };
  const publicPolicy = {
    rateLimit: { requests: 100, per: 'minute' as const, by: 'ip' as const, burst: 0, loc: loc() },
    cors: { origins: ['https://shop.example.com'], methods: ['GET', 'POST', 'DELETE'] as HttpMethod[], headers: ['Content-Type', 'Authorization', 'X-Api-Key'], exposeHeaders: [], credentials: false, maxAgeSeconds: 600, loc: loc() },
  };
  const key = [[{ scheme: 'apiKey', scopes: [] }]];
  const keyOrJwt = [[{ scheme: 'apiKey', scopes: [] }], [{ scheme: 'bearer', scopes: [] }]];
  return {
    name: 'shop', loc: loc(), openapiVersion: '3.1.0', title: 'Shop API', version: '1.4.0',
    servers: [{ url: 'https://api.shop.example.com/v1', scheme: 'https', host: 'api.shop.example.com', port: 443, basePath: base, loc: loc() }],
    basePath: base, hosts: [],
    backends: [users, orders, payments, docs, backend('admin', 'http://admin.internal:8080/api')],
    securitySchemes: [apiKey, bearer, basic],
    consumers: [
      { name: 'alice', loc: loc(), groups: ['partners'], credentials: [{ scheme: 'apiKey', kind: 'apiKey', key: { kind: 'env', name: 'ALICE_API_KEY', raw: '${env:ALICE_API_KEY}' }, loc: loc() }] },
      { name: 'ops', loc: loc(), groups: [], credentials: [{ scheme: 'adminBasic', kind: 'basic', username: 'ops', password: { kind: 'env', name: 'OPS_PASSWORD', raw: '${env:OPS_PASSWORD}' }, loc: loc() }] },
    ],
    routes: [
      route('createUser', 'POST', '/users', { security: key, policy: { ...publicPolicy, bodyLimit: { bytes: 65536, loc: loc() }, requestHeaders: { set: { 'X-Gateway': 'shop' }, remove: ['X-Debug'], loc: loc() } } }, base),
      route('getMe', 'GET', '/users/me', { security: key, policy: publicPolicy, upstreamPath: { template: '/internal/users/current', loc: loc() } }, base),
      route('getUser', 'GET', '/users/{id}', { security: key, policy: { ...publicPolicy, cache: { ttlMs: 60000, methods: ['GET'], keyHeaders: [], keyQuery: true, loc: loc() } }, upstreamPath: { template: '/internal/users/{id}', loc: loc() } }, base),
      route('listOrders', 'GET', '/orders', { backend: 'orders', security: keyOrJwt, policy: publicPolicy }, base),
      route('createOrder', 'POST', '/orders', { backend: 'orders', security: keyOrJwt, policy: publicPolicy, timeoutMs: 30000 }, base),
      route('getOrder', 'GET', '/orders/{orderId}', { backend: 'orders', security: keyOrJwt, policy: publicPolicy }, base),
      route('cancelOrder', 'DELETE', '/orders/{orderId}', { backend: 'orders', security: [[{ scheme: 'apiKey', scopes: [] }, { scheme: 'bearer', scopes: [] }]], policy: publicPolicy, upstreamPath: { template: '/orders/{orderId}/cancel', loc: loc() } }, base),
      route('createPayment', 'POST', '/payments', { backend: 'payments', security: [[{ scheme: 'bearer', scopes: [] }]], policy: { rateLimit: { requests: 10, per: 'second', by: 'consumer', burst: 0, loc: loc() }, responseHeaders: { set: { 'Cache-Control': 'no-store' }, remove: [], loc: loc() } } }, base),
      route('getDocs', 'GET', '/docs', { backend: 'docs', declaredPublic: true, policy: { accessLog: { format: 'json', loc: loc() } } }, base),
      route('getAdminStats', 'GET', '/admin/stats', { backend: 'admin', security: [[{ scheme: 'adminBasic', scopes: [] }]], policy: { ipRule: { allow: ['10.0.0.0/8', '127.0.0.1/32'], deny: [], loc: loc() } }, upstreamPath: { template: '/stats', loc: loc() } }, base),
    ],
    accepted: [{ target: 'kong', feature: 'auth.jwt', reason: 'audience checked by the backend', loc: loc('/x-gateway/accept/kong') }],
  };
}

export function compile(g: Gateway, options: Record<string, string> = {}) {
  const check = checkCapabilities(g, kongTarget);
  const result = kongTarget.compile(g, check.plan, { options });
  return { check, ...result, yaml: result.files[0]?.contents ?? '' };
}
