/**
 * The core's half of key coverage (issue #21): where a target's key table answers a key with
 * `key-not-applied` (a warning) or `key-refused` (an error), every place the spec writes that key
 * gets the diagnostic at its own line, before the target compiles. The target's compiler never
 * has to remember to say it, so a key cannot be read and dropped without a word.
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { keyOccurrences } from '../model/spec-keys.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import type { KeyAnswer } from './key-table.js';
import { KEY_TABLES } from './key-tables.js';

/** `own`: a flavour's key table (aws api=http), which replaces the target's. */
export function keyDiagnostics(target: string, spec: LoadedSpec | undefined, env?: string, own?: Partial<Record<string, KeyAnswer>>): Diagnostic[] {
  const table = own ?? (KEY_TABLES as Record<string, Partial<Record<string, KeyAnswer>> | undefined>)[target];
  if (!spec || !table) return [];
  const out: Diagnostic[] = [];
  // Indexed: the array iterator's results were 7 MB of lint's allocation at 10,000 operations (#18).
  const occurrences = keyOccurrences(spec, env);
  for (let i = 0; i < occurrences.length; i++) {
    const o = occurrences[i]!;
    const a = table[o.id];
    if (!a || (a.answer !== 'warned' && a.answer !== 'refused')) continue;
    if (a.code !== 'key-not-applied' && a.code !== 'key-refused') continue;
    if (a.when && !a.when.test(o.value, o.parent)) continue;
    out.push(diag(a.code, { target, key: o.id, why: a.why }, o.loc, { target }));
  }
  return out;
}
