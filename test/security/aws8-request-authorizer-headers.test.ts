/**
 * AWS8: a REQUEST Lambda authorizer is handed EVERY header whatever identitySource names
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html),
 * so aws-cookie-identity-source (identitySource naming Cookie) is escaped by a function that reads
 * the Cookie without naming it. gwc references the function by ARN and cannot see it. What it can
 * guarantee: a TOKEN authorizer is handed its one header only; a cookie key's own authorizer is
 * refused or built the safe way (backendCookies: none, aws8-cookie-session). What it says: where the
 * spec declares a cookie credential (an apiKey in: cookie scheme) and another scheme's authorizer is
 * a REQUEST one, `aws-request-authorizer-cookie` (warn, at its lambdaAuthorizer, REST and HTTP API,
 * lint at the same line:col). Left open (it.fails): the same function in a spec that declares no
 * cookie credential at all: nothing in the spec says a cookie is read.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const pointer = '/components/securitySchemes/bearer/x-gateway/lambdaAuthorizer';
/** The function admits a bearer token AND reads the session cookie it was never named (the last sid). */
const verify: Verify = (_s, _c, request) => {
  const sid = [...String(request.headers.cookie ?? '').matchAll(/(?:^|;\s*)sid=([^;]*)/g)].pop()?.[1];
  return sid === 'alice' ? { identity: 'alice', scopes: [] } : undefined;
};
const bearer = (type = 'request') => ({ type: 'http', scheme: 'bearer', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type, ttlSeconds: 0, identitySource: ['method.request.header.Authorization'] } } });
const cookieScheme = { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': { backendCookies: 'none', lambdaAuthorizer: { arn: ARN, type: 'request' } } };
const paths = { '/c': { get: { operationId: 'c', security: [{ bearer: [] }] } } };
const of = (schemes: Record<string, unknown>) => spec(paths, { schemes });

describe('AWS8: what a REQUEST authorizer is handed', () => {
  it('a REQUEST authorizer in a spec declaring a cookie credential: warned at its lambdaAuthorizer, the build goes on', async () => {
    const b = await build(of({ bearer: bearer(), session: cookieScheme }), {}, verify);
    expect(b.errors).toEqual([]);
    expect(coded(b.diagnostics, 'aws-request-authorizer-cookie')).toEqual([{ code: 'aws-request-authorizer-cookie', params: { scheme: 'bearer', cookies: 'session (sid)' }, pointer }]);
    expect(b.diagnostics.find((d) => d.code === 'aws-request-authorizer-cookie')!.message).toMatch(/EVERY header/);
  });

  it('a TOKEN authorizer (handed its one header) and a spec with no cookie credential: not warned', async () => {
    for (const s of [of({ bearer: bearer('token'), session: cookieScheme }), of({ bearer: bearer() })]) {
      const b = await build(s, {}, verify);
      expect(coded(b.diagnostics, 'aws-request-authorizer-cookie')).toEqual([]);
    }
  });

  it('HTTP API (every Lambda authorizer is a REQUEST one): warned likewise', async () => {
    const b = await buildHttp(`${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
paths:
  /c: { get: { operationId: c, security: [{ bearer: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    session: { type: apiKey, in: cookie, name: sid, x-gateway: { backendCookies: none, lambdaAuthorizer: { arn: '${ARN}', type: request } } }
    bearer: { type: http, scheme: bearer, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, identitySource: [method.request.header.Authorization] } } }
`);
    expect(b.errors).toEqual([]);
    expect(b.diagnostics.filter((d) => d.code === 'aws-request-authorizer-cookie').map((d) => d.loc?.pointer)).toEqual([pointer]);
  });

  it('gwc lint --target aws (REST and api=http) reports it at the same line:col as the build', async () => {
    const file = writeSpec(JSON.stringify(of({ bearer: { ...bearer(), 'x-gateway': { hideCredentials: false, ...bearer()['x-gateway'] } }, session: cookieScheme }), null, 1));
    for (const options of [{}, { api: 'http' }] as Array<Record<string, string>>) {
      const built = (await buildTarget(file, { target: 'aws', options })).diagnostics.filter((d) => d.code === 'aws-request-authorizer-cookie');
      const l = await lint(file, { target: 'aws', targetOptions: { aws: options } } as Parameters<typeof lint>[1]);
      const linted = l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'aws-request-authorizer-cookie');
      const at = (ds: typeof built) => ds.map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
      expect(at(built), JSON.stringify(options)).toEqual([[pointer, expect.any(Number), expect.any(Number)]]);
      expect(at(linted), JSON.stringify(options)).toEqual(at(built));
    }
  });

  it('the warned shape, attacked: the function reads sid it was not named, sid=forged; sid=alice reaches the backend whole (what the warning says)', async () => {
    const { oracle } = await build(of({ bearer: bearer(), session: cookieScheme }), {}, verify);
    const d = oracle!.request({ method: 'GET', path: '/c', headers: { Authorization: 'Bearer t', Cookie: 'sid=forged; sid=alice' } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers.cookie).toBe('sid=forged; sid=alice');
  });

  // Open: nothing in a spec without a cookie credential says the function reads one; gwc cannot see the function.
  it.fails('open: a spec declaring no cookie credential, the same function: the build says nothing and sid=forged reaches the backend', async () => {
    const b = await build(of({ bearer: bearer() }), {}, verify);
    const d = b.oracle!.request({ method: 'GET', path: '/c', headers: { Authorization: 'Bearer t', Cookie: 'sid=forged; sid=alice' } });
    expect(b.diagnostics.some((x) => x.code === 'aws-request-authorizer-cookie') || d.upstream?.headers.cookie !== 'sid=forged; sid=alice').toBe(true);
  });
});
