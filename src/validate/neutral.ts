/**
 * `gwc validate` (DESIGN.md section 1): parse, structure, schema and the model, and the refusals
 * every target makes whatever its capabilities, so a spec no target builds is never "valid". They
 * are the core's own checks, run by every build before the target compiles (src/targets/compile.ts):
 * a route nobody decided to open (security-undecided), a gateway with no route (no-routes), a HEAD
 * running a better protected GET handler (head-widens-get), a declared method override that can
 * name a better protected method (method-override-widens), a parameter whose case or suffix variant
 * a backend reads as a more protected literal route (param-variant-reaches-protected). Same codes, params and places as the
 * build's; lint's security-missing rule points at the same node. Per-target refusals stay the
 * build's and lint's (`gwc lint --target T`): validate is target-neutral.
 */
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import { modelOf, runPipeline, type SpecOptions } from '../pipeline.js';
import { environmentModelErrors } from '../lint/environments.js';
import { gatewayRefusals } from '../targets/capability-check.js';
import { methodOverrideWidens } from '../targets/declared-override.js';
import { headWidensGet } from '../targets/head-get.js';
import { paramVariantRefusals } from '../targets/param-variants.js';

/** The refusals every target makes of this model. */
export function neutralRefusals(gateway: Gateway): Diagnostic[] {
  return [...gatewayRefusals(gateway), ...headWidensGet(gateway), ...methodOverrideWidens(gateway), ...paramVariantRefusals(gateway)];
}

export interface Validation {
  valid: boolean;
  /** Routes of a valid spec (0 when invalid, as before). */
  routes: number;
  diagnostics: Diagnostic[];
}

/**
 * What `gwc validate` reports: load, validate, model, then the target-neutral refusals, located.
 * Without `--env`, each x-gateway environment's too, as lint reports them (src/lint/environments.ts):
 * `gwc build --env E`'s overlay schema and model errors and its neutral refusals that the base
 * build does not have, at the overlay's line, the environment named. A spec whose prod overlay
 * no build accepts is not "valid".
 */
export async function validateSpec(file: string, options: SpecOptions = {}): Promise<Validation> {
  const { gateway, diagnostics } = await runPipeline(file, {
    ...options,
    review: (v) => {
      if (!v.gateway) return v.diagnostics;
      const base = [...v.diagnostics, ...neutralRefusals(v.gateway)];
      if (options.env !== undefined) return base;
      return [...base, ...environmentModelErrors(v.spec, base, (env) => withRefusals(modelOf(v.spec, env)))];
    },
  });
  const valid = gateway !== undefined && !hasErrors(diagnostics);
  return { valid, routes: valid ? gateway.routes.length : 0, diagnostics };
}

/** One environment's model phase with the refusals every target makes of its model. */
function withRefusals(model: { gateway?: Gateway; diagnostics: Diagnostic[] }): { gateway?: Gateway; diagnostics: Diagnostic[] } {
  return model.gateway ? { ...model, diagnostics: [...model.diagnostics, ...neutralRefusals(model.gateway)] } : model;
}
