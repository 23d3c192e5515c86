/**
 * #16 item 8: `--json` gives one result shape on every command, errors included. An error oclif
 * raises (an unknown flag, a refused value, `gwc explain` of an unknown id) is printed as
 * `{ ok: false, diagnostics: [usage-invalid], result: null }` with exit 2, never oclif's
 * serialisation of the error (which dumped the whole CLI configuration).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, gwc } from './run.js';

beforeAll(ensureBuilt);

const SPEC = 'fixtures/minimal/gateway.yaml';

describe('--json errors are the shared result shape', () => {
  it.each([
    ['build', ['build', SPEC, '--target', 'kong', '--bogus']],
    ['build (a value the flag does not take)', ['build', SPEC, '--target', 'kongg']],
    ['lint', ['lint', SPEC, '--bogus']],
    ['validate', ['validate', SPEC, '--bogus']],
    ['routes', ['routes', SPEC, '--bogus']],
    ['diff', ['diff', SPEC, '--target', 'kong', '--bogus']],
    ['init', ['init', SPEC, '--bogus']],
    ['schema', ['schema', '--bogus']],
    ['targets', ['targets', '--bogus']],
    ['explain (an unknown id)', ['explain', 'no-such-code']],
  ])('%s', (_name, args) => {
    const r = gwc([...args, '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: Array<{ code: string; severity: string; message: string }>; result: unknown };
    expect(out.ok).toBe(false);
    expect(out.result).toBeNull();
    expect(out.diagnostics.map((d) => [d.code, d.severity])).toEqual([['usage-invalid', 'error']]);
    expect(out.diagnostics[0]!.message).not.toContain('\n');
    expect(r.stdout.length).toBeLessThan(2000);
  });

  it('without --json oclif prints its usage error to stderr, exit 2', () => {
    const r = gwc(['lint', SPEC, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nonexistent flag: --bogus');
    expect(r.stdout).toBe('');
  });
});
