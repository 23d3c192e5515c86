/**
 * AWS: a route to a Lambda function hands it the other spellings of the credential API Gateway
 * verified (closing14.md "Still open" 7; src/targets/aws/lambda-spellings.ts).
 *
 * A Lambda proxy integration takes no request parameters, so the function's event holds `X_Token`
 * beside the verified `X-Token`, and `?api_key[]=` beside the verified `?api_key=`, as the client
 * sent them. Bref, serverless-wsgi and other adapters that rebuild a PHP or CGI request read them as
 * HTTP_X_TOKEN / `api_key`: a credential nobody verified. The oracle (`lambdaEvent`, what the function
 * receives) shows the mechanism; the fix refuses such a route unless the backend says its function
 * reads names exactly (`headerNames: exact`, `queryNames: exact`), on both API flavours.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HEAD } from '../helpers/spec.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:app';
const authorizer = (...source: string[]) => ({ hideCredentials: false, lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: source } });
const SCHEMES = {
  tok: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': authorizer('method.request.header.X-Token') },
  q: { type: 'apiKey', in: 'query', name: 'api_key', 'x-gateway': authorizer('method.request.querystring.api_key') },
  bearer: { type: 'http', scheme: 'bearer', 'x-gateway': authorizer('method.request.header.Authorization') },
  key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
};
const verify: Verify = (_s, credential) => (credential === 'alice' || credential === 'Bearer alice' ? { identity: 'alice', scopes: [] } : undefined);
const built = (security: unknown[], backend: Record<string, unknown>) =>
  build(spec({ '/r': { get: { operationId: 'r', security } } }, { schemes: SCHEMES, backends: { fn: backend }, consumers: { c: { credentials: { key: '${env:C_KEY}' } } } }), {}, verify);
const LAMBDA = { lambda: { arn: FN } };

describe('aws REST: a Lambda function and the other spellings of its verified credential', () => {
  it('the mechanism: X_Token and ?api_key[]= reach the event beside the verified ones (headerNames/queryNames: exact, so it builds)', async () => {
    const b = await built([{ tok: [] }], { ...LAMBDA, headerNames: 'exact' });
    expect(b.errors).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'alice', X_Token: 'bob' } });
    expect(o.status).toBe(200);
    expect(o.lambdaEvent!.headers.x_token).toBe('bob');
    const q = await built([{ q: [] }], { ...LAMBDA, queryNames: 'exact' });
    expect(q.errors).toEqual([]);
    const oq = q.oracle!.request({ method: 'GET', path: '/r', query: { api_key: 'alice', 'api_key[]': 'bob' } });
    expect(oq.status).toBe(200);
    expect(oq.lambdaEvent!.query['api_key[]']).toBe('bob');
    expect(queryNameAsRead('api_key[]')).toBe(queryNameAsRead('api_key'));
  }, 300_000);

  it('a header credential with a separator: refused at the security line, once per scheme', async () => {
    const b = await built([{ tok: [] }], LAMBDA);
    expect(coded(b.errors, 'aws-lambda-header-spellings')).toEqual([
      { code: 'aws-lambda-header-spellings', params: { route: 'r', scheme: 'tok', headers: 'x-token', example: 'x_token', backend: 'fn' }, pointer: '/paths/~1r/get/security' },
    ]);
    expect(b.files).toEqual([]);
  });

  it("a native API key (x-api-key): refused likewise (the event holds X_Api_Key; requestContext.identity.apiKey is the verified one)", async () => {
    const b = await built([{ key: [] }], LAMBDA);
    expect(coded(b.errors, 'aws-lambda-header-spellings').map((d) => d.params)).toEqual([expect.objectContaining({ scheme: 'key', headers: 'x-api-key' })]);
  });

  it('a query credential: aws-query-credential-spellings, as for an HTTP backend, unless queryNames: exact', async () => {
    const b = await built([{ q: [] }], LAMBDA);
    expect(coded(b.errors, 'aws-query-credential-spellings').map((d) => d.params)).toEqual([expect.objectContaining({ scheme: 'q', name: 'api_key', backend: 'fn' })]);
    expect(coded(b.errors, 'aws-lambda-header-spellings')).toEqual([]);
  });

  it('controls: Authorization has no other spelling (builds); an HTTP backend gets X_Token empty (no refusal)', async () => {
    const b = await built([{ bearer: [] }], LAMBDA);
    expect(b.errors).toEqual([]);
    const h = await built([{ tok: [] }], { url: 'https://app.example.com' });
    expect(h.errors).toEqual([]);
    const o = h.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'alice', X_Token: 'bob' } });
    expect(o.status).toBe(200);
    expect(o.upstream!.headers.x_token).toBe('');
  });
});

describe('aws HTTP API: the same refusal on a Lambda integration', () => {
  const doc = (backend: string) => `${HEAD}x-gateway:
  backends: { fn: ${backend} }
  defaults: { backend: fn }
components:
  securitySchemes:
    tok: { type: apiKey, in: header, name: X-Token, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.X-Token] } } }
paths:
  /r:
    get:
      security: [{ tok: [] }]
      responses: { '200': { description: ok } }
`;
  it('refused unless the function reads header names exactly', async () => {
    const b = await buildHttp(doc(`{ lambda: { arn: '${FN}' } }`));
    expect(b.errors.map((d) => d.code)).toEqual(['aws-lambda-header-spellings']);
    const ok = await buildHttp(doc(`{ lambda: { arn: '${FN}' }, headerNames: exact }`));
    expect(ok.errors).toEqual([]);
  });
});
