/**
 * AWS REST, the nginx 9778081 class (closing15 "Still open" 7): an API key's NAME in the body of a
 * request to a cached route that does not verify it. A backend reads a body field over the query
 * parameter of the same name (Laravel's input(), PHP's $_REQUEST, Rack's params) and a header key's
 * name as a parameter, and API Gateway never keys a body; cache.ts inertFormBody emptied Content-Type
 * on a cached GET/HEAD only when the spec had a 'body' carrier (RFC 6750 access_token), so a public
 * cached GET with `x-api-key=<bob's key>` (form or JSON) in its body reached the backend parsed,
 * was answered for bob and stored as the anonymous entry, served to every next caller.
 *
 * Through the request oracle: what the backend gets (`upstream`) and what the cache serves.
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';

const consumers = { bob: { credentials: { key: '${env:BOB_KEY}' } } };
const paths = {
  '/pub': { get: { operationId: 'pub', 'x-gateway': { public: true, cache: { ttl: '60s' } } } },
  '/me': { get: { operationId: 'me', security: [{ key: [] }] } },
};

describe('aws REST: an API key name in the body of a cached route that does not verify it', async () => {
  const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
  const queryKey = { key: { type: 'apiKey', in: 'query', name: 'x-api-key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: ['method.request.querystring.x-api-key'] } } } };
  for (const [label, schemes, extra] of [
    ['header key (x-api-key)', { key: { type: 'apiKey', in: 'header', name: 'x-api-key' } }, { consumers }],
    // A query key behind a Lambda authorizer (the backend says it reads exact query names, else refused).
    ['query key (?x-api-key=)', queryKey, { backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }],
  ] as const) {
    const b = await build(spec(paths, { schemes, ...extra }));
    it(`${label}: builds`, () => expect(b.errors).toEqual([]));

    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'x-api-key=BOB'],
      ['application/json', '{"x-api-key":"BOB"}'],
    ] as const) {
      it(`${label}: a ${type} body naming the key reaches the backend with Content-Type empty (never parsed), so the stored answer is the plain request's`, () => {
        const d = b.oracle!.request({ method: 'GET', path: '/pub', headers: { 'content-type': type, 'x-body': body } });
        expect(d.status).toBe(200);
        expect(d.upstream!.headers['content-type']).toBe('');
        expect(d.upstream!.headers.content_type ?? '').toBe('');
      });
    }

    it(`${label}: held: an uncached route keeps its Content-Type`, () => {
      const t = b.t!.Resources.RestApi.Properties.Body.paths;
      expect(t['/me'].get['x-amazon-apigateway-integration'].requestParameters?.['integration.request.header.Content-Type']).toBeUndefined();
    });
  }
});
