/**
 * `gwc diff --base REF` compiles the spec at REF in a temporary checkout. What it says about that
 * side is named as git names it (`REF:path`), never by the temporary folder (gone when printed),
 * and only when it stops the diff (an error): the base's warnings are the running gateway's, the
 * working copy's are shown.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatStylish } from '../../src/diagnostics/format.js';
import { diffBase } from '../../src/diff/run.js';

function repo(fixture: string): { dir: string; file: string; commit: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-base-diag-'));
  cpSync(`fixtures/${fixture}`, path.join(dir, 'api'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  const commit = () => {
    git('add', '-A');
    git('commit', '-q', '-m', 'x');
  };
  return { dir, file: path.join(dir, 'api', 'gateway.yaml'), commit };
}

describe('gwc diff --base: the base side', () => {
  it('prints no warning of the base (it has the same warnings as the working copy here), and none under a temporary path', async () => {
    const { dir, file, commit } = repo('shop');
    commit();
    const r = await diffBase(file, { target: 'nginx', base: 'HEAD' });
    expect(r.plan).toBeDefined();
    const text = formatStylish(r.diagnostics, dir);
    expect(text).not.toMatch(/gwc-base-|tmp/);
    const warned = r.diagnostics.filter((d) => d.severity === 'warn');
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((d) => d.loc?.file === file)).toBe(true);
  });

  it('an error at the base is named REF:path (from the repository top) with its line', async () => {
    const { dir, file, commit } = repo('portable');
    const good = readFileSync(file, 'utf8');
    // The base has an operation without a security decision (refused by every target); the working copy fixes it.
    writeFileSync(file, good.replace(/^(\s+)security: \[\]\n(\s+)x-gateway: \{ public: true \}\n/m, '$1security: []\n'));
    commit();
    writeFileSync(file, good);
    const r = await diffBase(file, { target: 'nginx', base: 'HEAD' });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.loc?.file === 'HEAD:api/gateway.yaml')).toBe(true);
    expect(formatStylish(errors, dir)).toMatch(/^HEAD:api\/gateway\.yaml:\d+:\d+ error /m);
  });
});
