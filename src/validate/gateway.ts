/**
 * Spec file to gateway model: parse, OpenAPI structure, x-gateway schema, then the model. Kept
 * apart from api.ts so `gwc validate` and `gwc routes` load no target compiler. Positions are
 * found in one pass over the file (lint/positions.ts): one scan per diagnostic took 2 s of
 * `gwc validate` on GitHub's 13 MB description.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { normalise } from '../model/normalise/index.js';
import { locateAll } from '../spec/positions.js';
import type { Gateway } from '../model/types.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { loadSpec, type LoadOptions } from '../spec/loader.js';
import { TARGET_NAMES } from '../targets/names.js';
import { validateExtensions } from './extensions.js';
import { validateOpenApi } from './openapi.js';
import { addSchemeHints } from './scheme-hint.js';

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
    diagnostics: sortDiagnostics(locateAll(spec, diagnostics)),
  });
  diagnostics.push(...(await validateOpenApi(spec)));
  diagnostics.push(...validateExtensions(spec));
  if (hasErrors(diagnostics)) return finish();
  const model = normalise(spec, { ...(options.env !== undefined ? { env: options.env } : {}), targets: TARGET_NAMES });
  diagnostics.push(...model.diagnostics);
  await addSchemeHints(diagnostics, spec);
  return finish(hasErrors(diagnostics) ? undefined : model.gateway);
}
