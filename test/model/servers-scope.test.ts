/**
 * #13.7: path-item and operation `servers` scope their routes (an internal host stays internal),
 * server-variable enums are every host they list, and what cannot be served is refused or said.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';

const X = 'x-gateway:\n  backends:\n    app: { url: https://app.internal.example }\n';
const OP = (id: string, extra = '') => `      operationId: ${id}\n      x-gateway: { public: true }\n${extra}      responses: { '200': { description: ok } }\n`;

const scoped = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
${X}paths:
  /admin:
    servers: [{ url: https://admin.internal.example/v1 }]
    get:
${OP('adminGet')}    post:
      servers: [{ url: https://ops.internal.example/v1 }, { url: /v1 }]
${OP('adminPost')}  /pub:
    get:
${OP('pubGet')}`;

describe('path-item and operation servers', () => {
  it('scope routes to the nearest list: path item, then operation (a relative server keeps the enclosing hosts)', async () => {
    const { gateway, diagnostics } = await gatewayOf(scoped);
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const hosts = Object.fromEntries(gateway!.routes.map((r) => [r.id, r.hosts]));
    expect(hosts).toEqual({
      adminGet: ['admin.internal.example'],
      adminPost: ['admin.internal.example', 'ops.internal.example'],
      pubGet: ['api.example.com'],
    });
    expect(gateway!.routes.find((r) => r.id === 'adminGet')!.publicPath).toBe('/v1/admin');
  });

  it('the internal route is not served on the public host by any target (or the target refuses)', async () => {
    const file = writeSpec(scoped);
    for (const target of ['kong', 'traefik', 'nginx']) {
      const built = await buildTarget(file, { target });
      expect(built.diagnostics.filter((d) => d.severity === 'error'), target).toEqual([]);
      if (target === 'traefik') expect(built.files[0]!.contents).toContain('Host(`admin.internal.example`) && PathRegexp(`^/v1/admin$`)');
      const text = built.files.map((f) => f.contents).join('\n');
      expect(text, target).toContain('admin.internal.example');
    }
    // API Gateway cannot route on the host: refused, never served on the API's host.
    const aws = await buildTarget(file, { target: 'aws' });
    expect(aws.files).toEqual([]);
    expect(aws.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('a list with another base path is refused at its servers node', async () => {
    const text = `${HEAD}servers: [{ url: https://api.example.com/v1 }]\n${X}paths:\n  /a:\n    servers: [{ url: https://internal.example/v2 }]\n    get:\n${OP('a')}`;
    const { diagnostics } = await gatewayOf(text);
    const d = diagnostics.find((x) => x.code === 'route-servers-base-path')!;
    expect(d.params).toEqual({ basePath: '/v2', served: '/v1' });
    expect(d.position).toEqual({ line: 9, column: 5 });
  });

  it('plain OpenAPI keeps reading them as upstreams', async () => {
    const text = `${HEAD}servers: [{ url: https://api.example.com }]\npaths:\n  /a:\n    servers: [{ url: https://other.example.com }]\n    get:\n${OP('a')}`;
    const { gateway } = await gatewayOf(text);
    expect(gateway!.routes[0]!.hosts).toEqual([]);
    const backend = gateway!.backends.find((b) => b.name === gateway!.routes[0]!.backend)!;
    expect(backend.targets[0]!.url.host).toBe('other.example.com');
  });
});

describe('server variable enums', () => {
  const withEnum = (values: string[]) =>
    `${HEAD}servers:\n  - url: https://{region}.api.example.com/v1\n    variables: { region: { default: eu, enum: [${values.join(', ')}] } }\n${X}paths:\n  /a:\n    get:\n${OP('a')}`;

  it('every alternative is a host', async () => {
    const { gateway, diagnostics } = await gatewayOf(withEnum(['eu', 'us', 'ap']));
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(gateway!.hosts).toEqual(['ap.api.example.com', 'eu.api.example.com', 'us.api.example.com']);
    expect(gateway!.routes[0]!.hosts).toEqual(gateway!.hosts);
  });

  it('over the cap is refused at the variables', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `r${i}`);
    const { diagnostics } = await gatewayOf(withEnum(many));
    const d = diagnostics.find((x) => x.code === 'server-variables-too-many')!;
    expect(d.params).toMatchObject({ count: 41, limit: 32 });
    expect(d.position).toEqual({ line: 5, column: 5 });
  });

  it('an alternative giving another base path is said, not dropped silently', async () => {
    const text = `${HEAD}servers:\n  - url: https://api.example.com/{v}\n    variables: { v: { default: v1, enum: [v1, v2] } }\n${X}paths:\n  /a:\n    get:\n${OP('a')}`;
    const { gateway, diagnostics } = await gatewayOf(text);
    expect(gateway!.basePath).toBe('/v1');
    const d = diagnostics.find((x) => x.code === 'server-base-path-ignored')!;
    expect(d.params).toEqual({ url: 'https://api.example.com/v2', basePath: '/v2', served: '/v1' });
    expect(d.position).toEqual({ line: 4, column: 5 });
  });
});
