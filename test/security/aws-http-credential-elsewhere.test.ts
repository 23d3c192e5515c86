/**
 * AWS HTTP API flavour, an API key's name in the place its Lambda authorizer does not read it,
 * beside the key it verified (the REST flavour's class: aws-credential-elsewhere.test.ts, red team 6
 * redteam6-aws-credentials): a query key's name as a header (`Api-Key`, `api_key` beside
 * `?api_key=`), and a header key's name in the query (`?x-api-key=` beside `X-Api-Key`). A backend
 * pairing a query key reader with a header one (FastAPI APIKeyQuery + APIKeyHeader), or reading
 * CGI's HTTP_API_KEY, takes the second one as the caller's key. Through the HTTP API oracle
 * (test/targets/aws/http/oracle.ts): an HTTP_PROXY integration passes the client's headers and
 * query on, less what its parameter mapping removes.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { buildHttp } from '../targets/aws/http/helpers.js';
import { HttpApiOracle } from '../targets/aws/http/oracle.js';
import { HEAD } from '../helpers/spec.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const spec = `${HEAD}x-gateway:
  backends: { app: { url: https://app.example.com, queryNames: exact } }
  defaults: { backend: app }
paths:
  /q:
    get: { operationId: getQ, security: [{ q: [] }], responses: { '200': { description: ok } } }
  /h:
    get: { operationId: getH, security: [{ h: [] }], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    q: { type: apiKey, in: query, name: api_key, x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.querystring.api_key] } } }
    h: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { lambdaAuthorizer: { arn: '${ARN}', type: request, ttlSeconds: 0, identitySource: [method.request.header.X-Api-Key] } } }
`;

describe("AWS HTTP API: a key's name in the other place, beside the verified key", async () => {
  const b = await buildHttp(spec);
  // The Lambda authorizer admits the request carrying the good key where it reads it.
  const oracle = new HttpApiOracle(b.template!, (_name, headers) => headers['x-api-key'] === 'good' || headers['x-query-api-key'] === 'good');
  const send = (routeKey: string, headers: Record<string, string>, query: Record<string, string>) => oracle.upstream(routeKey, headers, query)!;

  it('builds; each route runs its Lambda authorizer and sends to an HTTP proxy', () => {
    expect(b.errors.map((d) => d.code)).toEqual([]);
    expect(oracle.request('GET', '/h', { 'X-Api-Key': 'good' }, new Map()).status).toBe(200);
    expect(send('GET /q', {}, { api_key: 'good' })).toBeDefined();
  });

  for (const h of ['Api-Key', 'API-KEY', 'api-key', 'api_key', 'API_KEY']) {
    it(`an ${h} header beside the verified ?api_key= never reaches the backend`, () => {
      const o = send('GET /q', { [h]: 'forged' }, { api_key: 'good' });
      expect(Object.entries(o.headers).filter(([k, v]) => k.toLowerCase().replace(/-/g, '_') === 'api_key' && v !== '')).toEqual([]);
    });
  }

  it('?x-api-key= beside the verified X-Api-Key never reaches the backend (the exact name: queryNames exact)', () => {
    const o = send('GET /h', { 'X-Api-Key': 'good' }, { 'x-api-key': 'forged' });
    expect(Object.entries(o.query).filter(([k, v]) => k.toLowerCase() === 'x-api-key' && v !== '')).toEqual([]);
  });

  it('control: the verified key itself is removed (hideCredentials), other names pass as sent', () => {
    const o = send('GET /q', { 'Api-Keys': 'y' }, { api_key: 'good', x: '1' });
    expect(o.query.api_key).toBeUndefined();
    expect(o.query.x).toBe('1');
    expect(o.headers['api-keys']).toBe('y');
  });

  it('gwc diff: a deployed template without either removal is a security finding', () => {
    const files = b.files;
    const reader = readerOf('aws').reader!;
    const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
    const found = (change: (t: string) => string) => {
      const edited = files.map((f) => ({ ...f, contents: change(f.contents) }));
      expect(edited.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
      return diffStates(read(files), read(edited)).findings.filter((f) => f.class === 'security').map((f) => f.rule);
    };
    expect(diffStates(read(files), read(files)).findings).toEqual([]);
    expect(found((t) => t.replace(/"remove:header\.api-key": "",?\s*/i, ''))).toContain('request-header-passed');
    expect(found((t) => t.replace(/"remove:querystring\.x-api-key": "",?\s*/, ''))).toContain('credential-unverified-passed');
  });
});
