/**
 * The rest of the HTTP API flavour's mapping decisions: Lambda authorizers (REQUEST, payload 1.0,
 * REST identity sources translated), paths and methods an HTTP API route key cannot hold, one CORS
 * configuration per API, reserved headers, the 30 s integration ceiling.
 */
import { describe, expect, it } from 'vitest';
import { buildHttp, said, spec } from './helpers.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:auth';
const op = (security: string, x = '', p = '/a', m = 'get') => `  ${p}:\n    ${m}:\n      security: ${security}\n${x ? `      x-gateway: ${x}\n` : ''}      responses: { '200': { description: ok } }`;
const withPartner = (s: string, authorizer: string) =>
  s.replace('  securitySchemes:', `  securitySchemes:\n    partner:\n      type: apiKey\n      in: header\n      name: x-partner-key\n      x-gateway: { lambdaAuthorizer: ${authorizer} }`);

describe('aws api=http: Lambda authorizers', () => {
  it('a request authorizer is a REQUEST authorizer with payload 1.0, its identity source in HTTP API spelling, and a permission', async () => {
    const r = await buildHttp(withPartner(spec(op('[{ partner: [] }]')), `{ arn: '${ARN}', type: request, ttlSeconds: 60 }`));
    expect(said(r.errors)).toEqual([]);
    const auth = Object.values<any>(r.template!.Resources).find((x) => x.Type === 'AWS::ApiGatewayV2::Authorizer').Properties;
    expect(auth).toMatchObject({ AuthorizerType: 'REQUEST', AuthorizerPayloadFormatVersion: '1.0', IdentitySource: ['$request.header.x-partner-key'], AuthorizerResultTtlInSeconds: 60 });
    const route = Object.values<any>(r.template!.Resources).find((x) => x.Type === 'AWS::ApiGatewayV2::Route').Properties;
    expect(route.AuthorizationType).toBe('CUSTOM');
    // The credential header is removed before the backend (DESIGN.md 7.3).
    expect(r.template!.Resources.IntegrationGetA.Properties.RequestParameters['remove:header.x-partner-key']).toBe('');
    const perm = Object.values<any>(r.template!.Resources).filter((x) => x.Type === 'AWS::Lambda::Permission').map((x) => x.Properties.SourceArn['Fn::Sub']);
    expect(perm).toEqual([expect.stringMatching(/\$\{HttpApi\}\/authorizers\/\*$/)]);
  });

  it('an API key in the query is removed by name before the backend; a cookie credential is refused', async () => {
    const query = (inn: string) =>
      spec(`  /a:\n    get:\n      security: [{ q: [] }]\n      responses: { '200': { description: ok } }`).replace(
        '  securitySchemes:',
        `  securitySchemes:\n    q:\n      type: apiKey\n      in: ${inn}\n      name: key\n      x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request } }`,
      );
    // remove:querystring.key names one parameter: refused while the backend may read key[] or KEY as key, built once it says it does not.
    expect(said((await buildHttp(query('query'))).errors).map((e) => [e.code, e.pointer])).toEqual([['aws-query-credential-spellings', '/paths/~1a/get/security']]);
    const r = await buildHttp(query('query').replace('api: { url: https://api.example.com }', 'api: { url: https://api.example.com, queryNames: exact }'));
    expect(said(r.errors)).toEqual([]);
    expect(r.template!.Resources.IntegrationGetA.Properties.RequestParameters['remove:querystring.key']).toBe('');
    const c = await buildHttp(query('cookie'));
    expect(said(c.errors).map((e) => e.code)).toContain('aws-http-credential-unhidden');
  });

  it.each([
    ['a token authorizer', `{ arn: '${ARN}', type: token }`, '[{ partner: [] }]', 'aws-http-lambda-token-authorizer', '/components/securitySchemes/partner/x-gateway/lambdaAuthorizer'],
    ['a cache not keyed on the credential', `{ arn: '${ARN}', type: request, ttlSeconds: 60, identitySource: [context.identity.sourceIp] }`, '[{ partner: [] }]', 'aws-http-authorizer-cache-unkeyed', '/components/securitySchemes/partner/x-gateway/lambdaAuthorizer'],
    ['scopes on a Lambda-verified scheme', `{ arn: '${ARN}', type: request }`, '[{ partner: [admin] }]', 'capability-unsupported', '/paths/~1a/get/security'],
  ])('%s is refused', async (_n, authorizer, security, code, pointer) => {
    const r = await buildHttp(withPartner(spec(op(security)), authorizer));
    expect(r.files).toEqual([]);
    expect(said(r.errors).map((e) => [e.code, e.pointer])).toContainEqual([code, pointer]);
  });
});

describe('aws api=http: routes, CORS, headers, timeouts', () => {
  it.each([
    ['a segment mixing text and a parameter', spec(op('[{ oidc: [] }]', '', '/files/{name}.json')), 'aws-http-path-unsupported', '/paths/~1files~1{name}.json'],
    ['a trailing slash', spec(op('[{ oidc: [] }]', '', '/files/')), 'aws-http-path-unsupported', '/paths/~1files~1'],
    ['TRACE', spec(op('[{ oidc: [] }]', '', '/a', 'trace')), 'aws-http-method-unsupported', '/paths/~1a/trace'],
    ['CORS on one route only', spec(`${op('[{ oidc: [] }]', '{ cors: { origins: [https://app.example.com] } }')}\n${op('[{ oidc: [] }]', '', '/b')}`), 'aws-http-cors-mixed', '/paths/~1b/get'],
    ['setting a reserved header', spec(op('[{ oidc: [] }]', '{ requestHeaders: { set: { Host: x.example.com } } }')), 'aws-http-header-unmappable', '/paths/~1a/get/x-gateway/requestHeaders'],
    ['a $ in a header value', spec(op('[{ oidc: [] }]', "{ requestHeaders: { set: { X-Env: '$context.x' } } }")), 'aws-http-header-unmappable', '/paths/~1a/get/x-gateway/requestHeaders'],
    ['a 60 s timeout', spec(op('[{ oidc: [] }]', '{ timeout: 60s }')), 'aws-http-timeout-over', '/x-gateway/backends/api'],
  ])('%s is refused', async (_n, text, code, pointer) => {
    const r = await buildHttp(text);
    expect(r.files).toEqual([]);
    expect(said(r.errors).map((e) => [e.code, e.pointer])).toContainEqual([code, pointer]);
  });

  it('requestHeaders set and remove become overwrite/remove mappings', async () => {
    const r = await buildHttp(spec(op('[{ oidc: [] }]', '{ requestHeaders: { set: { X-Env: prod }, remove: [X-Debug] } }')));
    expect(said(r.errors)).toEqual([]);
    expect(r.template!.Resources.IntegrationGetA.Properties.RequestParameters).toMatchObject({ 'overwrite:header.X-Env': 'prod', 'remove:header.X-Debug': '', 'overwrite:path': '/a' });
  });

  it('customDomain=off keeps the execute-api endpoint and names the stage after the base path', async () => {
    const text = spec(op('[{ oidc: [] }]')).replace('info:', 'servers: [{ url: https://api.example.com/v2 }]\ninfo:');
    const on = await buildHttp(text);
    expect(on.template!.Resources.CustomDomain.Type).toBe('AWS::ApiGatewayV2::DomainName');
    const off = await buildHttp(text, { customDomain: 'off' });
    expect(off.template!.Resources.CustomDomain).toBeUndefined();
    expect(off.template!.Resources.HttpApi.Properties.DisableExecuteApiEndpoint).toBeUndefined();
    expect(off.template!.Resources.Stage.Properties.StageName).toBe('v2');
  });
});

describe('aws api=http: its own key answers', () => {
  it('a vpcLink is refused at its key, never dropped (the backend would be reached over the internet)', async () => {
    const r = await buildHttp(spec(`  /a:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`).replace('url: https://api.example.com }', 'url: https://api.example.com, vpcLink: abc123 }'));
    expect(said(r.errors).map((e) => [e.code, e.pointer])).toContainEqual(['key-refused', '/x-gateway/backends/api/vpcLink']);
  });

  it('cors exposeHeaders is native (the REST flavour warns it)', async () => {
    const r = await buildHttp(spec(`  /a:\n    get:\n      security: [{ oidc: [] }]\n      x-gateway: { cors: { origins: [https://app.example.com], exposeHeaders: [X-Total] } }\n      responses: { '200': { description: ok } }`));
    expect(r.diagnostics.filter((d) => d.code === 'key-not-applied')).toEqual([]);
    expect(r.template!.Resources.HttpApi.Properties.CorsConfiguration.ExposeHeaders).toEqual(['X-Total']);
  });
});

describe('aws api=http: the compile refuses by itself what the capability check refuses first', () => {
  it('an optional-auth or AND route reaching the compile is refused, never dropped or opened', async () => {
    const { compileAwsHttp } = await import('../../../../src/targets/aws/http/index.js');
    const r = await buildHttp(spec(`  /a:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`));
    const gateway = r.loaded.gateway!;
    const plan = { mode: () => 'native' as const, enforced: () => true };
    for (const route of [{ ...gateway.routes[0]!, optionalAuth: true }, { ...gateway.routes[0]!, security: [[{ scheme: 'oidc', scopes: [] }, { scheme: 'oidc', scopes: [] }]] }, { ...gateway.routes[0]!, security: [] }]) {
      const out = compileAwsHttp({ ...gateway, routes: [route] }, plan, { options: {} });
      expect(out.files).toEqual([]);
      expect(out.diagnostics.map((d) => d.code)).toContain('capability-unsupported');
    }
  });
});
