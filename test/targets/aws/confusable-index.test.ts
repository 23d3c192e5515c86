/**
 * The shortcut the aws confusable-path check (src/targets/aws/confusable.ts) takes on large specs
 * (#18): a route neverProtectedMore (src/model/admits.ts) names is protected more than no
 * route at all, so it may be left out of the candidates; checked against protectedMore on
 * generated pairs (IP rules, security alternatives with scopes, optional auth, rate limits).
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../../src/model/types.js';
import { neverProtectedMore, protectedMore } from '../../../src/model/admits.js';
import { rng } from '../../fuzz/hostile.js';

function route(r: () => number): Route {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const item = () => ({ scheme: pick(['key', 'basic', 'jwt']), scopes: pick([[], ['a'], ['a', 'b'], ['b']]) });
  const security = pick([[], [[item()]], [[item(), item()]], [[item()], [item()]], [[], [item()]]]);
  const ipRule = pick([undefined, undefined, { allow: ['10.0.0.0/8'], deny: [] }, { allow: [], deny: ['1.2.3.4'] }]);
  const rateLimit = pick([undefined, undefined, { requests: 10, per: 'minute', by: 'ip', burst: 1 }, { requests: 5, per: 'second', by: 'consumer', burst: 2 }]);
  return {
    security,
    optionalAuth: r() < 0.2,
    policy: { ...(ipRule ? { ipRule } : {}), ...(rateLimit ? { rateLimit } : {}) },
  } as unknown as Route;
}

describe('aws confusable-path candidates', () => {
  it('a route neverProtectedMore names is protected more than no other route', () => {
    const r = rng(18);
    let named = 0;
    for (let i = 0; i < 5000; i++) {
      const other = route(r);
      if (!neverProtectedMore(other)) continue;
      named++;
      for (let j = 0; j < 20; j++) expect(protectedMore(other, route(r))).toBe(false);
    }
    expect(named).toBeGreaterThan(300);
  });

  it('neverProtectedMore does not name a route some other route is less protected than', () => {
    // The converse direction is not needed for correctness, but a shortcut naming no route would be no shortcut.
    const open = { security: [], optionalAuth: false, policy: {} } as unknown as Route;
    expect(neverProtectedMore(open)).toBe(true);
    expect(neverProtectedMore({ ...open, policy: { rateLimit: { requests: 1, per: 'minute', by: 'ip', burst: 1 } } } as unknown as Route)).toBe(false);
    expect(neverProtectedMore({ ...open, policy: { ipRule: { allow: ['10.0.0.0/8'], deny: [] } } } as unknown as Route)).toBe(false);
    expect(neverProtectedMore({ ...open, security: [[{ scheme: 'key', scopes: [] }]] } as unknown as Route)).toBe(false);
  });
});
