/**
 * REV19 (review of AWS6 11fd7638, aws-kept-cookie-credential): the refusal covered an apiKey scheme
 * `in: cookie` only. The same Cookie line reaches the authorizer and the backend when ANY scheme's
 * Lambda authorizer is handed the Cookie header (`identitySource: [method.request.header.Cookie]`),
 * the usual session-cookie authorizer, declared as an http bearer / oauth2 / header apiKey scheme.
 *
 * Class: one credential, two readers (the same as aws-kept-cookie-credential, another scheme kind).
 * Attack: `Cookie: sid=forged; sid=alice`. The function reads the last sid (Python SimpleCookie) and
 * allows alice; API Gateway passes the line whole (kept: kept-values.ts maps Cookie from
 * method.request.header.Cookie, the same whole line; hidden: only Authorization / the key is blanked),
 * and a backend reading the first sid (Go Request.Cookie, PHP $_COOKIE) serves `forged`, a session
 * nobody verified. Measured before the fix (REST oracle): 200 and the forged line at the backend for
 * bearer and header-key schemes, request and token authorizers, kept AND hidden.
 * Fix (session 20): refused at the lambdaAuthorizer, aws-cookie-identity-source (REST and HTTP API,
 * kept or hidden, any letter case, a header key named Cookie by default; lint at the same line:col).
 * No mapping takes one cookie out of a line and neither flavour can refuse a line naming a cookie
 * twice; the session in a header of its own is mapped from the one value verified, or removed.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const authorizer = (src: string | undefined, hide = false, type = 'request') => ({
  hideCredentials: hide,
  lambdaAuthorizer: { arn: ARN, type, ttlSeconds: 0, ...(src ? { identitySource: [src] } : {}) },
});
const SHAPES: Record<string, Record<string, unknown>> = {
  bearerKept: { type: 'http', scheme: 'bearer', 'x-gateway': authorizer('method.request.header.Cookie') },
  bearerHidden: { type: 'http', scheme: 'bearer', 'x-gateway': authorizer('method.request.header.Cookie', true) },
  bearerLowerCase: { type: 'http', scheme: 'bearer', 'x-gateway': authorizer('method.request.header.cookie') },
  headerKeyToken: { type: 'apiKey', in: 'header', name: 'X-Key', 'x-gateway': authorizer('method.request.header.COOKIE', true, 'token') },
  keyNamedCookie: { type: 'apiKey', in: 'header', name: 'Cookie', 'x-gateway': authorizer(undefined) },
};
/** The function admits alice's session; it reads the LAST sid of the line (Python's SimpleCookie). */
const verify: Verify = (_s, credential) => {
  const sid = [...credential.matchAll(/(?:^|;\s*)sid=([^;]*)/g)].pop()?.[1];
  return sid === 'alice' || credential === 'alice' ? { identity: 'alice', scopes: [] } : undefined;
};
const paths = { '/c': { get: { operationId: 'c', security: [{ sess: [] }] } } };
const restOf = (scheme: Record<string, unknown>) => build(spec(paths, { schemes: { sess: scheme }, backends: { app: { url: 'https://app.example.com', headerNames: 'exact' } } }), {}, verify);
const pointer = '/components/securitySchemes/sess/x-gateway/lambdaAuthorizer';

describe('REV19 AWS6: a Lambda authorizer handed the Cookie header, on a scheme that is not a cookie key', () => {
  for (const [name, scheme] of Object.entries(SHAPES)) {
    it(`REST ${name}: refused at the lambdaAuthorizer (aws-cookie-identity-source), no template, so sid=forged; sid=alice never reaches a backend`, async () => {
      const b = await restOf(scheme);
      const hide = (scheme['x-gateway'] as { hideCredentials: boolean }).hideCredentials ? 'hidden' : 'kept';
      expect(coded(b.errors, 'aws-cookie-identity-source')).toEqual([{ code: 'aws-cookie-identity-source', params: { scheme: 'sess', source: expect.stringMatching(/^method\.request\.header\.cookie$/i), hide }, pointer }]);
      expect(b.t).toBeUndefined();
    });
  }

  it('HTTP API: refused likewise, kept and hidden', async () => {
    for (const hide of [false, true]) {
      const b = await buildHttp(`${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
paths:
  /c: { get: { operationId: c, security: [{ sess: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    sess: { type: http, scheme: bearer, x-gateway: { hideCredentials: ${hide}, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.Cookie] } } }
`);
      expect(b.errors.filter((d) => d.code === 'aws-cookie-identity-source').map((d) => [d.loc?.pointer, d.params]), String(hide)).toEqual([[pointer, { scheme: 'sess', source: 'method.request.header.Cookie', hide: hide ? 'hidden' : 'kept' }]]);
      expect(b.template, String(hide)).toBeUndefined();
    }
  });

  it('gwc lint --target aws (REST and api=http) reports it at the same line:col as the build', async () => {
    const file = writeSpec(JSON.stringify(spec(paths, { schemes: { sess: SHAPES.bearerKept! } }), null, 1));
    for (const options of [{}, { api: 'http' }] as Array<Record<string, string>>) {
      const built = (await buildTarget(file, { target: 'aws', options })).diagnostics.filter((d) => d.code === 'aws-cookie-identity-source');
      const l = await lint(file, { target: 'aws', targetOptions: { aws: options } } as Parameters<typeof lint>[1]);
      const linted = l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'aws-cookie-identity-source');
      const at = (ds: typeof built) => ds.map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
      expect(at(built), JSON.stringify(options)).toEqual([[pointer, expect.any(Number), expect.any(Number)]]);
      expect(at(linted), JSON.stringify(options)).toEqual(at(built));
    }
  });

  it('control: the session in a header of its own builds, and X-Session: forged + X-Session: alice reaches the backend as alice alone', async () => {
    const b = await restOf({ type: 'apiKey', in: 'header', name: 'X-Session', 'x-gateway': authorizer('method.request.header.X-Session') });
    expect(b.errors).toEqual([]);
    expect(b.oracle!.request({ method: 'GET', path: '/c', headers: { 'X-Session': 'forged' } }).status).toBe(403);
    const d = b.oracle!.request({ method: 'GET', path: '/c', headers: { 'X-Session': ['forged', 'alice'] } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['x-session']).toBe('alice');
  });
});
