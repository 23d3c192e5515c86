/**
 * Red team 4, AWS REST public caches and identity (DESIGN.md 7.4): a public cached route is
 * shared by anonymous callers; since red team 3 (acba5eb) it is keyed on Authorization and Cookie,
 * so a request carrying a credential API Gateway did not verify is never served the anonymous
 * entry nor stores its answer for the next caller. Other credentials of the spec reach the backend
 * too and were not keyed. Checked with the test/targets/aws oracle on the built template (its stage
 * cache keys on cacheKeyParameters, as API Gateway does).
 *
 * Fixed: a shared entry is keyed on every header carrier of the spec (src/targets/credential-carriers.ts)
 * in each `-`/`_` spelling; a query carrier, which API Gateway can key by its exact name only, is
 * refused (aws-cache-query-credential) unless the backend declares queryNames: exact. The three
 * attacks below failed before (it.fails), as did the generated header variants (X_Token, X_TOKEN).
 */
import { describe, expect, it } from 'vitest';
import { AwsOracle } from '../targets/aws/oracle.js';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import { gatewayOf } from '../helpers/spec.js';
import { carrierVariants } from './helpers/carrier-variants.js';

const COGNITO = { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true };
const BEARER = { bearer: { type: 'http', scheme: 'bearer', 'x-gateway': COGNITO } };
const TOK = { tok: { type: 'http', scheme: 'bearer', 'x-gateway': { ...COGNITO, header: 'X-Token' } } };
const PATHS = {
  '/b': { get: { operationId: 'b', security: [{ bearer: [] }] } },
  '/t': { get: { operationId: 't', security: [{ tok: [] }] } },
  '/news': { get: { operationId: 'news', security: [], 'x-gateway': { cache: { ttl: '60s' } } } },
};
const { '/b': _b, ...TOK_PATHS } = PATHS;

describe('red team 4: aws public cache and credentials the cache is not keyed on', async () => {
  // The token header scheme alone: no query carrier (a JWT in X-Token is no RFC 6750 query token).
  const tokSpec = spec(TOK_PATHS, { schemes: TOK });
  const built = await build(tokSpec, {}, (_s, token) => token);
  /** A fresh stage (empty cache) of the built template. */
  const fresh = () => new AwsOracle(built.t!, (_s, token) => token);

  it('builds; control: Authorization keys the public entry (red team 3), anonymous callers share one', () => {
    expect(built.errors.map((e) => `${e.code} ${e.message}`)).toEqual([]);
    const o = fresh();
    o.request({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news' }).cachedFrom).toBeDefined();
    expect(o.request({ method: 'GET', path: '/news', headers: { Authorization: 'Bearer alice' } }).cachedFrom).toBeUndefined();
  });

  // Mechanism (fixed): cache.ts keyed a public route on Authorization and Cookie only; the spec's
  // bearer scheme read from X-Token (x-gateway.header) is a credential header too.
  it("a request carrying the spec's token header X-Token never stores its answer for the next anonymous caller", () => {
    const o = fresh();
    const first = o.request({ method: 'GET', path: '/news', headers: { 'X-Token': 'alice' } });
    expect(first.status).toBe(200);
    expect(first.cachedFrom).toBeUndefined();
    const next = o.request({ method: 'GET', path: '/news' });
    expect(next.cachedFrom?.headers ?? {}, "the anonymous caller was served alice's answer").not.toHaveProperty('X-Token');
  });

  // The other direction (red team 2's): a request carrying X-Token answered from the anonymous entry.
  it('a request carrying X-Token is never answered from the anonymous entry', () => {
    const o = fresh();
    o.request({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news', headers: { 'X-Token': 'bob' } }).cachedFrom, "bob's token request was answered from the cache").toBeUndefined();
  });

  // Generated from the spec's credential carriers: every header carrier in each spelling and case.
  describe('every header carrier of the spec, in every spelling', async () => {
    const gw = (await gatewayOf(JSON.stringify(tokSpec))).gateway!;
    let serial = 0;
    const variants = carrierVariants(gw, () => `alice-${++serial}`).filter((v) => !v.query && !v.body);
    it('the spec has no query or body carrier (else it is refused, below)', () => {
      expect(carrierVariants(gw, () => 'x').filter((v) => v.query || v.body)).toEqual([]);
    });
    it.each(variants.map((v) => [v.label, v] as const))('%s: never stored for, nor answered from, the anonymous entry', (_l, v) => {
      const o = fresh();
      expect(o.request({ method: 'GET', path: '/news', headers: v.headers }).cachedFrom).toBeUndefined();
      expect(o.request({ method: 'GET', path: '/news' }).cachedFrom, "the anonymous caller was served the credential's answer").toBeUndefined();
      expect(o.request({ method: 'GET', path: '/news', headers: v.headers }).cachedFrom, 'the same credential meets its own entry').toBeDefined();
      const p = fresh();
      p.request({ method: 'GET', path: '/news' });
      expect(p.request({ method: 'GET', path: '/news', headers: v.headers }).cachedFrom, 'answered from the anonymous entry').toBeUndefined();
    });
  });

  // Mechanism: a public route's cache keys declared query parameters only; ?access_token= (RFC
  // 6750 2.3, read by passport-http-bearer and Spring beside the spec's bearer scheme) reaches the
  // backend. API Gateway can key its exact name only, never access_token[] or ACCESS_TOKEN, which
  // backends read as it: refused, at the cache.
  it('a spec whose bearer scheme carries ?access_token= : its public cached route is refused at the cache (aws-cache-query-credential)', async () => {
    const refused = await build(spec(PATHS, { schemes: { ...BEARER, ...TOK } }));
    expect(coded(refused.diagnostics, 'aws-cache-query-credential')).toEqual([
      { code: 'aws-cache-query-credential', params: { route: 'news', name: 'access_token', schemes: 'bearer', backend: 'app', callers: 'anonymous' }, pointer: '/paths/~1news/get/x-gateway/cache' },
    ]);
    expect(refused.files).toEqual([]);
  });

  it('with queryNames: exact the name keys the entry: ?access_token= never stores its answer for the next anonymous caller, nor meets the anonymous entry', async () => {
    const exact = await build(spec(PATHS, { schemes: { ...BEARER, ...TOK }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }), {}, (_s, token) => token);
    expect(exact.errors.map((e) => e.code)).toEqual([]);
    const o = new AwsOracle(exact.t!, (_s, token) => token);
    const first = o.request({ method: 'GET', path: '/news', query: { access_token: 'alice' } });
    expect(first.status).toBe(200);
    expect(first.cachedFrom).toBeUndefined();
    const next = o.request({ method: 'GET', path: '/news' });
    expect(next.cachedFrom?.query ?? {}, "the anonymous caller was served alice's answer").not.toHaveProperty('access_token');
    expect(o.request({ method: 'GET', path: '/news', query: { access_token: 'bob' } }).cachedFrom).toBeUndefined();
  });
});
