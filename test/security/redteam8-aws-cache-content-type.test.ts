/**
 * Red team 8, AWS REST: the inert form body of a cached GET (cache.ts inertFormBody) maps
 * `integration.request.header.Content-Type` to '' so no backend parses a GET body's RFC 6750
 * `access_token` (a second credential API Gateway never keys: user 2's answer stored as the shared
 * app key's entry, served to user 3). Only the `Content-Type` spelling is mapped. A client's
 * `Content_Type: application/x-www-form-urlencoded` is a header of its own to API Gateway and reaches
 * the backend as sent (through the AWS oracle), and the Mongrel-family HTTP parsers (Unicorn, Thin,
 * Puma before 6.4.3/5.6.9) name a header by upper-casing it and reading `-` as `_`: both lines become
 * CONTENT_TYPE (Puma joins duplicates with ", "), and Rack's media_type splits on `;` or `,`, so the
 * request is form_data? on a GET and Rails/Doorkeeper read `access_token` from the body. The class the
 * credential headers already close (every `-`/`_` spelling is mapped: header-spellings.ts) is not
 * applied to this header.
 * Fixed: inertFormBody also maps `integration.request.header.Content_Type` to '' (headerSpellings of
 * content-type), and the AWS reader reads both as the guard (deployed-params.ts).
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import { AwsOracle } from '../targets/aws/oracle.js';

const SCHEMES = {
  key: { type: 'apiKey', in: 'header', name: 'x-api-key' },
  tok: { type: 'http', scheme: 'bearer', 'x-gateway': { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true, header: 'X-Token' } },
  // A bearer scheme verified by its Lambda authorizer: RFC 6750 access_token in a form body is a carrier (bearer.ts).
  qk: { type: 'http', scheme: 'bearer', 'x-gateway': { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:authz', type: 'request', identitySource: ['method.request.querystring.api_key'] } } },
};
const PATHS = {
  '/me': { get: { operationId: 'me', security: [{ key: [] }], 'x-gateway': { cache: { ttl: '60s' } } } },
  '/t': { get: { operationId: 't', security: [{ tok: [] }] } },
  '/q': { get: { operationId: 'q', security: [{ qk: [] }] } },
};
const CONSUMERS = { app: { credentials: { key: '${env:APP_KEY}' } } };
const EXACT = { app: { url: 'https://app.example.com', queryNames: 'exact' } };

/** CONTENT_TYPE as a Mongrel-family parser builds it (name upper-cased, `-` as `_`, duplicates joined with ", ", in wire order). */
const cgiContentType = (headers: Record<string, string>) =>
  Object.entries(headers).filter(([k]) => k.toUpperCase().replace(/-/g, '_') === 'CONTENT_TYPE').map(([, v]) => v).join(', ');
/** Rack's media_type: the text before the first `;` or `,`, stripped, lower-cased (nil when empty). */
const rackMediaType = (ct: string) => ct.split(/[;,]/)[0]!.trim().toLowerCase() || undefined;

describe('red team 8, AWS REST: the cached GET\'s Content-Type blanking and its `_` spelling', async () => {
  const b = await build(spec(PATHS, { schemes: SCHEMES, consumers: CONSUMERS, backends: EXACT }));

  it('builds; control: Content-Type: application/x-www-form-urlencoded reaches the backend empty', () => {
    expect(b.errors.map((e) => e.code)).toEqual([]);
    const o = new AwsOracle(b.t!);
    const [app] = o.keysOf('app');
    const d = o.request({ method: 'GET', path: '/me', headers: { 'x-api-key': app!, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['content-type']).toBe('');
    expect(rackMediaType(cgiContentType(d.upstream!.headers))).toBeUndefined();
  });

  // Was it.fails: cache.ts inertFormBody mapped the one spelling `Content-Type`; API Gateway passes
  // `Content_Type` as its own header; a Mongrel-family parser reads it as CONTENT_TYPE. Now every
  // spelling (headerSpellings) is mapped to ''.
  for (const name of ['Content_Type', 'content_type', 'CONTENT_TYPE']) {
    it(`${name}: application/x-www-form-urlencoded beside the shared key: the backend (Rack on Unicorn/Puma<6.4.3) parses the GET body as a form`, () => {
      const o = new AwsOracle(b.t!);
      const [app] = o.keysOf('app');
      const d = o.request({ method: 'GET', path: '/me', headers: { 'x-api-key': app!, [name]: 'application/x-www-form-urlencoded' } });
      expect(d.status).toBe(200);
      expect(rackMediaType(cgiContentType(d.upstream!.headers))).not.toBe('application/x-www-form-urlencoded');
    });
  }
});
