/**
 * `gwc build` as a library call: load, compile every target, then write (all or nothing), print
 * or compare. Returns values and diagnostics; the command renders them and sets the exit code.
 */
import path from 'node:path';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SpecOptions } from '../pipeline.js';
import { TARGET_NAMES } from '../targets/names.js';
import type { DeployHint, OutputFile } from '../targets/target.js';
import { checkDiagnostics, compareWithDisk, type CheckResult } from './check.js';
import { runFromArg } from './load.js';
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
  // One load, validate and model; every target compiled from that one model (`all`: the spec's
  // x-gateway.targets when it names them); only the targets built are imported.
  const run = await runFromArg(req.spec, {
    ...req.specOptions,
    targets: req.target === 'all' ? 'all' : [req.target],
    options: (targets) => targetOptions(req.options, targets, TARGET_NAMES),
  });
  const all: Diagnostic[] = [...run.diagnostics];
  const gateway = run.gateway;
  if (!gateway) return fail(all);
  if (run.usage) return fail(all, true);
  for (const b of run.builds) all.push(...b.diagnostics);
  if (hasErrors(all)) return fail(all);
  const reports: TargetReport[] = run.builds.map((b) => ({ target: b.target, dir: path.join(req.out, b.target), files: b.files }));
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
    const { compiler, options } = run.builds[i]!;
    if (compiler?.deployHint) r.deploy = compiler.deployHint({ dir: r.dir, files: r.files, gateway, options });
  }
  return { ok: true, usage: false, written: true, diagnostics: all, targets: reports };
}
