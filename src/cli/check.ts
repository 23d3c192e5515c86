/**
 * `gwc build --check`: what on disk differs from what a build would write, as a unified diff per
 * changed file (the `diff` package) plus the files missing and the extra ones. The manifest is not
 * compared: it follows from the files, and a folder written by an older gwc has none.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { OutputFile } from '../targets/target.js';
import { listFiles, MANIFEST } from './manifest.js';
import { safeRelative } from './write.js';

export interface CheckResult {
  /** Paths as the user wrote --out (OUT/<target>/<file>). */
  missing: string[];
  changed: Array<{ path: string; diff: string }>;
  extra: string[];
}

export async function compareWithDisk(dir: string, files: readonly OutputFile[]): Promise<CheckResult> {
  const result: CheckResult = { missing: [], changed: [], extra: [] };
  const expected = new Set(files.map((f) => safeRelative(f.path)));
  for (const f of files) {
    const shown = path.join(dir, safeRelative(f.path));
    let onDisk: string;
    try {
      onDisk = await readFile(shown, 'utf8');
    } catch {
      result.missing.push(shown);
      continue;
    }
    if (onDisk !== f.contents) {
      // Imported here: only a stale --check needs the diff package (19 modules at start-up, #18).
      const { createTwoFilesPatch } = await import('diff');
      // diff -u convention: the old (on disk) side first, the new (would be written) second.
      result.changed.push({ path: shown, diff: createTwoFilesPatch(`${shown} (on disk)`, `${shown} (gwc build)`, onDisk, f.contents, '', '', { context: 3 }) });
    }
  }
  for (const rel of await listFiles(dir)) if (rel !== MANIFEST && !expected.has(rel)) result.extra.push(path.join(dir, rel));
  return result;
}

export function checkDiagnostics(c: CheckResult): Diagnostic[] {
  return [
    ...c.missing.map((p) => diag('check-missing', { path: p })),
    ...c.changed.map((x) => diag('check-mismatch', { path: x.path })),
    ...c.extra.map((p) => diag('check-extra', { path: p })),
  ];
}
