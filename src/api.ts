/**
 * The library API the commands call: each returns values and diagnostics, never prints or exits.
 * Every function here is a view of the one pipeline (src/pipeline.ts).
 */
import { diag, sortDiagnostics } from './diagnostics/diagnostic.js';
import type { Gateway } from './model/types.js';
import { compileModel, runPipeline, type BuildResult, type SpecOptions } from './pipeline.js';
import type { LoadedSpec } from './spec/loaded-spec.js';
import { findTarget, TARGET_NAMES } from './targets/index.js';

export { loadGateway, runPipeline, type BuildResult, type PipelineRequest, type PipelineResult, type SpecOptions, type Validated } from './pipeline.js';

/** Capability check, then the target's compiler. No files when anything is an error. */
export function compileGateway(gateway: Gateway, targetName: string, options: Record<string, string> = {}, spec?: LoadedSpec): BuildResult {
  const target = findTarget(targetName);
  if (!target) {
    return { target: targetName, files: [], diagnostics: [diag('unknown-target', { name: targetName, known: TARGET_NAMES.join(', ') })] };
  }
  return compileModel(target, gateway, options, spec);
}

/** One spec file to one target's files: the pipeline with one target; the spec's and the target's diagnostics in one sorted list. */
export async function buildTarget(
  file: string,
  options: SpecOptions & { target: string; options?: Record<string, string> },
): Promise<BuildResult & { gateway?: Gateway }> {
  const { target, options: chosen = {}, ...specOptions } = options;
  const run = await runPipeline(file, { ...specOptions, targets: [target], options: { [target]: chosen } });
  const built = run.builds[0];
  if (!run.gateway || !built) return { target, files: [], diagnostics: run.diagnostics };
  return { target: built.target, files: built.files, diagnostics: sortDiagnostics([...run.diagnostics, ...built.diagnostics]), gateway: run.gateway };
}
