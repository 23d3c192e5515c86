/**
 * Diagnostic formatters for validate and build (lint adds its CI formats in src/lint/).
 * stylish: `FILE:LINE:COL severity code message`, one per line, file relative to the cwd.
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { alsoText, groupDiagnostics, hintLines } from './group.js';

export function where(d: Diagnostic, cwd = process.cwd()): string {
  const file = d.loc?.file ? relative(d.loc.file, cwd) : '-';
  const pos = d.position ? `${d.position.line}:${d.position.column}` : '1:1';
  return `${file}:${pos}`;
}

// The last answer: a run's diagnostics name one or a few files, tens of thousands of times on a
// large spec (#18: path.relative per diagnostic was a tenth of printing them).
let last: { file: string; cwd: string; rel: string } | undefined;

function relative(file: string, cwd: string): string {
  if (last?.file === file && last.cwd === cwd) return last.rel;
  let rel = file;
  if (!/^https?:\/\//.test(file)) {
    const r = path.relative(cwd, file);
    if (!r.startsWith('..')) rel = r;
  }
  last = { file, cwd, rel };
  return rel;
}

/** One line per problem: identical diagnostics at several places are one line with a count (group.ts). */
export function formatStylish(diagnostics: readonly Diagnostic[], cwd = process.cwd()): string {
  return groupDiagnostics(diagnostics)
    .map((g) => {
      const d = g.first;
      const target = d.target && !d.message.startsWith(d.target) ? ` [${d.target}]` : '';
      return `${where(d, cwd)} ${d.severity} ${d.code} ${d.message.split('\n')[0]}${target}${alsoText(g, cwd)}${hintLines(d)}`;
    })
    .join('\n');
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  return `${count('error')} errors, ${count('warn')} warnings, ${count('info')} infos`;
}

/** The JSON form: stable keys, relative file, the pointer kept for tools; one entry per occurrence (never grouped). */
export function toJson(d: Diagnostic, cwd = process.cwd()) {
  return {
    file: d.loc?.file ? relative(d.loc.file, cwd) : null,
    line: d.position?.line ?? null,
    column: d.position?.column ?? null,
    pointer: d.loc?.pointer ?? null,
    severity: d.severity,
    code: d.code,
    message: d.message,
    params: d.params,
    ...(d.target ? { target: d.target } : {}),
    ...(d.source ? { source: d.source } : {}),
    ...(d.hint ? { hint: d.hint } : {}),
  };
}
