/**
 * One target's build: capability check, then the target's compiler; no files when anything is
 * an error. The only call of `Target.compile`: the pipeline (src/pipeline.ts) builds through
 * `compileWith`, lint relays `compileFindings`. Takes the Target itself so `gwc build --target X`
 * can load only X (names.ts loadTarget). Diagnostics keep their Loc only: the pipeline resolves
 * line:col once, at its exit, and sorts.
 */
import { diag, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { checkCapabilities } from './capability-check.js';
import { resolveFlavour } from './flavour.js';
import { methodOverrideWidens } from './declared-override.js';
import { headWidensGet } from './head-get.js';
import { keyDiagnostics } from './key-diagnostics.js';
import { paramVariantRefusals } from './param-variants.js';
import type { CapabilityPlan, CompileResult, OutputFile, Target } from './target.js';

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
  // A HEAD beside a more protected GET is the same hole on every target (head-get.ts), as is a
  // declared method override that can name a more protected method (declared-override.ts).
  const diagnostics = [...checked.diagnostics, ...keyDiagnostics(target.name, spec, gateway.environment, target.keys), ...headWidensGet(gateway), ...methodOverrideWidens(gateway)];
  // So is a path parameter whose case or suffix variant a backend reads as a more protected literal
  // route (param-variants.ts); said after the target's own refusals, which may name the same pair
  // more precisely (AWS's aws-path-param-confusable), so they still run.
  const variants = paramVariantRefusals(gateway);
  if (hasErrors(diagnostics)) return { target: target.name, files: [], diagnostics: [...diagnostics, ...variants] };
  const result = invoke(target, gateway, checked.plan, options);
  if ('crash' in result) return { target: target.name, files: [], diagnostics: [diag('internal-error', { detail: result.crash })] };
  diagnostics.push(...result.diagnostics, ...variants);
  const files = hasErrors(diagnostics) ? [] : [...result.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  return { target: target.name, files, diagnostics };
}

/**
 * What `target`'s own compile reports about the model, whatever its capability table refused:
 * lint relays these (DESIGN.md 7.7, src/lint/rules/target-refusals.ts) so lint green means build
 * green. A crash is the build's to report (internal-error), so here it reports nothing.
 */
export function compileFindings(target: Target, gateway: Gateway, options: Record<string, string> = {}, spec?: LoadedSpec, plan?: CapabilityPlan): Diagnostic[] {
  // Lint reads only the diagnostics: the target may skip rendering its files (findingsOnly).
  // `plan`: the capability check lint already made for its portability rules (the same check).
  const result = invoke(target, gateway, plan ?? checkCapabilities(gateway, target).plan, options, true);
  // The key answers compileWith says before compiling (key-refused, key-not-applied) are build
  // refusals too: lint relays them with the rest.
  const keys = [...keyDiagnostics(target.name, spec, gateway.environment, target.keys), ...headWidensGet(gateway), ...methodOverrideWidens(gateway), ...paramVariantRefusals(gateway)];
  return 'crash' in result ? keys : [...keys, ...result.diagnostics];
}

function invoke(target: Target, gateway: Gateway, plan: CapabilityPlan, options: Record<string, string>, findingsOnly = false): CompileResult | { crash: string } {
  try {
    return target.compile(gateway, plan, findingsOnly ? { options, findingsOnly } : { options });
  } catch (e) {
    return { crash: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
}
