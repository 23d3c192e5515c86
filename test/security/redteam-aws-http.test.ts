/**
 * Red team of the aws target's HTTP API flavour (--option aws.api=http): for every spec shape that
 * compiles, the template admits exactly the callers the spec admits (DESIGN.md 7.1-7.5), checked
 * on the template and through the request oracle of test/targets/aws/http (whose rules were
 * checked against the AWS docs named in oracle.ts). Each case is an attack: a shape that would let
 * a caller in who the spec keeps out must be refused or enforced.
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf } from '../helpers/spec.js';
import { buildHttp, said, spec } from '../targets/aws/http/helpers.js';
import { type Claims, HttpApiOracle, NOW } from '../targets/aws/http/oracle.js';

const ok = (x = '') => `${x ? `      x-gateway: ${x}\n` : ''}      responses: { '200': { description: ok } }`;
const get = (p: string, security: string, x = '') => `  ${p}:\n    get:\n      security: ${security}\n${ok(x)}`;
const routes = (t: Record<string, any>) => Object.values(t.Resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route').map((r: any) => r.Properties);
/** `text` with one more security scheme (YAML at the scheme's own indent) after oidc. */
const withScheme = (text: string, name: string, body: string) => text.replace('\npaths:\n', `\n    ${name}:\n${body.split('\n').map((l) => `      ${l}`).join('\n')}\npaths:\n`);
const token = (c: Claims): Claims => ({ iss: 'https://id.example.com/', aud: 'api', exp: NOW + 60, iat: NOW - 60, signedByIssuer: true, ...c });

describe('aws api=http red team: who gets through', () => {
  it('held: scope alternatives of one scheme are ANY-of exactly the spec\'s scopes; a token with another scope is 403', async () => {
    const b = await buildHttp(spec(get('/a', '[{ oidc: [read] }, { oidc: [admin] }]')));
    expect(b.errors).toEqual([]);
    const o = new HttpApiOracle(b.template!);
    const tokens = new Map([['r', token({ scope: 'read' })], ['w', token({ scope: 'write' })], ['x', token({ scp: ['admin'] })]]);
    const s = (t: string) => o.request('GET', '/a', { Authorization: `Bearer ${t}` }, tokens).status;
    expect([s('r'), s('x'), s('w')]).toEqual([200, 200, 403]);
  });

  it('held: a scoped alternative beside an unscoped one admits any valid token (no scopes written), never a token of another audience', async () => {
    const b = await buildHttp(spec(get('/a', '[{ oidc: [read] }, { oidc: [] }]')));
    expect(routes(b.template!)[0].AuthorizationScopes).toBeUndefined();
    const o = new HttpApiOracle(b.template!);
    const tokens = new Map([['ok', token({})], ['other', token({ aud: ['other-app'] })], ['iss', token({ iss: 'https://id.example.com' })]]);
    const s = (t: string) => o.request('GET', '/a', { Authorization: `Bearer ${t}` }, tokens).status;
    // The authorizer's Issuer is the spec's issuer verbatim (trailing slash kept): iss is compared exactly.
    expect([s('ok'), s('other'), s('iss')]).toEqual([200, 401, 401]);
    expect(Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Authorizer')).toMatchObject({ Properties: { JwtConfiguration: { Issuer: 'https://id.example.com/' } } });
  });

  it.each([
    ['two scopes required together', '[{ oidc: [read, write] }]', 'aws-http-scopes-all'],
    ['an alternative needing two scopes beside one needing one', '[{ oidc: [read, write] }, { oidc: [admin] }]', 'aws-http-auth-alternatives'],
    ['optional auth beside the scheme', '[{}, { oidc: [read] }]', 'capability-unsupported'],
    ['a second JWT scheme as an alternative', '[{ oidc: [] }, { other: [] }]', 'aws-http-auth-alternatives'],
    ['a scope on a second scheme required together', '[{ oidc: [], other: [read] }]', 'capability-unsupported'],
  ])('held: %s is refused (an HTTP API route runs one authorizer with ANY-of scopes)', async (_n, security, code) => {
    const other = 'type: openIdConnect\nopenIdConnectUrl: https://other.example.com/.well-known/openid-configuration\nx-gateway: { issuer: https://other.example.com/, audiences: [api], hideCredentials: false }';
    const b = await buildHttp(withScheme(spec(get('/a', security)), 'other', other));
    expect(b.files).toEqual([]);
    expect(said(b.errors).map((e) => e.code)).toContain(code);
  });

  it('held: security [] without public: true is refused, never an open route', async () => {
    const b = await buildHttp(`${spec(get('/a', '[]'))}\nsecurity: [{ oidc: [] }]\n`);
    expect(b.files).toEqual([]);
  });

  it('held: an operation override of root security is what the route gets (root scope does not leak, override is not widened)', async () => {
    const b = await buildHttp(`${spec(`${get('/a', '[{ oidc: [admin] }]')}\n  /b:\n    get:\n${ok()}`)}\nsecurity: [{ oidc: [read] }]\n`);
    expect(b.errors).toEqual([]);
    const byKey = Object.fromEntries(routes(b.template!).map((r: any) => [r.RouteKey, r.AuthorizationScopes]));
    expect(byKey).toEqual({ 'GET /a': ['admin'], 'GET /b': ['read'] });
  });

  it('held: no $default route, no greedy {proxy+} and no ANY route is ever written', async () => {
    const b = await buildHttp(spec(`${get('/a/{id}', '[{ oidc: [] }]')}\n  /{proxy+}:\n    get:\n      security: []\n${ok('{ public: true }')}`));
    // A greedy path is refused (it would route the protected /a/x to a public integration).
    expect(said(b.errors).map((e) => e.code)).toContain('aws-http-path-unsupported');
    const ok2 = await buildHttp(spec(get('/a/{id}', '[{ oidc: [] }]')));
    expect(routes(ok2.template!).map((r: any) => r.RouteKey)).toEqual(['GET /a/{id}']);
  });

  it('held: a trailing slash or a double slash in a spec path is refused (an HTTP API route key cannot hold it)', async () => {
    const b = await buildHttp(spec(get('/a/', '[{ oidc: [] }]')));
    expect(said(b.errors).map((e) => e.code)).toContain('aws-http-path-unsupported');
    // A double slash does not even load (path-param-invalid).
    expect((await gatewayOf(spec(get('/a//b', '[{ oidc: [] }]')))).gateway).toBeUndefined();
  });

  it('held: the path sent to the backend is the route template with its parameters, never the client\'s path (overwrite:path)', async () => {
    const b = await buildHttp(spec(get('/a/{id}', '[{ oidc: [] }]')));
    const integration = Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any;
    expect(integration.Properties.RequestParameters['overwrite:path']).toBe('/a/${request.path.id}');
  });

  it('held: client-sent identity, override and forwarding headers are removed before an HTTP backend', async () => {
    const b = await buildHttp(spec(get('/a', '[{ oidc: [] }]')));
    const params = (Object.values(b.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Integration') as any).Properties.RequestParameters;
    for (const h of ['X-Consumer', 'X-HTTP-Method-Override', 'X-Original-URL', 'X-Rewrite-URL', 'X-Real-IP']) expect(Object.keys(params).map((k) => k.toLowerCase())).toContain(`remove:header.${h.toLowerCase()}`);
    expect(params).toHaveProperty(['remove:querystring._method']);
  });

  it('held: a Lambda authorizer cache keyed on a header the caller picks (not the credential) is refused', async () => {
    const key = (src: string, ttl = 300) =>
      withScheme(spec(get('/a', '[{ lam: [] }]')), 'lam', `type: apiKey\nin: header\nname: X-Api-Key\nx-gateway:\n  hideCredentials: false\n  lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:auth', type: request, ttlSeconds: ${ttl}, identitySource: [${src}] }`);
    const shared = await buildHttp(key('method.request.header.X-Tenant'));
    expect(said(shared.errors).map((e) => e.code)).toContain('aws-http-authorizer-cache-unkeyed');
    const keyed = await buildHttp(key('method.request.header.x-api-key'));
    expect(keyed.errors).toEqual([]);
    const auth = Object.values(keyed.template!.Resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Authorizer') as any;
    expect(auth.Properties.IdentitySource).toEqual(['$request.header.x-api-key']);
  });

  // FIXED by test/security/redteam-method-override.test.ts (was BROKE, cross-target): a public HEAD operation beside a protected GET on the same
  // path compiles on aws (both flavours), nginx and kong; most frameworks (Express, Flask, Rails,
  // Spring, Go 1.22 mux) run the GET handler for HEAD and drop only the body, so an anonymous
  // caller runs the protected handler and reads its status and headers (Content-Length, ETag).
  // confusable.ts knows HEAD reaches GET but skips routes without path parameters. The class fix is
  // a core refusal (like body-override.ts) for every target: a HEAD admitting callers its path's GET
  // does not; it needs a new code, explanation and docs/codes.md (shared files in flux this session).
  it('FIXED (head-widens-get, src/targets/head-get.ts): a HEAD route declared public beside a protected GET on the same path and backend is refused (the backend runs its GET handler for HEAD)', async () => {
    const b = await buildHttp(spec(`  /report:\n    get:\n      security: [{ oidc: [] }]\n${ok()}\n    head:\n      security: []\n${ok('{ public: true }')}`));
    expect(b.files, JSON.stringify(said(b.errors))).toEqual([]);
  });

  // BROKE? (not fixed; AWS behaviour unverified here, no account): third-party reports (a Stack
  // Exchange answer relayed by volcengine.com/article/1333845, errorhandle.ai) say an HTTP API
  // decodes the path once to match routes and a path parameter's value once more, so
  // /files/..%252Fadmin%252Fusers matches GET /files/{name} with name = ../admin/users. If
  // overwrite:path inserts that value unencoded (AWS documents neither way), the backend receives
  // /files/../admin/users, i.e. the protected /admin/users. confusable.ts models a value as one
  // segment, '.' or '..', never several; fail closed would read a value as any path under the
  // origin for this flavour (refusing the public /files/{name} here).
  it('FIXED (confusable.ts, slashes on the HTTP flavour): a public /files/{name} cannot reach a protected /admin/users on the same backend through a double-encoded slash', async () => {
    const b = await buildHttp(spec(`  /files/{name}:\n    get:\n      security: []\n${ok('{ public: true }')}\n${get('/admin/users', '[{ oidc: [] }]')}`));
    expect(b.files, JSON.stringify(said(b.errors))).toEqual([]);
    expect(said(b.errors).map((d) => d.code)).toContain('aws-path-param-confusable');
  });

  // dotSegments: rejected (the user's word that the backend never resolves '.' or '..'): a value
  // can no longer climb to the origin's root, but it still holds '/' (..%252F is ../ at the
  // backend, x%252Fy is x/y), so it spans one or more segments where the parameter stood.
  describe('a backend declared dotSegments: rejected', () => {
    const declared = (paths: string) => spec(paths).replace('api: { url: https://api.example.com }', 'api: { url: https://api.example.com, dotSegments: rejected }');
    const pub = (p: string) => `  ${p}:\n    get:\n      security: []\n${ok('{ public: true }')}`;
    it.each([
      ['a protected route one segment longer under the same prefix (x%252Fsecret)', '/files/{name}', '/files/{a}/secret'],
      ['a protected literal route two segments below (x%252Fy)', '/files/{name}', '/files/x/y'],
      ['a parameter in the middle of the path reaching a deeper protected route', '/files/{name}/meta', '/files/a/b/meta'],
      ['a parameter reaching a protected sibling of the same length (a ;suffix read as a literal)', '/files/{name}', '/files/admin'],
    ])('held: %s is still refused', async (_n, open, guarded) => {
      const b = await buildHttp(declared(`${pub(open)}\n${get(guarded, '[{ oidc: [] }]')}`));
      expect(b.files, JSON.stringify(said(b.errors))).toEqual([]);
      const refusal = said(b.errors).find((d) => d.code === 'aws-path-param-confusable');
      expect(refusal?.params).toMatchObject({ value: '"x%252Fy"', backend: 'api' });
    });
    // The declaration says nothing of empty segments or '?': %252F and %253Bx empty the segment
    // (/files// is /files/, a trailing slash from /files), and x%253F ends the path
    // (/files/?/meta is /files/): test/security/redteam-aws-dotsegments.test.ts.
    it.each([
      ['a protected route shorter than the template (%253F ends the path)', '/files/{name}/meta', '/files'],
      ['a protected parent (%252F empties the segment)', '/files/{name}', '/files'],
    ])('held: %s is still refused', async (_n, open, guarded) => {
      const b = await buildHttp(declared(`${pub(open)}\n${get(guarded, '[{ oidc: [] }]')}`));
      expect(b.files, JSON.stringify(said(b.errors))).toEqual([]);
      expect(said(b.errors).find((d) => d.code === 'aws-path-param-confusable')?.params).toMatchObject({ value: '"%252F" or "x%253F"', backend: 'api' });
    });
    it.each([
      ['a protected route outside the parameter\'s prefix (needs ..)', '/files/{name}', '/admin/users'],
    ])('builds: %s', async (_n, open, guarded) => {
      const b = await buildHttp(declared(`${pub(open)}\n${get(guarded, '[{ oidc: [] }]')}`));
      expect(said(b.errors)).toEqual([]);
    });
    it('without the declaration the same specs are refused, and the refusal names the line to add', async () => {
      const b = await buildHttp(spec(`${pub('/files/{name}')}\n${get('/admin/users', '[{ oidc: [] }]')}`));
      const refusal = b.errors.find((d) => d.code === 'aws-path-param-confusable');
      expect(refusal?.params).toMatchObject({ value: '"..%252F"', backend: 'api' });
      expect(refusal?.message).toContain('x-gateway.backends.api.dotSegments: rejected');
    });
    it('the declaration on another backend of the same origin does not count: the route\'s own backend must make it', async () => {
      const text = spec(`${pub('/files/{name}')}\n${get('/admin/users', '[{ oidc: [] }]', '{ backend: twin }')}`).replace(
        'api: { url: https://api.example.com }',
        'api: { url: https://api.example.com }, twin: { url: https://api.example.com, dotSegments: rejected }',
      );
      const b = await buildHttp(text);
      expect(said(b.errors).map((d) => d.code)).toContain('aws-path-param-confusable');
    });
  });
});
