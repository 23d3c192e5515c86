/** `gwc explain` through the real binary (dist/): text, --json, --list, and a typo's exit 2. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gwc } from './run.js';

beforeAll(ensureBuilt);

describe('gwc explain (CLI)', () => {
  it('prints what, why, fix and an example for a code', () => {
    const r = gwc(['explain', 'security-undecided']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^security-undecided \(error; code\)\n\nWhat: {2}\S.*\nWhy: {3}\S.*\nFix: {3}\S.*\n\nExample:\n {4}\S/);
  });

  it('explains a lint rule with its documentation link, and --json gives the entry', () => {
    expect(gwc(['explain', 'public-no-rate-limit']).stdout).toMatch(/\nMore: README\.md#/);
    const j = JSON.parse(gwc(['explain', 'route-ambiguous', '--json']).stdout) as { result: Record<string, unknown> };
    expect(j.result).toMatchObject({ id: 'route-ambiguous', kind: 'code and rule', severity: 'warn', anchor: 'docs/codes.md#route-ambiguous' });
  });

  it('lists every id, and a typo exits 2 with the closest id', () => {
    const list = gwc(['explain', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['security-undecided', 'path-param-shadows-protected']));
    const typo = gwc(['explain', 'security-undecied']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/did you mean\s+(›\s+)?"security-undecided"/);
    expect(gwc(['explain']).code).toBe(2);
  });
});
