/**
 * Red team 6, AWS (DESIGN.md 7.1, 7.3): an OR route's kept credential (`hideCredentials: false`)
 * of an alternative that did not pass, the class nginx closes in kept-credentials.ts. A REST
 * method has one authorizer: with `auth.or` accepted (aws-auth-first-alternative) only the first
 * alternative is enforced, so the others' credentials are never verified, and http_proxy passes the
 * client's headers and query on (AWS request oracle, test/targets/aws/oracle.ts).
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';
import type { Verify } from '../targets/aws/oracle.js';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:authz';
const lambda = (source: string) => ({ lambdaAuthorizer: { arn: ARN, type: 'request', ttlSeconds: 0, identitySource: [source] } });
const SCHEMES = {
  tok: { type: 'apiKey', in: 'header', name: 'X-Token', 'x-gateway': lambda('method.request.header.X-Token') },
  hk: { type: 'apiKey', in: 'header', name: 'X-Partner-Key', 'x-gateway': { ...lambda('method.request.header.X-Partner-Key'), hideCredentials: false } },
  qk: { type: 'apiKey', in: 'query', name: 'partner_key', 'x-gateway': { ...lambda('method.request.querystring.partner_key'), hideCredentials: false } },
};
const verify: Verify = (_s, credential) => (credential === 'good' ? 'alice' : undefined);

async function built() {
  const s = spec({ '/h': { get: { security: [{ tok: [] }, { hk: [] }] } }, '/q': { get: { security: [{ tok: [] }, { qk: [] }] } } }, { schemes: SCHEMES, backends: { app: { url: 'https://app.example.com', queryNames: 'exact' } } }) as any;
  s['x-gateway'].accept = { aws: [{ feature: 'auth.or', reason: 'partners use keys on AWS' }] };
  return build(s, {}, verify);
}

// Closed: backends.ts hideUnenforced maps every credential parameter of a scheme outside the
// enforced (first) alternative to empty (a header by its name and its '_' spelling, a query
// parameter by its exact name), unless a scheme of that alternative reads the same carrier.
describe('AWS: an OR route (auth.or accepted) and the kept credential of an alternative never enforced', async () => {
  const b = await built();

  it('builds; the first alternative opens the route, the second is refused (stricter)', () => {
    expect(b.errors.map((d) => d.code)).toEqual([]);
    expect(b.oracle!.request({ method: 'GET', path: '/h', headers: { 'X-Token': 'good' } }).status).toBe(200);
    expect(b.oracle!.request({ method: 'GET', path: '/h', headers: { 'X-Partner-Key': 'good' } }).status).toBe(401);
  });

  for (const name of ['X-Partner-Key', 'x-partner-key']) {
    it(`a forged ${name} header beside the verified X-Token never reaches the backend`, () => {
      const o = b.oracle!.request({ method: 'GET', path: '/h', headers: { 'X-Token': 'good', [name]: 'forged' } });
      expect(o.status).toBe(200);
      expect(Object.entries(o.upstream!.headers).filter(([, v]) => v === 'forged')).toEqual([]);
    });
  }

  it('a forged ?partner_key= beside the verified X-Token never reaches the backend', () => {
    const o = b.oracle!.request({ method: 'GET', path: '/q', headers: { 'X-Token': 'good' }, query: { partner_key: 'forged' } });
    expect(o.status).toBe(200);
    expect(Object.entries(o.upstream!.query).filter(([, v]) => v === 'forged')).toEqual([]);
  });
});
