/**
 * Where API Gateway can connect and what it cannot honour: a backend host that only exists on a
 * private network is refused at its URL unless it goes through a VPC link (spec `vpcLink` or
 * `--option vpcLink`) or the user says it is public (`--option publicHosts`); connectTimeout is a
 * warning at the backend (REST integrations have one timeout); a spec with no route builds nothing.
 */
import { describe, expect, it } from 'vitest';
import { isPrivateHost } from '../../../src/targets/aws/network.js';
import { build, coded, spec } from './security-helpers.js';

const one = (backend: Record<string, unknown>) => spec({ '/a': { get: { operationId: 'a', security: [] } }, '/b': { get: { operationId: 'b', security: [] } } }, { backends: { app: backend } });
const integration = (t: Record<string, any>) => t.Resources.RestApi.Properties.Body.paths['/a'].get['x-amazon-apigateway-integration'];

describe('aws: backends on private hosts', () => {
  const PRIVATE = [
    'orders.internal', 'orders.internal.', 'ORDERS.Internal', 'printer.local', 'localhost', 'api.localhost', 'orders', 'nas.home.arpa', 'svc.lan', 'x.corp',
    '10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
    '[::1]', '[fd00::1]', '[fe80::1]', '[::ffff:10.0.0.1]', '[::ffff:7f00:1]', '[::]', '[::10.0.0.1]', '[2002:a00:1::1]', '198.51.100.7', '[2001:db8::1]',
  ];
  const PUBLIC = ['app.example.com', 'internal.example.com', 'api.internal-tools.io', '8.8.8.8', '172.32.0.1', '[2606:4700::1111]', '[::ffff:8.8.8.8]'];

  it.each(PRIVATE)('%s is refused at the backend URL, once for all its routes', async (host) => {
    const b = await build(one({ url: `http://${host}:8080` }));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-backend-private-host')).toEqual([
      { code: 'aws-backend-private-host', params: { backend: 'app', host: expect.any(String) }, pointer: '/x-gateway/backends/app/url' },
    ]);
  });

  it.each(PUBLIC)('%s is connected over the internet', async (host) => {
    expect(isPrivateHost(host)).toBe(false);
    const b = await build(one({ url: `https://${host}` }));
    expect(b.errors).toEqual([]);
    expect(integration(b.t!).connectionType).toBe('INTERNET');
  });

  it('a vpcLink on the backend makes a private integration', async () => {
    const b = await build(one({ url: 'http://orders.internal:8080', vpcLink: 'abc123' }));
    expect(b.errors).toEqual([]);
    expect(integration(b.t!)).toMatchObject({ type: 'http_proxy', uri: 'http://orders.internal:8080/a', connectionType: 'VPC_LINK', connectionId: 'abc123' });
  });

  it('--option vpcLink covers private hosts only; --option publicHosts takes the user at their word', async () => {
    const s = spec({ '/a': { get: { operationId: 'a', security: [] } }, '/p': { get: { operationId: 'p', security: [], 'x-gateway': { backend: 'pub' } } } }, {
      backends: { app: { url: 'http://10.0.0.5:8080' }, pub: { url: 'https://pub.example.com' } },
    });
    const linked = await build(s, { vpcLink: 'def456' });
    expect(linked.errors).toEqual([]);
    const paths = linked.t!.Resources.RestApi.Properties.Body.paths;
    expect(paths['/a'].get['x-amazon-apigateway-integration']).toMatchObject({ connectionType: 'VPC_LINK', connectionId: 'def456' });
    expect(paths['/p'].get['x-amazon-apigateway-integration'].connectionType).toBe('INTERNET');
    const trusted = await build(s, { publicHosts: '10.0.0.5' });
    expect(trusted.errors).toEqual([]);
    expect(trusted.t!.Resources.RestApi.Properties.Body.paths['/a'].get['x-amazon-apigateway-integration'].connectionType).toBe('INTERNET');
  });

  it('a malformed vpcLink option is an error, and the schema refuses a malformed spec vpcLink', async () => {
    expect((await build(one({ url: 'https://app.example.com' }), { vpcLink: 'x"y' })).files).toEqual([]);
    const bad = await build(one({ url: 'http://orders.internal', vpcLink: '${bad}' }));
    expect(bad.files).toEqual([]);
    expect(bad.errors.map((d) => d.loc?.pointer)).toContain('/x-gateway/backends/app/vpcLink');
  });
});

describe('aws: what an integration cannot carry', () => {
  it('connectTimeout is a warning at the backend (once), and the read timeout is still written', async () => {
    const b = await build(one({ url: 'https://app.example.com', timeout: '5s', connectTimeout: '2s' }));
    expect(b.errors).toEqual([]);
    expect(coded(b.diagnostics, 'aws-connect-timeout-ignored')).toEqual([
      { code: 'aws-connect-timeout-ignored', params: { backend: 'app', ms: 2000 }, pointer: '/x-gateway/backends/app' },
    ]);
    expect(integration(b.t!).timeoutInMillis).toBe(5000);
  });

  it('a spec without routes (webhooks only) writes no template and does not crash', async () => {
    const s = { ...spec({}), webhooks: { ping: { post: { requestBody: { content: { 'application/json': {} } }, responses: { '200': { description: 'ok' } } } } } };
    const b = await build(s);
    expect(b.files).toEqual([]);
    expect(b.errors.length).toBeGreaterThan(0);
  });
});
