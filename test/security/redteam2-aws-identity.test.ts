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
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: POOL, anyAudience: true, hideCredentials: false } };
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
  // HTTP APIs pass header names with '_' to the integration, and PHP, Rack and WSGI backends read
  // X_Consumer / X-HTTP_Method-Override as X-Consumer / X-HTTP-Method-Override (the clobbering of
  // Puma CVE-2024-45614): every '-'/'_' spelling of the identity and override headers is removed.
  // The forward-auth answer header sits on a scheme no route requires: on one a route requires, an
  // HTTP API (which cannot call the service) refuses it (forward-auth-not-callable, red team 10),
  // and the header is still removed on every integration.
  const svc = '    svc: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "https://auth.example.com/check", responseHeaders: [X-Auth-Tenant-Id] } } }\n';
  const b = await buildHttp(httpSpec(`  /me:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }\n  /who:\n    get:\n      security: [{ oidc: [] }]\n      parameters: [{ name: X-HTTP-Method-Override, in: header, schema: { type: string } }]\n      responses: { '200': { description: ok } }`).replace('  securitySchemes:\n', `  securitySchemes:\n${svc}`));
  const params = (route = 'me') => Object.entries(b.template!.Resources).filter(([id, r]: [string, any]) => r.Type === 'AWS::ApiGatewayV2::Integration' && id.toLowerCase().includes(route)).flatMap(([, r]: [string, any]) => Object.keys(r.Properties.RequestParameters)).map((k) => k.toLowerCase());
  /** Every '-'/'_' spelling of a name, as a CGI backend reads it alike. */
  const every = (name: string): string[] => name.split('-').reduce<string[]>((acc, p, i) => (i === 0 ? [p] : acc.flatMap((x) => [`${x}-${p}`, `${x}_${p}`])), []).map((x) => x.toLowerCase());
  it('builds', () => expect(b.errors).toEqual([]));
  it('held: the dash spellings are removed', () => {
    for (const h of ['x-consumer', 'x-authenticated-scheme', 'x-http-method-override', 'x-consumer-username']) expect(params()).toContain(`remove:header.${h}`);
  });
  const NAMES = [
    'X-Consumer', 'X-Authenticated-Scheme', // gwc's own identity headers
    'X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override', 'X-Original-URL', 'X-Rewrite-URL', // method and URL overrides
    'X-Consumer-Username', 'X-Consumer-ID', 'X-Consumer-Custom-ID', 'X-Consumer-Groups', 'X-Credential-Identifier', 'X-Credential-Username',
    'X-Authenticated-Userid', 'X-Authenticated-Groups', 'X-Authenticated-Scope', 'X-Anonymous-Consumer', 'X-Anonymous-Groups', // Kong's
    'X-Auth-Tenant-Id', // a forward-auth service's answer
  ];
  for (const h of NAMES) {
    it(`every "-"/"_" spelling of ${h} is removed on every integration`, () => {
      const all = params();
      expect(every(h).filter((v) => !all.includes(`remove:header.${v}`)), 'a spelling a CGI backend reads as the header passes').toEqual([]);
    });
  }
  it('an override the operation declares stays in every spelling (the backend reads it on purpose)', () => {
    expect(every('X-HTTP-Method-Override').filter((v) => params('who').includes(`remove:header.${v}`))).toEqual([]);
    expect(params('who')).toContain('remove:header.x_http_method');
  });
  // The forwarding family (CLIENT_FORWARDING_HEADERS) keeps its dash names only on the HTTP API
  // flavour: measured (test/targets/aws/http/spellings-cost.test.ts), its 250 '_' spellings cost
  // ~17 KB of template per integration, which would cap an HTTP API at ~50 integrations inside the
  // 1 MB template limit instead of the 300 API Gateway allows; README "Known gaps".
  it('the forwarding family keeps its dash names (measured reason in README)', () => {
    expect(params()).toContain('remove:header.x-forwarded-user');
    expect(params()).not.toContain('remove:header.x_forwarded_user');
  });
});
