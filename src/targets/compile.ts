/**
 * One target's build: capability check, then the target's compiler; no files when anything is
 * an error. Takes the Target itself so `gwc build --target X` can load only X (names.ts
 * loadTarget); api.ts's compileGateway looks the target up in the full registry.
 */
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { locateAll } from '../lint/positions.js';
import type { Gateway } from '../model/types.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { checkCapabilities } from './capability-check.js';
import { resolveFlavour } from './flavour.js';
import { keyDiagnostics } from './key-diagnostics.js';
import type { OutputFile, Target } from './target.js';

export interface BuildResult {
  target: string;
  files: OutputFile[];
  diagnostics: Diagnostic[];
}

export function compileWith(chosen: Target, gateway: Gateway, options: Record<string, string> = {}, spec?: LoadedSpec): BuildResult {
  // A flavour (aws api=http) has its own capability table: check against it, not the default's.
  const target = resolveFlavour(chosen, options);
  const checked = checkCapabilities(gateway, target);
  // Keys the target's key table says it does not apply are said at their own line (issue #21).
  const diagnostics = [...checked.diagnostics, ...keyDiagnostics(target.name, spec, gateway.environment, target.keys)];
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

function locate(diagnostics: Diagnostic[], spec?: LoadedSpec): Diagnostic[] {
  return sortDiagnostics(spec ? locateAll(spec, diagnostics) : diagnostics);
}
