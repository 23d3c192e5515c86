/**
 * Golden files: every fixture built for Kong, its files and diagnostics compared with
 * `fixtures/<case>/expected/kong/` (UPDATE_GOLDEN=1 rewrites them). A golden alone proves
 * nothing, so every generated file is also put through deck validate and the decK schema.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { fixtureCases, FIXTURES, golden } from '../../helpers/golden.js';
import { deckValidate, schemaValidate } from './validate.js';

const root = FIXTURES;
const cases = fixtureCases();

describe('kong: goldens', () => {
  it.each(cases)('%s', async (c) => {
    const built = await buildTarget(join(root, c, 'gateway.yaml'), { target: 'kong' });
    const out = join(root, c, 'expected', 'kong');
    const diags = built.diagnostics
      .map((d) => `${d.severity} ${d.code} ${d.loc?.pointer ?? ''} ${JSON.stringify(d.params)}`)
      .join('\n')
      .split(root)
      .join('fixtures/');
    golden(join(out, 'diagnostics.txt'), `${diags}\n`);
    for (const f of built.files) {
      golden(join(out, f.path), f.contents);
      const v = deckValidate(f.contents);
      if (v) expect(v.output).toBe('');
      const s = schemaValidate(f.contents);
      if (s) expect(s.errors).toBeNull();
    }
  });
});
