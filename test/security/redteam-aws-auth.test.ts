/**
 * Red team, AWS API Gateway access control (DESIGN.md 7.1, 7.2, 7.4; issue #13): requests a hostile
 * caller sends to the REST API gwc wrote, answered by the request oracle (test/targets/aws/oracle.ts:
 * resource tree, authorizers with their scopes and result cache, usage-plan keys, ANY and OPTIONS
 * mocks), on templates that pass cfn-validate. Each attack states the secure answer: the request
 * never reaches the backend, or gwc refuses the spec at its line because API Gateway cannot keep it.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const POOL = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const KEY = { type: 'apiKey', in: 'header', name: 'x-api-key' };
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: POOL, anyAudience: true } };
const lambda = (scheme: Record<string, unknown>, authorizer: Record<string, unknown>) => ({ ...scheme, 'x-gateway': { lambdaAuthorizer: { arn: ARN, ...authorizer } } });
/** The scheme with hideCredentials: false (its credential is sent on to the backend knowingly). */
const shown = (scheme: Record<string, unknown>) => ({ ...scheme, 'x-gateway': { ...(scheme['x-gateway'] as object), hideCredentials: false } });

/** Tokens are symbolic: `tok:<who>:<scope>,<scope>` (Cognito); Lambda-checked credentials `good-<who>`. */
const good = (v: string | undefined) => /^good-([a-z]+)$/.exec(v ?? '')?.[1];
const verify: Verify = (_scheme, credential) => {
  const tok = /^(?:Bearer )?tok:([a-z]+):?(.*)$/.exec(credential);
  if (tok) return { identity: tok[1]!, scopes: tok[2] ? tok[2].split(',') : [] };
  return good(credential);
};
/** A request authorizer's function reads the credential where its scheme puts it, not the identity sources. */
const reads = (where: (r: { headers: Record<string, string>; query: Record<string, string> }) => string | undefined): Verify => (_s, _c, req) => good(where(req));

const routes = {
  '/admin/users': { get: { operationId: 'adminUsers', security: [{ key: [] }] } },
  '/both': { get: { operationId: 'both', security: [{ key: [], pool: [] }] } },
  '/reports': { get: { operationId: 'reports', security: [{ pool: ['reports/read'] }] } },
  '/partner': { get: { operationId: 'partner', security: [{ partner: [] }] } },
  '/pages/{page}': { get: { operationId: 'page' } },
};
const main = () =>
  build(
    spec(routes, {
      schemes: { key: KEY, pool: COGNITO, partner: lambda({ type: 'apiKey', in: 'header', name: 'x-partner-key' }, { type: 'request', identitySource: ['method.request.header.x-partner-key'] }) },
      consumers: {
        alice: { credentials: { key: '${env:ALICE_KEY}' } },
        pat: { credentials: { partner: '${env:PAT_KEY}' } },
      },
      policies: { web: { cors: { origins: ['https://app.example.com'] } } },
      // f5e0d29: a public {page} ("..%5C") could reach the keyed routes of this backend on REST; the
      // backend here refuses dot segments (what this suite attacks is whose credential opens what).
      backends: { app: { url: 'https://app.example.com', dotSegments: 'rejected' } },
    }),
    {},
    verify,
  );

describe('aws red team: whose credential opens what', async () => {
  const b = await main();
  it('builds', () => expect(b.errors).toEqual([]));
  const o = b.oracle!;
  const alice = o.keysOf('alice')[0]!;
  it.each([
    ['no key', '/admin/users', {}, [403]],
    ['a forged key', '/admin/users', { 'x-api-key': 'forged-forged-forged-0' }, [403]],
    ["a Lambda-checked scheme's consumer key in x-api-key (never in the usage plan)", '/admin/users', { 'x-api-key': 'key-PAT_KEY' }, [403]],
    ['AND: the key alone', '/both', { 'x-api-key': alice }, [401]],
    ['AND: the token alone', '/both', { authorization: 'tok:bob' }, [403]],
    ['AND: a forged token and the key', '/both', { authorization: 'forged', 'x-api-key': alice }, [403]],
    ['scopes: a token without the scope', '/reports', { authorization: 'tok:bob:reports/write' }, [403]],
    ['scopes: a token with no scopes (an ID token)', '/reports', { authorization: 'tok:bob' }, [403]],
    ["the API key on the Lambda scheme's route", '/partner', { 'x-api-key': alice }, [401]],
  ] as Array<[string, string, Record<string, string>, number[]]>)('%s', (_attack, path, headers, statuses) => {
    const d = o.request({ method: 'GET', path, headers });
    expect(statuses, JSON.stringify(d)).toContain(d.status);
    expect(d.upstream).toBeUndefined();
  });

  it('the rightful callers still pass', () => {
    expect(o.request({ method: 'GET', path: '/admin/users', headers: { 'x-api-key': alice } }).status).toBe(200);
    expect(o.request({ method: 'GET', path: '/both', headers: { 'x-api-key': alice, authorization: 'tok:bob' } }).status).toBe(200);
    expect(o.request({ method: 'GET', path: '/reports', headers: { authorization: 'tok:bob:reports/read' } }).status).toBe(200);
    expect(o.request({ method: 'GET', path: '/partner', headers: { 'x-partner-key': 'good-pat' } }).status).toBe(200);
  });

  it.each(['HEAD', 'OPTIONS', 'PATCH', 'DELETE', 'POST', 'PUT'])('%s on a key route without a key never reaches the backend', (method) => {
    for (const path of ['/admin/users', '/both', '/reports', '/admin/users/', '//admin//users']) {
      const d = o.request({ method, path, headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
      expect(d.upstream, `${method} ${path}: ${JSON.stringify(d)}`).toBeUndefined();
    }
  });

  it('only the one native API-key scheme has plan keys: usage plan keys are exactly its consumers', () => {
    const res = Object.values(b.t!.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>);
    expect(res.filter((r) => r.Type === 'AWS::ApiGateway::ApiKey').map((r) => r.Properties.Description)).toEqual(['consumer alice (generated by gwc)']);
    expect(res.filter((r) => r.Type === 'AWS::ApiGateway::UsagePlan')).toHaveLength(1);
  });
});

describe('aws red team: Cognito scopes are ANY-of on API Gateway, ALL-of in OpenAPI', () => {
  it('a requirement naming several scopes is refused at the security line (a token with one of them would pass)', async () => {
    const b = await build(spec({ '/reports': { delete: { operationId: 'purge', security: [{ pool: ['reports/read', 'reports/admin'] }] } } }, { schemes: { pool: COGNITO } }), {}, verify);
    if (b.oracle) {
      // If it ever builds, a token with only one of the scopes must be refused.
      const d = b.oracle.request({ method: 'DELETE', path: '/reports', headers: { authorization: 'tok:bob:reports/read' } });
      expect(d.upstream, JSON.stringify(d)).toBeUndefined();
    }
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-cognito-scopes-any')).toEqual([
      { code: 'aws-cognito-scopes-any', params: { route: 'purge', scheme: 'pool', scopes: 'reports/read, reports/admin' }, pointer: '/paths/~1reports/delete/security' },
    ]);
  });

  it('also inside an AND with the API key', async () => {
    const b = await build(spec({ '/r': { get: { operationId: 'r', security: [{ key: [], pool: ['a', 'b'] }] } } }, { schemes: { key: KEY, pool: COGNITO } }), {}, verify);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-cognito-scopes-any').map((d) => d.params.route)).toEqual(['r']);
  });

  it('two authorizers required together are refused with their names (a method runs one)', async () => {
    const partner = lambda({ type: 'apiKey', in: 'header', name: 'x-partner-key' }, { type: 'request', identitySource: ['method.request.header.x-partner-key'] });
    const b = await build(spec({ '/r': { get: { operationId: 'r', security: [{ pool: [], partner: [] }] } } }, { schemes: { pool: COGNITO, partner } }), {}, verify);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-authorizers-and')).toEqual([{ code: 'aws-authorizers-and', params: { route: 'r', schemes: 'partner, pool' }, pointer: '/paths/~1r/get/security' }]);
  });

  it('one scope builds and is checked', async () => {
    const b = await build(spec({ '/reports': { get: { operationId: 'reports', security: [{ pool: ['reports/read'] }] } } }, { schemes: { pool: COGNITO } }), {}, verify);
    expect(b.errors).toEqual([]);
    expect(b.oracle!.request({ method: 'GET', path: '/reports', headers: { authorization: 'tok:x:other' } }).status).toBe(403);
    expect(b.oracle!.request({ method: 'GET', path: '/reports', headers: { authorization: 'tok:x:reports/read' } }).status).toBe(200);
  });
});

describe("aws red team: a Lambda authorizer's cached Allow serves only the caller it verified", () => {
  const route = (security: string) => ({ '/data': { get: { operationId: 'data', security: [{ [security]: [] }] } } });
  /** The victim is verified, then the attacker sends the same identity-source values with a bad credential. */
  const replay = async (scheme: Record<string, unknown>, fn: Verify, victim: Record<string, unknown>, attacker: Record<string, unknown>) => {
    const b = await build(spec(route('s'), { schemes: { s: scheme } }), {}, fn);
    if (!b.oracle) return b;
    const v = b.oracle.request({ method: 'GET', path: '/data', ...victim });
    expect(v.status, JSON.stringify(v)).toBe(200);
    const a = b.oracle.request({ method: 'GET', path: '/data', ...attacker });
    expect(a.upstream, `the attacker reused the victim's Allow: ${JSON.stringify(a)}`).toBeUndefined();
    return b;
  };

  it('a cookie credential is refused whatever its cache is keyed on: kept (aws-kept-cookie-credential: one Cookie line may hold it twice) or hidden (aws-credential-unhidden)', async () => {
    for (const source of ['method.request.header.User-Agent', 'method.request.header.Cookie']) {
      const scheme = shown(lambda({ type: 'apiKey', in: 'cookie', name: 'session' }, { type: 'request', identitySource: [source], ttlSeconds: 300 }));
      const b = await replay(scheme, reads((r) => /session=([^;]*)/.exec(r.headers.cookie ?? '')?.[1]), { headers: { cookie: 'session=good-alice', 'user-agent': 'curl/8' } }, { headers: { cookie: 'session=bad-eve', 'user-agent': 'curl/8' } });
      expect(b.files, source).toEqual([]);
      expect(coded(b.errors, 'aws-kept-cookie-credential', 'aws-authorizer-cache-unkeyed'), source).toEqual([
        { code: 'aws-kept-cookie-credential', params: { scheme: 's', name: 'session' }, pointer: '/components/securitySchemes/s' },
      ]);
    }
  });

  it('a query credential cached on a query parameter of another case is refused (query names are case-sensitive)', async () => {
    const scheme = lambda({ type: 'apiKey', in: 'query', name: 'key' }, { type: 'request', identitySource: ['method.request.querystring.KEY'], ttlSeconds: 300 });
    const b = await replay(scheme, reads((r) => r.query.key), { query: { key: 'good-alice', KEY: 'x' } }, { query: { key: 'bad-eve', KEY: 'x' } });
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-authorizer-cache-unkeyed').map((d) => d.params.credential)).toEqual(['method.request.querystring.key']);
  });

  it('a header credential cached on the same header spelled in another case builds (header names are case-insensitive)', async () => {
    const scheme = lambda({ type: 'apiKey', in: 'header', name: 'X-Token' }, { type: 'request', identitySource: ['method.request.header.x-token'], ttlSeconds: 300 });
    const b = await replay(scheme, reads((r) => r.headers['x-token']), { headers: { 'x-token': 'good-alice' } }, { headers: { 'x-token': 'bad-eve' } });
    expect(b.errors).toEqual([]);
  });

  it.each([
    ['a header credential cached on another header', lambda({ type: 'apiKey', in: 'header', name: 'x-token' }, { type: 'request', identitySource: ['method.request.header.Host'], ttlSeconds: 60 })],
    ['a basic scheme cached on a query parameter', lambda({ type: 'http', scheme: 'basic' }, { type: 'request', identitySource: ['method.request.querystring.tenant'], ttlSeconds: 60 })],
    ['a token authorizer reading another header', lambda({ type: 'http', scheme: 'bearer' }, { type: 'token', identitySource: ['method.request.header.X-Session'], ttlSeconds: 60 })],
  ])('%s is refused', async (_n, scheme) => {
    const b = await build(spec(route('s'), { schemes: { s: scheme } }), {}, verify);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-authorizer-cache-unkeyed')).toHaveLength(1);
  });
});

describe('aws red team: what API Gateway answers without auth', () => {
  it('the CORS preflight and the ANY 405 are mocks: no request reaches the backend unauthenticated', async () => {
    const b = await main();
    const body = b.t!.Resources.RestApi.Properties.Body;
    for (const [path, item] of Object.entries<Record<string, Record<string, any>>>(body.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const integration = op['x-amazon-apigateway-integration'];
        // Every method without security is the spec's public route, the preflight or the 405 answer.
        if (!op.security) expect(integration.type === 'mock' || path === '/pages/{page}', `${method} ${path}`).toBe(true);
      }
    }
  });

  it('optional auth and its accepted gap are refused, never built open', async () => {
    const s = spec({ '/feed': { get: { operationId: 'feed', security: [{}, { key: [] }] } } });
    expect(coded((await build(s)).errors, 'capability-unsupported').map((d) => d.params.feature)).toEqual(['auth.optional']);
    const accepted = { ...s, 'x-gateway': { ...s['x-gateway'], accept: { aws: [{ feature: 'auth.optional', reason: 'the backend checks it' }] } } };
    const b = await build(accepted);
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'accept-opens-route').map((d) => d.params.feature)).toEqual(['auth.optional']);
  });

  it('roles inside an AND, and their accepted gap, are refused', async () => {
    const s = spec({ '/r': { get: { operationId: 'r', security: [{ key: ['admin'], pool: [] }] } } }, { schemes: { key: KEY, pool: COGNITO } });
    expect(coded((await build(s)).errors, 'capability-unsupported').map((d) => d.params.feature)).toEqual(['auth.roles']);
    const b = await build({ ...s, 'x-gateway': { ...s['x-gateway'], accept: { aws: [{ feature: 'auth.roles', reason: 'the backend checks them' }] } } });
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'accept-opens-route').map((d) => d.params.feature)).toEqual(['auth.roles']);
  });

  it('an accepted OR enforces its first alternative: the other alternative and no credential are refused', async () => {
    const s = spec({ '/r': { get: { operationId: 'r', security: [{ pool: [] }, { key: [] }] } } }, { schemes: { key: KEY, pool: COGNITO }, consumers: { alice: { credentials: { key: '${env:ALICE_KEY}' } } } });
    const b = await build({ ...s, 'x-gateway': { ...s['x-gateway'], accept: { aws: [{ feature: 'auth.or', reason: 'key callers move to tokens' }] } } }, {}, verify);
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    expect(o.request({ method: 'GET', path: '/r', headers: { 'x-api-key': o.keysOf('alice')[0]! } }).upstream).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/r' }).upstream).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/r', headers: { authorization: 'tok:bob' } }).status).toBe(200);
  });
});

describe('aws red team: the verified credential never reaches the backend (hideCredentials, the default)', () => {
  const data = (scheme: Record<string, unknown>, fn: Verify) => build(spec({ '/data': { get: { operationId: 'data', security: [{ s: [] }] } } }, { schemes: { s: scheme } }), {}, fn);

  // A query key builds only behind a backend that reads exact names (aws-query-credential-spellings,
  // red team 3: redteam3-aws): what this test checks, the exact name blanked, is then what there is.
  it('a query key checked by a Lambda authorizer is blanked in the integration request', async () => {
    const s = lambda({ type: 'apiKey', in: 'query', name: 'key' }, { type: 'request', identitySource: ['method.request.querystring.key'] });
    const b = await build(spec({ '/data': { get: { operationId: 'data', security: [{ s: [] }] } } }, { schemes: { s }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }), {}, reads((r) => r.query.key));
    expect(b.errors).toEqual([]);
    const d = b.oracle!.request({ method: 'GET', path: '/data', query: { key: 'good-alice', page: '2' } });
    expect(d.status).toBe(200);
    expect([d.upstream?.query.key ?? '', d.upstream?.query.page]).toEqual(['', '2']);
  });

  it('a header key checked by a Lambda authorizer is blanked', async () => {
    const b = await data(lambda({ type: 'apiKey', in: 'header', name: 'X-Token' }, { type: 'request', identitySource: ['method.request.header.X-Token'] }), reads((r) => r.headers['x-token']));
    const d = b.oracle!.request({ method: 'GET', path: '/data', headers: { 'x-token': 'good-alice' } });
    expect(d.status).toBe(200);
    expect(d.upstream?.headers['x-token'] ?? '').toBe('');
  });

  it('a cookie credential, which API Gateway cannot take out of the Cookie header, is refused at the scheme, hidden or kept', async () => {
    const scheme = lambda({ type: 'apiKey', in: 'cookie', name: 'session' }, { type: 'request', identitySource: ['method.request.header.Cookie'] });
    const b = await data(scheme, reads((r) => /session=([^;]*)/.exec(r.headers.cookie ?? '')?.[1]));
    if (b.oracle) {
      const d = b.oracle.request({ method: 'GET', path: '/data', headers: { cookie: 'session=good-alice; theme=dark' } });
      expect(d.upstream?.headers.cookie ?? '', 'the session cookie reached the backend').not.toContain('good-alice');
    }
    expect(b.files).toEqual([]);
    expect(coded(b.errors, 'aws-credential-unhidden')).toEqual([
      { code: 'aws-credential-unhidden', params: { scheme: 's', where: 'cookie session' }, pointer: '/components/securitySchemes/s' },
    ]);
    // Kept (hideCredentials: false) it is refused too: aws-kept-cookie-credential (aws-repeated-credential.test.ts).
    const sent = await data(shown(scheme), reads((r) => /session=([^;]*)/.exec(r.headers.cookie ?? '')?.[1]));
    expect(coded(sent.errors, 'aws-kept-cookie-credential').map((d) => d.pointer)).toEqual(['/components/securitySchemes/s']);
  });
});
