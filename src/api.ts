/**
 * The library API the commands call: each returns values and diagnostics, never prints or exits.
 */
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { normalise } from './model/normalise/index.js';
import type { Gateway } from './model/types.js';
import type { LoadedSpec } from './spec/loaded-spec.js';
import { loadSpec, type LoadOptions } from './spec/loader.js';
import { checkCapabilities } from './targets/capability-check.js';
import { findTarget, TARGET_NAMES } from './targets/index.js';
import type { OutputFile } from './targets/target.js';
import { validateExtensions } from './validate/extensions.js';
import { validateOpenApi } from './validate/openapi.js';

export interface SpecOptions extends LoadOptions {
  env?: string;
}

export interface Validated {
  spec?: LoadedSpec;
  gateway?: Gateway;
  diagnostics: Diagnostic[];
}

/** Parse, OpenAPI structure, x-gateway schema, then the model. Stops at the first stage with errors. */
export async function loadGateway(file: string, options: SpecOptions = {}): Promise<Validated> {
  const loaded = await loadSpec(file, options);
  const diagnostics = [...loaded.diagnostics];
  const spec = loaded.spec;
  if (!spec) return { diagnostics: sortDiagnostics(diagnostics) };
  const finish = (gateway?: Gateway): Validated => ({
    spec,
    ...(gateway ? { gateway } : {}),
    diagnostics: sortDiagnostics(spec.locate(diagnostics)),
  });
  diagnostics.push(...(await validateOpenApi(spec)));
  diagnostics.push(...validateExtensions(spec));
  if (hasErrors(diagnostics)) return finish();
  const model = normalise(spec, { ...(options.env !== undefined ? { env: options.env } : {}), targets: TARGET_NAMES });
  diagnostics.push(...model.diagnostics);
  return finish(hasErrors(diagnostics) ? undefined : model.gateway);
}

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
