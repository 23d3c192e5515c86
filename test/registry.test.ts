/**
 * Registries check themselves (STYLE.md habit 8): every target answers for every feature, the
 * schema's enums match the registries, and the README's capability matrix is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FEATURE_IDS } from '../src/model/features.js';
import { TARGETS, TARGET_NAMES } from '../src/targets/index.js';
import { capabilityMarkdown } from '../src/targets/matrix.js';
import { xGatewaySchema } from '../src/validate/extensions.js';

describe('registries', () => {
  it('every target answers for every feature, with a reason where it cannot', () => {
    for (const t of TARGETS) {
      expect(Object.keys(t.capabilities).sort()).toEqual([...FEATURE_IDS].sort());
      for (const [feature, c] of Object.entries(t.capabilities)) {
        if (c.support === 'unsupported') expect(c.why, `${t.name}/${feature}`).toMatch(/\w{3}/);
        if (c.support === 'emulated') expect(c.how, `${t.name}/${feature}`).toMatch(/\w{3}/);
      }
    }
  });

  it('target names are unique and the schema accepts exactly them in x-gateway.accept and x-gateway.targets', () => {
    expect(new Set(TARGET_NAMES).size).toBe(TARGET_NAMES.length);
    type Root = { properties: { accept: { propertyNames: { enum: string[] } }; targets: { items: { enum: string[] } } } };
    const root = xGatewaySchema().definitions.root as Root;
    expect([...root.properties.accept.propertyNames.enum].sort()).toEqual([...TARGET_NAMES].sort());
    expect([...root.properties.targets.items.enum].sort()).toEqual([...TARGET_NAMES].sort());
  });

  it("the README's capability matrix is current (UPDATE_GOLDEN=1 rewrites it)", () => {
    const file = path.resolve(__dirname, '../README.md');
    const readme = readFileSync(file, 'utf8');
    const start = '<!-- capabilities:start -->\n';
    const end = '<!-- capabilities:end -->';
    const current = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end));
    const wanted = `${capabilityMarkdown()}\n`;
    if (process.env.UPDATE_GOLDEN === '1' && current !== wanted) {
      writeFileSync(file, readme.replace(start + current + end, start + wanted + end));
      return;
    }
    expect(current).toBe(wanted);
  });
});
