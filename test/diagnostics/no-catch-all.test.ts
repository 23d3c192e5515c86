/**
 * Issue #17 item 3: every refusal and warning has its own code and params. The free-text catch-alls
 * that came before are gone, and no source file may name them again (a code, a key-table answer, a
 * comment): a new case gets a code of its own in src/diagnostics/codes*.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';

const SRC = path.resolve(__dirname, '../../src');
// Spelled in two parts so this file does not name them either.
const CATCH_ALLS = ['error', 'warning'].map((kind) => `target-${kind}`);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('no catch-all diagnostic codes', () => {
  it('are in the code catalogue', () => {
    for (const code of CATCH_ALLS) expect(Object.hasOwn(CODES, code), code).toBe(false);
  });

  it('are named by no file under src/', () => {
    const naming = files(SRC).filter((f) => CATCH_ALLS.some((c) => readFileSync(f, 'utf8').includes(c)));
    expect(naming.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
