/**
 * AWS: a KEPT credential (`hideCredentials: false`) sent twice, behind a Lambda REQUEST authorizer
 * (src/targets/aws/kept-values.ts). API Gateway reads a repeated parameter as one value, the last
 * (a proxy event's queryStringParameters "contains the last value": set-up-lambda-proxy-integrations.html,
 * aws/aws-lambda-go#42): that is what the authorizer verifies. An http_proxy integration passed the
 * client's query and header lines on as sent, so `?api_key=forged&api_key=alice` reached a backend
 * reading the FIRST value (Go Values.Get, Spring getParameter, Express qs's [0]) as `forged`, a key
 * nobody verified; `X-Token: forged` then `X-Token: alice` likewise (Go Header.Get: the first). Now
 * each kept carrier is mapped from the expression its identity source is (`method.request.*` on REST,
 * `$request.*` on the HTTP API): the backend gets the value API Gateway evaluated, never `forged` alone.
 *
 * A kept COOKIE key is refused (aws-kept-cookie-credential, both flavours, lint at the same line):
 * `Cookie: sid=forged; sid=alice` is one line, a mapping replaces the whole header and cannot take
 * one cookie out, and the function reads one sid (SimpleCookie: the last) while the backend reads
 * another (Go's Request.Cookie, PHP's $_COOKIE: the first).
 *
 * Oracles: test/targets/aws/oracle.ts (REST: a list is a repeated name; identity sources and
 * `method.request.*` mappings read the last value; a mapping replaces every value) and
 * test/targets/aws/http/oracle.ts (`$request.querystring.*` joins a repeated name's values by commas).
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HttpApiOracle } from '../targets/aws/http/oracle.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const authorizer = (src: string) => ({ hideCredentials: false, lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: [src] } });
const SCHEMES = {
  q: { type: 'apiKey', in: 'query', name: 'api_key', 'x-gateway': authorizer('method.request.querystring.api_key') },
  tok: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': authorizer('method.request.header.X-Token') },
};
const COOKIE = { ck: { type: 'apiKey', in: 'cookie', name: 'sid', 'x-gateway': authorizer('method.request.header.Cookie') } };
/** The function admits alice's credential; for the cookie it reads the LAST sid of the line (Python's SimpleCookie). */
const verify: Verify = (_s, credential) => {
  const sid = [...credential.matchAll(/(?:^|;\s*)sid=([^;]*)/g)].pop()?.[1];
  return credential === 'alice' || sid === 'alice' ? { identity: 'alice', scopes: [] } : undefined;
};
const paths = { '/q': { get: { operationId: 'q', security: [{ q: [] }] } }, '/h': { get: { operationId: 'h', security: [{ tok: [] }] } } };
const cookiePaths = { '/c': { get: { operationId: 'c', security: [{ ck: [] }] } } };

describe('aws REST: a kept credential sent twice', async () => {
  const b = await build(spec(paths, { schemes: SCHEMES, backends: { app: { url: 'https://app.example.com', queryNames: 'exact', headerNames: 'exact' } } }), {}, verify);
  const send = (path: string, req: { headers?: Record<string, string | string[]>; query?: Record<string, string | string[]> }) => b.oracle!.request({ method: 'GET', path, ...req });

  it('builds (cfn-validate clean), each route mapping its kept carrier from the method request parameter it declares', () => {
    expect(b.errors).toEqual([]);
    const op = (p: string) => b.t!.Resources.RestApi.Properties.Body.paths[p].get;
    expect(op('/q')['x-amazon-apigateway-integration'].requestParameters['integration.request.querystring.api_key']).toBe('method.request.querystring.api_key');
    expect(op('/q').parameters).toContainEqual({ name: 'api_key', in: 'query', required: false, schema: { type: 'string' } });
    expect(op('/h')['x-amazon-apigateway-integration'].requestParameters['integration.request.header.X-Token']).toBe('method.request.header.X-Token');
    expect(op('/h').parameters).toContainEqual({ name: 'X-Token', in: 'header', required: false, schema: { type: 'string' } });
  });

  it('?api_key=forged&api_key=alice: the authorizer verifies alice and the backend gets alice alone', () => {
    const d = send('/q', { query: { api_key: ['forged', 'alice'] } });
    expect(d.status).toBe(200);
    expect(d.upstream!.query.api_key).toBe('alice');
    expect(send('/q', { query: { api_key: ['alice', 'forged'] } }).status).toBe(403);
  });

  it('X-Token sent on two lines: the backend gets the verified line alone', () => {
    const d = send('/h', { headers: { 'X-Token': ['forged', 'alice'] } });
    expect(d.status).toBe(200);
    expect(d.upstream!.headers['x-token']).toBe('alice');
  });
});

describe('aws HTTP API: a kept credential sent twice', async () => {
  const b = await buildHttp(`${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, queryNames: exact, headerNames: exact } }
  defaults: { backend: app }
paths:
  /q: { get: { operationId: q, security: [{ q: [] }], responses: { '200': { description: ok } } } }
  /h: { get: { operationId: h, security: [{ tok: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    q: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.querystring.api_key] } } }
    tok: { type: apiKey, in: header, name: X-Token, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.X-Token] } } }
`);
  const oracle = new HttpApiOracle(b.template!);

  it('builds; the kept carriers are overwritten with what the identity source reads', () => {
    expect(b.errors).toEqual([]);
    expect(oracle.upstream('GET /q', {}, { api_key: ['forged', 'alice'] })!.query.api_key).toBe('forged,alice');
    expect(oracle.upstream('GET /q', {}, { api_key: 'alice' })!.query.api_key).toBe('alice');
    expect(oracle.upstream('GET /h', { 'X-Token': 'alice' }, {})!.headers['x-token']).toBe('alice');
  });

  it('never forged alone: a backend reading the first value gets no key of anyone', () => {
    const q = oracle.upstream('GET /q', {}, { api_key: ['forged', 'alice'] })!.query.api_key;
    expect([q].flat()[0]).not.toBe('forged');
  });
});

describe('aws: a kept cookie key is refused (sid=forged; sid=alice in one line: the function and the backend read different sids)', async () => {
  const rest = await build(spec(cookiePaths, { schemes: COOKIE, backends: { app: { url: 'https://app.example.com' } } }), {}, verify);
  const http = await buildHttp(`${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com } }
  defaults: { backend: app }
paths:
  /c: { get: { operationId: c, security: [{ ck: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    ck: { type: apiKey, in: cookie, name: sid, x-gateway: { hideCredentials: false, lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.Cookie] } } }
`);

  it('REST and HTTP API refuse it at the scheme (aws-kept-cookie-credential), no template written', () => {
    for (const [flavour, b] of [['rest', rest], ['http', http]] as const) {
      // REST also says the route's scheme is unenforceable (aws-auth-unenforceable, at its security line).
      expect(b.errors.filter((d) => d.code === 'aws-kept-cookie-credential').map((d) => [d.loc?.pointer, d.params]), flavour).toEqual([['/components/securitySchemes/ck', { scheme: 'ck', name: 'sid' }]]);
      expect(flavour === 'rest' ? rest.t : http.template, flavour).toBeUndefined();
    }
  });

  it('gwc lint --target aws (REST and api=http) reports it at the same line:col as the build', async () => {
    const file = writeSpec(JSON.stringify(spec(cookiePaths, { schemes: COOKIE }), null, 1));
    for (const options of [{}, { api: 'http' }] as Array<Record<string, string>>) {
      const built = (await buildTarget(file, { target: 'aws', options })).diagnostics.filter((d) => d.code === 'aws-kept-cookie-credential');
      const l = await lint(file, { target: 'aws', targetOptions: { aws: options } } as Parameters<typeof lint>[1]);
      const linted = l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'aws-kept-cookie-credential');
      const at = (ds: typeof built) => ds.map((d) => [d.loc?.pointer, d.position?.line, d.position?.column]);
      expect(at(built), JSON.stringify(options)).toEqual([['/components/securitySchemes/ck', expect.any(Number), expect.any(Number)]]);
      expect(at(linted), JSON.stringify(options)).toEqual(at(built));
    }
  });
});
