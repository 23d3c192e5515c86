/**
 * The library API the commands call: each returns values and diagnostics, never prints or exits.
 */
import { diag, sortDiagnostics } from './diagnostics/diagnostic.js';
import type { Gateway } from './model/types.js';
import type { LoadedSpec } from './spec/loaded-spec.js';
import { compileWith, type BuildResult } from './targets/compile.js';
import { findTarget, TARGET_NAMES } from './targets/index.js';
import { loadGateway, type SpecOptions } from './validate/gateway.js';

export { loadGateway, type SpecOptions, type Validated } from './validate/gateway.js';

export type { BuildResult } from './targets/compile.js';

/** Capability check, then the target's compiler. No files when anything is an error. */
export function compileGateway(gateway: Gateway, targetName: string, options: Record<string, string> = {}, spec?: LoadedSpec): BuildResult {
  const target = findTarget(targetName);
  if (!target) {
    return { target: targetName, files: [], diagnostics: [diag('unknown-target', { name: targetName, known: TARGET_NAMES.join(', ') })] };
  }
  return compileWith(target, gateway, options, spec);
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
