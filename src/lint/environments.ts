/**
 * Lint without `--env` speaks for `gwc build --env E` of every environment (a pull request's lint
 * is green only if each release build is; DESIGN.md 7.7). The target compiles are relayed by
 * rules/target-refusals.ts; this file holds what every environment check shares, and the model
 * phase's own errors under each overlay (red team 16: `policies: {office: null}` while the
 * defaults name it, a consumer credential of a scheme the spec lacks), which no rule sees because
 * the rules read the base model.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { environmentNames, inEnvironment } from '../model/environments.js';

export { environmentNames, inEnvironment };

/** The model phase's result under one overlay (src/pipeline.ts modelOf). */
export type ModelFor = (env: string) => { gateway?: Gateway; diagnostics: Diagnostic[] };

/** What makes two errors the same finding: code, place and text (the environment aside). */
export const errorKey = (d: Diagnostic) => `${d.code}\0${d.loc?.file ?? ''}#${d.loc?.pointer ?? ''}\0${d.message}`;

/**
 * The errors `gwc build --env E`'s model phase reports that the base model's does not, for each
 * environment E in name order: each environment's own (one a fix of prod leaves in staging is still shown).
 */
export function environmentModelErrors(spec: LoadedSpec, base: readonly Diagnostic[], modelFor: ModelFor): Diagnostic[] {
  const baseErrors = base.filter((d) => d.severity === 'error').map(errorKey);
  const out: Diagnostic[] = [];
  for (const env of environmentNames(spec)) {
    const seen = new Set(baseErrors);
    for (const d of modelFor(env).diagnostics) {
      if (d.severity !== 'error' || seen.has(errorKey(d))) continue;
      seen.add(errorKey(d));
      out.push(inEnvironment(d, env));
    }
  }
  return out;
}
