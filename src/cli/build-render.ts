/** What `gwc build` prints: the files (--stdout), the diffs (--check), or what was written and what to do next. */
import type { BuildReport } from './build.js';
import { jsonResult, painter } from './render.js';

type Mode = 'write' | 'stdout' | 'check';

export function buildSummary(report: BuildReport, mode: Mode, o: { quiet: boolean; colour: boolean }): { stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const paint = painter(o.colour);
  if (!report.ok && mode !== 'check') err.push('build failed: no files written');
  for (const t of report.targets) {
    if (mode === 'stdout' && report.ok) for (const f of t.files) out.push(`# ${t.target}/${f.path}\n${f.contents}`);
    if (mode === 'check' && t.check) for (const c of t.check.changed) out.push(c.diff.trimEnd());
    if (mode === 'write' && report.written && !o.quiet) {
      err.push(`${t.target}: ${t.files.length} file(s) written to ${t.dir}`);
      if (t.deploy) {
        err.push(`  ${paint('bold', 'next:')} ${t.deploy.next}`);
        for (const e of t.deploy.env) err.push(`  ${paint('bold', 'needs:')} ${e.name} (${e.for})`);
      }
    }
  }
  if (mode === 'check' && !(o.quiet && report.ok)) err.push(report.ok ? 'check passed: the files on disk are what gwc would write' : 'check failed: the files on disk differ from what gwc would write (gwc build to update them)');
  return { stdout: out.join('\n'), stderr: err.join('\n') };
}

/** `--json`: the shared shape; `result.targets` lists each target's files (contents only with --stdout). */
export function buildJson(report: BuildReport, mode: Mode) {
  const targets = report.targets.map((t) => ({
    target: t.target,
    dir: t.dir,
    files: t.files.map((f) => (mode === 'stdout' ? { path: f.path, contents: f.contents } : { path: f.path })),
    ...(t.deploy ? { next: t.deploy.next, env: t.deploy.env } : {}),
    ...(t.check ? { check: t.check } : {}),
  }));
  return jsonResult(report.ok, report.diagnostics, { mode, written: report.written, targets });
}
