/**
 * AWS: every header gwc guards reaches an http_proxy backend empty (REST) or removed (HTTP API) in
 * every '-'/'_' spelling, not only the dash one (closing14.md "Still open" 2; the identity headers
 * alone: redteam10-aws-identity-spellings). PHP, Rack (Puma < 6.4.3), Unicorn and CGI/WSGI read
 * `X_HTTP_Method_Override`, `X_Api_Key` or `Transfer_Encoding` as the dash name, and REST passes
 * such lines as sent (neutralise.ts neutraliseOverrides).
 *
 * REST through the request oracle (test/targets/aws/oracle.ts: `upstream` is what the backend gets),
 * the HTTP API on its integrations' mappings; both templates cfn-validated by the helpers' builds.
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp, spec as httpSpec } from '../targets/aws/http/helpers.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
/** Every spelling of a name with '_' at one dash or more (the name itself left out). */
const underscored = (name: string): string[] =>
  name.split('-').reduce<string[]>((acc, p, i) => (i === 0 ? [p] : acc.flatMap((x) => [`${x}-${p}`, `${x}_${p}`])), []).filter((x) => x !== name);
const SCHEMES = {
  key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
  // A Lambda authorizer verifying X-Token, kept for the backend (hideCredentials: false).
  tok: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': { hideCredentials: false, lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: ['method.request.header.X-Token'] } } },
  // On no route: its service's answer header is still cleared on every route (a backend behind
  // another target trusts it).
  svc: { type: 'http', scheme: 'bearer', 'x-gateway': { forwardAuth: { url: 'https://auth.example.com/check', responseHeaders: ['X-User-Id'] } } },
};
const verify: Verify = (_s, credential) => (credential === 'good' ? { identity: 'bob', scopes: [] } : undefined);

describe('aws REST: guarded headers in every "-"/"_" spelling', async () => {
  const b = await build(
    spec(
      {
        '/pub': { get: { operationId: 'pub' } },
        '/me': { get: { operationId: 'me', security: [{ key: [] }] } },
        '/tok': { get: { operationId: 'tok', security: [{ tok: [] }] } },
        '/ovr': { post: { operationId: 'ovr', parameters: [{ name: 'X-HTTP-Method-Override', in: 'header', schema: { type: 'string' } }] } },
      },
      { schemes: SCHEMES, consumers: { alice: { credentials: { key: '${env:ALICE_KEY}' } } } },
    ),
    {},
    verify,
  );
  const forged = (names: string[]) => Object.fromEntries(names.map((n) => [n, 'admin']));
  const reached = (d: ReturnType<NonNullable<typeof b.oracle>['request']>, names: string[]) => names.filter((n) => (d.upstream!.headers[n.toLowerCase()] ?? '') !== '');
  const alice = () => b.oracle!.keysOf('alice')[0]!;

  it('builds', () => expect(b.errors).toEqual([]));

  it('method and URL override headers: no "_" spelling reaches the backend of a public route', () => {
    const names = ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override', 'X-Original-URL', 'X-Rewrite-URL'].flatMap(underscored);
    const d = b.oracle!.request({ method: 'GET', path: '/pub', headers: forged(names) });
    expect(d.status).toBe(200);
    expect(reached(d, names)).toEqual([]);
  });

  it('a forward-auth service answer header: no spelling reaches any route', () => {
    const names = ['X-User-Id', ...underscored('X-User-Id')];
    for (const [path, headers] of [['/pub', {}], ['/me', { 'x-api-key': alice() }]] as const) {
      const d = b.oracle!.request({ method: 'GET', path, headers: { ...headers, ...forged(names) } });
      expect(d.status).toBe(200);
      expect(reached(d, names), path).toEqual([]);
    }
  });

  it('the hidden key: its other spellings never reach the backend beside the verified one', () => {
    const names = underscored('X-Api-Key');
    const d = b.oracle!.request({ method: 'GET', path: '/me', headers: { 'x-api-key': alice(), ...forged(names) } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['x-api-key']).toBe('');
    expect(reached(d, names)).toEqual([]);
  });

  it('a kept token: the verified X-Token arrives, X_Token (a value nobody checked) does not', () => {
    const d = b.oracle!.request({ method: 'GET', path: '/tok', headers: { 'X-Token': 'good', X_Token: 'forged', 'x-token_': 'x' } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['x-token']).toBe('good');
    expect(d.upstream!.headers.x_token ?? '').toBe('');
  });

  it('Transfer_Encoding in any case reaches the backend empty (a second framing to Unicorn, Puma < 5.0.3)', () => {
    for (const name of ['Transfer_Encoding', 'transfer_encoding', 'TRANSFER_ENCODING']) {
      const d = b.oracle!.request({ method: 'GET', path: '/pub', headers: { [name]: 'chunked' } });
      expect(d.status).toBe(200);
      expect(d.upstream!.headers.transfer_encoding ?? '', name).toBe('');
    }
  });

  it('Content_Length is not mapped (an empty mapping still sends a second Content-Length: README "Known gaps")', () => {
    const keys = Object.keys(b.t!.Resources.RestApi.Properties.Body.paths['/pub'].get['x-amazon-apigateway-integration'].requestParameters);
    expect(keys.filter((k) => /content.length/i.test(k))).toEqual([]);
  });

  it('control: a declared method-override header keeps its spellings (the backend reads it on purpose)', () => {
    const d = b.oracle!.request({ method: 'POST', path: '/ovr', headers: { 'X-HTTP-Method-Override': 'PATCH', X_HTTP_Method_Override: 'PATCH' } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['x-http-method-override']).toBe('PATCH');
    expect(d.upstream!.headers.x_http_method_override).toBe('PATCH');
  });
});

describe('aws HTTP API: Transfer_Encoding and Content_Length are removed', async () => {
  const b = await buildHttp(httpSpec(`  /me:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`));
  it('builds', () => expect(b.errors).toEqual([]));
  it('every "_" spelling of the framing headers is a remove: mapping, the dash names are not (reserved)', () => {
    const integration = Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any;
    const keys = Object.keys(integration.Properties.RequestParameters).filter((k) => /transfer.encoding|content.length/i.test(k));
    expect(keys.sort()).toEqual(['remove:header.Content_Length', 'remove:header.Transfer_Encoding']);
  });
});
