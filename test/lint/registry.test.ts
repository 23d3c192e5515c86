/** The ruleset checks itself: every rule has a doc line, valid message ids and a table test. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRules } from '../../src/lint/index.js';
import { RULES } from '../../src/lint/rules/index.js';
import { renderRuleList } from '../../src/lint/render.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const tested = new Set(
  readdirSync(here)
    .filter((f) => f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(path.join(here, f), 'utf8').matchAll(/testRule\('([^']+)'/g)].map((m) => m[1]!)),
);

describe('the rule registry', () => {
  it('has unique ids', () => {
    const ids = listRules().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  for (const r of listRules()) {
    it(`${r.id} has a one-line doc and a table test`, () => {
      expect(r.doc).toMatch(/^\S.{10,160}$/);
      expect(tested.has(r.id), `no testRule('${r.id}', ...) in test/lint`).toBe(true);
    });
  }
  it('every rule file states at least one message', () => {
    for (const r of RULES) expect(Object.keys(r.meta.messages).length).toBeGreaterThan(0);
  });
  it('--list-rules prints every id with its severity and doc', () => {
    const text = renderRuleList();
    for (const r of listRules()) expect(text).toMatch(new RegExp(`^${r.id}\\s+${r.severity}\\s+\\S+\\s+${r.doc.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  });
});
