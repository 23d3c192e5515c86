import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../src/api.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const shop = path.resolve(__dirname, '../../fixtures/shop/gateway.yaml');

describe('the gateway model', () => {
  it('normalises the shop fixture', async () => {
    const { gateway, diagnostics } = await loadGateway(shop);
    expect(diagnostics).toEqual([]);
    const g = gateway!;
    expect(g.name).toBe('shop');
    expect(g.basePath).toBe('/v1');
    expect(g.hosts).toEqual(['api.shop.example.com']);
    expect(g.backends.map((b) => `${b.name}:${b.kind}:${b.targets.length}`)).toEqual([
      'admin:http:1', 'docs:mock:0', 'orders:http:2', 'payments:http:1', 'products:lambda:1', 'users:http:1',
    ]);
    const orders = g.backends.find((b) => b.name === 'orders')!;
    expect(orders.targets.map((t) => [t.url.host, t.url.port, t.weight])).toEqual([['orders-a.internal', 8080, 3], ['orders-b.internal', 8080, 1]]);
    expect(orders.healthCheck).toMatchObject({ path: '/healthz', intervalMs: 10_000 });
    const cancel = g.routes.find((r) => r.id === 'cancelOrder')!;
    expect(cancel.security).toEqual([[{ scheme: 'apiKey', scopes: [] }, { scheme: 'bearer', scopes: ['orders:write'] }]]);
    expect(cancel.upstreamPath?.template).toBe('/orders/{orderId}/cancel');
    const list = g.routes.find((r) => r.id === 'listOrders')!;
    expect(list.security).toEqual([[{ scheme: 'apiKey', scopes: [] }], [{ scheme: 'bearer', scopes: ['orders:read'] }]]);
    expect(g.consumers.map((c) => [c.name, c.credentials.map((x) => x.kind)])).toEqual([['alice', ['apiKey']], ['ops', ['basic']]]);
    expect(g.securitySchemes.find((s) => s.name === 'bearer')?.jwt).toMatchObject({ issuer: 'https://id.shop.example.com/', audiences: ['shop'], algorithms: ['RS256'] });
  });

  it('applies the override order: operation > path item > defaults; the nearest policies list wins', async () => {
    const { gateway } = await loadGateway(shop);
    const r = (id: string) => gateway!.routes.find((x) => x.id === id)!;
    // defaults: policies [public] (100/minute by ip, cors)
    expect(r('getUser').policy.rateLimit).toMatchObject({ requests: 100, per: 'minute', by: 'ip' });
    // path item: policies [public, partner]: partner's limit overrides public's
    expect(r('listOrders').policy.rateLimit).toMatchObject({ requests: 1000, by: 'consumer' });
    expect(r('listOrders').policy.cors?.origins).toEqual(['https://shop.example.com']);
    // operation inline beats the named policies
    expect(r('createPayment').policy.rateLimit).toMatchObject({ requests: 10, per: 'second' });
    // an explicit empty list drops the defaults; only its own inline limit is left
    expect(Object.keys(r('getDocs').policy)).toEqual(['rateLimit']);
    expect(r('getDocs').policy.rateLimit).toMatchObject({ requests: 60, per: 'minute' });
    expect(r('getAdminStats').policy.ipRule?.allow).toEqual(['10.0.0.0/8', '127.0.0.1/32']);
  });

  it('applies an environment overlay, keeping locations of the overriding values', async () => {
    const { gateway } = await loadGateway(shop, { env: 'prod' });
    const users = gateway!.backends.find((b) => b.name === 'users')!;
    expect(users.targets[0]!.url).toMatchObject({ scheme: 'https', host: 'users.prod.internal', port: 443 });
    expect(users.targets[0]!.loc.pointer).toBe('/x-gateway/environments/prod/backends/users/url');
    expect(users.timeoutMs).toBe(5000); // merged, not replaced
    const bad = await loadGateway(shop, { env: 'staging' });
    expect(bad.diagnostics.map((d) => [d.code, d.params.known])).toEqual([['unknown-environment', 'prod']]);
  });

  it('loads plain OpenAPI with no x-gateway: the backend comes from servers', async () => {
    const { gateway, diagnostics } = await loadGateway(path.resolve(__dirname, '../../fixtures/plain-openapi/gateway.yaml'));
    expect(diagnostics).toEqual([]);
    expect(gateway!.basePath).toBe('');
    expect(gateway!.backends).toHaveLength(1);
    expect(gateway!.backends[0]!.targets[0]!.url).toMatchObject({ host: 'petstore.internal', port: 8080, path: '/api' });
    expect(gateway!.routes.map((r) => `${r.method} ${r.publicPath}`)).toEqual(['GET /pets', 'GET /pets/{petId}']);
  });

  it('keeps an anonymous alternative ({}) as optional auth, and root security as the default', async () => {
    const text = `${HEAD}security: [{ k: [] }]\nx-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /a:\n    get: { responses: { "200": { description: ok } } }\n  /b:\n    get: { security: [{ k: [] }, {}], responses: { "200": { description: ok } } }\ncomponents:\n  securitySchemes:\n    k: { type: apiKey, in: query, name: key }\n`;
    const { gateway } = await gatewayOf(text);
    expect(gateway!.routes.map((r) => [r.id, r.security.length, r.optionalAuth])).toEqual([['get_a', 1, false], ['get_b', 1, true]]);
  });

  it('refuses a bearer scheme with no way to verify it, and unsupported scheme types', async () => {
    const text = `${HEAD}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /a:\n    get: { security: [{ b: [] }], responses: { "200": { description: ok } } }\n  /c:\n    get: { security: [{ m: [] }], responses: { "200": { description: ok } } }\ncomponents:\n  securitySchemes:\n    b: { type: http, scheme: bearer }\n    m: { type: mutualTLS }\n`;
    const { gateway, diagnostics } = await gatewayOf(text);
    expect(gateway).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(['scheme-unverifiable', 'scheme-unsupported']);
  });

  it('refuses secrets written inline and masks them in the message', async () => {
    const text = `${HEAD}x-gateway:\n  backends: { app: { url: http://app:80 } }\n  consumers:\n    bob: { credentials: { k: supersecretvalue } }\npaths: {}\ncomponents:\n  securitySchemes:\n    k: { type: apiKey, in: header, name: X-Key }\n`;
    const { diagnostics } = await gatewayOf(text);
    expect(diagnostics.map((d) => d.code)).toContain('schema-invalid');
    expect(JSON.stringify(diagnostics)).not.toContain('supersecretvalue');
  });

  it('reports duplicate routes and operationIds', async () => {
    const text = `${HEAD}x-gateway:\n  backends: { app: { url: http://app:80 } }\npaths:\n  /u/{a}:\n    get: { operationId: x, responses: { "200": { description: ok } } }\n  /u/{b}:\n    get: { operationId: x, responses: { "200": { description: ok } } }\n`;
    const { diagnostics } = await gatewayOf(text);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['operation-id-duplicate', 'route-duplicate']);
  });
});
