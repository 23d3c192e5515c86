/**
 * Red team 6, AWS REST (023eab5): a header API key's name in the query beside the verified
 * X-Api-Key. The integration maps the exact name `x-api-key` to '' (credential-elsewhere.ts), but a
 * backend that reads query names as PHP, Rack, qs (x-api-key[]), or ASP.NET (X-API-KEY, case-blind)
 * do reads the other spellings as the key; for a QUERY key API Gateway refuses exactly that unless
 * the backend says `queryNames: exact` (aws-query-credential-spellings). A header-key route on a
 * backend that does not say so built, and those spellings reached it as sent. Open (it.fails): the
 * same refusal (or queryNames: exact) for a header key's name in the query.
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const h = { type: 'apiKey', in: 'header', name: 'X-Api-Key', 'x-gateway': { lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: ['method.request.header.X-Api-Key'] } } };
const verify: Verify = (_s, credential) => (credential === 'good' ? 'alice' : undefined);

describe('red team 6, AWS REST: a header key\'s name in the query, other spellings', async () => {
  const b = await build(spec({ '/h': { get: { security: [{ h: [] }] } } }, { schemes: { h }, backends: { app: { url: 'https://app.example.com' } } }), {}, verify);
  const reads = (k: string) => k.toLowerCase().replace(/\[.*$/, '') === 'x-api-key';

  it('builds (no queryNames on the backend); the key opens the route; the exact name reaches it empty', () => {
    expect(b.errors.map((d) => d.code)).toEqual([]);
    const o = b.oracle!.request({ method: 'GET', path: '/h', query: { 'x-api-key': 'forged' }, headers: { 'X-Api-Key': 'good' } });
    expect(o.status).toBe(200);
    expect(o.upstream!.query['x-api-key'] ?? '').toBe('');
  });

  // Open: only the exact name is mapped to ''; nothing refuses the build for the other spellings.
  for (const name of ['X-API-KEY', 'X-Api-Key', 'x-api-key[]', 'x-api-key[0]']) {
    it.fails(`?${name}=forged beside the verified X-Api-Key never reaches a backend that reads it as x-api-key (or the build is refused)`, () => {
      const o = b.oracle!.request({ method: 'GET', path: '/h', query: { [name]: 'forged' }, headers: { 'X-Api-Key': 'good' } });
      expect(o.status).toBe(200);
      expect(Object.entries(o.upstream!.query).filter(([k, v]) => reads(k) && v !== '')).toEqual([]);
    });
  }
});
