/**
 * AWS (REST and HTTP APIs), an API key's name in the place the authorizer does not read it, beside
 * the key it verified (the class of kong-second-credential, nginx-credential-elsewhere,
 * traefik-query-key-header): a query key's name as a header (`Api-Key` beside `?api_key=`), and a
 * header key's name in the query (`?x-api-key=` beside `X-Api-Key`). A backend pairing a query key
 * reader with a header one (FastAPI APIKeyQuery + APIKeyHeader) or reading CGI's HTTP_API_KEY
 * takes the second one as the caller's key. Through the AWS request oracles (test/targets/aws/oracle.ts,
 * http/oracle.ts): an http_proxy integration passes the client's headers and query on.
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const q = { type: 'apiKey', in: 'query', name: 'api_key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: ['method.request.querystring.api_key'] } } };
const h = { type: 'apiKey', in: 'header', name: 'X-Api-Key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: ['method.request.header.X-Api-Key'] } } };
const verify: Verify = (_s, credential) => (credential === 'good' ? 'alice' : undefined);

describe('AWS: a key\'s name in the other place, beside the verified key', async () => {
  // queryNames: exact, else a REST query-key route is refused (aws-query-credential-spellings).
  const b = await build(spec({ '/q': { get: { security: [{ q: [] }] } }, '/h': { get: { security: [{ h: [] }] } } }, { schemes: { q, h }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }), {}, verify);

  it('builds; each key opens its route', () => {
    expect(b.errors.map((d) => d.code)).toEqual([]);
    expect(b.oracle!.request({ method: 'GET', path: '/q', query: { api_key: 'good' } }).status).toBe(200);
    expect(b.oracle!.request({ method: 'GET', path: '/h', headers: { 'X-Api-Key': 'good' } }).status).toBe(200);
  });

  // Both were open (the oracle: http_proxy passed Api-Key and ?x-api-key= as sent). Fixed: the
  // integration maps each to empty (src/targets/aws/credential-elsewhere.ts).
  for (const h of ['Api-Key', 'API-KEY', 'api-key', 'api_key', 'API_KEY']) {
    it(`an ${h} header beside the verified ?api_key= reaches the backend empty`, () => {
      const o = b.oracle!.request({ method: 'GET', path: '/q', query: { api_key: 'good' }, headers: { [h]: 'forged' } });
      expect(o.status).toBe(200);
      expect(Object.entries(o.upstream!.headers).filter(([k, v]) => k.toLowerCase().replace(/-/g, '_') === 'api_key' && v !== '')).toEqual([]);
    });
  }

  it('?x-api-key= beside the verified X-Api-Key reaches the backend empty (the exact name: queryNames exact)', () => {
    const o = b.oracle!.request({ method: 'GET', path: '/h', query: { 'x-api-key': 'forged' }, headers: { 'X-Api-Key': 'good' } });
    expect(o.status).toBe(200);
    expect(Object.entries(o.upstream!.query).filter(([k, v]) => k.toLowerCase() === 'x-api-key' && v !== '')).toEqual([]);
  });

  it('control: other names pass as sent', () => {
    const o = b.oracle!.request({ method: 'GET', path: '/q', query: { api_key: 'good', x: '1' }, headers: { 'Api-Keys': 'y' } });
    expect(o.upstream!.query.x).toBe('1');
    expect(Object.entries(o.upstream!.headers).find(([k]) => k.toLowerCase() === 'api-keys')?.[1]).toBe('y');
  });

  it('gwc diff: a deployed template without either mapping is a security finding', async () => {
    const text = JSON.stringify(spec({ '/q': { get: { security: [{ q: [] }] } }, '/h': { get: { security: [{ h: [] }] } } }, { schemes: { q, h }, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }));
    const files = (await diffState(text, 'aws')).files!;
    const reader = readerOf('aws').reader!;
    const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
    const found = (change: (t: string) => string) => {
      const edited = files.map((f) => ({ ...f, contents: change(f.contents) }));
      expect(edited.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
      return diffStates(read(files), read(edited)).findings.filter((f) => f.class === 'security').map((f) => f.rule);
    };
    expect(diffStates(read(files), read(files)).findings).toEqual([]);
    expect(found((t) => t.replace(/"integration\.request\.header\.api-key": "''",?\s*/, ''))).toContain('request-header-passed');
    expect(found((t) => t.replace(/"integration\.request\.querystring\.x-api-key": "''",?\s*/, ''))).toContain('credential-unverified-passed');
  });
});
