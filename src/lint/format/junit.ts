/**
 * JUnit XML for CI systems that read test reports (GitLab, Jenkins, Azure): one test suite per
 * file, one failing test case per finding (errors as <failure>, the rest too, typed by severity),
 * and one passing case for a clean file so the report is never empty.
 */
import path from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';

export function xmlEscape(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped.
  return s
    .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function formatJunit(diagnostics: readonly Diagnostic[], specFile: string, cwd = process.cwd()): string {
  const rel = (f: string) => path.relative(cwd, f).split(path.sep).join('/');
  const byFile = new Map<string, Diagnostic[]>([[rel(specFile), []]]);
  for (const d of diagnostics) {
    const f = d.loc?.file ? rel(d.loc.file) : rel(specFile);
    byFile.set(f, [...(byFile.get(f) ?? []), d]);
  }
  const suites = [...byFile].map(([file, list]) => {
    const cases = list.length
      ? list.map((d) => {
          const where = `${file}:${d.position?.line ?? 1}:${d.position?.column ?? 1}`;
          const name = `${where} ${d.code}`;
          return `    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(name)}" file="${xmlEscape(file)}" line="${d.position?.line ?? 1}">\n      <failure type="${d.severity}" message="${xmlEscape(d.message)}">${xmlEscape(`${where} ${d.severity} ${d.code} ${d.message}`)}</failure>\n    </testcase>`;
        })
      : [`    <testcase classname="${xmlEscape(file)}" name="gwc lint"/>`];
    return `  <testsuite name="${xmlEscape(file)}" tests="${Math.max(1, list.length)}" failures="${list.length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = diagnostics.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gwc lint" tests="${[...byFile.values()].reduce((n, l) => n + Math.max(1, l.length), 0)}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>`;
}
