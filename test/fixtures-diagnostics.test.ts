/**
 * Every fixture with a diagnostics.txt yields exactly those diagnostics (line:col severity code),
 * and every fixture without one validates clean. Cases are found by scanning fixtures/.
 * UPDATE_GOLDEN=1 rewrites diagnostics.txt from what gwc says now (review the diff as code).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../src/api.js';

const root = path.resolve(__dirname, '../fixtures');
const cases = readdirSync(root).filter((d) => existsSync(path.join(root, d, 'gateway.yaml')));

describe('fixtures', () => {
  it('has the cases the foundation promises', () => {
    expect(cases).toEqual(expect.arrayContaining(['shop', 'shop-native', 'minimal', 'plain-openapi', 'invalid-misspelt-key']));
  });

  for (const name of cases) {
    it(name, async () => {
      const file = path.join(root, name, 'gateway.yaml');
      const { diagnostics } = await loadGateway(file);
      const got = diagnostics.map((d) => `${d.position?.line}:${d.position?.column} ${d.severity} ${d.code}`).sort();
      const expectedFile = path.join(root, name, 'diagnostics.txt');
      if (process.env.UPDATE_GOLDEN === '1' && got.length > 0) writeFileSync(expectedFile, `${got.join('\n')}\n`);
      const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8').trim().split('\n').filter(Boolean).sort() : [];
      expect(got).toEqual(expected);
      for (const d of diagnostics) expect(d.loc?.file ?? file).toBe(file);
    });
  }
});
