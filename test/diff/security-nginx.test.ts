/**
 * Issue #15 on nginx: each security change of security-cases.ts, compiled on both sides and read
 * back through the deployed-state reader (conf files and the njs module's CFG), is classified as
 * security on the right routes.
 */
import { describe, expect, it } from 'vitest';
import { SECURITY_CASES, securityPlan } from './security-cases.js';

const isRoute = (op: string) => (key: string) => key === `route ${op}`;

describe('nginx: every security change of issue #15 is flagged as security', () => {
  for (const c of SECURITY_CASES) {
    const why = c.cannot?.nginx;
    it(`${c.name}${why ? ' (not expressible: no finding)' : ''}`, async () => {
      const plan = await securityPlan('nginx', [], c);
      const found = plan.findings.filter((f) => f.rule === c.rule);
      if (why) return expect(found).toEqual([]);
      expect(found.every((f) => f.class === 'security')).toBe(true);
      for (const op of c.ops) expect(found.some((f) => isRoute(op)(f.key)), `${op} in ${JSON.stringify(plan.findings)}`).toBe(true);
    });
  }
});
