/**
 * Lint goldens, Redocly-e2e style: every fixtures/lint-<case>/spec.yaml yields exactly the lines
 * of its lint.txt (file:line:col severity code [target]). UPDATE_GOLDEN=1 rewrites them.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import { fakeTarget } from './fake-target.js';

const root = path.resolve(__dirname, '../../fixtures');
const cases = readdirSync(root).filter((d) => d.startsWith('lint-') && existsSync(path.join(root, d, 'spec.yaml')));
const capped = fakeTarget('capped', {}, { maxTimeoutMs: 29_000 });

describe('lint goldens', () => {
  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(root, name);
      const { diagnostics } = await lint(path.join(dir, 'spec.yaml'), { targets: [capped] });
      const got = diagnostics
        .filter((d) => d.severity !== 'info' || d.code.startsWith('lint-'))
        .map((d) => `${path.relative(dir, d.loc?.file ?? '')}:${d.position?.line}:${d.position?.column} ${d.severity} ${d.code}${d.target ? ` [${d.target}]` : ''}`);
      const file = path.join(dir, 'lint.txt');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${got.join('\n')}\n`);
      expect(got).toEqual(readFileSync(file, 'utf8').trim().split('\n').filter(Boolean));
    });
  }
});
