/**
 * Optional auth (`{}` beside a scheme) needs a gateway that verifies a credential when one is
 * present and lets anonymous callers in; where a target cannot, the build is refused (fail
 * closed), so there is no deployed state to diff. Pins which targets refuse it.
 */
import { describe, expect, it } from 'vitest';
import { compiledState } from '../../src/diff/run.js';
import { CHANGE_CLASSES, variant } from './helpers.js';

const optional = CHANGE_CLASSES.find((c) => c.name === 'auth made optional')!;

describe('auth made optional on targets that cannot verify an optional credential', () => {
  // Traefik builds it (an anonymous router beside the verifying ones): its diff is held in
  // test/security/redteam-traefik-auth.test.ts.
  for (const target of ['aws', 'kong'].filter((t) => !optional.onlyOn?.includes(t))) {
    it(`${target} refuses the build at the security requirement`, async () => {
      const r = await compiledState(variant(optional.edits), target, {});
      expect(r.state).toBeUndefined();
      const refusal = r.diagnostics.find((d) => d.code === 'capability-unsupported' && d.params.feature === 'auth.optional');
      expect(refusal?.params.route).toBe('getOrder');
    });
  }
});
