/**
 * `gwc build` as a library call: load, compile every target, then write (all or nothing), print
 * or compare. Returns values and diagnostics; the command renders them and sets the exit code.
 */
import path from 'node:path';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { compileWith } from '../targets/compile.js';
import { loadTarget, TARGET_NAMES } from '../targets/names.js';
import type { DeployHint, OutputFile, Target } from '../targets/target.js';
import type { SpecOptions } from '../validate/gateway.js';
import { checkDiagnostics, compareWithDisk, type CheckResult } from './check.js';
import { loadFromArg } from './load.js';
import { targetOptions } from './target-options.js';
import { refusals, writeAll } from './write.js';

export interface BuildRequest {
  spec: string;
  specOptions: SpecOptions;
  /** A target name or `all`. */
  target: string;
  out: string;
  mode: 'write' | 'stdout' | 'check';
  force: boolean;
  /** `--option` as given. */
  options: readonly string[];
}

export interface TargetReport {
  target: string;
  /** OUT/<target> as the user wrote OUT. */
  dir: string;
  files: OutputFile[];
  /** After a write: how to deploy, and the environment the output reads. */
  deploy?: DeployHint;
  check?: CheckResult;
}

export interface BuildReport {
  /** false: exit 1 (spec, compile, refused folder or a stale --check); `usage` too: exit 2. */
  ok: boolean;
  usage: boolean;
  written: boolean;
  diagnostics: Diagnostic[];
  targets: TargetReport[];
}

export async function build(req: BuildRequest): Promise<BuildReport> {
  const fail = (diagnostics: Diagnostic[], usage = false): BuildReport => ({ ok: false, usage, written: false, diagnostics, targets: [] });
  const { gateway, spec, diagnostics } = await loadFromArg(req.spec, req.specOptions);
  const all: Diagnostic[] = [...diagnostics];
  if (!gateway) return fail(all);
  // `all` means the targets the spec is deployed to when it names them (x-gateway.targets).
  const names = req.target === 'all' ? (gateway.targets?.names ?? TARGET_NAMES) : [req.target];
  // Only the targets built are imported (their compilers and template engines).
  const targets = (await Promise.all(names.map((n) => loadTarget(n)))).filter((t): t is Target => t !== undefined);
  const opts = targetOptions(req.options, targets, TARGET_NAMES);
  all.push(...opts.diagnostics);
  if (hasErrors(opts.diagnostics)) return fail(all, true);
  const results = targets.map((t) => ({ ...compileWith(t, gateway, opts.byTarget.get(t.name) ?? {}, spec), target: t }));
  for (const r of results) all.push(...r.diagnostics);
  if (hasErrors(all)) return fail(all);
  const reports: TargetReport[] = results.map((r) => ({ target: r.target.name, dir: path.join(req.out, r.target.name), files: r.files }));
  if (req.mode === 'stdout') return { ok: true, usage: false, written: false, diagnostics: all, targets: reports };
  if (req.mode === 'check') {
    for (const r of reports) {
      r.check = await compareWithDisk(r.dir, r.files);
      all.push(...checkDiagnostics(r.check));
    }
    return { ok: !hasErrors(all), usage: false, written: false, diagnostics: all, targets: reports };
  }
  const refused = await refusals(reports, req.force);
  if (refused.length > 0) return { ...fail([...all, ...refused]), targets: reports };
  await writeAll(reports);
  for (const [i, r] of reports.entries()) {
    const t = results[i]!.target;
    if (t.deployHint) r.deploy = t.deployHint({ dir: r.dir, files: r.files, gateway, options: opts.byTarget.get(t.name) ?? {} });
  }
  return { ok: true, usage: false, written: true, diagnostics: all, targets: reports };
}
