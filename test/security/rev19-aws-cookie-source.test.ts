/**
 * REV19 (review of AWS6 11fd7638, aws-kept-cookie-credential): the refusal covers an apiKey scheme
 * `in: cookie` only. The same Cookie line reaches the authorizer and the backend when ANY scheme's
 * Lambda REQUEST authorizer reads the Cookie header (`identitySource: [method.request.header.Cookie]`),
 * the usual session-cookie authorizer, declared as an http bearer / oauth2 / header apiKey scheme.
 *
 * Class: one credential, two readers (the same as aws-kept-cookie-credential, another scheme kind).
 * Attack: `Cookie: sid=forged; sid=alice`. The function reads the last sid (Python SimpleCookie) and
 * allows alice; API Gateway passes the line whole (kept-values.ts maps Cookie from
 * method.request.header.Cookie, which is the same whole line), and a backend reading the first sid
 * (Go Request.Cookie, PHP $_COOKIE) serves `forged`, a session nobody verified.
 * Suggested fix: kept-values.ts keptCookieRefused also refuses (REST and HTTP API, lint at the same
 * line) a kept scheme of any kind whose lambdaAuthorizer identitySource names the Cookie header
 * (`method.request.header.Cookie`, `$request.header.Cookie`, any letter case), or a hidden one as
 * aws-credential-unhidden does.
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const authorizer = (src: string) => ({ hideCredentials: false, lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: [src] } });
const SCHEMES = {
  sess: { type: 'http', scheme: 'bearer', 'x-gateway': authorizer('method.request.header.Cookie') },
};
/** The function admits alice's session; it reads the LAST sid of the line (Python's SimpleCookie). */
const verify: Verify = (_s, credential) => {
  const sid = [...credential.matchAll(/(?:^|;\s*)sid=([^;]*)/g)].pop()?.[1];
  return sid === 'alice' ? { identity: 'alice', scopes: [] } : undefined;
};
const paths = { '/c': { get: { operationId: 'c', security: [{ sess: [] }] } } };

describe('REV19 AWS6: a Lambda authorizer reading the Cookie header on a non-cookie scheme', async () => {
  const b = await build(spec(paths, { schemes: SCHEMES, backends: { app: { url: 'https://app.example.com', headerNames: 'exact' } } }), {}, verify);
  const send = (cookie: string) => b.oracle?.request({ method: 'GET', path: '/c', headers: { Cookie: cookie } });

  it('control: a forged session alone is refused by the authorizer', () => {
    if (b.errors.length > 0) return; // refused: the hole below is closed
    expect(send('sid=forged')!.status).toBe(403);
    expect(send('sid=alice')!.status).toBe(200);
  });

  it.fails('Cookie: sid=forged; sid=alice is refused at build, or never reaches the backend holding the forged sid', () => {
    if (b.errors.length > 0) return;
    const d = send('sid=forged; sid=alice')!;
    expect(d.status === 200 ? d.upstream!.headers.cookie : 'refused').not.toMatch(/sid=forged/);
  });
});
