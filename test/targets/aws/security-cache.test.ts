/**
 * DESIGN.md 7.4 on aws: a cached authenticated route keys its cache on the verified caller
 * identity (what API Gateway checked before the cache: the API key, the Cognito/token header, a
 * request authorizer's identity sources), so one caller's answer is never served to another; a
 * route whose identity cannot be a cache key is refused at the cache line. Proved with the oracle.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from './security-helpers.js';

const KEY = { type: 'apiKey', in: 'header', name: 'x-api-key' };
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123' } };
const lambda = (la: Record<string, unknown>) => ({
  type: 'http',
  scheme: 'bearer',
  'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', ...la } },
});
const cached = (security: unknown) => ({ '/admin/users': { get: { operationId: 'adminUsers', security, 'x-gateway': { cache: { ttl: '60s' } } } } });
const CONSUMERS = { alice: { credentials: { key: '${env:A_KEY}' } }, bob: { credentials: { key: '${env:B_KEY}' } } };

describe('aws: cache on authenticated routes', () => {
  it("an API-key route: bob never gets alice's cached answer, alice gets her own", async () => {
    const b = await build(spec(cached([{ key: [] }]), { consumers: CONSUMERS }));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    const [alice] = o.keysOf('alice');
    const [bob] = o.keysOf('bob');
    const first = o.request({ method: 'GET', path: '/admin/users', headers: { 'x-api-key': alice! } });
    expect(first.status).toBe(200);
    expect(first.cachedFrom).toBeUndefined();
    const other = o.request({ method: 'GET', path: '/admin/users', headers: { 'x-api-key': bob! } });
    expect(other.status).toBe(200);
    expect(other.cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { 'x-api-key': alice! } }).cachedFrom?.headers).toEqual({ 'x-api-key': alice });
    // Nobody without a key in the plan reaches the cache.
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { 'x-api-key': 'x'.repeat(30) } }).status).toBe(403);
    const integration = b.t!.Resources.RestApi.Properties.Body.paths['/admin/users'].get;
    expect(integration['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.header.x-api-key']);
    expect(integration.parameters).toEqual([{ name: 'x-api-key', in: 'header', required: false, schema: { type: 'string' } }]);
  });

  it('a Cognito route is keyed on the verified token header; a public cached route stays shared', async () => {
    const s = spec({ ...cached([{ bearer: [] }]), '/news': { get: { operationId: 'news', security: [], 'x-gateway': { cache: { ttl: '60s' } } } } }, { schemes: { bearer: COGNITO } });
    const b = await build(s, {}, (_scheme, token) => (token.startsWith('Bearer ') ? token : undefined));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    o.request({ method: 'GET', path: '/admin/users', headers: { Authorization: 'Bearer alice' } });
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { Authorization: 'Bearer bob' } }).cachedFrom).toBeUndefined();
    o.request({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news', headers: { Authorization: 'Bearer bob' } }).cachedFrom).toEqual({ method: 'GET', path: '/news' });
  });

  it('an API key and a token authorizer together: keyed on both', async () => {
    const s = spec(cached([{ key: [], tok: [] }]), { schemes: { key: KEY, tok: lambda({ type: 'token' }) }, consumers: CONSUMERS });
    const b = await build(s, {}, (_s, c) => c);
    expect(b.errors).toEqual([]);
    expect(b.t!.Resources.RestApi.Properties.Body.paths['/admin/users'].get['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.header.x-api-key',
      'method.request.header.authorization',
    ]);
  });

  it('a request authorizer keyed on its header and query identity sources', async () => {
    const s = spec(cached([{ tok: [] }]), { schemes: { tok: lambda({ type: 'request', identitySource: ['method.request.header.X-Session', 'method.request.querystring.tenant'] }) } });
    const b = await build(s, {}, (_s, c) => c);
    expect(b.errors).toEqual([]);
    const op = b.t!.Resources.RestApi.Properties.Body.paths['/admin/users'].get;
    expect(op['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.header.X-Session', 'method.request.querystring.tenant']);
    expect(op.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`)).toEqual(['header X-Session', 'query tenant']);
    const o = b.oracle!;
    o.request({ method: 'GET', path: '/admin/users', headers: { 'X-Session': 's1' }, query: { tenant: 'a' } });
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { 'X-Session': 's1' }, query: { tenant: 'b' } }).cachedFrom).toBeUndefined();
  });

  it.each([
    ['a request authorizer with a context identity source', { type: 'request', identitySource: ['context.identity.sourceIp'] }, 'context.identity.sourceIp'],
    ['a request authorizer with a stage variable identity source', { type: 'request', identitySource: ['method.request.header.X-S', 'stageVariables.v'] }, 'stageVariables.v'],
  ])('%s cannot key the cache: refused at the cache line', async (_n, la, mention) => {
    const b = await build(spec(cached([{ tok: [] }]), { schemes: { tok: lambda(la) } }));
    expect(b.files).toEqual([]);
    const found = coded(b.errors, 'aws-cache-identity-unkeyed');
    expect(found).toEqual([{ code: 'aws-cache-identity-unkeyed', params: { route: 'adminUsers', scheme: 'tok', detail: expect.stringContaining(mention) }, pointer: '/paths/~1admin~1users/get/x-gateway/cache' }]);
  });

  it("a Lambda authorizer's cached policy must be keyed on the credential, or one caller's Allow serves another", async () => {
    const tenantOnly = lambda({ type: 'request', identitySource: ['method.request.header.X-Tenant'], ttlSeconds: 300 });
    const b = await build(spec({ '/a': { get: { operationId: 'a', security: [{ tok: [] }] } } }, { schemes: { tok: tenantOnly } }));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-authorizer-cache-unkeyed')).toEqual([
      {
        code: 'aws-authorizer-cache-unkeyed',
        params: { scheme: 'tok', sources: 'method.request.header.X-Tenant', credential: 'method.request.header.authorization' },
        pointer: '/components/securitySchemes/tok/x-gateway/lambdaAuthorizer',
      },
    ]);
    for (const ok of [
      lambda({ type: 'request', identitySource: ['method.request.header.Authorization', 'method.request.header.X-Tenant'], ttlSeconds: 300 }),
      lambda({ type: 'request', identitySource: ['method.request.header.X-Tenant'], ttlSeconds: 0 }),
      { type: 'apiKey', in: 'query', name: 'k', 'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'request', identitySource: ['method.request.querystring.k'], ttlSeconds: 60 } } },
    ]) {
      const built = await build(spec({ '/a': { get: { operationId: 'a', security: [{ tok: [] }] } } }, { schemes: { tok: ok } }));
      expect(built.errors).toEqual([]);
    }
  });
});
