/**
 * `--option` per target: `TARGET.NAME=VALUE` goes to that target only (so `--target all` can carry
 * options of several targets), the bare `NAME=VALUE` to the one target being built that declares
 * NAME. Names are checked against each target's declared options (`gwc targets` lists them); the
 * values are the target's to check.
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Target } from '../targets/target.js';

export function targetOptions(given: readonly string[], targets: readonly Target[], known: readonly string[]): { byTarget: Map<string, Record<string, string>>; diagnostics: Diagnostic[] } {
  const byTarget = new Map(targets.map((t) => [t.name, {} as Record<string, string>]));
  const diagnostics: Diagnostic[] = [];
  const names = (t: Target) => (t.options ?? []).map((o) => o.name);
  for (const option of given) {
    const eq = option.indexOf('=');
    if (eq <= 0) {
      diagnostics.push(diag('option-malformed', { option }));
      continue;
    }
    const key = option.slice(0, eq);
    const value = option.slice(eq + 1);
    const dot = key.indexOf('.');
    const prefix = dot > 0 ? key.slice(0, dot) : '';
    if (known.includes(prefix)) {
      const name = key.slice(dot + 1);
      const target = targets.find((t) => t.name === prefix);
      if (!target) diagnostics.push(diag('option-target-not-built', { option, target: prefix }));
      else if (!names(target).includes(name)) diagnostics.push(diag('option-unknown', { name, target: prefix, known: names(target).join(', ') }));
      else byTarget.get(prefix)![name] = value;
      continue;
    }
    const takers = targets.filter((t) => names(t).includes(key));
    if (takers.length === 1) byTarget.get(takers[0]!.name)![key] = value;
    else if (takers.length > 1) diagnostics.push(diag('option-ambiguous', { name: key, targets: takers.map((t) => t.name).join(', ') }));
    else diagnostics.push(diag('option-unknown', { name: key, target: targets.map((t) => t.name).join(', ') || 'no target', known: targets.flatMap((t) => names(t).map((n) => `${t.name}.${n}`)).join(', ') }));
  }
  return { byTarget, diagnostics };
}
