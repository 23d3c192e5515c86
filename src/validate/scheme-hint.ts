/**
 * The paste-ready `x-gateway` for a security scheme gwc cannot verify as written (#16.4): the
 * block `gwc init` proposes for it (src/init/render.ts schemeLines), uncommented, each line saying
 * which targets read it (from the capability tables), attached as the diagnostic's hint at the
 * scheme's definition. Loaded on demand: it reads every target's capability table, which
 * `gwc validate` on a spec without such a scheme never needs.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';

const CODES = new Set(['scheme-unverifiable', 'scheme-unsupported']);

export async function addSchemeHints(diagnostics: Diagnostic[], spec: LoadedSpec): Promise<void> {
  const wanting = diagnostics.filter((d) => CODES.has(String(d.code)) && !d.hint);
  if (wanting.length === 0) return;
  const { planInit } = await import('../init/plan.js');
  const { schemeLines } = await import('../init/render.js');
  const doc = spec.root.value;
  if (doc === null || typeof doc !== 'object') return;
  const plan = planInit(doc as Record<string, unknown>);
  for (const d of wanting) {
    const scheme = plan.schemes.find((s) => s.name === d.params.scheme);
    if (!scheme) continue;
    const lines = schemeLines({ ...scheme, configured: false }, plan);
    // init's lines are comments to uncomment; here they are the block to paste under the scheme.
    const block = lines.filter((l) => !l.startsWith('# gwc init:')).map((l) => l.replace(/^# ?/, ''));
    // A target that verifies it only in part builds once the gap is accepted at the root.
    const partial = scheme.feature
      ? scheme.partial.map((p) => `and for ${p.target}, under the root x-gateway: accept: { ${p.target}: [{ feature: ${scheme.feature}, reason: ${JSON.stringify(`accepted: ${p.what}`)} }] }`)
      : [];
    d.hint =
      block.length > 0
        ? [`add under components.securitySchemes.${String(d.params.scheme)} (each line says which targets need it):`, ...block, ...partial].join('\n')
        : lines.map((l) => l.replace(/^# gwc init: ?/, '')).join('\n');
  }
}
