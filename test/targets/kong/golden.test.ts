/**
 * Golden files: every fixture built for Kong, its files and diagnostics compared with
 * `fixtures/<case>/expected/kong/` (UPDATE_GOLDEN=1 rewrites them). A golden alone proves
 * nothing, so every generated file is also put through deck validate and the decK schema.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../../src/api.js';
import { deckValidate, schemaValidate } from './validate.js';

const root = new URL('../../../fixtures/', import.meta.url).pathname;
const cases = readdirSync(root).filter((c) => existsSync(join(root, c, 'gateway.yaml'))).sort();

function golden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `${path} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

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
