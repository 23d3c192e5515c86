/**
 * What reaches the backend (DESIGN.md 7.5) on aws http_proxy integrations, proved with the oracle:
 * method-override inputs arrive empty unless the operation declares them, and a path parameter
 * that a backend (an HTTP service, or a Lambda function routing on the path it is given) could read
 * as a differently protected route (`me;`, `%3B`, `.`, `..;`) is refused, since API Gateway cannot
 * restrict a parameter's value.
 */
import { describe, expect, it } from 'vitest';
import { backendReads } from './oracle.js';
import { build, coded, spec } from './security-helpers.js';

const OVERRIDES = { 'X-HTTP-Method-Override': 'DELETE', 'X-HTTP-Method': 'DELETE', 'X-Method-Override': 'DELETE' };

describe('aws: method override inputs', () => {
  it('are emptied before a public and an authenticated http_proxy route', async () => {
    const s = spec({ '/items': { get: { operationId: 'items', security: [] } }, '/items/{id}': { get: { operationId: 'item', security: [{ key: [] }], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] } } }, {
      consumers: { alice: { credentials: { key: '${env:A_KEY}' } } },
    });
    const b = await build(s);
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    for (const [path, headers] of [['/items', {}], ['/items/1', { 'x-api-key': o.keysOf('alice')[0]! }]] as const) {
      const d = o.request({ method: 'GET', path, headers: { ...headers, ...OVERRIDES }, query: { _method: 'DELETE', page: '2' } });
      expect(d.status).toBe(200);
      expect(d.upstream?.method).toBe('GET');
      for (const h of Object.keys(OVERRIDES)) expect(d.upstream?.headers[h.toLowerCase()]).toBe('');
      const url = o.request({ method: 'GET', path, headers: { ...headers, 'X-Original-URL': '/admin', 'X-Rewrite-URL': '/admin' } });
      expect([url.upstream?.headers['x-original-url'], url.upstream?.headers['x-rewrite-url']]).toEqual(['', '']);
      // The header key's name in the query is emptied on the keyed route (credential-elsewhere.ts).
      expect(d.upstream?.query).toEqual(path === '/items' ? { _method: '', page: '2' } : { _method: '', page: '2', 'x-api-key': '' });
    }
  });

  it('pass on where the operation declares them, and a header the route sets itself wins', async () => {
    const s = spec({
      '/legacy': {
        post: {
          operationId: 'legacy',
          security: [],
          parameters: [{ name: 'X-HTTP-Method-Override', in: 'header', schema: { type: 'string' } }, { name: '_method', in: 'query', schema: { type: 'string' } }],
          'x-gateway': { requestHeaders: { set: { 'x-method-override': 'POST' } } },
        },
      },
    });
    const b = await build(s);
    expect(b.errors).toEqual([]);
    const d = b.oracle!.request({ method: 'POST', path: '/legacy', headers: OVERRIDES, query: { _method: 'PUT' } });
    expect(d.upstream?.headers).toMatchObject({ 'x-http-method-override': 'DELETE', 'x-http-method': '', 'x-method-override': 'POST' });
    expect(d.upstream?.query).toEqual({ _method: 'PUT' });
    const params = b.t!.Resources.RestApi.Properties.Body.paths['/legacy'].post['x-amazon-apigateway-integration'].requestParameters;
    // Declared: no spelling of X-HTTP-Method-Override is mapped; set: the route's own x-method-override
    // value, its '_' spellings (the client's) sent empty.
    expect(Object.keys(params).filter((k) => /x.http.method.override/i.test(k))).toEqual([]);
    expect(Object.entries(params).filter(([k]) => /\.x.method.override$/i.test(k))).toEqual([
      ['integration.request.header.x-method-override', "'POST'"],
      ['integration.request.header.X_Method-Override', "''"],
      ['integration.request.header.X-Method_Override', "''"],
      ['integration.request.header.X_Method_Override', "''"],
    ]);
  });
});

describe('aws: path parameters the backend could read as another route', () => {
  const param = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
  const users = (me: Record<string, unknown>, user: Record<string, unknown> = {}, backends?: Record<string, unknown>) =>
    spec(
      {
        '/users/me': { get: { operationId: 'getMe', security: [{ key: [] }], ...me } },
        '/users/{id}': { get: { operationId: 'getUser', security: [], parameters: param, ...user } },
      },
      backends ? { backends } : {},
    );

  it('the mechanism: `me;` and `me%3B` match {id} at the gateway and reach /users/me at a Tomcat-like backend', async () => {
    // Both routes public here, so the template builds and the oracle can show the request's path.
    const b = await build(users({ security: [] }));
    expect(b.errors).toEqual([]);
    for (const path of ['/users/me;', '/users/me%3B', '/users/me;x=1']) {
      const d = b.oracle!.request({ method: 'GET', path });
      expect(d.operationId).toBe('getUser');
      expect(backendReads(d.upstream!.url)).toBe('/users/me');
    }
  });

  it('the mechanism, dot segments: `..;` and `.` move the backend path up', () => {
    expect(backendReads('http://h/users/..;/profile')).toBe('/profile');
    expect(backendReads('http://h/users/%2E')).toBe('/users');
  });

  it('a public /users/{id} beside a keyed /users/me on the same backend is refused at the templated route', async () => {
    const b = await build(users({}));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-path-param-confusable')).toEqual([
      { code: 'aws-path-param-confusable', params: { route: 'getUser', param: 'id', other: 'getMe', upstream: '/users/{id}', value: '"x;" or "..;"', backend: 'app' }, pointer: '/paths/~1users~1{id}/get' },
    ]);
  });

  it.each([
    ['an upstreamPath rewrite (`current;` reaches the rewritten /users/me)', users({ 'x-gateway': { upstreamPath: '/internal/users/current' } }, { 'x-gateway': { upstreamPath: '/internal/users/{id}' } })],
    ['the parent route (`.` or `%2E` reaches /users)', spec({ '/users': { get: { operationId: 'listUsers', security: [{ key: [] }] } }, '/users/{id}': { get: { operationId: 'getUser', security: [], parameters: param } } })],
    ['a route above it (`..;` takes /users with it: /users/..;/profile is /profile)', spec({ '/profile': { get: { operationId: 'myProfile', security: [{ key: [] }] } }, '/users/{id}/profile': { get: { operationId: 'profile', security: [], parameters: param } } })],
    ['a HEAD route beside a protected GET (HEAD runs the GET handler)', spec({ '/users/me': { get: { operationId: 'getMe', security: [{ key: [] }] } }, '/users/{id}': { head: { operationId: 'headUser', security: [], parameters: param } } })],
    ['two routes of one Lambda function (it is given the path itself)', users({}, {}, { app: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:users' } } })],
    ['an IP rule on the other route', spec({ '/users/me': { get: { operationId: 'getMe', security: [], 'x-gateway': { policies: ['office'] } } }, '/users/{id}': { get: { operationId: 'getUser', security: [], parameters: param } } }, { policies: { office: { ipAllow: ['10.0.0.0/8'] } } })],
  ])('%s: refused', async (_n, s) => {
    const b = await build(s);
    expect(b.files).toEqual([]);
    // A HEAD beside a more protected GET is refused for every target before the compile (head-get.ts).
    expect(coded(b.errors, 'aws-path-param-confusable', 'head-widens-get')).toHaveLength(1);
  });

  it.each([
    ['the same security on both', users({}, { security: [{ key: [] }] })],
    ['a stricter templated route (its callers may call the public one anyway)', spec({ '/users/me': { get: { operationId: 'getMe', security: [] } }, '/users/{id}': { get: { operationId: 'getUser', security: [{ key: [] }], parameters: param } } })],
    // headerNames: exact: the functions read x-api-key by its exact name (else aws-lambda-header-spellings).
    ['different Lambda functions', users({ 'x-gateway': { backend: 'me' } }, {}, { app: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:users' }, headerNames: 'exact' }, me: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:me' }, headerNames: 'exact' } })],
    ['different backends', users({ 'x-gateway': { backend: 'me' } }, {}, { app: { url: 'https://app.example.com' }, me: { url: 'https://me.example.com' } })],
    ['different methods (the integration fixes the method)', spec({ '/users/me': { delete: { operationId: 'delMe', security: [{ key: [] }] } }, '/users/{id}': { get: { operationId: 'getUser', security: [], parameters: param } } })],
  ])('%s: builds', async (_n, s) => {
    const b = await build(s);
    expect(coded(b.diagnostics, 'aws-path-param-confusable')).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  // dotSegments: rejected: the user's word that the backend never resolves '.' or '..'. A REST API
  // keeps a value encoded (one segment), so only the `;suffix` reading is left.
  describe('a backend declared dotSegments: rejected', () => {
    const declared = { app: { url: 'https://app.example.com', dotSegments: 'rejected' } };
    it('still refuses a public /users/{id} beside a keyed /users/me (me; is read as me)', async () => {
      const b = await build(users({}, {}, declared));
      expect(coded(b.errors, 'aws-path-param-confusable').map((d) => d.params)).toEqual([
        { route: 'getUser', param: 'id', other: 'getMe', upstream: '/users/{id}', value: '"x;"', backend: 'app' },
      ]);
    });
    // The declaration says nothing of `;`: /users/;x is /users/ at a backend dropping the ;suffix,
    // a trailing slash from /users (test/security/redteam-aws-dotsegments.test.ts).
    it('still refuses the parent route (`;x` empties the segment: /users/;x is /users/)', async () => {
      const b = await build(spec({ '/users': { get: { operationId: 'listUsers', security: [{ key: [] }] } }, '/users/{id}': { get: { operationId: 'getUser', security: [], parameters: param } } }, { backends: declared }));
      expect(coded(b.errors, 'aws-path-param-confusable').map((d) => d.params)).toEqual([
        { route: 'getUser', param: 'id', other: 'listUsers', upstream: '/users/{id}', value: '";x"', backend: 'app' },
      ]);
    });
    it.each([
      ['a route above it (`..;` no longer takes /users with it)', spec({ '/profile': { get: { operationId: 'myProfile', security: [{ key: [] }] } }, '/users/{id}/profile': { get: { operationId: 'profile', security: [], parameters: param } } }, { backends: declared })],
    ])('%s: builds', async (_n, s) => {
      const b = await build(s);
      expect(coded(b.diagnostics, 'aws-path-param-confusable')).toEqual([]);
      expect(b.errors).toEqual([]);
    });
  });
});
