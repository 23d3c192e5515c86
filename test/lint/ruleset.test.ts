/**
 * rules/gwc.yaml is the ruleset (#17 item 6): it and the registered check functions agree, core
 * rules are diagnostic codes of the same severity, every link resolves, a malformed file is
 * refused, and `gwc:all` / `recommended: false` select rules as the config says.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';
import { parseConfig } from '../../src/lint/config.js';
import { CORE_RULES } from '../../src/lint/core-rules.js';
import { listRules } from '../../src/lint/index.js';
import { defineRule } from '../../src/lint/rule.js';
import { RULES } from '../../src/lint/rules/index.js';
import { gwcRuleset, inRuleset, parseRuleset, RULESET_FILE, ruleData } from '../../src/lint/ruleset.js';
import { readFastYaml } from '../../src/spec/yaml-fast.js';

const ROOT = path.resolve(path.dirname(RULESET_FILE), '..');
const data = gwcRuleset();
const raw = () => parse(readFileSync(RULESET_FILE, 'utf8')) as { rules: Record<string, Record<string, unknown>> };

/** GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens. */
const slug = (h: string) => h.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

describe('rules/gwc.yaml', () => {
  it("reads the same through the spec's fast YAML reader as through the yaml package (lint reads it so, #18)", () => {
    const text = readFileSync(RULESET_FILE, 'utf8');
    expect(JSON.stringify(readFastYaml(text)?.data)).toBe(JSON.stringify(parse(text)));
    expect(parseRuleset(parse(text))).toEqual(data);
  });

  it('is the file the package ships', () => {
    expect(RULESET_FILE).toBe(path.join(ROOT, 'rules', 'gwc.yaml'));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('rules');
  });

  it('lists every registered rule function as kind gwc, with text for exactly its message ids', () => {
    for (const r of RULES) {
      const d = ruleData(r.meta.id);
      expect(d, `${r.meta.id} has no entry in rules/gwc.yaml`).toBeDefined();
      expect(d!.kind, r.meta.id).toBe('gwc');
      expect(Object.keys(d!.messages).sort(), r.meta.id).toEqual(Object.keys(r.meta.messages).sort());
    }
  });

  it('registers a function for every gwc rule it lists', () => {
    const registered = new Set(RULES.map((r) => r.meta.id));
    for (const d of data.rules.filter((r) => r.kind === 'gwc')) expect(registered.has(d.id), `${d.id} has no function in src/lint/rules`).toBe(true);
  });

  it('lists core rules that are diagnostic codes of the same severity, and drives CORE_RULES', () => {
    const core = data.rules.filter((r) => r.kind === 'core');
    expect(CORE_RULES.map((r) => r.id)).toEqual(core.map((r) => r.id));
    for (const d of core) {
      expect(Object.hasOwn(CODES, d.id), `${d.id} is not in src/diagnostics/codes.ts`).toBe(true);
      expect(d.severity, d.id).toBe(CODES[d.id as keyof typeof CODES].severity);
    }
  });

  it('is what lint lists: severity and doc line come from the data', () => {
    const listed = new Map(listRules().map((r) => [r.id, r]));
    expect([...listed.keys()].sort()).toEqual(data.rules.map((r) => r.id).sort());
    for (const d of data.rules) {
      expect(listed.get(d.id)?.severity, d.id).toBe(d.severity);
      expect(listed.get(d.id)?.doc, d.id).toBe(d.description);
      expect(listed.get(d.id)?.category, d.id).toBe(d.category);
    }
  });

  it('has a documentation link for every rule, and relative links name a README heading', () => {
    const headings = new Set(readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
    for (const d of data.rules) {
      expect(d.documentationUrl, d.id).toMatch(/\S/);
      if (/^https?:/.test(d.documentationUrl)) continue;
      const [file, anchor] = d.documentationUrl.split('#');
      expect(existsSync(path.join(ROOT, file!)), `${d.id}: ${file}`).toBe(true);
      if (file === 'README.md' && anchor) expect(headings.has(anchor), `${d.id}: README.md#${anchor}`).toBe(true);
    }
  });

  it('uses in each message only {{slots}} of the form the renderer fills', () => {
    for (const d of data.rules) for (const m of Object.values(d.messages)) expect(m.replace(/\{\{\w+\}\}/g, ''), d.id).not.toMatch(/\{\{|\}\}/);
  });
});

describe('defineRule: a rule file states its id and message ids, the data the rest', () => {
  const check = () => {};
  it('takes category, severity, doc line and texts from rules/gwc.yaml', () => {
    const r = defineRule({ meta: { id: 'path-params', messageIds: ['unused'] }, check });
    const d = ruleData('path-params')!;
    expect(r.meta).toEqual({ id: 'path-params', category: d.category, severity: d.severity, doc: d.description, messages: { unused: d.messages.unused } });
  });
  it('throws for a rule rules/gwc.yaml does not list, or a core rule', () => {
    expect(() => defineRule({ meta: { id: 'no-such-rule', messageIds: ['x'] }, check })).toThrow(/no gwc rule "no-such-rule"/);
    expect(() => defineRule({ meta: { id: 'route-duplicate', messageIds: ['x'] }, check })).toThrow(/no gwc rule "route-duplicate"/);
  });
  it('throws for a message id without text', () => {
    expect(() => defineRule({ meta: { id: 'path-params', messageIds: ['unused', 'missing'] }, check })).toThrow(/no text for message missing/);
  });
});

describe('parseRuleset refuses a malformed ruleset, naming the rule', () => {
  const withRule = (id: string, patch: Record<string, unknown>) => {
    const r = raw();
    r.rules[id] = { ...r.rules[id], ...patch };
    return r;
  };
  const cases: [string, unknown, RegExp][] = [
    ['unknown key', withRule('security-missing', { level: 'error' }), /rules\.security-missing: unknown key "level"/],
    ['bad severity', withRule('security-missing', { severity: 'fatal' }), /rules\.security-missing: severity/],
    ['bad category', withRule('security-missing', { category: 'misc' }), /rules\.security-missing: category/],
    ['recommended not boolean', withRule('security-missing', { recommended: 'yes' }), /recommended must be true or false/],
    ['two-line description', withRule('security-missing', { description: 'a\nb' }), /description must be one line/],
    ['gwc rule without messages', withRule('security-missing', { messages: {} }), /states at least one message/],
    ['core rule with messages', withRule('route-duplicate', { messages: { x: 'y' } }), /core rule's text is its diagnostic code's/],
    ['bad kind', withRule('route-duplicate', { kind: 'spectral' }), /kind must be gwc or core/],
    ['no categories', { rules: {} }, /root: needs categories and rules/],
  ];
  for (const [name, input, error] of cases) it(name, () => expect(() => parseRuleset(input, 'gwc.yaml')).toThrow(error));
  it('accepts the shipped file', () => expect(parseRuleset(raw()).rules.length).toBe(data.rules.length));
});

describe('extends: gwc:recommended | gwc:all', () => {
  const optional = { ...data.rules[0]!, recommended: false };
  const config = (yaml: unknown) => parseConfig(yaml, '/x/.gwc.yaml').config;
  it('runs every recommended rule by default', () => {
    for (const d of data.rules) expect(inRuleset(d.id, config({}), d)).toBe(d.recommended);
  });
  it('runs a recommended: false rule only under gwc:all or when the config names it', () => {
    expect(inRuleset(optional.id, config({ extends: ['gwc:recommended'] }), optional)).toBe(false);
    expect(inRuleset(optional.id, config({ extends: ['gwc:all'] }), optional)).toBe(true);
    expect(inRuleset(optional.id, config({ extends: [['gwc:all', 'all']] }), optional)).toBe(true);
    expect(inRuleset(optional.id, config({ rules: { [optional.id]: 'warn' } }), optional)).toBe(true);
    expect(inRuleset(optional.id, config({ overrides: [{ files: ['a.yaml'], rules: { [optional.id]: 'error' } }] }), optional)).toBe(true);
  });
  it('knows both names (no config diagnostic)', () => {
    expect(parseConfig({ extends: ['gwc:recommended', 'gwc:all'] }, '/x/.gwc.yaml').diagnostics).toEqual([]);
  });
});
