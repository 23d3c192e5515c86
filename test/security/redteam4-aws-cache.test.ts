/**
 * Red team 4, AWS REST public caches and identity (DESIGN.md 7.4): a public cached route is
 * shared by anonymous callers; since red team 3 (acba5eb) it is keyed on Authorization and Cookie,
 * so a request carrying a credential API Gateway did not verify is never served the anonymous
 * entry nor stores its answer for the next caller. Other credentials of the spec reach the backend
 * too and are not keyed. Checked with the test/targets/aws oracle on the built template (its stage
 * cache keys on cacheKeyParameters, as API Gateway does).
 */
import { describe, expect, it } from 'vitest';
import { AwsOracle } from '../targets/aws/oracle.js';
import { build, spec } from '../targets/aws/security-helpers.js';

const COGNITO = { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123' };
const SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', 'x-gateway': COGNITO },
  tok: { type: 'http', scheme: 'bearer', 'x-gateway': { ...COGNITO, header: 'X-Token' } },
};
const PATHS = {
  '/b': { get: { operationId: 'b', security: [{ bearer: [] }] } },
  '/t': { get: { operationId: 't', security: [{ tok: [] }] } },
  '/news': { get: { operationId: 'news', security: [], 'x-gateway': { cache: { ttl: '60s' } } } },
};

describe('red team 4: aws public cache and credentials the cache is not keyed on', async () => {
  const built = await build(spec(PATHS, { schemes: SCHEMES }), {}, (_s, token) => token);
  /** A fresh stage (empty cache) of the built template. */
  const fresh = () => new AwsOracle(built.t!, (_s, token) => token);

  it('builds; control: Authorization keys the public entry (red team 3)', () => {
    expect(built.errors.map((e) => `${e.code} ${e.message}`)).toEqual([]);
    const o = fresh();
    o.request({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news' }).cachedFrom).toBeDefined();
    expect(o.request({ method: 'GET', path: '/news', headers: { Authorization: 'Bearer alice' } }).cachedFrom).toBeUndefined();
  });

  // Mechanism: cache.ts keys a public route on PUBLIC_CREDENTIAL_HEADERS (Authorization, Cookie)
  // only; the spec's bearer scheme read from X-Token (x-gateway.header) is a credential header too.
  // X-Token: alice reaches the backend on /news (nothing verified it), the answer is stored under
  // the path alone, and the next anonymous caller is served it. Class: public cache keyed without
  // a credential header of the spec.
  it.fails("a request carrying the spec's token header X-Token never stores its answer for the next anonymous caller", () => {
    const o = fresh();
    const first = o.request({ method: 'GET', path: '/news', headers: { 'X-Token': 'alice' } });
    expect(first.status).toBe(200);
    expect(first.cachedFrom).toBeUndefined();
    const next = o.request({ method: 'GET', path: '/news' });
    expect(next.cachedFrom?.headers ?? {}, "the anonymous caller was served alice's answer").not.toHaveProperty('X-Token');
  });

  // The other direction (red team 2's): a request carrying X-Token answered from the anonymous entry.
  it.fails('a request carrying X-Token is never answered from the anonymous entry', () => {
    const o = fresh();
    o.request({ method: 'GET', path: '/news' });
    expect(o.request({ method: 'GET', path: '/news', headers: { 'X-Token': 'bob' } }).cachedFrom, "bob's token request was answered from the cache").toBeUndefined();
  });

  // Mechanism: a public route's cache keys declared query parameters only (warned generically,
  // aws-cache-query-declared-only); ?access_token= (RFC 6750 2.3, read by passport-http-bearer and
  // Spring beside the bearer scheme the spec has) is undeclared, reaches the backend, and its answer
  // is served to the next anonymous caller. Class: public cache and a query credential of the spec.
  it.fails('?access_token= on the public cached route never stores its answer for the next anonymous caller', () => {
    const o = fresh();
    const first = o.request({ method: 'GET', path: '/news', query: { access_token: 'alice' } });
    expect(first.status).toBe(200);
    expect(first.cachedFrom).toBeUndefined();
    const next = o.request({ method: 'GET', path: '/news' });
    expect(next.cachedFrom?.query ?? {}, "the anonymous caller was served alice's answer").not.toHaveProperty('access_token');
  });
});
