/**
 * Red team 2, AWS API Gateway (DESIGN.md 7.2, 7.3): a bearer token where RFC 6750 section 2.3 also
 * lets a resource server read it (`?access_token=`; Spring's allowUriQueryParameter,
 * passport-http-bearer by default). API Gateway's Cognito (REST) and JWT (HTTP API) authorizers
 * read the Authorization header only, so a token in the query is never one they verified: it must
 * not reach the backend. REST through the request oracle (test/targets/aws/oracle.ts), the HTTP API
 * flavour on its CloudFormation integration (parameter mappings), both templates cfn-validated by
 * the helpers' builds.
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp, spec as httpSpec } from '../targets/aws/http/helpers.js';

const POOL = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: POOL, hideCredentials: false } };
const verify: Verify = (_scheme, credential) => {
  const tok = /^(?:Bearer )?tok:([a-z]+)$/.exec(credential);
  return tok ? { identity: tok[1]!, scopes: [] } : undefined;
};

describe('red team 2: aws REST, a bearer token in ?access_token=', async () => {
  const b = await build(spec({ '/me': { get: { operationId: 'me', security: [{ pool: [] }] } } }, { schemes: { pool: COGNITO } }), {}, verify);
  it('builds', () => expect(b.errors).toEqual([]));

  it('control: the verified header token opens /me', () => {
    const d = b.oracle!.request({ method: 'GET', path: '/me', headers: { authorization: 'tok:bob' } });
    expect(d.status).toBe(200);
  });

  it('an unverified ?access_token= beside the verified header token never reaches the backend', () => {
    const d = b.oracle!.request({ method: 'GET', path: '/me', headers: { authorization: 'tok:bob' }, query: { a: '1', access_token: 'forged-admin-token' } });
    expect(d.status).toBe(200);
    expect(d.upstream!.query.access_token ?? '', 'an unverified token reached the backend').toBe('');
  });
});

describe('red team 2: aws HTTP API, a bearer token in ?access_token=', async () => {
  const b = await buildHttp(httpSpec(`  /me:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`));
  it('builds', () => expect(b.errors).toEqual([]));
  it('the integration removes access_token from the query (the JWT authorizer read the header only)', () => {
    const integration = Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any;
    expect(Object.keys(integration.Properties.RequestParameters)).toContain('remove:querystring.access_token');
  });
});

describe('red team 2: aws HTTP API, identity and override headers spelt with "_"', async () => {
  const b = await buildHttp(httpSpec(`  /me:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`));
  const params = () => Object.keys((Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any).Properties.RequestParameters).map((k) => k.toLowerCase());
  it('held: the dash spellings are removed', () => {
    for (const h of ['x-consumer', 'x-authenticated-scheme', 'x-http-method-override', 'x-consumer-username']) expect(params()).toContain(`remove:header.${h}`);
  });
  // NOT FIXED (AWS behaviour read, not measured: no account here): HTTP APIs pass header names with
  // '_' to the integration (unlike SAM local; reported by users), and PHP, Rack and WSGI backends
  // read X_Consumer / X_HTTP_Method_Override as X-Consumer / X-HTTP-Method-Override (the clobbering
  // of Puma CVE-2024-45614). Kong and Traefik remove every '_' spelling, nginx drops such names;
  // the HTTP API flavour removes the dash names only (integrations.ts neutralise). Measured after the
  // forwarding family joined CLIENT_FORWARDING_HEADERS (07cb8a0): 69 cleared names have 310 '_'
  // spellings (every mix of '-'/'_', as Kong and Traefik write them), i.e. 310 more remove:header
  // mappings (~11 KB of template) on EVERY integration. AWS documents no per-integration mapping
  // quota (http-api-quotas.html lists none), so whether API Gateway accepts 380 mappings is
  // unverified without an account, and the 1 MB template limit (aws-template-too-large) would then
  // cap an HTTP API at roughly 1 MB / 11 KB = 90 integrations. Left open: needs a real-account deploy.
  it.fails('GAP: the "_" spellings are removed too', () => {
    for (const h of ['x_consumer', 'x_authenticated_scheme', 'x_http_method_override', 'x_consumer_username']) expect(params()).toContain(`remove:header.${h}`);
  });
});
