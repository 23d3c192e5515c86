/**
 * Red team: API Gateway Lambda authorizers and their result cache (DESIGN.md 7.1, 7.4), REST and
 * HTTP flavours, through the request oracle (test/targets/aws/oracle.ts) on templates that pass
 * cfn-validate. A cached authorizer answer is reused for every method the policy allows, keyed on
 * the identity source values only: one scheme with different scopes or roles on two routes must
 * never let an answer given for the weaker route open the stronger one.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const lam = (authorizer: Record<string, unknown> = {}) => ({ type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': { lambdaAuthorizer: { arn: ARN, ...authorizer } } });
/** The function admits `good-<who>` and says nothing about scopes (it cannot know what the route wants). */
const verify: Verify = (_s, credential) => /^good-([a-z]+)$/.exec(credential)?.[1];

describe('red team: Lambda authorizers', () => {
  it('scopes (bearer) or roles (API key) on a Lambda-checked requirement are refused or checked: a cached answer for a scopeless route never opens a scoped one', async () => {
    const bearer = (a: Record<string, unknown>) => ({ type: 'http', scheme: 'bearer', 'x-gateway': { lambdaAuthorizer: { arn: ARN, ...a } } });
    const verifyBearer: Verify = (_s, credential) => /^(?:Bearer )?good-([a-z]+)$/.exec(credential)?.[1];
    for (const api of ['rest', 'http']) {
      for (const [name, scheme, header, value, v] of [['apiKey', lam, 'x-token', 'good-bob', verify], ['bearer', bearer, 'authorization', 'Bearer good-bob', verifyBearer]] as const) {
        for (const ttl of [0, 300]) {
          const b = await build(spec({ '/read': { get: { security: [{ lam: [] }] } }, '/admin': { get: { security: [{ lam: ['admin'] }] } } }, { schemes: { lam: scheme({ type: 'request', ttlSeconds: ttl }) } }), api === 'http' ? { api: 'http' } : {}, v);
          const at = `${api} ${name} ttl ${ttl}`;
          if (b.errors.length > 0) {
            // Refused at the scoped requirement (aws-authorizer-scopes, aws-http-scopes-unenforced, or roles unsupported).
            expect(b.errors.some((d) => d.loc?.pointer?.startsWith('/paths/~1admin/get')), at).toBe(true);
            continue;
          }
          const o = b.oracle!;
          expect(o.request({ method: 'GET', path: '/read', headers: { [header]: value } }).status, at).toBe(200);
          expect(o.request({ method: 'GET', path: '/admin', headers: { [header]: value } }).status, `${at}: bob holds no admin scope`).not.toBe(200);
        }
      }
    }
  });

  it('one cached authorizer on a keyed and an IP-limited route: the cache never carries the answer across (HTTP flavour too)', async () => {
    for (const api of ['rest', 'http']) {
      const b = await build(
        spec({ '/a': { get: { security: [{ lam: [] }] } }, '/b': { get: { security: [{ lam: [] }], 'x-gateway': { ipAllow: ['10.0.0.0/8'] } } } }, { schemes: { lam: lam({ type: 'request', ttlSeconds: 300 }) } }),
        api === 'http' ? { api: 'http' } : {},
        verify,
      );
      if (b.errors.length > 0) continue;
      expect(b.oracle!.request({ method: 'GET', path: '/a', headers: { 'x-token': 'good-bob' } }).status, api).toBe(200);
    }
  });

  it('a token authorizer reading another header than the scheme\'s: only a verified value passes, wherever it is sent', async () => {
    const b = await build(spec({ '/a': { get: { security: [{ lam: [] }] } } }, { schemes: { lam: lam({ type: 'token', identitySource: ['method.request.header.X-Other'] }) } }), {}, verify);
    if (b.errors.length > 0) return;
    const o = b.oracle!;
    expect(o.request({ method: 'GET', path: '/a', headers: { 'x-token': 'good-bob' } }).status).not.toBe(200);
    expect(o.request({ method: 'GET', path: '/a', headers: { 'x-other': 'forged' } }).status).not.toBe(200);
  });

  it('a cached request authorizer keyed on the credential plus a client-chosen header still keys on the credential', async () => {
    // A request authorizer's function reads the credential from the request it is given.
    const reads: Verify = (_s, _c, req) => /^good-([a-z]+)$/.exec(req.headers['x-token'] ?? '')?.[1];
    const b = await build(spec({ '/a': { get: { security: [{ lam: [] }] } } }, { schemes: { lam: lam({ type: 'request', ttlSeconds: 300, identitySource: ['method.request.header.X-Token', 'method.request.header.X-Tenant'] }) } }), {}, reads);
    if (b.errors.length > 0) return;
    const o = b.oracle!;
    expect(o.request({ method: 'GET', path: '/a', headers: { 'x-token': 'good-bob', 'x-tenant': 't1' } }).status).toBe(200);
    expect(o.request({ method: 'GET', path: '/a', headers: { 'x-token': 'forged', 'x-tenant': 't1' } }).status).not.toBe(200);
  });

  it('a cached request authorizer keyed on a query parameter in another case than the scheme\'s is refused (query names are case-sensitive)', async () => {
    const q = { type: 'apiKey', in: 'query', name: 'token', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 300, identitySource: ['method.request.querystring.Token'] } } };
    const b = await build(spec({ '/a': { get: { security: [{ lam: [] }] } } }, { schemes: { lam: q } }));
    expect(coded(b.errors, 'aws-authorizer-cache-unkeyed').length + b.errors.length).toBeGreaterThan(0);
  });
});
