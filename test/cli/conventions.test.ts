/**
 * #16.3: -h and `gwc help CMD`; one --json shape on build, routes, schema and targets; --quiet;
 * colours only on a terminal or FORCE_COLOR, never with NO_COLOR; --option per target.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, gwc, tempDir } from './run.js';

beforeAll(ensureBuilt);

const ESC = '\u001b[';

describe('help', () => {
  it('-h, --help and gwc help CMD print the same help', () => {
    const long = gwc(['build', '--help']);
    expect(long.code).toBe(0);
    expect(long.stdout).toContain('USAGE');
    expect(gwc(['build', '-h']).stdout).toBe(long.stdout);
    expect(gwc(['help', 'build']).stdout).toBe(long.stdout);
    expect(gwc(['-h']).stdout).toContain('COMMANDS');
    expect(gwc(['help']).stdout).toContain('COMMANDS');
  });
});

describe('--json: { ok, diagnostics, result } on every command that takes it', () => {
  const shape = (stdout: string) => {
    const j = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['diagnostics', 'ok', 'result']);
    return j as { ok: boolean; diagnostics: Array<Record<string, unknown>>; result: Record<string, unknown> | null };
  };
  it('build (success and failure), routes, schema, targets', () => {
    const ok = shape(gwc(['build', fixture('shop'), '--target', 'nginx', '--out', tempDir(), '--json']).stdout);
    expect(ok.ok).toBe(true);
    expect(ok.diagnostics[0]).toMatchObject({ code: 'nginx-upstream-host-shared', line: 20, column: 5, severity: 'warn' });
    const bad = gwc(['build', fixture('invalid-misspelt-key'), '--target', 'nginx', '--json']);
    expect(bad.code).toBe(1);
    const b = shape(bad.stdout);
    expect(b.ok).toBe(false);
    expect(b.result).toMatchObject({ written: false, targets: [] });
    expect(b.diagnostics[0]).toMatchObject({ code: 'schema-unknown-key', line: 13, column: 9 });
    expect(shape(gwc(['routes', fixture('shop'), '--json']).stdout).result).toHaveProperty('routes');
    expect(shape(gwc(['schema', '--json']).stdout).result).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#' });
    const targets = shape(gwc(['targets', '--json']).stdout).result as Record<string, { options: Array<{ name: string }> }>;
    expect(targets.nginx!.options.map((o) => o.name)).toContain('mode');
  });
});

describe('--quiet', () => {
  it('hides warnings and the next steps, keeps errors', () => {
    const loud = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', tempDir()]);
    expect(loud.stderr).toMatch(/warn nginx-upstream-host-shared/);
    expect(loud.stderr).toMatch(/next:/);
    const quiet = gwc(['build', fixture('shop'), '--target', 'nginx', '--out', tempDir(), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const failed = gwc(['build', fixture('invalid-misspelt-key'), '--target', 'nginx', '-q']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/error schema-unknown-key/);
  });
});

describe('colours', () => {
  const args = ['build', fixture('shop'), '--target', 'nginx', '--stdout'];
  it('none when stderr is not a terminal, or with NO_COLOR', () => {
    expect(gwc(args).stderr).not.toContain(ESC);
    expect(gwc(args, { env: { NO_COLOR: '1' } }).stderr).not.toContain(ESC);
  });
  it('FORCE_COLOR colours the severity, and FORCE_COLOR=0 turns it off', () => {
    expect(gwc(args, { env: { FORCE_COLOR: '1' } }).stderr).toContain(`${ESC}33mwarn${ESC}0m`);
    expect(gwc(args, { env: { FORCE_COLOR: '0' } }).stderr).not.toContain(ESC);
    // Colour is for people: the files printed on stdout never carry it.
    expect(gwc(args, { env: { FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
  });
});

describe('--option per target', () => {
  it('TARGET.NAME=VALUE reaches that target only, with --target all', () => {
    const r = gwc(['build', fixture('portable'), '--target', 'all', '--stdout', '--option', 'nginx.mode=full', '--option', 'aws.vpcLink=abc123', '--option', 'aws.format=yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# nginx/nginx.conf');
    expect(r.stdout).toContain('# aws/template.yaml');
  });
  it('the bare form reaches the one target that takes it', () => {
    const r = gwc(['build', fixture('shop'), '--target', 'nginx', '--stdout', '--option', 'mode=full']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# nginx/nginx.conf');
  });
  it('an unknown, malformed or misdirected option is a usage error (exit 2) with its code', () => {
    const codes = (args: string[]) => {
      const r = gwc([...args, '--json']);
      return { code: r.code, diags: (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; params: Record<string, unknown> }> }).diagnostics };
    };
    const unknown = codes(['build', fixture('shop'), '--target', 'nginx', '--stdout', '--option', 'nginx.moed=full']);
    expect(unknown.code).toBe(2);
    expect(unknown.diags.find((d) => d.code === 'option-unknown')?.params).toMatchObject({ name: 'moed', target: 'nginx' });
    const malformed = codes(['build', fixture('shop'), '--target', 'nginx', '--stdout', '--option', 'mode']);
    expect(malformed.code).toBe(2);
    expect(malformed.diags.some((d) => d.code === 'option-malformed')).toBe(true);
    const bare = codes(['build', fixture('portable'), '--target', 'all', '--stdout', '--option', 'listen=8080', '--option', 'aws.vpcLink=abc123']);
    expect(bare.code).toBe(0); // only nginx takes listen
    const elsewhere = codes(['build', fixture('shop'), '--target', 'nginx', '--stdout', '--option', 'kong.rate-limit-policy=cluster']);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.diags.find((d) => d.code === 'option-target-not-built')?.params).toMatchObject({ target: 'kong' });
  });
  it('gwc targets lists every target\'s options', () => {
    const r = gwc(['targets']);
    expect(r.stdout).toMatch(/^nginx\.mode\s+include\|full\s+include\s+/m);
    expect(r.stdout).toMatch(/^kong\.rate-limit-policy\s+local\|cluster/m);
    expect(r.stdout).toMatch(/^traefik\.htpasswd-dir\s/m);
    expect(r.stdout).toMatch(/^aws\.vpcLink\s/m);
  });
});
