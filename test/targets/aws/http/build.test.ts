/**
 * Issue #20 item 2: the HTTP API flavour of the aws target. fixtures/oidc (an OIDC scheme with
 * issuer, jwksUri and audience) builds to a template that AWS's CloudFormation rules accept, with a
 * JWT authorizer carrying the issuer, the audience and each route's scopes; a route the spec
 * secures is never AuthorizationType NONE.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../../src/api.js';
import { cfnValidate, unexplained } from '../../../helpers/checkers.js';
import { diagnosticsText, goldenFolder } from '../../../helpers/golden.js';

const FIXTURE = path.resolve(__dirname, '../../../../fixtures/oidc/gateway.yaml');

describe('aws api=http: fixtures/oidc', async () => {
  const built = await buildTarget(FIXTURE, { target: 'aws', options: { api: 'http' } });
  const file = built.files[0];
  const t = JSON.parse(file?.contents ?? '{}') as Record<string, any>;
  const of = (type: string) => Object.entries<any>(t.Resources ?? {}).filter(([, r]) => r.Type === type);

  it('builds with no error, to one template', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.files.map((f) => f.path)).toEqual(['template.json']);
  });

  it('passes the CloudFormation validator with no error and no unexplained warning', () => {
    const findings = cfnValidate(file!.contents, 'json');
    expect(findings.filter((d) => d.severity === 'ERROR')).toEqual([]);
    // W9013 "hardcoded account ID" on the Lambda integration: its URI is the spec's own function
    // ARN, which names the function's account (maybe not the stack's), as on the REST flavour.
    const lambdaUri = (d: (typeof findings)[number]) => d.ruleId === 'W9013' && d.entity?.resourceType === 'AWS::ApiGatewayV2::Integration';
    expect(unexplained(findings).filter((d) => !lambdaUri(d))).toEqual([]);
  });

  it('is an HTTP API with a JWT authorizer carrying issuer and audience', () => {
    expect(of('AWS::ApiGatewayV2::Api').map(([, r]) => r.Properties.ProtocolType)).toEqual(['HTTP']);
    expect(of('AWS::ApiGateway::RestApi')).toEqual([]);
    expect(of('AWS::ApiGatewayV2::Authorizer').map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({ AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://id.example.com/', Audience: ['bookings-api'] }, IdentitySource: ['$request.header.authorization'] }),
    ]);
  });

  it("carries each route's scopes, and only the public route is NONE", () => {
    const routes = Object.fromEntries(of('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties]));
    const auth = (k: string) => ({ type: routes[k].AuthorizationType, scopes: routes[k].AuthorizationScopes, authorizer: routes[k].AuthorizerId?.Ref });
    expect(auth('GET /status')).toEqual({ type: 'NONE', scopes: undefined, authorizer: undefined });
    expect(auth('GET /bookings')).toEqual({ type: 'JWT', scopes: ['read:bookings'], authorizer: 'AuthorizerOidc' });
    expect(auth('POST /bookings')).toEqual({ type: 'JWT', scopes: ['write:bookings'], authorizer: 'AuthorizerOidc' });
    expect(auth('GET /bookings/{bookingId}')).toEqual({ type: 'JWT', scopes: ['read:bookings'], authorizer: 'AuthorizerOidc' });
    // Two alternatives of one scheme, one scope each: any of them, as AWS checks AuthorizationScopes.
    expect(auth('DELETE /bookings/{bookingId}')).toEqual({ type: 'JWT', scopes: ['admin:bookings', 'delete:bookings'], authorizer: 'AuthorizerOidc' });
    expect(auth('GET /reports')).toEqual({ type: 'JWT', scopes: undefined, authorizer: 'AuthorizerOidc' });
  });

  it('writes integrations, CORS, throttling, the stage and the custom domain', () => {
    const integrations = Object.fromEntries(of('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, r.Properties]));
    expect(integrations.IntegrationDeleteBooking).toMatchObject({ IntegrationType: 'HTTP_PROXY', IntegrationMethod: 'DELETE', PayloadFormatVersion: '1.0', TimeoutInMillis: 10000 });
    expect(integrations.IntegrationDeleteBooking.RequestParameters['overwrite:path']).toBe('/internal/bookings/${request.path.bookingId}');
    expect(integrations.IntegrationGetReports).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '1.0' });
    expect(t.Resources.HttpApi.Properties.CorsConfiguration).toMatchObject({ AllowOrigins: ['https://app.example.com'], MaxAge: 600 });
    expect(t.Resources.Stage.Properties).toMatchObject({ StageName: 'v1', AutoDeploy: true });
    expect(t.Resources.Stage.Properties.RouteSettings['GET /bookings']).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 70 });
    expect(t.Resources.ApiMapping.Properties).toMatchObject({ ApiMappingKey: 'v1' });
    expect(t.Resources.HttpApi.Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(of('AWS::Lambda::Permission')).toHaveLength(1);
  });

  it('matches its golden (fixtures/oidc/expected/aws-http; UPDATE_GOLDEN=1 rewrites it)', () => {
    const got = new Map(built.files.map((f) => [f.path, f.contents]));
    got.set('diagnostics.txt', diagnosticsText(built.diagnostics, 'pointerMessage'));
    goldenFolder(path.join(path.dirname(FIXTURE), 'expected/aws-http'), got, true);
  });

  it('is byte-identical across builds', async () => {
    const again = await buildTarget(FIXTURE, { target: 'aws', options: { api: 'http' } });
    expect(again.files[0]?.contents).toBe(file?.contents);
    expect(readFileSync(FIXTURE, 'utf8')).toContain('jwksUri');
  });
});
