/**
 * `x-gateway.lambdaAuthorizer` on a security scheme, on AWS: the scheme kinds API Gateway cannot
 * check itself (basic, forward auth, a JWT issuer that is not Cognito, a bearer token with nothing
 * else) build into a custom authorizer plus the Lambda permission that lets API Gateway invoke it;
 * without one they are refused, naming the field to add. Each template that builds goes through
 * AWS's own rules (@aws/cloudformation-validate).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { writeSpec } from '../../helpers/spec.js';
import { buildObject, template, unexplained, validate } from './helpers.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const URI = `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${ARN}/invocations`;

/** One GET /things route requiring `scheme` (the security scheme object). */
function spec(scheme: Record<string, unknown>, scopes: string[] = []) {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://api.example.com' }],
    'x-gateway': { backends: { app: { url: 'http://app.internal:8080', vpcLink: 'a1b2c3' } }, defaults: { backend: 'app' } },
    paths: { '/things': { get: { operationId: 'getThings', security: [{ s: scopes }], responses: { '200': { description: 'ok' } } } } },
    components: { securitySchemes: { s: scheme } },
  };
}

async function build(s: unknown) {
  const built = await buildObject(s);
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  const contents = built.files[0]?.contents;
  if (contents) expect(unexplained(validate(contents, 'json'))).toEqual([]);
  // any: assertions read into the template freely; a missing template fails them.
  const t: any = contents ? template(contents) : undefined;
  return { built, errors, t, body: t?.Resources.RestApi.Properties.Body };
}

const basic = (x?: unknown) => ({ type: 'http', scheme: 'basic', ...(x ? { 'x-gateway': x } : {}) });
const refusals = (errors: Array<{ code: string; params: Record<string, unknown> }>) =>
  errors.map((e) => [e.code, e.params.feature, String(e.params.why).includes('give the scheme an x-gateway.lambdaAuthorizer')]);

describe('aws: a Lambda authorizer from the spec', () => {
  it('builds a basic scheme with a lambdaAuthorizer: token authorizer, permission, credential hidden', async () => {
    const { errors, t, body } = await build(spec(basic({ lambdaAuthorizer: { arn: ARN } })));
    expect(errors).toEqual([]);
    expect(body.components.securitySchemes.s).toEqual({
      type: 'apiKey',
      name: 'authorization',
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': {
        type: 'token',
        authorizerUri: URI,
        authorizerResultTtlInSeconds: 0,
        identitySource: 'method.request.header.authorization',
      },
    });
    const get = body.paths['/things'].get;
    expect(get.security).toEqual([{ s: [] }]);
    expect(get['x-amazon-apigateway-integration'].requestParameters['integration.request.header.authorization']).toBe("''");
    const permissions = Object.values(t.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(permissions).toEqual([
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: ARN,
          Principal: 'apigateway.amazonaws.com',
          SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/authorizers/*' },
        },
      },
    ]);
  });

  it('refuses a basic scheme without one, naming the field to add (fail closed, no files)', async () => {
    const { built, errors } = await build(spec(basic()));
    expect(built.files).toEqual([]);
    expect(refusals(errors)).toEqual([['capability-unsupported', 'auth.basic', true]]);
  });

  it('a forwardAuth service does not help AWS; a lambdaAuthorizer beside it does (request type, cached)', async () => {
    const forward = { forwardAuth: { url: 'http://auth.internal:9000/check' } };
    const bearer = (x: unknown) => ({ type: 'http', scheme: 'bearer', 'x-gateway': x });
    const refused = await build(spec(bearer(forward)));
    expect(refusals(refused.errors)).toEqual([['capability-unsupported', 'auth.forward', true]]);
    const lambdaAuthorizer = {
      arn: `${ARN}:live`,
      type: 'request',
      identitySource: ['method.request.header.Authorization', 'method.request.querystring.tenant'],
      ttlSeconds: 300,
    };
    // ?tenant= is what the function verifies besides the token: a spelling (tenant[], TENANT) a
    // lenient backend reads as it would never be verified (test/security/aws-unverified-carriers).
    const lenient = await build(spec(bearer({ ...forward, lambdaAuthorizer })));
    expect(lenient.errors.map((e) => [e.code, e.params.name])).toEqual([['aws-query-credential-spellings', 'tenant']]);
    const exact = spec(bearer({ ...forward, lambdaAuthorizer }));
    (exact['x-gateway'].backends.app as Record<string, unknown>).queryNames = 'exact';
    const { errors, body, t } = await build(exact);
    expect(errors).toEqual([]);
    expect(body.components.securitySchemes.s['x-amazon-apigateway-authorizer']).toEqual({
      type: 'request',
      authorizerUri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${ARN}:live/invocations`,
      authorizerResultTtlInSeconds: 300,
      identitySource: 'method.request.header.Authorization, method.request.querystring.tenant',
    });
    expect(t.Resources.AuthorizerPermissionAuthzLive.Properties.FunctionName).toBe(`${ARN}:live`);
  });

  it('uses it for a JWT issuer that is not Cognito, and refuses scopes it cannot pass to the function', async () => {
    const jwt = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: 'https://id.example.com/', lambdaAuthorizer: { arn: ARN } } };
    const scoped = await build(spec(jwt, ['things:read']));
    expect(scoped.built.files).toEqual([]);
    expect(scoped.errors.map((e) => [e.code, e.params, e.loc?.pointer])).toEqual([
      ['aws-authorizer-scopes', { route: expect.any(String), scheme: 's', scopes: 'things:read' }, expect.stringMatching(/\/security$/)],
    ]);
    const { errors, body } = await build(spec(jwt));
    expect(errors).toEqual([]);
    expect(body.components.securitySchemes.s['x-amazon-apigateway-authtype']).toBe('custom');
  });

  it('checks an API key in the query string with a request authorizer instead of a usage plan', async () => {
    const key = { type: 'apiKey', in: 'query', name: 'key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', identitySource: ['method.request.querystring.key'] } } };
    // Refused first, as long as the backend may read key[] or KEY as key (aws-query-credential-spellings); built once it says it does not.
    expect((await build(spec(key))).errors.map((e) => e.code)).toEqual(['aws-query-credential-spellings']);
    const exact = spec(key);
    exact['x-gateway'].backends.app = { ...exact['x-gateway'].backends.app, queryNames: 'exact' } as typeof exact['x-gateway']['backends']['app'];
    const { errors, t, body } = await build(exact);
    expect(errors).toEqual([]);
    expect(body.components.securitySchemes.s['x-amazon-apigateway-authorizer'].identitySource).toBe('method.request.querystring.key');
    expect(body['x-amazon-apigateway-api-key-source']).toBeUndefined();
    expect(Object.values(t.Resources as Record<string, any>).some((r) => r.Type === 'AWS::ApiGateway::UsagePlan')).toBe(false);
  });

  it('a bearer scheme verified only by its lambdaAuthorizer builds on aws and is refused by every other target', async () => {
    const only = { type: 'http', scheme: 'bearer', 'x-gateway': { lambdaAuthorizer: { arn: ARN } } };
    const { errors, body } = await build(spec(only));
    expect(errors).toEqual([]);
    expect(body.components.securitySchemes.s['x-amazon-apigateway-authorizer'].identitySource).toBe('method.request.header.authorization');
    const { stringify } = await import('yaml');
    const file = writeSpec(stringify(spec(only)));
    for (const target of ['kong', 'nginx', 'traefik']) {
      const other = await buildTarget(file, { target });
      expect([target, other.files, other.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.params.feature])]).toEqual([
        target,
        [],
        [['capability-unsupported', 'auth.lambda']],
      ]);
    }
  });
});
