/**
 * #17 item 3: every diagnostic code and every lint rule has an explanation (what, why, fix,
 * example); none is stale; docs/codes.md is rendered from them and each anchor lands on its heading.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';
import { closestId, EXPLAIN_DOC, EXPLANATION_AREAS, explain, explainAnchor, renderExplanation, renderExplanationsMarkdown, reportableIds } from '../../src/explain/index.js';
import { gwcRuleset } from '../../src/lint/ruleset.js';
import { golden } from '../helpers/golden.js';

const ROOT = path.resolve(__dirname, '../..');
const codes = Object.keys(CODES);
const rules = gwcRuleset().rules.map((r) => r.id);

describe('gwc explain', () => {
  it('explains every diagnostic code and every lint rule', () => {
    const missing = reportableIds().filter((id) => !explain(id));
    expect(missing, `add these to src/explain/<area>.ts: ${missing.join(', ')}`).toEqual([]);
    expect(reportableIds()).toEqual(expect.arrayContaining([...codes, ...rules]));
  });

  it('explains nothing gwc cannot report, and each id once', () => {
    const known = new Set([...codes, ...rules]);
    const seen = new Map<string, string>();
    for (const [area, map] of Object.entries(EXPLANATION_AREAS)) {
      for (const id of Object.keys(map)) {
        expect(known.has(id), `src/explain/${area}.ts explains ${id}, which is neither a code nor a rule`).toBe(true);
        expect(seen.get(id), `${id} is explained in ${seen.get(id)} and ${area}`).toBeUndefined();
        seen.set(id, area);
      }
    }
  });

  it('says what, why, how to fix in one paragraph each, and gives an example', () => {
    for (const id of reportableIds()) {
      const e = explain(id);
      if (!e) continue; // said by the first test
      for (const field of ['means', 'why', 'fix'] as const) {
        expect(e[field], `${id}.${field}`).toMatch(/^\S[^\n]{8,400}$/);
      }
      expect(e.why, `${id}: why repeats what`).not.toBe(e.means);
      expect(e.example.trim().length, `${id}.example`).toBeGreaterThan(5);
    }
  });

  it('takes severity from the code catalogue, and category and link from rules/gwc.yaml', () => {
    expect(explain('security-undecided')).toMatchObject({ kind: 'code', severity: 'error' });
    expect(explain('route-ambiguous')).toMatchObject({ kind: 'code and rule', severity: 'warn', category: 'routing' });
    expect(explain('public-no-rate-limit')).toMatchObject({ kind: 'rule', severity: 'warn', category: 'traffic', documentationUrl: expect.stringContaining('README.md#') });
    expect(explain('no-such-code')).toBeUndefined();
  });

  it('renders What/Why/Fix/Example', () => {
    const text = renderExplanation(explain('jwt-key-family-ambiguous')!);
    expect(text).toMatch(/^jwt-key-family-ambiguous \(error; code and rule, security\)\n\nWhat: {2}\S/);
    expect(text).toMatch(/\nWhy: {3}.*algorithm confusion/i);
    expect(text).toMatch(/\nFix: {3}\S/);
    expect(text).toMatch(/\nExample:\n {4}\S/);
  });

  it('suggests the closest id for a typo', () => {
    expect(closestId('security-undecied')).toBe('security-undecided');
    expect(closestId('zzzzzzzzzzzzzz')).toBe('');
  });

  it(`keeps ${EXPLAIN_DOC} current, and every anchor names a heading in it`, () => {
    const md = renderExplanationsMarkdown();
    golden(path.join(ROOT, EXPLAIN_DOC), md);
    const slugs = new Set([...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.toLowerCase()));
    for (const id of reportableIds()) {
      const [file, anchor] = explainAnchor(id).split('#');
      expect(file).toBe(EXPLAIN_DOC);
      expect(slugs.has(anchor!), `${id}: #${anchor}`).toBe(true);
    }
  });
});
