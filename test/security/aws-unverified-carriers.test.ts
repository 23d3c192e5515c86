/**
 * AWS: what a route hands its backend that API Gateway never verified (closing13.md "Still open" 6).
 *
 * 1. An OR route with `auth.or` accepted (aws-auth-first-alternative: the first alternative alone is
 *    enforced) to a LAMBDA backend: http_proxy integrations blank every carrier of the alternatives
 *    that are not enforced (unenforced.ts), but an aws_proxy integration takes no integration
 *    request parameters, so the function's event held a forged X-Session, session cookie, bearer or
 *    partner key beside the verified X-Token, exactly the hole the HTTP backends are kept from.
 *    HTTP APIs refuse alternatives of two schemes outright (aws-http-auth-alternatives).
 * 2. A query parameter a Lambda authorizer is sent (an identity source besides the credential, of
 *    an alternative not enforced or of the one that is) is blanked by its exact name only, so
 *    `?session[]=`, `?session[a]=` (PHP, Rack, qs) or `?SESSION=` (ASP.NET) reached a backend that
 *    reads query names leniently: the rule aws-query-credential-spellings applies to a query
 *    API key, not to what else the authorizer reads.
 * 3. A header key's name in the query is blanked lower-cased (`?x-api-key=`): the spec's own
 *    spelling `?X-Api-Key=` reached a backend that says `queryNames: exact` (reads the name as spelt).
 *
 * Checked with the AWS request oracle (test/targets/aws/oracle.ts: `lambdaEvent` is what the
 * function receives, `upstream` what an http_proxy backend does) and the HTTP API's mappings.
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HEAD } from '../helpers/spec.js';
import { queryNameAsRead } from '../../src/targets/query-names.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:app';
const lambda = (...source: string[]) => ({ lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: source } });
const SCHEMES = {
  tok: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': lambda('method.request.header.X-Token') },
  tok2: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': lambda('method.request.header.X-Token') },
  ck: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': { ...lambda('method.request.header.Cookie'), hideCredentials: false } },
  ck2: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': { ...lambda('method.request.header.Cookie'), hideCredentials: false } },
  session: { type: 'http', scheme: 'bearer', 'x-gateway': lambda('method.request.header.Cookie') },
  bearer: { type: 'http', scheme: 'bearer', 'x-gateway': lambda('method.request.header.Authorization') },
  extra: { type: 'http', scheme: 'bearer', 'x-gateway': lambda('method.request.header.Authorization', 'method.request.header.X-Session', 'method.request.querystring.session') },
  hk: { type: 'apiKey', in: 'header', name: 'X-Partner-Key', 'x-gateway': { ...lambda('method.request.header.X-Partner-Key'), hideCredentials: false } },
  // The verified credential is the header; the authorizer is also sent ?session= (a second input it checks).
  tokq: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': lambda('method.request.header.X-Token', 'method.request.querystring.session') },
  h: { type: 'apiKey', in: 'header', name: 'X-Api-Key', 'x-gateway': lambda('method.request.header.X-Api-Key') },
};
const verify: Verify = (_s, credential) => (credential.split(',').every((c) => c === 'good' || c === 'sid=good') ? 'alice' : undefined);
const APP = { url: 'https://app.example.com', queryNames: 'exact' };
const LAMBDA = { lambda: { arn: FN } };
/** The function reads names exactly: the verified carriers' other spellings are not refused (aws-lambda-spellings). */
const LAMBDA_EXACT = { ...LAMBDA, headerNames: 'exact', queryNames: 'exact' };

async function built(security: Array<Record<string, string[]>>, backend: Record<string, unknown>, orAccepted = true) {
  const s = spec({ '/r': { get: { security } } }, { schemes: SCHEMES, backends: { app: backend } }) as any;
  if (orAccepted) s['x-gateway'].accept = { aws: [{ feature: 'auth.or', reason: 'partners use sessions on AWS' }] };
  return build(s, {}, verify);
}
const forgedIn = (e: { headers: Record<string, string>; query: Record<string, string> }) =>
  [...Object.entries(e.headers), ...Object.entries(e.query)].filter(([, v]) => v.includes('forged')).map(([k]) => k);

describe('1. AWS REST, an OR route (auth.or accepted) to a Lambda function: the carriers of an alternative never enforced', () => {
  const FORGED = { 'X-Token': 'good', 'X-Session': 'forged', X_Session: 'forged', Cookie: 'sid=forged', Authorization: 'Bearer forged', 'X-Partner-Key': 'forged' };

  it('the oracle shows the mechanism: on an http_proxy backend every such carrier arrives empty', async () => {
    const b = await built([{ tok: [] }, { extra: [] }], APP);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/r', headers: FORGED, query: { session: 'forged' } });
    expect(o.status).toBe(200);
    expect(forgedIn(o.upstream!)).toEqual(['cookie', 'x-partner-key']); // no scheme of this route reads them
  });

  for (const second of ['extra', 'session', 'ck', 'bearer', 'hk']) {
    it(`${second}: refused at the security line (aws_proxy cannot blank what the function is sent)`, async () => {
      const b = await built([{ tok: [] }, { [second]: [] }], LAMBDA);
      expect(coded(b.errors, 'aws-or-lambda-unenforced')).toEqual([
        { code: 'aws-or-lambda-unenforced', params: expect.objectContaining({ route: 'get_r', scheme: second, enforced: 'tok', backend: 'app' }), pointer: '/paths/~1r/get/security' },
      ]);
      expect(b.t).toBeUndefined();
    });
  }

  it('the refusal names every carrier the function would get unverified (headers lower-cased, query, cookie)', async () => {
    const b = await built([{ tok: [] }, { extra: [] }], LAMBDA);
    expect(coded(b.errors, 'aws-or-lambda-unenforced')[0]!.params).toEqual(
      // access_token: RFC 6750's query form of a bearer scheme (bearer.ts).
      expect.objectContaining({ carriers: 'header authorization, header x-session, query access_token, query session' }),
    );
    const c = await built([{ tok: [] }, { session: [] }], LAMBDA);
    expect(coded(c.errors, 'aws-or-lambda-unenforced')[0]!.params).toEqual(expect.objectContaining({ carriers: 'header authorization, header cookie, query access_token' }));
  });

  it('no cookie-specific refusal on Lambda as well: one diagnostic per route and scheme', async () => {
    const b = await built([{ ck: [] }, { session: [] }], LAMBDA);
    // ck, enforced and kept, is refused at its scheme too (aws-kept-cookie-credential: one Cookie line holding sid twice).
    expect(b.errors.map((d) => d.code).sort()).toEqual(['aws-auth-unenforceable', 'aws-kept-cookie-credential', 'aws-or-lambda-unenforced']);
  });

  it('controls: alternatives reading the same carriers (the enforced one verified them) build, and the function gets the verified ones', async () => {
    const same = await built([{ tok: [] }, { tok2: [] }], LAMBDA_EXACT);
    expect(same.errors.map((d) => d.code)).toEqual([]);
    // The mechanism: the event holds every header as sent (X-Session here is no scheme's carrier).
    const o = same.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good', 'X-Session': 'forged' } });
    expect(o.status).toBe(200);
    expect(o.lambdaEvent!.headers['x-token']).toBe('good');
    expect(forgedIn(o.lambdaEvent!)).toEqual(['x-session']);
    // Two kept cookie keys: refused at the enforced one's scheme, aws-kept-cookie-credential (and its route, aws-auth-unenforceable).
    const cookies = await built([{ ck: [] }, { ck2: [] }], LAMBDA_EXACT);
    expect(cookies.errors.map((d) => d.code).sort()).toEqual(['aws-auth-unenforceable', 'aws-kept-cookie-credential']);
  });

  it('controls: one alternative on a Lambda function builds (its verified credential is the function\'s to read)', async () => {
    const b = await built([{ extra: [] }], LAMBDA_EXACT, false);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    // Without the declarations: X_Session and ?session[]= are in the event too (aws-lambda-spellings).
    const lenient = await built([{ extra: [] }], LAMBDA, false);
    expect(lenient.errors.map((d) => d.code).sort()).toEqual(['aws-lambda-header-spellings', 'aws-query-credential-spellings']);
  });
});

describe('2. A query parameter an authorizer reads besides its credential: blanked by its exact name only', () => {
  const SPELLINGS = ['session%5B%5D', 'session[]', 'session[a]', 'SESSION', 'Session', '%73ession', ' session'];
  it('the spellings are what a lenient backend reads as session (query-names.ts)', () => {
    for (const s of SPELLINGS) expect(queryNameAsRead(s)).toBe(queryNameAsRead('session'));
  });

  it('an alternative never enforced: refused unless the backend reads query names exactly', async () => {
    const b = await built([{ tok: [] }, { extra: [] }], { url: 'https://app.example.com' });
    expect(coded(b.errors, 'aws-query-credential-spellings').map((d) => d.params)).toEqual([expect.objectContaining({ scheme: 'extra', name: 'session', backend: 'app' })]);
  });

  it('the enforced alternative: ?session=<verified>&session[]=<forged> would hand the backend the forged one: refused likewise', async () => {
    const b = await built([{ tokq: [] }], { url: 'https://app.example.com' }, false);
    expect(coded(b.errors, 'aws-query-credential-spellings').map((d) => d.params)).toEqual([expect.objectContaining({ scheme: 'tokq', name: 'session', backend: 'app' })]);
  });

  it('queryNames: exact: builds; the exact name of the alternative never enforced still arrives empty', async () => {
    const b = await built([{ tok: [] }, { extra: [] }], APP);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good' }, query: { session: 'forged' } });
    expect(o.upstream!.query.session).toBe('');
  });

  it('HTTP API: an authorizer\'s query identity source beside the credential is refused the same way', async () => {
    const text = (backend: string) => `${HEAD}x-gateway:
  backends: { app: ${backend} }
  defaults: { backend: app }
paths:
  /r:
    get: { operationId: getR, security: [{ tokq: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    tokq: { type: apiKey, in: header, name: X-Token, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.X-Token, method.request.querystring.session] } } }
`;
    const lenient = await buildHttp(text('{ url: https://app.example.com }'));
    expect(lenient.errors.map((d) => [d.code, (d.params as any).name])).toEqual([['aws-query-credential-spellings', 'session']]);
    const exact = await buildHttp(text('{ url: https://app.example.com, queryNames: exact }'));
    expect(exact.errors.map((d) => d.code)).toEqual([]);
  });
});

describe("3. A header key's name in the query, to a backend reading query names exactly", () => {
  it("REST: ?X-Api-Key= (the spec's spelling) and ?x-api-key= both arrive empty", async () => {
    const b = await built([{ h: [] }], APP, false);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    for (const name of ['X-Api-Key', 'x-api-key']) {
      const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Api-Key': 'good' }, query: { [name]: 'forged' } });
      expect(o.status).toBe(200);
      expect(o.upstream!.query[name]).toBe('');
    }
  });

  it("HTTP API: both spellings are removed", async () => {
    const text = `${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, queryNames: exact } }
  defaults: { backend: app }
paths:
  /r:
    get: { operationId: getR, security: [{ h: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    h: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.X-Api-Key] } } }
`;
    const b = await buildHttp(text);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const params = Object.values<any>(b.template!.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Integration')!.Properties.RequestParameters as Record<string, string>;
    expect(Object.keys(params).filter((k) => k.startsWith('remove:querystring.'))).toEqual(expect.arrayContaining(['remove:querystring.X-Api-Key', 'remove:querystring.x-api-key']));
  });
});
