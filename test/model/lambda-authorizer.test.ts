/**
 * A security scheme's `x-gateway.lambdaAuthorizer` in the model: typed and defaulted, a way to
 * verify a bearer scheme (kind 'lambda' when it is the only one), and refused with the position of
 * the bad value (the schema for the ARN and the bounds, normalise for what the schema cannot say).
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
/**
 * `scheme`: the scheme's own keys; with two of them (basic, bearer) `lambdaAuthorizer:` is on line
 * 14 and its first field on line 15. A diagnostic on a field points at its key, on an item at the item.
 */
const spec = (scheme: string[], authorizer: string) => `${HEAD}x-gateway:
  backends: { app: { url: http://app:80 } }
paths:
  /a:
    get: { security: [{ s: [] }], responses: { "200": { description: ok } } }
components:
  securitySchemes:
    s:
${scheme.map((l) => `      ${l}\n`).join('')}      x-gateway:
        lambdaAuthorizer:
${authorizer}`;

const BASIC = ['type: http', 'scheme: basic'];
const BEARER = ['type: http', 'scheme: bearer'];

const pos = (ds: Array<{ code: string; loc?: { pointer: string }; position?: { line: number; column: number } }>) =>
  ds.map((d) => [d.code, d.loc?.pointer, d.position?.line, d.position?.column]);

describe('x-gateway.lambdaAuthorizer in the model', () => {
  it('normalises with defaults (type token, no identity source, no TTL) and its location', async () => {
    const { gateway, diagnostics } = await gatewayOf(spec(BASIC, `          arn: ${ARN}\n`));
    expect(diagnostics).toEqual([]);
    const s = gateway!.securitySchemes[0]!;
    expect(s.kind).toBe('basic');
    expect(s.lambdaAuthorizer).toEqual({ arn: ARN, type: 'token', loc: { file: expect.any(String), pointer: '/components/securitySchemes/s/x-gateway/lambdaAuthorizer' } });
  });

  it('keeps every field given', async () => {
    const text = spec(['type: apiKey', 'in: query', 'name: key'], `          arn: ${ARN}:live\n          type: request\n          identitySource: [method.request.querystring.key, context.identity.sourceIp]\n          ttlSeconds: 3600\n`);
    const { gateway, diagnostics } = await gatewayOf(text);
    expect(diagnostics).toEqual([]);
    expect(gateway!.securitySchemes[0]!.lambdaAuthorizer).toMatchObject({
      arn: `${ARN}:live`,
      type: 'request',
      identitySource: ['method.request.querystring.key', 'context.identity.sourceIp'],
      ttlSeconds: 3600,
    });
  });

  it('is a way to verify a bearer scheme: kind lambda, not scheme-unverifiable', async () => {
    const { gateway, diagnostics } = await gatewayOf(spec(BEARER, `          arn: ${ARN}\n`));
    expect(diagnostics).toEqual([]);
    expect(gateway!.securitySchemes.map((s) => [s.name, s.kind])).toEqual([['s', 'lambda']]);
  });

  it('a bearer scheme with a forwardAuth as well stays a forward scheme (the lambdaAuthorizer is the AWS fallback)', async () => {
    const text = spec(BEARER, `          arn: ${ARN}\n        forwardAuth: { url: http://auth:9000/check }\n`);
    const { gateway } = await gatewayOf(text);
    expect(gateway!.securitySchemes.map((s) => [s.kind, Boolean(s.lambdaAuthorizer), Boolean(s.forwardAuth)])).toEqual([['forward', true, true]]);
  });

  const INVALID: Array<{ name: string; scheme?: string[]; authorizer: string; at: [string, number, number] }> = [
    { name: 'an ARN that is not a Lambda function', authorizer: '          arn: arn:aws:iam::123456789012:role/authz\n', at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/arn', 15, 11] },
    { name: 'a function name with a slash', authorizer: `          arn: "${ARN}/x"\n`, at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/arn', 15, 11] },
    { name: 'no ARN', authorizer: '          type: token\n', at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer', 14, 9] },
    { name: 'a TTL over an hour', authorizer: `          arn: ${ARN}\n          ttlSeconds: 3601\n`, at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/ttlSeconds', 16, 11] },
    { name: 'an unknown type', authorizer: `          arn: ${ARN}\n          type: cognito_user_pools\n`, at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/type', 16, 11] },
    { name: 'an expression API Gateway does not know', authorizer: `          arn: ${ARN}\n          type: request\n          identitySource: [method.request.body.token]\n`, at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/identitySource/0', 17, 28] },
    { name: 'a token authorizer reading the query string', authorizer: `          arn: ${ARN}\n          identitySource: [method.request.querystring.token]\n`, at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/identitySource', 16, 11] },
    { name: 'a token authorizer reading two headers', authorizer: `          arn: ${ARN}\n          type: token\n          identitySource: [method.request.header.A, method.request.header.B]\n`, at: ['/components/securitySchemes/s/x-gateway/lambdaAuthorizer/identitySource', 17, 11] },
  ];
  for (const c of INVALID) {
    it(`refuses ${c.name}, at its line and column`, async () => {
      const { gateway, diagnostics } = await gatewayOf(spec(c.scheme ?? BASIC, c.authorizer));
      expect(gateway).toBeUndefined();
      // the basic scheme nobody holds also warns (scheme-no-consumers): only the errors matter here
      expect(pos(diagnostics.filter((d) => d.severity === 'error'))).toEqual([['schema-invalid', ...c.at]]);
    });
  }
});
