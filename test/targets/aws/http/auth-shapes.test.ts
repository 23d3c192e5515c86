/**
 * Fail closed over every small security requirement of one JWT scheme: each OR of up to three
 * alternatives, each needing up to two of the scopes a, b, c. The HTTP API flavour either refuses
 * the route (a coded error) or builds a route that admits, for every set of scopes a token can
 * hold, exactly the tokens the spec admits (the oracle reads only the template). No shape is ever
 * built wider, and no secured shape is built NONE.
 */
import { describe, expect, it } from 'vitest';
import { type Claims, HttpApiOracle, NOW } from './oracle.js';
import { buildHttp, spec } from './helpers.js';

const SCOPES = ['a', 'b', 'c'];
const subsets = (l: string[]): string[][] => l.reduce<string[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
const ITEMS = subsets(SCOPES).filter((s) => s.length <= 2);
function shapes(): string[][][] {
  const out: string[][][] = [];
  for (const a of ITEMS) {
    out.push([a]);
    for (const b of ITEMS) {
      out.push([a, b]);
      for (const c of ITEMS) if (c.length <= 1) out.push([a, b, c]);
    }
  }
  return out;
}

const GOOD: Claims = { iss: 'https://id.example.com/', aud: 'api', exp: NOW + 60, signedByIssuer: true };

describe('aws api=http: every security shape of one scheme is exact or refused', () => {
  it('admits exactly the spec\'s tokens, or refuses with a coded error', async () => {
    let built = 0;
    let refused = 0;
    for (const shape of shapes()) {
      const security = `[${shape.map((s) => `{ oidc: [${s.join(', ')}] }`).join(', ')}]`;
      const r = await buildHttp(spec(`  /a:\n    get:\n      security: ${security}\n      responses: { '200': { description: ok } }`));
      if (r.files.length === 0) {
        refused += 1;
        expect(r.errors.map((e) => e.code).every((c) => ['aws-http-scopes-all', 'aws-http-auth-alternatives'].includes(String(c))), `${security}: ${r.errors.map((e) => e.code)}`).toBe(true);
        continue;
      }
      built += 1;
      const oracle = new HttpApiOracle(r.template!);
      for (const held of subsets(SCOPES)) {
        const d = oracle.request('GET', '/a', { Authorization: 'Bearer t' }, new Map([['t', { ...GOOD, scope: held.join(' ') }]]));
        const admits = shape.some((need) => need.every((s) => held.includes(s)));
        expect(d.status === 200, `${security} with [${held}]: ${d.why}`).toBe(admits);
      }
      expect(oracle.request('GET', '/a', {}, new Map()).status, security).toBe(401);
    }
    // Both outcomes occur: single scopes and their ORs build, ANDs of scopes are refused.
    expect(built).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  }, 120_000);
});
