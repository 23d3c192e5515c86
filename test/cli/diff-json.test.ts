/**
 * #16.8: `gwc diff --json` prints the shape of every command, `{ ok, diagnostics, result }`, with
 * the `--format json` plan (version 1) as result; the exit codes stay diff's own, and `ok` is true
 * exactly when the exit code is 0.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, gwc, repo } from './run.js';

beforeAll(ensureBuilt);

const dump = path.join(repo, 'fixtures/diff-base/deployed/kong-dump.yaml');
type Shape = { ok: boolean; diagnostics: Array<{ code: string }>; result: { version: number; summary: Record<string, number>; findings: unknown[]; changes: unknown[] } | null };
const parse = (stdout: string) => {
  const j = JSON.parse(stdout) as Shape;
  expect(Object.keys(j).sort()).toEqual(['diagnostics', 'ok', 'result']);
  return j;
};

describe('gwc diff --json', () => {
  it('no change: ok, the plan as result, the same plan as --format json', () => {
    const r = gwc(['diff', fixture('diff-base'), '--target', 'kong', '--deployed', dump, '--json']);
    expect(r.code).toBe(0);
    const j = parse(r.stdout);
    expect(j.ok).toBe(true);
    const plan = JSON.parse(gwc(['diff', fixture('diff-base'), '--target', 'kong', '--deployed', dump, '--format', 'json']).stdout) as unknown;
    expect(j.result).toEqual(plan);
  });

  it('changes with --exit-code: exit 3 and ok false; findings with --fail-on: exit 4', () => {
    const args = ['diff', fixture('portable'), '--target', 'kong', '--deployed', dump, '--json'];
    const changed = gwc([...args, '--exit-code']);
    expect(changed.code).toBe(3);
    const j = parse(changed.stdout);
    expect(j.ok).toBe(false);
    expect(j.result!.version).toBe(1);
    expect(j.result!.changes.length).toBeGreaterThan(0);
    expect(changed.stderr).toBe('');
    const failOn = gwc([...args, '--fail-on', 'security']);
    expect(failOn.code).toBe(4);
    expect(parse(failOn.stdout).result!.findings.length).toBeGreaterThan(0);
    // Without --exit-code, changes are exit 0 and ok.
    expect(parse(gwc(args).stdout).ok).toBe(true);
  });

  it('an error (no plan) and a usage error are the same shape, result null', () => {
    const broken = gwc(['diff', fixture('invalid-misspelt-key'), '--target', 'kong', '--deployed', dump, '--json']);
    expect(broken.code).toBe(1);
    expect(parse(broken.stdout)).toMatchObject({ ok: false, result: null });
    const usage = gwc(['diff', fixture('diff-base'), '--target', 'kong', '--deployed', dump, '--option', 'kong.nope=1', '--json']);
    expect(usage.code).toBe(2);
    const u = parse(usage.stdout);
    expect(u.result).toBeNull();
    expect(u.diagnostics.map((d) => d.code)).toContain('option-unknown');
  });
});

describe('gwc diff --quiet', () => {
  it('keeps errors, drops the warnings the compile gives', () => {
    const args = ['diff', fixture('shop'), '--target', 'nginx', '--base', 'HEAD'];
    const loud = gwc(args);
    expect(loud.stderr).toMatch(/ warn nginx-upstream-host-shared /);
    const quiet = gwc([...args, '--quiet']);
    expect(quiet.code).toBe(loud.code);
    expect(quiet.stderr).not.toMatch(/ warn /);
    expect(quiet.stdout).toBe(loud.stdout);
  });
});
