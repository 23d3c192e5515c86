/**
 * Kong: a `deck dump` of the applied build (new ids, timestamps, ws_id, Kong's defaults, other
 * order, the real key) reads back as "no changes"; every change class is found, classified and
 * counted; a foreign or malformed file is a diagnostic and exit 1.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { kongDeployed } from '../../src/targets/kong/deployed.js';
import { diffDeployed } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import { renderPlan } from '../../src/diff/render.js';
import { baseSpec, changeClassesFor, deployedFixture, ensureBuilt, gwc, planBetween, rulesOf, stateOf, variant } from './helpers.js';

const dump = deployedFixture('kong-dump.yaml');
const key = (op: string) => `storefront.${op.toLowerCase()}`;

function tmpFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-kong-')), name);
  writeFileSync(file, text);
  return file;
}

describe('kong: deployed state reads back as no change', () => {
  it('the dump of the applied build gives an empty plan', async () => {
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: dump });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
    expect(r.plan?.findings).toEqual([]);
    expect(renderPlan(r.plan!)).toMatch(/^No changes\./);
  });

  it('the dump really carries what Kong adds (so the test above proves normalisation)', () => {
    const text = readFileSync(dump, 'utf8');
    for (const s of ['created_at:', 'ws_id:', 'error_code: 429', 'https_redirect_status_code: 426', 'alice-live-key-7f3a9c']) expect(text).toContain(s);
  });

  it('masks secrets: a changed key is neither shown nor a change', async () => {
    const text = readFileSync(dump, 'utf8').replace('alice-live-key-7f3a9c', 'another-key-0000');
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: tmpFile('dump.yaml', text) });
    expect(r.plan?.changes).toEqual([]);
    expect(JSON.stringify(r.from)).not.toContain('another-key-0000');
  });

  it('the same dump as JSON reads the same', async () => {
    const file = tmpFile('dump.json', JSON.stringify(parse(readFileSync(dump, 'utf8'))));
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: file });
    expect(r.plan?.changes).toEqual([]);
  });
});

describe('kong: every change class is reported, classified and counted', () => {
  for (const c of changeClassesFor('kong')) {
    it(c.name, async () => {
      const plan = await planBetween('kong', variant(c.edits));
      // A CORS change also shows on the answer-only preflight routes (their CORS is read: diff-coverage); the operations' own routes are counted here.
      const found = plan.findings.filter((f) => rulesOf(c.rule).includes(f.rule) && !f.key.includes('~preflight'));
      expect(found.map((f) => f.key).sort()).toEqual(c.ops.map(key).sort());
      expect(found.every((f) => f.kind === 'route')).toBe(true);
      expect(plan.changes.length).toBeGreaterThan(0);
      const s = plan.summary;
      expect(s.create + s.update + s.delete + s.replace).toBe(plan.changes.length);
    });
  }

  it('shows only the changed field, old -> new, with the security section first', async () => {
    const plan = await planBetween('kong', variant([['rateLimit: { requests: 1000, per: minute }', 'rateLimit: { requests: 5000, per: minute }']]));
    expect(plan.summary).toEqual({ create: 0, update: 2, delete: 0, replace: 0 });
    expect(plan.changes.map((c) => c.fields)).toEqual([
      [{ path: 'plugins["rate-limiting"].config.minute', old: 1000, new: 5000 }],
      [{ path: 'plugins["rate-limiting"].config.minute', old: 1000, new: 5000 }],
    ]);
    const text = renderPlan(plan);
    expect(text.indexOf('Security')).toBeLessThan(text.indexOf('Changes:'));
    expect(text).toContain('rate limit raised: route storefront.createorder (1000/minute -> 5000/minute)');
    expect(text.trim().split('\n').at(-1)).toBe('Plan: 0 to create, 2 to update, 0 to delete.');
  });

  it('auth made optional through an anonymous consumer nothing terminates', async () => {
    const doc = parse(readFileSync(dump, 'utf8')) as { services: Array<{ routes: Array<{ name: string; plugins: Array<{ name: string; config: Record<string, unknown> }> }> }> };
    const route = doc.services.flatMap((s) => s.routes).find((r) => r.name === 'storefront.getorder')!;
    route.plugins.find((p) => p.name === 'key-auth')!.config.anonymous = 'storefront.alice';
    const optional = kongDeployed.normalise([{ path: 'k.yaml', contents: stringify(doc) }], 'k.yaml');
    const deployed = kongDeployed.normalise([{ path: 'k.yaml', contents: readFileSync(dump, 'utf8') }], 'k.yaml');
    const plan = diffStates(deployed.state!, optional.state!);
    expect(plan.findings.map((f) => [f.rule, f.key])).toEqual([['auth-optional', 'storefront.getorder']]);
    expect(plan.changes[0]!.fields).toEqual([{ path: 'plugins["key-auth"].config.anonymous', new: 'storefront.alice' }]);
  });

  it('a route whose name is unchanged but whose match moved is one update, not delete + create', async () => {
    const plan = await planBetween('kong', variant([['  /catalog/featured:', '  /catalog/highlights:']]));
    expect(plan.changes.find((c) => c.key === 'storefront.getfeatured')?.action).toBe('update');
  });

  it('an unchanged spec built twice plans nothing', async () => {
    expect(diffStates(await stateOf(baseSpec, 'kong'), await stateOf(baseSpec, 'kong')).changes).toEqual([]);
  });
});

describe('kong: foreign or malformed deployed state is a diagnostic, never an empty plan', () => {
  const cases: Array<[string, string, string]> = [
    ['a Traefik file', 'http:\n  routers: {}\n', 'deployed-foreign'],
    ['a CloudFormation template', '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}', 'deployed-foreign'],
    ['garbage', '\u0000\u0001 not: [yaml', 'deployed-invalid'],
    ['an empty file', '', 'deployed-foreign'],
    ['a list', '- 1\n- 2\n', 'deployed-foreign'],
    ['services that are not a list', '_format_version: "3.0"\nservices: { a: 1 }\n', 'deployed-foreign'],
    ['a route-less service without name or host', '_format_version: "3.0"\nservices: [{ port: 80 }]\n', 'deployed-invalid'],
  ];
  for (const [name, text, code] of cases) {
    it(name, async () => {
      const r = await diffDeployed(baseSpec, { target: 'kong', deployed: tmpFile('dep.yaml', text) });
      expect(r.plan).toBeUndefined();
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
    });
  }

  it('a missing file', async () => {
    const r = await diffDeployed(baseSpec, { target: 'kong', deployed: '/nonexistent/dump.yaml' });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['deployed-unreadable']);
  });
});

describe('kong: the command', () => {
  beforeAll(ensureBuilt);

  it('exits 0 on no change, even with --exit-code', () => {
    const r = gwc('diff', baseSpec, '--target', 'kong', '--deployed', dump, '--exit-code');
    expect(r.stdout).toMatch(/^No changes\./);
    expect(r.code).toBe(0);
  });

  it('exits 3 on changes with --exit-code, 0 without, 4 with --fail-on security; 2 stays usage', () => {
    const spec = variant([['bodyLimit: 64k', 'bodyLimit: 1m']]);
    expect(gwc('diff', spec, '--target', 'kong', '--deployed', dump).code).toBe(0);
    const r = gwc('diff', spec, '--target', 'kong', '--deployed', dump, '--exit-code');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('body limit raised: route storefront.createorder (65536 bytes -> 1048576 bytes)');
    expect(r.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    expect(gwc('diff', spec, '--target', 'kong', '--deployed', dump, '--fail-on', 'security').code).toBe(4);
    // No breaking change here: --fail-on breaking does not fire, --exit-code still reports changes.
    expect(gwc('diff', spec, '--target', 'kong', '--deployed', dump, '--fail-on', 'breaking', '--exit-code').code).toBe(3);
    expect(gwc('diff', spec, '--target', 'kong', '--deployed', dump, '--no-such-flag').code).toBe(2);
    expect(gwc('diff', spec, '--target', 'nope', '--deployed', dump).code).toBe(2);
  });

  it('exits 1 with one diagnostic line for a Traefik file given to --target kong', () => {
    const r = gwc('diff', baseSpec, '--target', 'kong', '--deployed', tmpFile('t.yml', 'http:\n  routers: {}\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('looks like a Traefik dynamic configuration, not kong deployed state');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
