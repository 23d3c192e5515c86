/**
 * Who gets in (DESIGN.md 7.1, 7.2) on aws, proved on the template with the request oracle: roles
 * and optional auth are refused (API Gateway's API-key check has neither), two API-key schemes are
 * refused (any key of the stage's usage plans passes "API key required"), and only the keys of the
 * one scheme the routes require go in the usage plan.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from './security-helpers.js';

const KEY = { type: 'apiKey', in: 'header', name: 'x-api-key' };
const LAMBDA = { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'request', identitySource: ['method.request.header.x-api-key'] } };

describe('aws: roles on API-key and basic requirements', () => {
  const BASIC_USER = { username: 'root', password: '${env:ROOT_PW}' };
  it.each([
    ['an API-key scheme', { key: KEY }, '${env:ROOT_KEY}'],
    ['an API-key scheme with a Lambda authorizer (it is never told the roles)', { key: { ...KEY, 'x-gateway': LAMBDA } }, '${env:ROOT_KEY}'],
    ['a basic scheme with a Lambda authorizer', { key: { type: 'http', scheme: 'basic', 'x-gateway': LAMBDA } }, BASIC_USER],
  ])('%s: refused at the security line, naming the route, nothing written', async (_n, schemes, credential) => {
    const s = spec({ '/admin/users': { get: { operationId: 'adminUsers', security: [{ key: ['admin'] }] } } }, {
      schemes,
      consumers: { root: { groups: ['admin'], credentials: { key: credential } } },
    });
    const b = await build(s);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'capability-unsupported').filter((d) => d.params.feature === 'auth.roles')).toEqual([
      { code: 'capability-unsupported', params: expect.objectContaining({ route: 'adminUsers', feature: 'auth.roles', target: 'aws' }), pointer: '/paths/~1admin~1users/get/security' },
    ]);
  });

  it('an IAM (SigV4) scheme written the AWS way is refused until the model has an IAM kind, never built open', async () => {
    const sigv4 = { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
    const b = await build(spec({ '/admin': { get: { operationId: 'admin', security: [{ iam: [] }] } } }, { schemes: { iam: sigv4 } }));
    expect(b.files).toEqual([]);
    expect(b.errors.length).toBeGreaterThan(0);
  });

  it('optional auth ({} beside a scheme) is refused, not built open or strict', async () => {
    const b = await build(spec({ '/feed': { get: { operationId: 'feed', security: [{}, { key: [] }] } } }));
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'capability-unsupported').map((d) => d.params.feature)).toEqual(['auth.optional']);
  });
});

describe('aws: API-key schemes and the usage plan', () => {
  const twoSchemes = (extraPartner: Record<string, unknown> = {}) =>
    spec(
      {
        '/partner/orders': { get: { operationId: 'partnerOrders', security: [{ partner: [] }] } },
        '/admin/users': { get: { operationId: 'adminUsers', security: [{ admin: [] }] } },
      },
      {
        schemes: { partner: { ...KEY, ...extraPartner }, admin: KEY },
        consumers: { p1: { credentials: { partner: '${env:P1_KEY}' } }, a1: { credentials: { admin: '${env:A1_KEY}' } } },
      },
    );

  it('two API-key schemes on one API are refused (the partner key would open the admin route), naming both', async () => {
    const b = await build(twoSchemes());
    expect(b.files).toEqual([]);
    // At the security of the first route (precedence order) of the second scheme.
    expect(coded(b.errors, 'aws-api-key-schemes-merged')).toEqual([
      {
        code: 'aws-api-key-schemes-merged',
        params: { route: 'partnerOrders', scheme: 'partner', otherRoute: 'adminUsers', otherScheme: 'admin' },
        pointer: '/paths/~1partner~1orders/get/security',
      },
    ]);
  });

  it('two API-key schemes required together on one route are refused too (they are one check)', async () => {
    const s = spec({ '/x': { get: { operationId: 'x', security: [{ partner: [], admin: [] }] } } }, { schemes: { partner: KEY, admin: KEY } });
    const b = await build(s);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-api-key-schemes-merged').map((d) => d.params)).toEqual([{ route: 'x', scheme: 'partner', otherRoute: 'x', otherScheme: 'admin' }]);
  });

  it('one scheme checked by a Lambda authorizer keeps the schemes apart: it builds, and only the native scheme has plan keys', async () => {
    const b = await build(twoSchemes({ 'x-gateway': LAMBDA }), {}, (scheme, credential) => (scheme === 'partner' && credential === 'partner-secret-from-the-function' ? 'p1' : undefined));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    const [adminKey] = o.keysOf('a1');
    expect(o.keysOf('p1')).toEqual([]);
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { 'x-api-key': adminKey! } }).status).toBe(200);
    // The admin key is not the partner function's credential.
    expect(o.request({ method: 'GET', path: '/partner/orders', headers: { 'x-api-key': adminKey! } }).status).toBe(403);
  });

  it('a consumer key of a scheme no route uses is not put in the plan, where it would pass every API-key route', async () => {
    const s = spec({ '/orders': { get: { operationId: 'orders', security: [{ partner: [] }] } } }, {
      schemes: { partner: KEY, admin: KEY },
      consumers: { p1: { credentials: { partner: '${env:P1_KEY}' } }, a1: { credentials: { admin: '${env:A1_KEY}' } } },
    });
    const b = await build(s);
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    expect(o.keysOf('a1')).toEqual([]);
    const [p1] = o.keysOf('p1');
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': p1! } }).status).toBe(200);
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': 'key-ApiKeyValueA1Admin-0123456789' } }).status).toBe(403);
    expect(o.request({ method: 'GET', path: '/orders' }).status).toBe(403);
  });

  it('one scheme, no roles: every consumer key of it passes its routes and nothing else does', async () => {
    const s = spec({ '/orders': { get: { operationId: 'orders', security: [{ key: [] }] } }, '/open': { get: { operationId: 'open', security: [] } } }, {
      consumers: { alice: { credentials: { key: '${env:A_KEY}' } }, bob: { credentials: { key: '${env:B_KEY}' } } },
    });
    const b = await build(s);
    const o = b.oracle!;
    for (const c of ['alice', 'bob']) expect(o.request({ method: 'GET', path: '/orders', headers: { 'X-Api-Key': o.keysOf(c)[0]! } }).status).toBe(200);
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': 'guess-0123456789012345' } }).status).toBe(403);
    expect(o.request({ method: 'GET', path: '/open' }).status).toBe(200);
  });
});
