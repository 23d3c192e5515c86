/**
 * AWS REST, a per-caller stage cache and a SECOND credential API Gateway did not verify (DESIGN.md
 * 7.4): an authenticated cached route keys its entries on the verified identity (the API key, the
 * token header: cache.ts), but a request may carry, beside it, a credential API Gateway never
 * checks on this route (a Cookie or Authorization session, another scheme's header). The backend
 * may answer per it; keyed without it, the entry is served to every request of the key (an app key
 * shared by its end users: user 1's answer reaches user 2). The oracle (test/targets/aws/oracle.ts)
 * keys the stage cache on cacheKeyParameters, as API Gateway does.
 *
 * Was open: cache.ts keyed on every credential carrier of the spec on a public or optional route
 * only (sharedKeys). Fixed: every cached route is keyed on them (a carrier of the route's own
 * verified identity is in the key already): headers in every `-`/`_` spelling, a query carrier by
 * its exact name.
 * Was open too (it.fails), decided by red team 6 and closed:
 * - another spelling of a query carrier (API_KEY, api_key[], api.key) a backend reads as it: API
 *   Gateway keys on exact, case-sensitive names only. The cached route is now refused
 *   (aws-cache-query-credential, callers 'identity', at the cache line, lint = build) unless the
 *   backend declares queryNames: exact, as a public cached route already was. Measured: 15 of the
 *   26 cached REST specs the AWS tests build (most of them shop-aws variants: its users backend
 *   now declares queryNames: exact), no shipped fixture.
 * - a form-body access_token beside the key (API Gateway never keys a body): the body is made
 *   inert instead. A cached GET/HEAD reaches the backend with Content-Type emptied (cache.ts
 *   inertFormBody), so no framework parses the body as a form, and the backend's answer is the
 *   plain request's: sharing that entry leaks nothing.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import { AwsOracle } from '../targets/aws/oracle.js';
import { gatewayOf } from '../helpers/spec.js';
import { carrierVariants } from './helpers/carrier-variants.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';

const SCHEMES = {
  key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
  tok: { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true, header: 'X-Token' } },
  // A request authorizer reading ?api_key= (a query carrier: credential-carriers.ts MAPPING).
  qk: { type: 'http', scheme: 'bearer', 'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'request', identitySource: ['method.request.querystring.api_key'] } } },
};
const PATHS = {
  '/me': { get: { operationId: 'me', security: [{ key: [] }], 'x-gateway': { cache: { ttl: '60s' } } } },
  '/t': { get: { operationId: 't', security: [{ tok: [] }] } },
  '/q': { get: { operationId: 'q', security: [{ qk: [] }] } },
};
const CONSUMERS = { app: { credentials: { key: '${env:APP_KEY}' } } };

// The backend reads exact query names: the spec's query carriers (?api_key=, ?access_token=) key
// the cache by those names. Without the declaration the cached route is refused (below).
const EXACT = { app: { url: 'https://app.example.com', queryNames: 'exact' } };

describe('aws: a per-caller stage cache and a second credential API Gateway did not verify', async () => {
  const s = spec(PATHS, { schemes: SCHEMES, consumers: CONSUMERS, backends: EXACT });
  const b = await build(s);
  const loaded = await gatewayOf(JSON.stringify(s));
  let serial = 0;
  const variants = carrierVariants(loaded.gateway!, () => `user2-${++serial}-zz`).filter((v) => !v.carrier.schemes.includes('key'));

  it('builds; control: the app key is keyed, a plain request hits its entry', () => {
    expect(b.errors.map((e) => `${e.code} ${e.message}`)).toEqual([]);
    const o = b.oracle!;
    const [app] = o.keysOf('app');
    o.request({ method: 'GET', path: '/me', headers: { 'x-api-key': app! } });
    expect(o.request({ method: 'GET', path: '/me', headers: { 'x-api-key': app! } }).cachedFrom).toBeDefined();
  });

  // API Gateway decodes query names before keying (%61%70%69... is api_key); a body is never keyed.
  const exact = (v: (typeof variants)[number]) => !v.body && (!v.query || decodeURIComponent(v.query.split('=')[0]!) === v.carrier.name);
  const attack = (v: (typeof variants)[number]) => {
    const fresh = () => new AwsOracle(b.t!);
    let o = fresh();
    const [app] = o.keysOf('app');
    const n = { method: 'GET', path: '/me', headers: { 'x-api-key': app! } };
    // Stored by the second credential's request, then asked for by the key alone.
    const query = v.query ? Object.fromEntries(v.query.split('&').map((kv) => kv.split('=').map(decodeURIComponent) as [string, string])) : undefined;
    const second = { ...n, headers: { ...n.headers, ...v.headers }, ...(query ? { query } : {}) };
    expect(o.request(second).status).toBe(200);
    expect(JSON.stringify(o.request(n).cachedFrom ?? {}), "the key's next request was served the second credential's answer").not.toContain('user2-');
    // The other way: the key's plain entry never answers a request carrying the second credential.
    o = fresh();
    o.request(n);
    expect(o.request(second).cachedFrom, "a second credential's request answered from the key's entry").toBeUndefined();
  };
  it.each(variants.filter(exact).map((v) => [v.label, v] as const))("%s beside the verified key is never stored for, nor answered from, the key's entry", (_l, v) => attack(v));
  // Decided: another spelling of a query carrier cannot be keyed (API Gateway keys exact names), so
  // the cached route is refused unless the backend reads exact names only; under that declaration
  // the spelling is the user's word, not attacked here.
  const spelled = variants.filter((v) => v.query && !exact(v));
  it('other spellings of a query carrier exist for every query carrier of the spec', () => {
    expect(new Set(spelled.map((v) => v.carrier.name))).toEqual(new Set(['access_token', 'api_key']));
  });
  it('without queryNames: exact the cached /me is refused at its cache line, once per query carrier (lint = build: test/lint/aws-refusals)', async () => {
    const refused = await build(spec(PATHS, { schemes: SCHEMES, consumers: CONSUMERS }));
    expect(refused.files).toEqual([]);
    expect(coded(refused.errors, 'aws-cache-query-credential')).toEqual(
      ['access_token', 'api_key'].map((name) => ({
        code: 'aws-cache-query-credential',
        params: { route: 'me', name, schemes: 'qk', backend: 'app', callers: 'identity' },
        pointer: '/paths/~1me/get/x-gateway/cache',
      })),
    );
  });

  // Decided: a form body is made inert on the cached method (cache.ts inertFormBody): the backend
  // gets Content-Type empty, so it never parses access_token from the body, and answers as for the
  // plain request; either way round, the entry holds no answer for the second credential.
  const bodies = variants.filter((v) => v.body);
  it.each(bodies.map((v) => [v.label, v] as const))("%s beside the verified key never reaches the backend as a form (Content-Type emptied on the cached GET)", (_l, v) => {
    expect(v.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const o = new AwsOracle(b.t!);
    const [app] = o.keysOf('app');
    const d = o.request({ method: 'GET', path: '/me', headers: { 'x-api-key': app!, ...v.headers } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['content-type']).toBe('');
  });
  it('held: an uncached route keeps its Content-Type (only a cached method is touched)', () => {
    const t = b.t!.Resources.RestApi.Properties.Body.paths;
    expect(t['/me'].get['x-amazon-apigateway-integration'].requestParameters['integration.request.header.Content-Type']).toBe("''");
    expect(t['/t'].get['x-amazon-apigateway-integration'].requestParameters?.['integration.request.header.Content-Type']).toBeUndefined();
  });

  // gwc diff reads cacheKeyParameters (deployed-facts.ts cacheKeyOf): a deployed /me keyed on the
  // API key alone (gwc before) lets a second credential's answer be the key's entry.
  it('gwc diff: a deployed /me keyed on x-api-key alone is cache-key-narrowed', () => {
    const reader = readerOf('aws').reader!;
    const read = (contents: string) => reader.normalise([{ path: b.files[0]!.path, contents }], 'files').state!;
    const t = JSON.parse(b.files[0]!.contents);
    const op = t.Resources.RestApi.Properties.Body.paths['/me'].get;
    expect(op['x-amazon-apigateway-integration'].cacheKeyParameters.length).toBeGreaterThan(1);
    op['x-amazon-apigateway-integration'].cacheKeyParameters = ['method.request.header.x-api-key'];
    const findings = diffStates(read(b.files[0]!.contents), read(JSON.stringify(t))).findings.filter((f) => f.class === 'security').map((f) => f.rule);
    expect(findings).toEqual(['cache-key-narrowed']);
  });
});
