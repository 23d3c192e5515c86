/**
 * The commands as a user runs them: exit codes of DESIGN.md section 1, one-line diagnostics, no
 * stack traces for user errors, nothing written when a build fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(__dirname, '../..');
const bin = path.join(repo, 'bin/run.js');
const fixture = (name: string) => path.join(repo, 'fixtures', name, 'gateway.yaml');

function gwc(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(path.join(repo, 'dist/commands/validate.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo });
});

describe('gwc validate', () => {
  it('exits 0 on the shop fixture', () => {
    const r = gwc('validate', fixture('shop'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/valid: 12 routes/);
  });

  it('exits 1 with FILE:LINE:COL severity code message and a did-you-mean for a misspelt key', () => {
    const r = gwc('validate', fixture('invalid-misspelt-key'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fixtures/invalid-misspelt-key/gateway.yaml:13:9 error schema-unknown-key unknown key "backnd"; did you mean "backend"?');
  });

  for (const name of ['invalid-remote-ref', 'invalid-outside-ref', 'invalid-alias-bomb']) {
    it(`refuses ${name} with one line, exit 1, no stack trace`, () => {
      const r = gwc('validate', fixture(name));
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(2); // the diagnostic and the summary
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('refuses a 60 MB file with one line, exit 1', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-big-')), 'big.yaml');
    writeFileSync(file, `openapi: 3.1.0\nx: "${'a'.repeat(60 * 1024 * 1024)}"\n`);
    const r = gwc('validate', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error file-too-large .* over the 33554432-byte limit/);
  });

  it('gives typed results with --json', () => {
    const r = gwc('validate', fixture('invalid-misspelt-key'), '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: Array<{ code: string; line: number; column: number; pointer: string }> };
    expect(out.ok).toBe(false);
    expect(out.diagnostics[0]).toMatchObject({ code: 'schema-unknown-key', line: 13, column: 9, pointer: '/paths/~1users~1{id}/get/x-gateway/backnd' });
  });

  it('exits 2 on a usage error', () => {
    expect(gwc('validate').code).toBe(2);
    expect(gwc('build', fixture('shop'), '--target', 'iis').code).toBe(2);
  });

  it('exits 1 for a missing file, without a stack trace', () => {
    const r = gwc('validate', 'no/such/file.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error file-not-found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('gwc routes', () => {
  it('lists /users/me before /users/{id}', () => {
    const r = gwc('routes', fixture('shop'));
    expect(r.code).toBe(0);
    const paths = r.stdout.split('\n').slice(1).map((l) => l.split(/\s{2,}/)[2]);
    expect(paths.indexOf('/v1/users/me')).toBeGreaterThan(-1);
    expect(paths.indexOf('/v1/users/me')).toBeLessThan(paths.indexOf('/v1/users/{id}'));
  });

  it('returns the table as JSON', () => {
    const r = gwc('routes', fixture('shop'), '--json');
    const out = JSON.parse(r.stdout) as { ok: boolean; result: { routes: Array<{ id: string; security: string }> } };
    expect(out.ok).toBe(true);
    expect(out.result.routes.find((x) => x.id === 'cancelOrder')?.security).toBe('apiKey + bearer[orders:write]');
  });
});

describe('gwc schema', () => {
  it('prints the x-gateway JSON Schema', () => {
    const r = gwc('schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#' });
  });
});

describe('gwc build', () => {
  it('writes nothing when the build fails', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gwc-out-'));
    const r = gwc('build', fixture('invalid-references'), '--target', 'all', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no files written/);
    expect(existsSync(path.join(out, 'nginx'))).toBe(false);
  });

  it('--target all builds the targets the spec declares in x-gateway.targets', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'gwc-out-'));
    const r = gwc('build', fixture('shop'), '--target', 'all', '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual(['nginx']);
  });
});
