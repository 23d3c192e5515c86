/**
 * #16.1: `gwc build` never deletes files it did not write (a manifest per target folder says which
 * it wrote), writes all targets or none, and `--check` prints what differs.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, gwc, tempDir } from './run.js';

beforeAll(ensureBuilt);

const PORTABLE = ['build', fixture('portable'), '--target', 'all', '--option', 'aws.vpcLink=abc123'];

describe('gwc build --out: files gwc did not write', () => {
  it('refuses, naming the files, when a target folder holds a file of the user; writes nothing; --force replaces it', () => {
    const out = tempDir();
    mkdirSync(path.join(out, 'kong'));
    writeFileSync(path.join(out, 'kong', 'custom-plugin.lua'), '-- mine\n');
    const r = gwc([...PORTABLE, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error out-foreign-files .*kong holds 1 file\(s\) gwc did not write \(custom-plugin\.lua\)/);
    expect(r.stderr).toMatch(/no files written/);
    // Atomic across targets: the other targets were not written either.
    expect(readdirSync(out)).toEqual(['kong']);
    expect(readFileSync(path.join(out, 'kong', 'custom-plugin.lua'), 'utf8')).toBe('-- mine\n');
    const forced = gwc([...PORTABLE, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(path.join(out, 'kong', 'custom-plugin.lua'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['aws', 'kong', 'nginx', 'traefik']);
  });

  it('--out . : the user file beside gwc output in the current folder is kept, and a second build replaces only gwc files', () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'notes.md'), 'mine');
    expect(gwc([...PORTABLE, '--out', '.'], { cwd }).code).toBe(0);
    expect(readFileSync(path.join(cwd, 'notes.md'), 'utf8')).toBe('mine');
    // gwc's own files, unchanged, are no obstacle to the next build.
    expect(gwc([...PORTABLE, '--out', '.'], { cwd }).code).toBe(0);
    writeFileSync(path.join(cwd, 'kong', 'custom-plugin.lua'), 'x');
    const r = gwc([...PORTABLE, '--out', '.'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('custom-plugin.lua');
  });

  it('an edited gwc file counts as the user\'s (its hash no longer matches the manifest)', () => {
    const out = tempDir();
    expect(gwc([...PORTABLE, '--out', out]).code).toBe(0);
    writeFileSync(path.join(out, 'kong', 'kong.yaml'), 'hand edited\n');
    const r = gwc([...PORTABLE, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out-foreign-files .*\(kong\.yaml\)/);
  });

  it('a folder gwc never wrote (no manifest) is refused as a whole', () => {
    const out = tempDir();
    mkdirSync(path.join(out, 'nginx', 'sub'), { recursive: true });
    writeFileSync(path.join(out, 'nginx', 'sub', 'site.conf'), 'server {}');
    const r = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sub/site.conf');
  });

  it('variants: an empty folder of the user, a file or a symlink where the target folder goes', () => {
    const out = tempDir();
    expect(gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out]).code).toBe(0);
    mkdirSync(path.join(out, 'nginx', 'mine'));
    const empty = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/out-foreign-files .*\(mine\/\)/);
    const asFile = tempDir();
    writeFileSync(path.join(asFile, 'nginx'), 'my notes');
    const f = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', asFile]);
    expect(f.code).toBe(1);
    expect(readFileSync(path.join(asFile, 'nginx'), 'utf8')).toBe('my notes');
    const linked = tempDir();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, path.join(linked, 'nginx'));
    const l = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', linked]);
    expect(l.code).toBe(1);
    expect(l.stderr).toMatch(/nginx itself \(a symlink\)/);
    expect(lstatSync(path.join(linked, 'nginx')).isSymbolicLink()).toBe(true);
  });

  it('writes a deterministic manifest listing every file with its sha256', () => {
    const a = tempDir();
    const b = tempDir();
    gwc(['build', fixture('shop'), '--target', 'nginx', '--out', a]);
    gwc(['build', fixture('shop'), '--target', 'nginx', '--out', b]);
    const ma = readFileSync(path.join(a, 'nginx', '.gwc-manifest.json'), 'utf8');
    expect(ma).toBe(readFileSync(path.join(b, 'nginx', '.gwc-manifest.json'), 'utf8'));
    const manifest = JSON.parse(ma) as { generator: string; files: Record<string, string> };
    expect(manifest.generator).toBe('gwc');
    expect(Object.keys(manifest.files)).toEqual(['conf.d/shop.conf', 'gwc/shop.js', 'gwc/shop.main.conf']);
    expect(Object.values(manifest.files).every((h) => /^sha256:[0-9a-f]{64}$/.test(h))).toBe(true);
  });
});

describe('gwc build --check', () => {
  it('passes on fresh output, and prints a unified diff, the missing and the extra files when stale', () => {
    const out = tempDir();
    expect(gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out]).code).toBe(0);
    const fresh = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out, '--check']);
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toMatch(/check passed/);
    const conf = path.join(out, 'nginx', 'conf.d', 'shop.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('proxy_http_version 1.1;', 'proxy_http_version 1.0;'));
    writeFileSync(path.join(out, 'nginx', 'stray.conf'), '');
    const main = path.join(out, 'nginx', 'gwc', 'shop.main.conf');
    writeFileSync(main, '');
    const stale = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`--- ${conf} (on disk)`);
    expect(stale.stdout).toContain(`+++ ${conf} (gwc build)`);
    expect(stale.stdout).toMatch(/^-.*proxy_http_version 1\.0;$/m);
    expect(stale.stdout).toMatch(/^\+.*proxy_http_version 1\.1;$/m);
    expect(stale.stderr).toMatch(/error check-mismatch .*conf\.d\/shop\.conf differs/);
    expect(stale.stderr).toMatch(/error check-extra .*stray\.conf/);
    expect(stale.stderr).toMatch(/check failed/);
  });

  it('reports missing files and gives the diff in --json', () => {
    const out = tempDir();
    const r = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', out, '--check', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: boolean; diagnostics: Array<{ code: string }>; result: { targets: Array<{ check: { missing: string[] } }> } };
    expect(j.ok).toBe(false);
    expect(j.result.targets[0]!.check.missing).toHaveLength(3);
    expect(j.diagnostics.map((d) => d.code).filter((c) => c.startsWith('check-'))).toEqual(['check-missing', 'check-missing', 'check-missing']);
  });
});
