/**
 * The library API the commands call: each returns values and diagnostics, never prints or exits.
 */
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import type { Gateway } from './model/types.js';
import type { LoadedSpec } from './spec/loaded-spec.js';
import { checkCapabilities } from './targets/capability-check.js';
import { findTarget, TARGET_NAMES } from './targets/index.js';
import type { OutputFile } from './targets/target.js';
import { loadGateway, type SpecOptions } from './validate/gateway.js';

export { loadGateway, type SpecOptions, type Validated } from './validate/gateway.js';

export interface BuildResult {
  target: string;
  files: OutputFile[];
  diagnostics: Diagnostic[];
}

/** Capability check, then the target's compiler. No files when anything is an error. */
export function compileGateway(gateway: Gateway, targetName: string, options: Record<string, string> = {}, spec?: LoadedSpec): BuildResult {
  const target = findTarget(targetName);
  if (!target) {
    return { target: targetName, files: [], diagnostics: [diag('unknown-target', { name: targetName, known: TARGET_NAMES.join(', ') })] };
  }
  const checked = checkCapabilities(gateway, target);
  const diagnostics = [...checked.diagnostics];
  if (hasErrors(diagnostics)) return { target: target.name, files: [], diagnostics: locate(diagnostics, spec) };
  let result;
  try {
    result = target.compile(gateway, checked.plan, { options });
  } catch (e) {
    const detail = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    return { target: target.name, files: [], diagnostics: [diag('internal-error', { detail })] };
  }
  diagnostics.push(...result.diagnostics);
  const files = hasErrors(diagnostics) ? [] : [...result.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  return { target: target.name, files, diagnostics: locate(diagnostics, spec) };
}

export async function buildTarget(
  file: string,
  options: SpecOptions & { target: string; options?: Record<string, string> },
): Promise<BuildResult & { gateway?: Gateway }> {
  const loaded = await loadGateway(file, options);
  if (!loaded.gateway) return { target: options.target, files: [], diagnostics: loaded.diagnostics };
  const built = compileGateway(loaded.gateway, options.target, options.options ?? {}, loaded.spec);
  return { ...built, diagnostics: sortDiagnostics([...loaded.diagnostics, ...built.diagnostics]), gateway: loaded.gateway };
}

function locate(diagnostics: Diagnostic[], spec?: LoadedSpec): Diagnostic[] {
  return sortDiagnostics(spec ? spec.locate(diagnostics) : diagnostics);
}
