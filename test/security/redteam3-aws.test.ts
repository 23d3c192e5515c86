/**
 * Red team 3, AWS API Gateway REST (DESIGN.md 7.3, 7.4), through the request oracle
 * (test/targets/aws/oracle.ts) on templates that pass cfn-validate:
 * - the stage cache of a public route and a credential API Gateway did not verify (a bearer token
 *   or session cookie the backend checks itself): the answer to that caller is stored under a key
 *   without it and served to the next, anonymous, caller (nginx bypasses the cache for an
 *   unverified Authorization since red team 2);
 * - a credential in the array form of its query name (PHP, Rails and Express's qs read
 *   `api_key[]=v` as `api_key`) reaches the backend beside the one blanked.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { ThrottleOracle } from '../targets/aws/throttle-oracle.js';
import { QUERY_NAME_RULE, queryNameAsRead } from '../../src/targets/query-names.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const POOL = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: POOL, anyAudience: true } };
const good = (v: string | undefined) => /^good-([a-z]+)$/.exec(v ?? '')?.[1];
const verify: Verify = (_s, credential) => {
  const tok = /^(?:Bearer )?tok:([a-z]+)$/.exec(credential);
  return tok ? { identity: tok[1]!, scopes: [] } : good(credential);
};

describe('red team 3: aws stage cache on a public route', () => {
  const main = () =>
    build(
      spec({
        '/news': { get: { operationId: 'news', 'x-gateway': { cache: { ttl: '60s' } } } },
        '/me': { get: { operationId: 'me', security: [{ pool: [] }] } },
      // queryNames: exact: the pool's RFC 6750 ?access_token= is keyed by its name; without it the
      // public cached route is refused (aws-cache-query-credential, red team 4: redteam4-aws-cache).
      }, { schemes: { pool: COGNITO }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }),
      {},
      verify,
    );

  it('builds', async () => expect((await main()).errors).toEqual([]));

  // Mechanism: cache.ts keys a public route on its path and declared query only; a request carrying
  // Authorization reaches the backend as sent (no authorizer on the route), the backend answers
  // that user's data, and the stage cache serves it to everyone for the TTL. Fail closed: key the
  // public route's cache on Authorization and Cookie too (or refuse the cache there).
  it("FIXED: the answer to a request carrying Authorization is never served to the next, anonymous, caller", async () => {
    const o = (await main()).oracle!;
    const first = o.request({ method: 'GET', path: '/news', headers: { authorization: 'Bearer tok:alice' } });
    expect(first.status).toBe(200);
    expect(first.upstream?.headers.authorization, 'the backend got the token (so it may answer for alice)').toBe('Bearer tok:alice');
    const next = o.request({ method: 'GET', path: '/news' });
    expect(next.cachedFrom, "the anonymous caller was served alice's answer").toBeUndefined();
  });

  it("FIXED: the answer to a request carrying a session Cookie is never served to the next, anonymous, caller", async () => {
    const o = (await main()).oracle!;
    const first = o.request({ method: 'GET', path: '/news', headers: { cookie: 'session=alice-session' } });
    expect(first.upstream?.headers.cookie).toBe('session=alice-session');
    const next = o.request({ method: 'GET', path: '/news' });
    expect(next.cachedFrom, "the anonymous caller was served alice's answer").toBeUndefined();
  });
});

describe('red team 3: aws credentials in the array form of their query name', () => {
  // Mechanism: backends.ts blanks exactly the scheme's query name (integration.request.querystring.<name>)
  // and exactly access_token; every other query parameter passes to the HTTP backend as sent, and
  // `api_key[]` / `access_token[]` are `api_key` / `access_token` to PHP, Rails and Express (qs).
  // A mapping name holds only [a-zA-Z0-9._$-] (AWS, rest-api-parameter-mapping-sources.html; cfn-validate
  // does not look inside the Body) and the array and blank forms are unbounded: the query key is
  // refused (aws-query-credential-spellings, src/targets/aws/query-spellings.ts) unless the backend
  // says queryNames: exact.
  const qkSpec = (backend: Record<string, unknown> = { url: 'https://app.example.com' }) =>
    spec({ '/q': { get: { operationId: 'q', security: [{ qk: [] }] } } }, {
      backends: { app: backend },
      schemes: { qk: { type: 'apiKey', in: 'query', name: 'api_key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', identitySource: ['method.request.querystring.api_key'], ttlSeconds: 0 } } } },
    });
  const refusal = [{ code: 'aws-query-credential-spellings', params: { route: 'q', scheme: 'qk', name: 'api_key', backend: 'app' }, pointer: '/paths/~1q/get/security' }];

  /**
   * One spelling per reading of src/targets/query-names.ts's table (QUERY_NAME_RULE), each read as
   * api_key by the table's own reference reading: so a new reading the table gains is a new variant.
   */
  const SPELLINGS: Array<[reading: string, raw: string]> = [
    ...(QUERY_NAME_RULE.asciiCaseFold ? ([['asciiCaseFold', 'API_KEY'], ['asciiCaseFold', 'Api_Key']] as Array<[string, string]>) : []),
    ...[...QUERY_NAME_RULE.asUnderscore].map((c): [string, string] => ['asUnderscore', `api${c}key`]),
    ...(QUERY_NAME_RULE.arrayForm ? (['api_key[]', 'api_key[0]', 'api_key[a][b]', 'api_key]'].map((n) => ['arrayForm', n]) as Array<[string, string]>) : []),
    // Rack 2's leading run of brackets (normalize_params: `[api_key]`, `]api_key` are params['api_key']).
    ...((QUERY_NAME_RULE as Record<string, unknown>).leadingBrackets ? (['[api_key]', ']api_key', '%5Bapi_key%5D'].map((n) => ['leadingBrackets', n]) as Array<[string, string]>) : []),
    ...[...QUERY_NAME_RULE.blanks].map((c): [string, string] => ['blanks', `${c}api_key`]),
    ...(QUERY_NAME_RULE.plusIsSpace ? ([['plusIsSpace', 'api+key']] as Array<[string, string]>) : []),
    ...(QUERY_NAME_RULE.percentDecode ? ([['percentDecode', 'api%5Fkey'], ['percentDecode', 'api_key%5B%5D']] as Array<[string, string]>) : []),
    // A reading the table may gain (PHP ends a name at its first NUL): read through the table itself.
    ...((QUERY_NAME_RULE as Record<string, unknown>).nulEnds ? ([['nulEnds', 'api_key%00x']] as Array<[string, string]>) : []),
    // KELVIN SIGN for k (Go's EqualFold: Echo's query binding).
    ...((QUERY_NAME_RULE as Record<string, unknown>).unicodeFold ? ([['unicodeFold', 'api_%E2%84%AAey']] as Array<[string, string]>) : []),
  ];

  it('the variants are the table\'s: every reading has one, each is api_key to the reference reading and not the exact name', () => {
    const readings = new Set(SPELLINGS.map(([r]) => r));
    for (const [k, v] of Object.entries(QUERY_NAME_RULE)) if (v) expect(readings, k).toContain(k);
    for (const [, raw] of SPELLINGS) {
      expect(raw).not.toBe('api_key');
      expect(queryNameAsRead(raw), raw).toBe('api_key');
    }
  });

  // Each spelling cannot be blanked (outside [a-zA-Z0-9._$-], or unbounded in number), so the route is refused.
  it("FIXED: a Lambda-checked query key: bob's key as api_key[]= beside alice's verified api_key= never reaches the backend (refused: aws-query-credential-spellings at the route's security)", async () => {
    const b = await build(qkSpec(), {}, (_s, _c, req) => good(req.query.api_key));
    expect(coded(b.errors, 'aws-query-credential-spellings')).toEqual(refusal);
    expect(b.errors.map((e) => e.code)).toEqual(['aws-query-credential-spellings']);
    expect(b.files).toEqual([]);
  });

  it("FIXED: a Lambda-checked query key: bob's key as API_KEY= / Api_Key= / api.key= / api key= (every spelling of the table) beside alice's never reaches the backend: no template is written", async () => {
    const b = await build(qkSpec());
    expect(coded(b.errors, 'aws-query-credential-spellings')).toEqual(refusal);
    expect(b.oracle, 'no template, so no API that would pass any spelling').toBeUndefined();
  });

  it('refused whichever alternative or item carries the query key, once per route and scheme; a header key builds; a Lambda backend is refused too (its event holds api_key[]: lambda-spellings.ts) unless queryNames: exact', async () => {
    const qk = { type: 'apiKey', in: 'query', name: 'api_key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', identitySource: ['method.request.querystring.api_key'] } } };
    const hk = { type: 'apiKey', in: 'header', name: 'x-key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', identitySource: ['method.request.header.x-key'] } } };
    const two = await build(
      spec({ '/a': { get: { operationId: 'a', security: [{ qk: [] }] }, post: { operationId: 'aPost', security: [{ qk: [] }] } }, '/h': { get: { operationId: 'h', security: [{ hk: [] }] } } }, { schemes: { qk, hk } }),
    );
    expect(coded(two.errors, 'aws-query-credential-spellings').map((d) => [d.params, d.pointer])).toEqual([
      [{ route: 'a', scheme: 'qk', name: 'api_key', backend: 'app' }, '/paths/~1a/get/security'],
      [{ route: 'aPost', scheme: 'qk', name: 'api_key', backend: 'app' }, '/paths/~1a/post/security'],
    ]);
    const header = await build(spec({ '/h': { get: { operationId: 'h', security: [{ hk: [] }] } } }, { schemes: { hk } }));
    expect(header.errors).toEqual([]);
    const lambda = await build(spec({ '/q': { get: { operationId: 'q', security: [{ qk: [] }] } } }, {
      schemes: { qk },
      backends: { fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app' } } },
    }));
    expect(coded(lambda.errors, 'aws-query-credential-spellings').map((d) => d.params)).toEqual([{ route: 'q', scheme: 'qk', name: 'api_key', backend: 'fn' }]);
    const exact = await build(spec({ '/q': { get: { operationId: 'q', security: [{ qk: [] }] } } }, {
      schemes: { qk },
      backends: { fn: { lambda: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:app' }, queryNames: 'exact' } },
    }));
    expect(coded(exact.errors, 'aws-query-credential-spellings')).toEqual([]);
  });

  it('held: with queryNames: exact (the user\'s word) the route builds, the verified key is blanked and alice passes (control)', async () => {
    const b = await build(qkSpec({ url: 'https://app.example.com', queryNames: 'exact' }), {}, (_s, _c, req) => good(req.query.api_key));
    expect(b.errors).toEqual([]);
    const d = b.oracle!.request({ method: 'GET', path: '/q', query: { api_key: 'good-alice' } });
    expect(d.status).toBe(200);
    expect(d.upstream?.query.api_key, 'the verified key is blanked').toBe('');
    expect(b.oracle!.request({ method: 'GET', path: '/q', query: { api_key: 'forged' } }).status).not.toBe(200);
    // What the declaration takes on trust: every other spelling reaches the backend as sent.
    for (const [, raw] of SPELLINGS) {
      const s = b.oracle!.request({ method: 'GET', path: '/q', query: { api_key: 'good-alice', [raw]: 'good-bob' } });
      expect(s.upstream?.query[raw], raw).toBe('good-bob');
    }
  });

  // Mechanism: backends.ts blanks ?access_token= by its exact name on every bearer route;
  // `access_token[]`, `ACCESS_TOKEN` and `access.token` reach the backend beside the verified
  // Authorization. As for the query key, no mapping can blank them all (see above). Decided (red
  // team 6, was it.fails): refusing every REST bearer route to an HTTP backend by default would
  // refuse the shop fixture and, measured, 40 of the 122 REST specs the AWS tests build (99 with a
  // header key's name counted too), so the build WARNS once per backend at its line
  // (aws-query-name-spellings, query-spellings.ts), silenced by queryNames: exact; the spelling
  // still reaches a backend that does not declare it, said where the declaration goes.
  it('DECIDED: a Cognito route: ?access_token[]= beside the verified header token reaches the backend, and the build warns at its line', async () => {
    const b = await build(spec({ '/me': { get: { operationId: 'me', security: [{ pool: [] }] } } }, { schemes: { pool: COGNITO } }), {}, verify);
    expect(b.errors).toEqual([]);
    const d = b.oracle!.request({ method: 'GET', path: '/me', headers: { authorization: 'tok:alice' }, query: { 'access_token[]': 'unverified-token' } });
    expect(d.status).toBe(200);
    expect(d.upstream?.query['access_token[]']).toBe('unverified-token');
    expect(coded(b.diagnostics, 'aws-query-name-spellings')).toEqual([
      { code: 'aws-query-name-spellings', params: { backend: 'app', names: 'access_token', routes: 1, first: 'me' }, pointer: '/x-gateway/backends/app' },
    ]);
  });

  it('held: a Cognito route on a backend that reads exact names (queryNames: exact) is not warned', async () => {
    const b = await build(spec({ '/me': { get: { operationId: 'me', security: [{ pool: [] }] } } }, { schemes: { pool: COGNITO }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }), {}, verify);
    expect(coded(b.diagnostics, 'aws-query-name-spellings')).toEqual([]);
  });

  it('held: the exact names are blanked (control)', async () => {
    const b = await build(spec({ '/me': { get: { operationId: 'me', security: [{ pool: [] }] } } }, { schemes: { pool: COGNITO } }), {}, verify);
    const d = b.oracle!.request({ method: 'GET', path: '/me', headers: { authorization: 'tok:alice' }, query: { access_token: 'unverified-token' } });
    expect(d.status).toBe(200);
    expect(d.upstream?.query.access_token).toBe('');
  });

  // Mechanism: backends.ts blanks access_token only when a route's scheme is kind 'jwt'; a bearer
  // scheme verified by a Lambda authorizer (kind 'lambda') passes ?access_token= to the backend as
  // sent, which passport-http-bearer or Spring then read as the bearer token (red team 2's class).
  // Fixed: targets/bearer.ts counts a Lambda-verified bearer scheme as one whose token a backend may read from the query.
  it('FIXED: a Lambda-authorized bearer route: ?access_token= beside the verified Authorization never reaches the backend', async () => {
    const b = await build(
      spec({ '/me': { get: { operationId: 'me', security: [{ lam: [] }] } } }, {
        schemes: { lam: { type: 'http', scheme: 'bearer', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'token' } } } },
      }),
      {},
      verify,
    );
    expect(b.errors).toEqual([]);
    const d = b.oracle!.request({ method: 'GET', path: '/me', headers: { authorization: 'Bearer tok:alice' }, query: { access_token: 'unverified-token' } });
    expect(d.status).toBe(200);
    expect(Object.values(d.upstream?.query ?? {})).not.toContain('unverified-token');
  });
});

describe('red team 3: aws HTTP API flavour, ?access_token= on a Lambda-authorized bearer route', () => {
  const text = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
x-gateway:
  name: t
  backends: { app: { url: "https://app.example.com" } }
  defaults: { backend: app }
paths:
  /me: { get: { operationId: me, security: [{ lam: [] }], responses: { "200": { description: ok } } } }
components:
  securitySchemes:
    lam: { type: http, scheme: bearer, x-gateway: { lambdaAuthorizer: { arn: "${ARN}", type: request, identitySource: [method.request.header.Authorization] }, hideCredentials: false } }
`;
  // Mechanism: http/routes.ts adds querystring.access_token to the removals for kind 'jwt' only.
  // Fixed: http/routes.ts removes it for every bearer scheme (targets/bearer.ts).
  it('FIXED: the integration removes ?access_token= (the authorizer verified the header, never that parameter)', async () => {
    const b = await buildHttp(text);
    expect(b.errors).toEqual([]);
    const integrations = Object.values(b.template!.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::ApiGatewayV2::Integration');
    expect(integrations.length).toBeGreaterThan(0);
    for (const i of integrations) expect(Object.keys(i.Properties.RequestParameters ?? {})).toContain('remove:querystring.access_token');
  });
});

describe('red team 3: aws, a consumer holding two keys of the API-key scheme', () => {
  const twoKeys = (x: Record<string, unknown> = {}) =>
    spec({ '/orders': { get: { operationId: 'orders', security: [{ key: [] }], 'x-gateway': x } } }, {
      consumers: { alice: { credentials: { key: ['${env:A_KEY_1}', '${env:A_KEY_2}'] } } },
    });

  // Mechanism: both keys of the list get the one logical id ApiKeyAliceKey (and UsagePlanKeyAliceKey,
  // parameter ApiKeyValueAliceKey): the second overwrites the first, the build says nothing, and the
  // deploy hint asks for A_KEY_2 only. What the spec says (alice may call with either key) silently
  // becomes one key on AWS; a key rotation [old, new] deploys without the old key, with no error.
  it("FIXED: every listed key is deployed (or the build says it is not): alice's first key is silently dropped", async () => {
    const b = await build(twoKeys());
    const said = b.diagnostics.filter((d) => /key/i.test(String(d.code)) && d.severity !== 'info');
    if (said.length > 0) return;
    expect(b.errors).toEqual([]);
    expect(b.oracle!.keysOf('alice'), 'API keys deployed for alice').toHaveLength(2);
  });

  it('every listed key is its own ApiKey, UsagePlanKey and NoEcho parameter, with deterministic ids (the first keeps the unnumbered one)', async () => {
    const ids = async () => {
      const b = await build(twoKeys());
      const r = b.t!.Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
      return { b, r, keys: Object.keys(r).filter((id) => /^(ApiKey|UsagePlanKey)/.test(id)).sort() };
    };
    const { b, r, keys } = await ids();
    expect(keys).toEqual(['ApiKeyAliceKey', 'ApiKeyAliceKey2', 'UsagePlanKeyAliceKey', 'UsagePlanKeyAliceKey2']);
    expect(r.UsagePlanKeyAliceKey2!.Properties.KeyId).toEqual({ Ref: 'ApiKeyAliceKey2' });
    expect(r.ApiKeyAliceKey2!.Properties.Value).toEqual({ Ref: 'ApiKeyValueAliceKey2' });
    const params = b.t!.Parameters as Record<string, { NoEcho?: boolean; Description: string }>;
    expect(params.ApiKeyValueAliceKey!.Description).toContain('${env:A_KEY_1}');
    expect(params.ApiKeyValueAliceKey2!.Description).toContain('${env:A_KEY_2}');
    expect(params.ApiKeyValueAliceKey2!.NoEcho).toBe(true);
    expect((await ids()).keys).toEqual(keys);
  });

  it('three keys, and a key of another consumer: each deployed once, each consumer its own', async () => {
    const b = await build(
      spec({ '/orders': { get: { operationId: 'orders', security: [{ key: [] }] } } }, {
        consumers: { alice: { credentials: { key: ['${env:A1}', '${env:A2}', '${env:A3}'] } }, bob: { credentials: { key: '${env:B1}' } } },
      }),
    );
    expect(b.errors).toEqual([]);
    expect(b.oracle!.keysOf('alice')).toHaveLength(3);
    expect(b.oracle!.keysOf('bob')).toHaveLength(1);
    for (const k of [...b.oracle!.keysOf('alice'), ...b.oracle!.keysOf('bob')])
      expect(b.oracle!.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': k } }).status).toBe(200);
  });

  // Mechanism (once both keys are deployed): stage.ts gives every key its usage-plan key, and a usage
  // plan throttles per API key (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html):
  // `by: consumer` is a bucket per key, so a consumer listing two keys gets twice the limit (nginx and
  // Kong count the consumer). Fail closed: refuse `by: consumer` on AWS for a consumer holding several
  // keys, or say it (per key, not per consumer). Fails today at the dropped key above.
  it('the same reference listed twice is one key (one ApiKey; by: consumer builds)', async () => {
    const b = await build(
      spec({ '/orders': { get: { operationId: 'orders', security: [{ key: [] }], 'x-gateway': { rateLimit: { requests: 3, per: 'minute', by: 'consumer' } } } } }, {
        consumers: { alice: { credentials: { key: ['${env:A_KEY_1}', '${env:A_KEY_1}'] } } },
      }),
    );
    expect(b.errors).toEqual([]);
    expect(b.oracle!.keysOf('alice')).toHaveLength(1);
  });

  // Fixed: the limit is refused (aws-limit-consumer-keys at the rateLimit) while a consumer holds
  // several keys of the route's scheme; with one key each it is the usage plan's per-key throttle.
  it('FIXED: by: consumer, 3/minute: alice holding two keys is refused at the limit (never 3 a minute per key)', async () => {
    const b = await build(twoKeys({ rateLimit: { requests: 3, per: 'minute', by: 'consumer' } }));
    expect(coded(b.errors, 'aws-limit-consumer-keys')).toEqual([
      { code: 'aws-limit-consumer-keys', params: { route: 'orders', consumers: 'alice' }, pointer: '/paths/~1orders/get/x-gateway/rateLimit' },
    ]);
  });

  it('held: by: consumer with one key each is 3 a minute per consumer (control)', async () => {
    const b = await build(
      spec({ '/orders': { get: { operationId: 'orders', security: [{ key: [] }], 'x-gateway': { rateLimit: { requests: 3, per: 'minute', by: 'consumer' } } } } }, {
        consumers: { alice: { credentials: { key: '${env:A_KEY_1}' } }, bob: { credentials: { key: '${env:B_KEY_1}' } } },
      }),
    );
    expect(b.errors).toEqual([]);
    const t = new ThrottleOracle(b.oracle!, b.t!);
    const [alice] = b.oracle!.keysOf('alice');
    const got = Array.from({ length: 6 }, () => t.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': alice! } }).status);
    expect(got.filter((x) => x === 200), got.join(',')).toHaveLength(3);
  });
});
