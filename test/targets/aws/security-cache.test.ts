/**
 * DESIGN.md 7.4 on aws: a cached authenticated route keys its cache on the verified caller
 * identity (what API Gateway checked before the cache: the API key, the Cognito/token header, a
 * request authorizer's identity sources), so one caller's answer is never served to another; a
 * route whose identity cannot be a cache key is refused at the cache line. Proved with the oracle.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from './security-helpers.js';

const KEY = { type: 'apiKey', in: 'header', name: 'x-api-key' };
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true } };
const lambda = (la: Record<string, unknown>) => ({
  type: 'http',
  scheme: 'bearer',
  'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', ...la } },
});
const cached = (security: unknown) => ({ '/admin/users': { get: { operationId: 'adminUsers', security, 'x-gateway': { cache: { ttl: '60s' } } } } });
/** A backend reading query names exactly: a cached route in a spec with a bearer scheme keys its ?access_token= by that name. */
const EXACT = { app: { url: 'https://app.example.com', queryNames: 'exact' } };
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
    // The verified key first, then every other credential carrier of the spec (a second credential
    // beside the key gets its own entry: test/security/aws-second-credential-cache.test.ts).
    expect(integration['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.header.x-api-key', 'method.request.header.Authorization', 'method.request.header.Cookie',
      'method.request.header.X_Api-Key', 'method.request.header.X-Api_Key', 'method.request.header.X_Api_Key',
    ]);
    expect(integration.parameters[0]).toEqual({ name: 'x-api-key', in: 'header', required: false, schema: { type: 'string' } });
    expect(integration.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`)).toEqual(['header x-api-key', 'header Authorization', 'header Cookie', 'header X_Api-Key', 'header X-Api_Key', 'header X_Api_Key']);
  });

  // A public cached route is shared among anonymous callers only: a request carrying Authorization
  // or a Cookie reaches the backend (nothing verified it) and may be answered for that caller, so
  // since red team 3 it is keyed on both headers (redteam3-aws), never served bob's entry or an
  // anonymous one, and its own answer is never served to another caller.
  it('a Cognito route is keyed on the verified token header; a public cached route is shared among anonymous callers only', async () => {
    // queryNames: exact: the bearer scheme's ?access_token= is then keyed by its name (aws-cache-query-credential otherwise, redteam4-aws-cache).
    const s = spec(
      { ...cached([{ bearer: [] }]), '/news': { get: { operationId: 'news', security: [], 'x-gateway': { cache: { ttl: '60s' } } } } },
      { schemes: { bearer: COGNITO }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } },
    );
    const b = await build(s, {}, (_scheme, token) => (token.startsWith('Bearer ') ? token : undefined));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    o.request({ method: 'GET', path: '/admin/users', headers: { Authorization: 'Bearer alice' } });
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { Authorization: 'Bearer bob' } }).cachedFrom).toBeUndefined();
    o.request({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news' }).cachedFrom).toEqual({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news', headers: { Authorization: 'Bearer bob' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/news', headers: { Authorization: 'Bearer carol' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/news', headers: { Cookie: 'sid=bob' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/news', headers: { Cookie: 'sid=carol' } }).cachedFrom).toBeUndefined();
    const op = b.t!.Resources.RestApi.Properties.Body.paths['/news'].get;
    expect(o.request({ method: 'GET', path: '/news', query: { access_token: 'bob' } }).cachedFrom).toBeUndefined();
    expect(op['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.header.Authorization', 'method.request.header.Cookie', 'method.request.querystring.access_token']);
    expect(op.parameters).toEqual([
      { name: 'Authorization', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'Cookie', in: 'header', required: false, schema: { type: 'string' } },
      { name: 'access_token', in: 'query', required: false, schema: { type: 'string' } },
    ]);
  });

  // The spec's API-key header x-api-key is a credential carrier too (src/targets/credential-carriers.ts), keyed in each -/_ spelling.
  it('a public cached route with its own key header and path parameter keeps them, plus Authorization, Cookie and the key header once', async () => {
    const s = spec({ '/news/{id}': { get: { operationId: 'news', 'x-gateway': { cache: { ttl: '60s', keyHeaders: ['authorization', 'Accept-Language'] } } } } });
    const b = await build(s);
    expect(b.errors).toEqual([]);
    const op = b.t!.Resources.RestApi.Properties.Body.paths['/news/{id}'].get;
    expect(op['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.path.id',
      'method.request.header.Accept-Language',
      'method.request.header.authorization',
      'method.request.header.Cookie',
      'method.request.header.X-Api-Key',
      'method.request.header.X_Api-Key',
      'method.request.header.X-Api_Key',
      'method.request.header.X_Api_Key',
    ]);
  });

  it('an API key and a token authorizer together: keyed on both', async () => {
    // queryNames: exact: the bearer scheme's ?access_token= is then keyed by its name (aws-cache-query-credential otherwise, red team 6: aws-second-credential-cache).
    const s = spec(cached([{ key: [], tok: [] }]), { schemes: { key: KEY, tok: lambda({ type: 'token' }) }, consumers: CONSUMERS, backends: EXACT });
    const b = await build(s, {}, (_s, c) => c);
    expect(b.errors).toEqual([]);
    expect(b.t!.Resources.RestApi.Properties.Body.paths['/admin/users'].get['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.header.x-api-key',
      'method.request.header.authorization',
      // Every other credential carrier of the spec (aws-second-credential-cache).
      'method.request.header.Cookie', 'method.request.header.X_Api-Key', 'method.request.header.X-Api_Key', 'method.request.header.X_Api_Key', 'method.request.querystring.access_token',
    ]);
  });

  it('a request authorizer keyed on its header and query identity sources', async () => {
    const s = spec(cached([{ tok: [] }]), { schemes: { tok: lambda({ type: 'request', identitySource: ['method.request.header.X-Session', 'method.request.querystring.tenant'] }) }, backends: EXACT });
    const b = await build(s, {}, (_s, c) => c);
    expect(b.errors).toEqual([]);
    const op = b.t!.Resources.RestApi.Properties.Body.paths['/admin/users'].get;
    expect(op['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.header.X-Session', 'method.request.querystring.tenant', 'method.request.header.Authorization', 'method.request.header.Cookie', 'method.request.header.X_Session', 'method.request.querystring.access_token']);
    expect(op.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`)).toEqual(['header X-Session', 'query tenant', 'header Authorization', 'header Cookie', 'header X_Session', 'query access_token']);
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
      // queryNames: exact: a query key is otherwise refused (aws-query-credential-spellings), whatever its cache.
      const built = await build(spec({ '/a': { get: { operationId: 'a', security: [{ tok: [] }] } } }, { schemes: { tok: ok }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }));
      expect(built.errors).toEqual([]);
    }
  });
});

/**
 * API Gateway keys its cache on declared query parameters only (and passes undeclared ones to
 * the backend): the operation's own query parameters become cache keys, so ?q=alice and ?q=bob
 * are two entries; what is not declared, and the backend's Cache-Control, are said at the cache.
 */
describe('aws: cache keys follow the query the operation declares', () => {
  const search = (keyQuery?: boolean) => ({
    '/search': {
      get: {
        operationId: 'search',
        security: [],
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }, { name: 'page', in: 'query', schema: { type: 'integer' } }],
        'x-gateway': { public: true, cache: { ttl: '60s', ...(keyQuery === undefined ? {} : { keyQuery }) } },
      },
    },
  });

  it('?q=alice and ?q=bob are two entries; the same query hits', async () => {
    const b = await build(spec(search()));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    o.request({ method: 'GET', path: '/search', query: { q: 'alice' } });
    expect(o.request({ method: 'GET', path: '/search', query: { q: 'bob' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/search', query: { q: 'alice' } }).cachedFrom).toBeDefined();
    expect(o.request({ method: 'GET', path: '/search', query: { q: 'alice', page: '2' } }).cachedFrom).toBeUndefined();
    const get = b.t!.Resources.RestApi.Properties.Body.paths['/search'].get;
    expect(get['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual([
      'method.request.header.Authorization',
      'method.request.header.Cookie',
      'method.request.header.X-Api-Key',
      'method.request.header.X_Api-Key',
      'method.request.header.X-Api_Key',
      'method.request.header.X_Api_Key',
      'method.request.querystring.page',
      'method.request.querystring.q',
    ]);
  });

  it('says which query parameters are keyed, and that Cache-Control is not read, at the cache node', async () => {
    const b = await build(spec(search()));
    expect(coded(b.diagnostics, 'aws-cache-query-declared-only', 'aws-cache-ignores-cache-control')).toEqual([
      { code: 'aws-cache-ignores-cache-control', params: { route: 'search' }, pointer: '/paths/~1search/get/x-gateway/cache' },
      { code: 'aws-cache-query-declared-only', params: { route: 'search', keyed: 'page, q' }, pointer: '/paths/~1search/get/x-gateway/cache' },
    ]);
  });

  it('keyQuery: false keys on no query parameter and says nothing about them (the public route keeps its credential headers)', async () => {
    const b = await build(spec(search(false)));
    const get = b.t!.Resources.RestApi.Properties.Body.paths['/search'].get;
    expect(get['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.header.Authorization', 'method.request.header.Cookie', 'method.request.header.X-Api-Key', 'method.request.header.X_Api-Key', 'method.request.header.X-Api_Key', 'method.request.header.X_Api_Key']);
    expect(coded(b.diagnostics, 'aws-cache-query-declared-only')).toEqual([]);
  });
});
