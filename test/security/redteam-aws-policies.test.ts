/**
 * Red-team catalogue, AWS API Gateway identity-bound policies (DESIGN.md 7.4): throttling through
 * test/targets/aws/throttle-oracle.ts (stage buckets shared by every caller, usage-plan buckets per
 * API key) and the stage cache through the request oracle, on templates gwc builds (cfn-validate
 * clean). Attacks: a per-consumer limit that is really one stage bucket, limits keyed on what API
 * Gateway cannot count by (a header, the client address), a larger burst giving a smaller bucket,
 * forged keys counted against a consumer, cache entries without the caller's key.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import { ThrottleOracle } from '../targets/aws/throttle-oracle.js';

const CONSUMERS = { alice: { credentials: { key: '${env:A_KEY}' } }, bob: { credentials: { key: '${env:B_KEY}' } } };
const COGNITO = { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true } };
const limited = (rateLimit: unknown, security: unknown = [{ key: [] }], extra: Record<string, unknown> = {}) =>
  ({ '/orders': { get: { operationId: 'orders', security, 'x-gateway': { rateLimit, ...extra } } } });
const POINTER = '/paths/~1orders/get/x-gateway/rateLimit';

async function throttled(s: unknown, verify?: Parameters<typeof build>[2]) {
  const b = await build(s, {}, verify);
  return { b, t: b.t ? new ThrottleOracle(b.oracle!, b.t) : undefined };
}
const statuses = (t: ThrottleOracle, n: number, headers: (i: number) => Record<string, string>) =>
  Array.from({ length: n }, (_, i) => t.request({ method: 'GET', path: '/orders', headers: headers(i) }).status);

describe('aws red team: rate limits', () => {
  it('by: consumer on an API-key route is a bucket per key: alice draining hers leaves bob his, forged keys are never counted', async () => {
    const { b, t } = await throttled(spec(limited({ requests: 3, per: 'minute', by: 'consumer' }), { consumers: CONSUMERS }));
    expect(b.errors).toEqual([]);
    const [alice] = b.oracle!.keysOf('alice');
    const [bob] = b.oracle!.keysOf('bob');
    expect(statuses(t!, 4, () => ({ 'x-api-key': alice! }))).toEqual([200, 200, 200, 429]);
    expect(statuses(t!, 3, (i) => ({ 'x-api-key': `forged-key-${i}-0123456789` }))).toEqual([403, 403, 403]);
    expect(statuses(t!, 3, () => ({ 'x-api-key': bob! }))).toEqual([200, 200, 200]);
    expect(t!.planThrottleKeys()).toEqual([{ key: '/orders/GET', exists: true }]);
    expect(b.t!.Resources.Stage.Properties.MethodSettings ?? []).toEqual([]);
  });

  it('by: {header: x-api-key} on an API-key route is the same per-key bucket', async () => {
    const { b, t } = await throttled(spec(limited({ requests: 2, per: 'minute', by: { header: 'x-api-key' } }), { consumers: CONSUMERS }));
    expect(b.errors).toEqual([]);
    const [alice] = b.oracle!.keysOf('alice');
    const [bob] = b.oracle!.keysOf('bob');
    expect(statuses(t!, 3, () => ({ 'x-api-key': alice! }))).toEqual([200, 200, 429]);
    expect(statuses(t!, 1, () => ({ 'x-api-key': bob! }))).toEqual([200]);
  });

  it('burst is requests allowed ABOVE the rate: burst 50 on 100/minute is a bucket of 150, never smaller than burst 0', async () => {
    const bucket = async (burst: number) => {
      const { b } = await throttled(spec(limited({ requests: 100, per: 'minute', burst }, [])));
      return b.t!.Resources.Stage.Properties.MethodSettings.find((s: Record<string, unknown>) => s.ThrottlingBurstLimit !== undefined).ThrottlingBurstLimit as number;
    };
    const [b0, b50] = [await bucket(0), await bucket(50)];
    expect(b0).toBe(100);
    expect(b50).toBe(150);
    const { b } = await throttled(spec(limited({ requests: 10, per: 'second', by: 'consumer', burst: 5 }), { consumers: CONSUMERS }));
    expect(b.t!.Resources.UsagePlan.Properties.ApiStages[0].Throttle['/orders/GET']).toEqual({ RateLimit: 10, BurstLimit: 15 });
  });

  it('by: {header} that is not the API key is refused at the rateLimit line (a tenant header cannot be counted apart: any caller would drain all)', async () => {
    for (const security of [[], [{ key: [] }]]) {
      const { b } = await throttled(spec(limited({ requests: 3, per: 'minute', by: { header: 'X-Tenant' } }, security), { consumers: CONSUMERS }));
      expect(b.files).toEqual([]);
      expect(coded(b.errors, 'aws-limit-key-unsupported')).toEqual([{ code: 'aws-limit-key-unsupported', params: { route: 'orders', header: 'X-Tenant' }, pointer: POINTER }]);
    }
  });

  it('by: ip (and by: consumer without an API key) is one stage bucket for all callers: said at the rateLimit line', async () => {
    const { b, t } = await throttled(spec(limited({ requests: 2, per: 'minute', by: 'ip' }, [])));
    expect(b.errors).toEqual([]);
    expect(coded(b.diagnostics, 'aws-limit-shared-bucket')).toEqual([{ code: 'aws-limit-shared-bucket', params: { route: 'orders', by: 'ip' }, pointer: POINTER }]);
    // What that means: another caller (X-Forwarded-For changes nothing) is throttled by the first.
    expect(statuses(t!, 3, (i) => ({ 'x-forwarded-for': `10.0.0.${i}` }))).toEqual([200, 200, 429]);
    const cognito = await throttled(spec(limited({ requests: 2, per: 'minute', by: 'consumer' }, [{ cognito: [] }]), { schemes: { cognito: COGNITO } }), () => 'alice');
    expect(cognito.b.errors).toEqual([]);
    expect(coded(cognito.b.diagnostics, 'aws-limit-shared-bucket')).toEqual([{ code: 'aws-limit-shared-bucket', params: { route: 'orders', by: 'consumer' }, pointer: POINTER }]);
  });
});

describe('aws red team: cache', () => {
  it('a cache keyed on an extra header still keys on the API key: bob sending alice\'s X-Tenant never gets her entry', async () => {
    const { b } = await throttled(spec(limited({ requests: 100, per: 'minute', by: 'consumer' }, [{ key: [] }], { cache: { ttl: '60s', keyHeaders: ['X-Tenant'] } }), { consumers: CONSUMERS }));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    const [alice] = o.keysOf('alice');
    const [bob] = o.keysOf('bob');
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': alice!, 'x-tenant': 't1' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': bob!, 'x-tenant': 't1' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': alice!, 'x-tenant': 't1' } }).cachedFrom).toBeDefined();
    expect(o.request({ method: 'GET', path: '/orders', headers: { 'x-api-key': 'y'.repeat(30), 'x-tenant': 't1' } }).status).toBe(403);
  });

  it('a Cognito route caches per token, so a second user never gets the first one\'s entry', async () => {
    // queryNames: exact: ?access_token= keys the cache by its name (aws-cache-query-credential otherwise, red team 6).
    const exact = { app: { url: 'https://app.example.com', queryNames: 'exact' } };
    const { b } = await throttled(spec({ '/me': { get: { operationId: 'me', security: [{ cognito: [] }], 'x-gateway': { cache: { ttl: '60s' } } } } }, { schemes: { cognito: COGNITO }, backends: exact }), (_s, cred) => (cred.endsWith('alice') ? 'alice' : cred.endsWith('bob') ? 'bob' : undefined));
    expect(b.errors).toEqual([]);
    const o = b.oracle!;
    o.request({ method: 'GET', path: '/me', headers: { authorization: 'token-alice' } });
    expect(o.request({ method: 'GET', path: '/me', headers: { authorization: 'token-bob' } }).cachedFrom).toBeUndefined();
    expect(o.request({ method: 'GET', path: '/me', headers: {} }).status).toBe(401);
  });
});
