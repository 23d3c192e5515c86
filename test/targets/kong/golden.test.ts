/**
 * Golden files through the one runner (test/helpers/golden.ts): every fixture built for Kong and
 * compared with `fixtures/<case>/expected/kong/` (UPDATE_GOLDEN=1 rewrites them). A golden alone
 * proves nothing, so every generated file is also put through deck validate and the decK schema.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { goldenSuite } from '../../helpers/golden.js';
import { deckValidate, schemaValidate } from './validate.js';

const cases = goldenSuite({ target: 'kong', diagnostics: 'pointerParams', exact: true });

describe('kong: deck validate and the decK schema', () => {
  it.each(cases)('$name', async ({ spec }) => {
    const built = await buildTarget(spec, { target: 'kong' });
    for (const f of built.files) {
      const v = deckValidate(f.contents);
      if (v) expect(v.output).toBe('');
      const s = schemaValidate(f.contents);
      if (s) expect(s.errors).toBeNull();
    }
  });
});
