/**
 * Traefik: the deployed dynamic configuration (JSON, reordered, `@file` references) reads back as
 * "no changes"; every change class Traefik can express is found on the routers it affects.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { baseSpec, changeClassesFor, deployedFixture, planBetween, rulesOf, variant } from './helpers.js';

const deployed = deployedFixture('traefik-dynamic.json');
const key = (op: string) => `storefront-${op.toLowerCase()}`;

describe('traefik', () => {
  it('the deployed file of the same build gives no change', async () => {
    const r = await diffDeployed(baseSpec, { target: 'traefik', deployed });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
    expect(r.plan?.findings).toEqual([]);
  });

  for (const c of changeClassesFor('traefik')) {
    it(`reports, classifies and counts: ${c.name}`, async () => {
      const plan = await planBetween('traefik', variant(c.edits));
      // A CORS change also shows on the answer-only preflight routes (their CORS is read: diff-coverage); the operations' own routes are counted here.
      const found = plan.findings.filter((f) => rulesOf(c.rule).includes(f.rule) && !f.key.includes('-preflight'));
      expect(found.map((f) => f.key).sort()).toEqual(c.ops.map(key).sort());
      expect(found.every((f) => f.kind === 'router')).toBe(true);
      const s = plan.summary;
      expect(s.create + s.update + s.delete + s.replace).toBe(plan.changes.length);
      expect(plan.changes.length).toBeGreaterThan(0);
    });
  }

  it('a middleware change shows as that middleware field only', async () => {
    const plan = await planBetween('traefik', variant([['bodyLimit: 64k', 'bodyLimit: 1m']]));
    expect(plan.changes).toEqual([
      { action: 'update', kind: 'middleware', key: 'storefront-createorder-bodylimit', fields: [{ path: 'buffering.maxRequestBodyBytes', old: 65536, new: 1048576 }] },
    ]);
  });

  const foreign: Array<[string, string, string]> = [
    ['a decK file', '_format_version: "3.0"\nservices: []\n', 'deployed-foreign'],
    ['a static configuration', 'entryPoints: { web: { address: ":80" } }\n', 'deployed-foreign'],
    ['garbage', '{{{ not yaml', 'deployed-invalid'],
    ['routers that are a list', 'http:\n  routers: [1, 2]\n', 'deployed-invalid'],
  ];
  for (const [name, text, code] of foreign) {
    it(`refuses ${name} with a diagnostic`, async () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-traefik-')), 'dynamic.yml');
      writeFileSync(file, text);
      const r = await diffDeployed(baseSpec, { target: 'traefik', deployed: file });
      expect(r.plan).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
    });
  }
});
