/**
 * AWS, an OR route with `auth.or` accepted (aws-auth-first-alternative: API Gateway enforces the
 * first alternative only) and a COOKIE credential of an alternative that is never enforced
 * (closing12.md "Still open" 2; the header/query half is redteam6-aws-or-kept.test.ts). A kept
 * (hideCredentials: false) cookie key, a session scheme whose Lambda authorizer reads the Cookie
 * header, a forward-auth scheme sent the Cookie header: http_proxy passes the client's Cookie
 * header on, so a forged session beside the verified X-Token reached the backend as if verified.
 * An integration mapping replaces a whole header (it cannot take one cookie out of Cookie), so:
 * the Cookie header reaches the backend empty when the enforced alternative reads no cookie, and
 * the route is refused (aws-or-cookie-unenforced) when it reads another cookie (or the whole
 * header) than the alternative that is not enforced. Checked with the AWS request oracle
 * (test/targets/aws/oracle.ts: the emitted integration requestParameters against the request).
 */
import { describe, expect, it } from 'vitest';
import { build, coded, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HEAD } from '../helpers/spec.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const lambda = (...source: string[]) => ({ lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: source } });
const SCHEMES = {
  tok: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': lambda('method.request.header.X-Token') },
  // A kept cookie key (a hidden one is refused at its scheme: aws-credential-unhidden).
  ck: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': { ...lambda('method.request.header.Cookie'), hideCredentials: false } },
  ck2: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': { ...lambda('method.request.header.Cookie'), hideCredentials: false } },
  other: { type: 'apiKey', in: 'cookie', name: 'partner', 'x-gateway': { ...lambda('method.request.header.Cookie'), hideCredentials: false } },
  ckHidden: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': lambda('method.request.header.Cookie') },
  // A session scheme: a bearer-typed scheme only its Lambda authorizer verifies, reading the Cookie header.
  session: { type: 'http', scheme: 'bearer', 'x-gateway': lambda('method.request.header.Cookie') },
  // A forward-auth scheme sent the Cookie header (AWS runs its Lambda fallback).
  fwd: { type: 'http', scheme: 'bearer', 'x-gateway': { forwardAuth: { url: 'http://auth.example.com/check', requestHeaders: ['Cookie'] }, ...lambda('method.request.header.Cookie') } },
  // Carriers besides the credential parameter: what the authorizer is sent (identity sources).
  extra: { type: 'http', scheme: 'bearer', 'x-gateway': lambda('method.request.header.Authorization', 'method.request.header.X-Session', 'method.request.querystring.session') },
  hk: { type: 'apiKey', in: 'header', name: 'X-Partner-Key', 'x-gateway': { ...lambda('method.request.header.X-Partner-Key'), hideCredentials: false } },
  qk: { type: 'apiKey', in: 'query', name: 'partner_key', 'x-gateway': { ...lambda('method.request.querystring.partner_key'), hideCredentials: false } },
};
const verify: Verify = (_s, credential) => (credential === 'good' || credential === 'sid=good' ? 'alice' : undefined);

async function built(security: Array<Record<string, string[]>>, backend: Record<string, unknown> = { url: 'https://app.example.com', queryNames: 'exact' }) {
  const s = spec({ '/r': { get: { security } } }, { schemes: SCHEMES, backends: { app: backend } }) as any;
  s['x-gateway'].accept = { aws: [{ feature: 'auth.or', reason: 'partners use sessions on AWS' }] };
  return build(s, {}, verify);
}
const forged = (o: { upstream?: { headers: Record<string, string>; query: Record<string, string> } }) =>
  [...Object.entries(o.upstream!.headers), ...Object.entries(o.upstream!.query)].filter(([, v]) => v.includes('forged'));

describe('AWS REST: an OR route (auth.or accepted) and the cookie of an alternative never enforced', () => {
  for (const second of ['ck', 'session', 'fwd']) {
    it(`${second}: a forged session cookie beside the verified X-Token never reaches the backend`, async () => {
      const b = await built([{ tok: [] }, { [second]: [] }]);
      expect(b.errors.map((d) => d.code)).toEqual([]);
      const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good', Cookie: 'sid=forged; theme=dark' } });
      expect(o.status).toBe(200);
      expect(forged(o)).toEqual([]);
      // The second alternative is not enforced: without the token the route stays closed.
      expect(b.oracle!.request({ method: 'GET', path: '/r', headers: { Cookie: 'sid=good' } }).status).toBe(401);
    });
  }

  // A hidden cookie key is refused at its scheme (aws-credential-unhidden) only when the scheme is
  // compiled, i.e. enforced: in an alternative that is not, it built, and the cookie passed as sent.
  it('a hidden cookie key of the alternative never enforced is blanked with the Cookie header too', async () => {
    const b = await built([{ tok: [] }, { ckHidden: [] }]);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good', Cookie: 'sid=forged' } });
    expect(o.status).toBe(200);
    expect(forged(o)).toEqual([]);
  });

  // An enforced kept cookie key is refused at its scheme since session 19 (aws-kept-cookie-credential:
  // `sid=forged; sid=good` in one line, the function and the backend may read different sids).
  it('the enforced alternative reads the same cookie: its kept cookie key is refused at the scheme (aws-kept-cookie-credential)', async () => {
    const b = await built([{ ck: [] }, { ck2: [] }]);
    expect(coded(b.errors, 'aws-kept-cookie-credential').map((d) => d.pointer)).toEqual(['/components/securitySchemes/ck']);
    expect(b.t).toBeUndefined();
  });

  for (const [first, second] of [['ck', 'other'], ['session', 'ck'], ['ck', 'session'], ['ck', 'fwd']] as const) {
    it(`the enforced alternative (${first}) reads another cookie than ${second}: refused at the security line`, async () => {
      const b = await built([{ [first]: [] }, { [second]: [] }]);
      expect(coded(b.errors, 'aws-or-cookie-unenforced')).toEqual([
        { code: 'aws-or-cookie-unenforced', params: expect.objectContaining({ route: 'get_r', scheme: second, enforced: first }), pointer: '/paths/~1r/get/security' },
      ]);
      expect(b.t).toBeUndefined();
    });
  }

  it('the enforced alternative reads the cookie, the other a header: refused at the cookie scheme (aws-kept-cookie-credential)', async () => {
    const b = await built([{ ck: [] }, { tok: [] }]);
    expect(coded(b.errors, 'aws-kept-cookie-credential').map((d) => d.pointer)).toEqual(['/components/securitySchemes/ck']);
    expect(b.t).toBeUndefined();
  });

  it("a header key's mixed '-'/'_' spellings (X-Partner_Key: one HTTP_X_PARTNER_KEY on CGI, PHP, Rack) arrive empty", async () => {
    const b = await built([{ tok: [] }, { hk: [] }]);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const headers = Object.fromEntries(['X-Partner-Key', 'X_Partner_Key', 'X-Partner_Key', 'X_Partner-Key'].map((h) => [h, 'forged']));
    const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good', ...headers } });
    expect(o.status).toBe(200);
    expect(forged(o)).toEqual([]);
  });

  it("a scheme's other carriers (identity sources besides its credential) never reach the backend either", async () => {
    const b = await built([{ tok: [] }, { extra: [] }]);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({
      method: 'GET',
      path: '/r',
      headers: { 'X-Token': 'good', Authorization: 'Bearer forged', 'X-Session': 'forged', x_session: 'forged' },
      query: { session: 'forged' },
    });
    expect(o.status).toBe(200);
    expect(forged(o)).toEqual([]);
  });
});

describe('gwc diff: a deployed template without the new blanks shows what now reaches the backend', () => {
  it('the Cookie header and an identity-source header of the alternative never enforced', async () => {
    const s = spec({ '/r': { get: { security: [{ tok: [] }, { extra: [] }] } }, '/c': { get: { security: [{ tok: [] }, { session: [] }] } } }, { schemes: SCHEMES, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }) as any;
    s['x-gateway'].accept = { aws: [{ feature: 'auth.or', reason: 'partners use sessions on AWS' }] };
    const files = (await diffState(JSON.stringify(s), 'aws')).files!;
    const reader = readerOf('aws').reader!;
    const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
    const found = (change: (t: string) => string) => {
      const edited = files.map((f) => ({ ...f, contents: change(f.contents) }));
      expect(edited.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
      return diffStates(read(files), read(edited)).findings.filter((f) => f.class === 'security').map((f) => f.rule);
    };
    expect(diffStates(read(files), read(files)).findings).toEqual([]);
    expect(found((t) => t.replace(/"integration\.request\.header\.Cookie": "''",?\s*/, ''))).toContain('request-header-passed');
    expect(found((t) => t.replace(/"integration\.request\.header\.Cookie": "''"/, '"integration.request.header.Cookie": "method.request.header.Cookie"'))).toContain('request-header-passed');
    expect(found((t) => t.replace(/"integration\.request\.header\.x-session": "''",?\s*/, ''))).toContain('request-header-passed');
    expect(found((t) => t.replace(/"integration\.request\.querystring\.session": "''",?\s*/, ''))).toContain('credential-unverified-passed');
  });
});

describe("AWS REST: the query spellings of an alternative's key that is never enforced", () => {
  it('a backend reading other spellings (api_key[], PARTNER_KEY) is refused, as for an enforced key (aws-query-credential-spellings)', async () => {
    const b = await built([{ tok: [] }, { qk: [] }], { url: 'https://app.example.com' });
    expect(coded(b.errors, 'aws-query-credential-spellings').map((d) => d.params)).toEqual([expect.objectContaining({ scheme: 'qk', name: 'partner_key' })]);
  });

  it('queryNames: exact: the exact name and the name as a header in both spellings arrive empty', async () => {
    const b = await built([{ tok: [] }, { qk: [] }]);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good', 'Partner-Key': 'forged', partner_key: 'forged' }, query: { partner_key: 'forged' } });
    expect(o.status).toBe(200);
    expect(forged(o)).toEqual([]);
    // `partner-key` is another name, not a spelling: no backend reads it as partner_key (query-names.ts), and one declaring exact names does not.
    expect(b.oracle!.request({ method: 'GET', path: '/r', headers: { 'X-Token': 'good' }, query: { 'partner-key': 'x' } }).upstream!.query['partner-key']).toBe('x');
  });
});

describe('AWS HTTP API: alternatives of two schemes are refused, so no cookie of an unenforced one passes', () => {
  it('X-Token | session cookie: aws-http-auth-alternatives', async () => {
    const text = `${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, queryNames: exact } }
  defaults: { backend: app }
  accept: { aws: [{ feature: auth.or, reason: partners } ] }
paths:
  /r:
    get: { operationId: getR, security: [{ tok: [] }, { ck: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    tok: { type: apiKey, in: header, name: X-Token, x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.X-Token] } } }
    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.Cookie] } } }
`;
    const b = await buildHttp(text);
    expect(b.errors.map((d) => d.code)).toContain('aws-http-auth-alternatives');
    expect(b.template).toBeUndefined();
  });
});

// Found beside the OR work: credential-elsewhere.ts wrote a query key's name as a header in its
// all-dash and all-underscore spellings only, so a name of two separators had mixed spellings
// (Partner-Api_Key) that CGI, PHP and Rack read as the same HTTP_PARTNER_API_KEY, unblanked.
describe("A verified query key's name as a header, in a mixed '-'/'_' spelling (both flavours)", () => {
  const q = { type: 'apiKey', in: 'query', name: 'partner_api_key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: ['method.request.querystring.partner_api_key'] } } };
  const MIXED = ['Partner-Api_Key', 'partner_api-key', 'PARTNER-API-KEY', 'partner_api_key'];

  it('REST: every spelling arrives empty', async () => {
    const b = await build(spec({ '/q': { get: { security: [{ q: [] }] } } }, { schemes: { q }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }), {}, (_s, c) => (c === 'good' ? 'alice' : undefined));
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/q', headers: Object.fromEntries(MIXED.map((h) => [h, 'forged'])), query: { partner_api_key: 'good' } });
    expect(o.status).toBe(200);
    expect(forged(o)).toEqual([]);
  });

  it('HTTP API: every spelling is removed', async () => {
    const text = `${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, queryNames: exact } }
  defaults: { backend: app }
paths:
  /q:
    get: { operationId: getQ, security: [{ q: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    q: { type: apiKey, in: query, name: partner_api_key, x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.querystring.partner_api_key] } } }
`;
    const b = await buildHttp(text);
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const params = Object.values<any>(b.template!.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Integration')!.Properties.RequestParameters as Record<string, string>;
    const removed = new Set(Object.keys(params).filter((k) => k.startsWith('remove:header.')).map((k) => k.slice('remove:header.'.length).toLowerCase()));
    expect(MIXED.map((h) => h.toLowerCase()).filter((h) => !removed.has(h))).toEqual([]);
  });
});
