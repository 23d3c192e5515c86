/**
 * What the `gwc diff` attack suites share (test/security/*diff*.test.ts): a spec edited in place,
 * both sides compiled as `gwc diff --base` compiles them, and the security findings between them.
 */
import { compiledState } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import { writeSpec } from './spec.js';

/** Replace `from` by `to`; `from` must occur exactly once, so an edit never silently misses. */
export type Edit = readonly [string, string];

export function edit(text: string, edits: readonly Edit[]): string {
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit does not apply exactly once: ${from}`);
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

/** The spec compiled for `target` and normalised as `gwc diff` reads it; a refused build throws its errors. */
export async function diffState(text: string, target: string, options: Record<string, string> = {}): Promise<State> {
  const r = await compiledState(writeSpec(text), target, { options });
  if (!r.state) throw new Error(`${target}: ${r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('\n')}`);
  return r.state;
}

/** The security findings of base -> edited, as `rule key`. */
export async function securityFindings(target: string, base: string, edits: readonly Edit[], options: Record<string, string> = {}): Promise<string[]> {
  const plan = diffStates(await diffState(base, target, options), await diffState(edit(base, edits), target, options));
  return plan.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
}
