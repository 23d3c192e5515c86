/**
 * #16.8, the rest of "CLI conventions": `--json` on every command prints one shape,
 * `{ ok, diagnostics, result }` with `ok` true exactly when the exit code is 0; `--format json` of
 * validate and lint is that same shape; validate and lint honour --quiet and colour their stylish
 * output on a terminal (FORCE_COLOR here) but never with NO_COLOR.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, fixture, gwc, repo, tempDir, type Run } from './run.js';

beforeAll(ensureBuilt);

const ESC = '\u001b[';
type Shape = { ok: boolean; diagnostics: Array<{ code: string; severity: string; line: number | null }>; result: Record<string, unknown> | null };

/** Parses stdout as the one shape, and checks `ok` against the exit code. */
function shape(r: Run): Shape {
  const j = JSON.parse(r.stdout) as Shape;
  expect(Object.keys(j).sort()).toEqual(['diagnostics', 'ok', 'result']);
  expect(j.ok).toBe(r.code === 0);
  return j;
}

describe('--json: { ok, diagnostics, result } on every command', () => {
  it('validate: valid and invalid, the route count as result', () => {
    expect(shape(gwc(['validate', fixture('shop'), '--json'])).result).toEqual({ routes: 12 });
    const bad = shape(gwc(['validate', fixture('invalid-misspelt-key'), '--json']));
    expect(bad.diagnostics[0]).toMatchObject({ code: 'schema-unknown-key', line: 13 });
  });

  it('lint: findings, and --list-rules lists the rules', () => {
    const r = gwc(['lint', fixture('shop'), '--target', 'kong', '--json']);
    expect(r.code).toBe(1);
    expect(shape(r).diagnostics.some((d) => d.severity === 'error')).toBe(true);
    const rules = shape(gwc(['lint', '--list-rules', '--json'])).result as { rules: Array<{ id: string }> };
    expect(rules.rules.map((x) => x.id)).toContain('path-params');
  });

  it('explain: the entry, and --list the ids', () => {
    expect(shape(gwc(['explain', 'security-undecided', '--json'])).result).toMatchObject({ id: 'security-undecided', severity: 'error' });
    expect((shape(gwc(['explain', '--list', '--json'])).result as { ids: string[] }).ids).toContain('security-undecided');
  });

  it('init: the proposed spec and its plan; nothing printed besides the JSON; a refusal is ok: false', () => {
    const plain = path.join(repo, 'fixtures/real/train-travel/openapi.yaml');
    const r = gwc(['init', plain, '--json']);
    const j = shape(r);
    expect(r.code).toBe(0);
    expect(j.result).toMatchObject({ written: null, plan: { backends: expect.any(Array) } });
    expect(String(j.result!.text)).toMatch(/^x-gateway:/m);
    expect(r.stderr).toBe('');
    const refused = gwc(['init', fixture('plain-openapi'), '--json']); // already has an x-gateway
    expect(refused.code).toBe(1);
    // Said at the root x-gateway: line (fixtures/plain-openapi line 8), not 1:1 (#16.3).
    expect(shape(refused).diagnostics).toMatchObject([{ code: 'init-has-x-gateway', line: 8, column: 1, pointer: '/x-gateway' }]);
    expect(refused.stderr).toBe('');
    expect(gwc(['init', fixture('plain-openapi')]).stderr).toMatch(/gateway\.yaml:8:1 error init-has-x-gateway /);
    const missing = shape(gwc(['init', 'no/such.yaml', '--json']));
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['file-not-found']);
  });

  it('init --write --json names the file written', () => {
    const file = path.join(tempDir(), 'openapi.yaml');
    copyFileSync(path.join(repo, 'fixtures/real/train-travel/openapi.yaml'), file);
    const j = shape(gwc(['init', file, '--write', '--json']));
    expect(j.result).toMatchObject({ written: file });
    expect(readFileSync(file, 'utf8')).toMatch(/^x-gateway:/m);
  });

  it('--format json of validate and lint is the --json shape', () => {
    const v = gwc(['validate', fixture('invalid-misspelt-key'), '--format', 'json']);
    expect(shape(v)).toEqual(shape(gwc(['validate', fixture('invalid-misspelt-key'), '--json'])));
    const l = gwc(['lint', fixture('shop'), '--format', 'json']);
    expect(shape(l)).toEqual(shape(gwc(['lint', fixture('shop'), '--json'])));
  });
});

describe('validate and lint: --quiet and colours', () => {
  it('--quiet keeps errors only', () => {
    // tictactoe: a warning (an API-key scheme with no consumer) and errors (bearer schemes nothing verifies).
    const loud = gwc(['validate', path.join(repo, 'fixtures/real/tictactoe/tictactoe.yaml')]);
    expect(loud.stderr).toMatch(/ warn /);
    const quiet = gwc(['validate', path.join(repo, 'fixtures/real/tictactoe/tictactoe.yaml'), '--quiet']);
    expect(quiet.stderr).not.toMatch(/ warn /);
    expect(quiet.stderr).toMatch(/ error /);
    const lint = gwc(['lint', fixture('shop'), '-q']);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toBe('');
    expect(lint.stderr).toBe('');
  });

  it('FORCE_COLOR colours the severity; NO_COLOR and a pipe do not', () => {
    const bad = fixture('invalid-misspelt-key');
    expect(gwc(['validate', bad], { env: { FORCE_COLOR: '1' } }).stderr).toContain(`${ESC}31merror${ESC}0m`);
    expect(gwc(['validate', bad], { env: { NO_COLOR: '1' } }).stderr).not.toContain(ESC);
    expect(gwc(['validate', bad]).stderr).not.toContain(ESC);
    expect(gwc(['lint', fixture('shop')], { env: { FORCE_COLOR: '1' } }).stdout).toContain(`${ESC}33mwarn${ESC}0m`);
    expect(gwc(['lint', fixture('shop')], { env: { NO_COLOR: '1' } }).stdout).not.toContain(ESC);
    // The CI formats are never coloured.
    expect(gwc(['lint', fixture('shop'), '--format', 'github'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
  });
});

// A real terminal (util-linux `script` gives the command a pty), not FORCE_COLOR: what a person sees.
const SCRIPT = '/usr/bin/script';
const onTty = (args: string[], env: Record<string, string> = {}) => {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  const clean = { ...process.env, ...env } as Record<string, string | undefined>;
  delete clean.FORCE_COLOR;
  if (!('NO_COLOR' in env)) delete clean.NO_COLOR;
  return spawnSync(SCRIPT, ['-qec', command, '/dev/null'], { cwd: repo, encoding: 'utf8', timeout: 60_000, env: clean as NodeJS.ProcessEnv }).stdout;
};

describe('colours on a real terminal', () => {
  if (!existsSync(SCRIPT) && process.env.CI === 'true') it('needs util-linux script in CI', () => expect.fail(`${SCRIPT} not found`));
  it.skipIf(!existsSync(SCRIPT))('validate, lint and build colour the severity on a tty, and not with NO_COLOR', () => {
    const bad = fixture('invalid-misspelt-key');
    expect(onTty(['validate', bad])).toContain(`${ESC}31merror${ESC}0m`);
    expect(onTty(['lint', fixture('shop')])).toContain(`${ESC}33mwarn${ESC}0m`);
    expect(onTty(['build', bad, '--target', 'nginx'])).toContain(`${ESC}31merror${ESC}0m`);
    expect(onTty(['validate', bad], { NO_COLOR: '1' })).not.toContain(ESC);
    expect(onTty(['lint', fixture('shop')], { NO_COLOR: '1' })).not.toContain(ESC);
  });
});
