/**
 * What the aws template does, route by route, and what it refuses (fail closed). Each template
 * that builds is also run through AWS's own rules.
 */
import { describe, expect, it } from 'vitest';
import { buildObject, specObject, template, unexplained, validate } from './helpers.js';

const base = () => specObject('shop-aws.yaml');

async function build(spec: unknown, options: Record<string, string> = {}) {
  const built = await buildObject(spec, options);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  const t = built.files[0] ? template(built.files[0].contents) : undefined;
  if (built.files[0]) expect(unexplained(validate(built.files[0].contents, options.format === 'yaml' ? 'yaml' : 'json'))).toEqual([]);
  return { built, errors, t, body: t?.Resources.RestApi.Properties.Body };
}

type Said = { code: string; params: Record<string, unknown>; loc?: { pointer: string } };
/** What the tests assert: code, params and the spec position (never the prose). */
const said = (ds: Said[]) => ds.map((d) => ({ code: d.code, params: d.params, at: d.loc?.pointer }));
/** A diagnostic with this code whose params include `params` (and, when given, at `at`). */
const a = (code: string, params: Record<string, unknown>, at?: string) =>
  expect.objectContaining({ code, params: expect.objectContaining(params), ...(at === undefined ? {} : { at }) });

describe('aws Body', () => {
  it('puts security on every operation and none at the root', async () => {
    const { body } = await build(base());
    expect(body.security).toBeUndefined();
    expect(body.paths['/users/me'].get.security).toEqual([{ apiKey: [] }]);
    expect(body.paths['/orders/{orderId}'].delete.security).toEqual([{ apiKey: [], bearer: ['orders/write'] }]);
    expect(body.paths['/products'].get.security).toBeUndefined();
    expect(body['x-amazon-apigateway-api-key-source']).toBe('HEADER');
    expect(body.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', name: 'x-api-key', in: 'header' });
    expect(body.components.securitySchemes.bearer['x-amazon-apigateway-authorizer']).toEqual({
      type: 'cognito_user_pools',
      providerARNs: [{ 'Fn::Sub': 'arn:${AWS::Partition}:cognito-idp:eu-west-1:${AWS::AccountId}:userpool/eu-west-1_AbCdEf123' }],
    });
  });

  it('maps path parameters into http_proxy URIs and keeps /users/me apart from /users/{id}', async () => {
    const { body } = await build(base());
    expect(body.openapi).toBe('3.0.1');
    expect(body.paths['/users/{id}'].get['x-amazon-apigateway-integration']).toMatchObject({
      type: 'http_proxy',
      httpMethod: 'GET',
      uri: 'http://users.internal:8080/internal/users/{id}',
      timeoutInMillis: 5000,
      requestParameters: { 'integration.request.path.id': 'method.request.path.id' },
      connectionType: 'VPC_LINK',
      connectionId: 'a1b2c3',
      // The route needs an API key: the cache is keyed on it too, one caller's entry never serves
      // another; and on every other credential carrier of the spec in each -/_ spelling (445efff):
      // a second, unverified credential beside the key never shares the key's entry.
      cacheKeyParameters: [
        'method.request.path.id',
        'method.request.header.x-api-key',
        'method.request.header.Authorization',
        'method.request.header.Cookie',
        'method.request.header.X_Api-Key',
        'method.request.header.X-Api_Key',
        'method.request.header.X_Api_Key',
        'method.request.querystring.access_token',
      ],
    });
    expect(body.paths['/users/{id}'].parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(body.paths['/users/me'].get['x-amazon-apigateway-integration'].uri).toBe('http://users.internal:8080/internal/users/current');
    expect(body.paths['/admin/stats'].get['x-amazon-apigateway-integration'].uri).toBe('http://admin.internal:8080/api/stats');
  });

  it('invokes Lambda through aws_proxy with one permission per function', async () => {
    const { body, t } = await build(base());
    expect(body.paths['/products'].get['x-amazon-apigateway-integration']).toMatchObject({
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:products/invocations',
    });
    const perms = Object.values<any>(t!.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(perms).toHaveLength(1);
    expect(perms[0].Properties).toMatchObject({ FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:products', Principal: 'apigateway.amazonaws.com' });
  });

  it('answers unknown methods with 405 and unknown paths with 404', async () => {
    const { body } = await build(base());
    const any = body.paths['/docs']['x-amazon-apigateway-any-method']['x-amazon-apigateway-integration'];
    expect(any.responses.default).toMatchObject({ statusCode: '405', responseParameters: { 'method.response.header.Allow': "'GET'" } });
    expect(body['x-amazon-apigateway-gateway-responses'].MISSING_AUTHENTICATION_TOKEN.statusCode).toBe('404');
  });
});

describe('aws CORS', () => {
  it('answers preflights with a mock and puts the headers on gateway 4XX/5XX', async () => {
    const { body } = await build(base());
    const pre = body.paths['/orders'].options['x-amazon-apigateway-integration'];
    expect(pre.type).toBe('mock');
    expect(pre.responses.default.responseParameters).toMatchObject({
      'method.response.header.Access-Control-Allow-Origin': "'https://shop.example.com'",
      'method.response.header.Access-Control-Allow-Methods': "'GET, POST, OPTIONS'",
      'method.response.header.Access-Control-Max-Age': "'600'",
    });
    expect(body.paths['/orders'].options.security).toBeUndefined();
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN']) {
      expect(body['x-amazon-apigateway-gateway-responses'][type].responseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'https://shop.example.com'");
    }
  });

  it('echoes only listed origins when there are several', async () => {
    const s = base();
    s['x-gateway'].policies.public.cors.origins = ['https://a.example.com', 'https://b.example.com'];
    const { body, built } = await build(s);
    const tpl = body.paths['/orders'].options['x-amazon-apigateway-integration'].responses.default.responseTemplates['application/json'];
    expect(tpl).toContain("$o == 'https://a.example.com' || $o == 'https://b.example.com'");
    expect(said(built.diagnostics)).toContainEqual(a('aws-cors-error-origins', { origins: 2 }, '/x-gateway/policies/public/cors'));
  });

  it('refuses an origin that could break out of the template', async () => {
    const s = base();
    s['x-gateway'].policies.public.cors.origins = ["https://a.example.com' || true"];
    const { errors, built } = await build(s);
    expect(said(errors)).toContainEqual(a('aws-cors-origin-invalid', { origin: "https://a.example.com' || true" }, '/x-gateway/policies/public/cors'));
    expect(built.files).toEqual([]);
  });
});

describe('aws limits and stage', () => {
  it('throttles per route on the stage and per key in the usage plan; caches only what asks', async () => {
    const { t } = await build(base());
    const settings = t!.Resources.Stage.Properties.MethodSettings;
    expect(settings[0]).toEqual({ ResourcePath: '/*', HttpMethod: '*', CachingEnabled: false });
    expect(settings).toContainEqual({ ResourcePath: '/~1payments', HttpMethod: 'POST', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 10 });
    expect(settings).toContainEqual(expect.objectContaining({ ResourcePath: '/~1users~1{id}', HttpMethod: 'GET', CachingEnabled: true, CacheTtlInSeconds: 60 }));
    const plan = t!.Resources.UsagePlan.Properties.ApiStages[0];
    expect(plan.Throttle['/orders/GET']).toEqual({ RateLimit: 16.666667, BurstLimit: 1000 });
    // Key values are NoEcho parameters, never literals.
    expect(t!.Parameters.ApiKeyValueAliceApiKey).toMatchObject({ NoEcho: true, MinLength: 20 });
    expect(t!.Resources.ApiKeyAliceApiKey.Properties.Value).toEqual({ Ref: 'ApiKeyValueAliceApiKey' });
  });

  it('denies IP-restricted routes outside the allow list in the resource policy', async () => {
    const { t } = await build(base());
    const policy = t!.Resources.RestApi.Properties.Policy;
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: 'execute-api:/*' });
    expect(policy.Statement[1]).toEqual({
      Effect: 'Deny',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'execute-api:/*/GET/admin/stats',
      Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '127.0.0.1/32'] } },
    });
  });

  it('refuses a timeout above 29 s unless the quota is raised', async () => {
    const s = base();
    s['x-gateway'].backends.payments.timeout = '45s';
    const refused = await build(s);
    expect(said(refused.errors)).toContainEqual(a('aws-timeout-too-long', { ms: 45000, max: 29000 }, '/x-gateway/backends/payments'));
    const raised = await build(s, { maxTimeout: '60000' });
    expect(raised.errors).toEqual([]);
    expect(raised.body.paths['/payments'].post['x-amazon-apigateway-integration'].timeoutInMillis).toBe(45000);
  });

  it('serves the host of servers as a custom domain with the base path mapped to the stage', async () => {
    const { t } = await build(base());
    expect(t!.Resources.CustomDomain.Properties).toMatchObject({ DomainName: 'api.shop.example.com', RegionalCertificateArn: { Ref: 'CertificateArn' } });
    expect(t!.Resources.BasePathMapping.Properties).toMatchObject({ BasePath: 'v1', Stage: { Ref: 'Stage' } });
    expect(t!.Resources.RestApi.Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(t!.Resources.Stage.Properties.StageName).toBe('v1');
  });

  it('counts resources and bytes against CloudFormation limits', async () => {
    const s = base();
    for (let i = 0; i < 250; i += 1) s['x-gateway'].consumers[`c${i}`] = { credentials: { apiKey: `\${env:KEY_${i}}` } };
    const { errors } = await build(s);
    expect(said(errors)).toContainEqual(a('aws-too-many-resources', { resources: expect.any(Number), limit: 500 }, ''));
  });
});

describe('aws options', () => {
  it('refuses an unknown option and values the target cannot use, each under its code, and writes nothing', async () => {
    const options = { format: 'xml', stage: 'bad.stage', maxTimeout: 'abc', binaryMediaTypes: 'foo,image/png', vpcLink: 'a-b', nope: '1' };
    const { built, errors } = await build(base(), options);
    expect(built.files).toEqual([]);
    expect(said(errors).sort((x, y) => String(x.params.option ?? x.params.name).localeCompare(String(y.params.option ?? y.params.name)))).toEqual([
      { code: 'target-option-invalid', params: { target: 'aws', option: 'binaryMediaTypes', value: 'foo', expected: expect.any(String) }, at: undefined },
      { code: 'target-option-invalid', params: { target: 'aws', option: 'format', value: 'xml', expected: 'one of json, yaml' }, at: undefined },
      { code: 'target-option-invalid', params: { target: 'aws', option: 'maxTimeout', value: 'abc', expected: expect.any(String) }, at: undefined },
      { code: 'option-unknown', params: { name: 'nope', target: 'aws', known: expect.stringContaining('format, stage') }, at: undefined },
      { code: 'target-option-invalid', params: { target: 'aws', option: 'stage', value: 'bad.stage', expected: expect.any(String) }, at: undefined },
      { code: 'target-option-invalid', params: { target: 'aws', option: 'vpcLink', value: 'a-b', expected: expect.any(String) }, at: undefined },
    ]);
  });
});

describe('aws fails closed', () => {
  // [case, edit, code, params, the spec node the diagnostic points at]
  const cases: Array<[string, (s: any) => void, string, Record<string, unknown>, string]> = [
    ['a JWT issuer that is not Cognito', (s) => (s.components.securitySchemes.bearer['x-gateway'].issuer = 'https://id.example.com/'), 'aws-jwt-issuer-not-cognito', { scheme: 'bearer', issuer: 'https://id.example.com/' }, '/components/securitySchemes/bearer'],
    ['an API key in a query parameter', (s) => (s.components.securitySchemes.apiKey = { type: 'apiKey', in: 'query', name: 'key' }), 'aws-api-key-location', { scheme: 'apiKey', in: 'query', name: 'key' }, '/components/securitySchemes/apiKey'],
    ['Cognito audiences', (s) => { const x = s.components.securitySchemes.bearer['x-gateway']; delete x.anyAudience; x.audiences = ['shop']; }, 'aws-cognito-audiences', { scheme: 'bearer', audiences: 'shop' }, '/components/securitySchemes/bearer'],
    ['a removed request header', (s) => (s.paths['/users'].post['x-gateway'].requestHeaders.remove = ['X-Debug']), 'aws-request-header-remove', { headers: 'X-Debug' }, '/paths/~1users/post/x-gateway/requestHeaders'],
    ['a header value with a quote', (s) => (s.paths['/users'].post['x-gateway'].requestHeaders.set = { 'X-Gateway': "it's" }), 'aws-request-header-invalid', { header: 'X-Gateway' }, '/paths/~1users/post/x-gateway/requestHeaders'],
    ['a mock body with VTL syntax', (s) => (s['x-gateway'].backends.docs.mock.body = '{"price":"$5"}'), 'aws-mock-body-vtl', { backend: 'docs' }, '/x-gateway/backends/docs/mock'],
    ['a mixed path segment', (s) => (s.paths['/files/{name}.json'] = { get: { operationId: 'file', security: [], 'x-gateway': { public: true }, parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } }), 'aws-path-unsupported', { route: 'file', path: '/files/{name}.json', problem: 'mixed' }, '/paths/~1files~1{name}.json/get'],
    ['a cache TTL above an hour', (s) => (s.paths['/users/{id}'].get['x-gateway'].cache.ttl = '2h'), 'aws-cache-ttl-too-long', { ttl: 7200, max: 3600 }, '/paths/~1users~1{id}/get/x-gateway/cache'],
  ];
  it.each(cases)('refuses %s and writes nothing', async (_name, edit, code, params, at) => {
    const s = base();
    edit(s);
    const { built, errors } = await build(s);
    expect(built.files).toEqual([]);
    expect(said(errors)).toContainEqual(a(code, params, at));
  });

  it('enforces only the first alternative when auth.or is accepted, never none', async () => {
    const s = base();
    s.paths['/orders'].get.security = [{ apiKey: [] }, { bearer: ['orders/read'] }];
    s['x-gateway'].accept.aws.push({ feature: 'auth.or', reason: 'partners use keys on AWS' });
    const { body, errors } = await build(s);
    expect(errors).toEqual([]);
    expect(body.paths['/orders'].get.security).toEqual([{ apiKey: [] }]);
  });
});

describe('aws Lambda authorizers (more in lambda-authorizer.test.ts)', () => {
  it('compiles a scheme carrying lambdaAuthorizer into a custom authorizer with its own permission', async () => {
    const { loadGateway, compileGateway } = await import('../../../src/api.js');
    const { SPECS } = await import('./helpers.js');
    const loaded = await loadGateway(`${SPECS}shop-aws.yaml`);
    const gateway = loaded.gateway!;
    const bearer = gateway.securitySchemes.find((s) => s.name === 'bearer')!;
    bearer.jwt!.issuer = 'https://id.example.com/';
    bearer.lambdaAuthorizer = { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'token', ttlSeconds: 0, loc: bearer.loc };
    // Scopes are not checked by API Gateway for a Lambda authorizer: refused while a route asks for them.
    const refused = compileGateway(gateway, 'aws');
    expect(refused.files).toEqual([]);
    expect(said(refused.diagnostics)).toContainEqual(a('aws-authorizer-scopes', { scheme: 'bearer', scopes: expect.any(String) }));
    for (const r of gateway.routes) r.security = r.security.map((alt) => alt.map((i) => ({ ...i, scopes: [] })));
    const built = compileGateway(gateway, 'aws');
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const t = template(built.files[0]!.contents);
    expect(t.Resources.RestApi.Properties.Body.components.securitySchemes.bearer).toMatchObject({
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': { type: 'token', identitySource: 'method.request.header.authorization', authorizerResultTtlInSeconds: 0 },
    });
    expect(t.Resources.AuthorizerPermissionAuthz.Properties.SourceArn).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/authorizers/*',
    });
    expect(unexplained(validate(built.files[0]!.contents, 'json'))).toEqual([]);
  });
});
