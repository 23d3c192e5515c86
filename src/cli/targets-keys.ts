/**
 * `gwc targets --keys`: every x-gateway key and each target's answer for it (native, emulated,
 * refused or warned with the diagnostic code, or ignored with where it is said), from the key
 * tables the build itself uses (src/targets/key-matrix.ts, issue #21).
 */
import { keyJson, keyRows } from '../targets/key-matrix.js';
import { table } from './table.js';

export function targetKeysText(): string {
  const { header, rows } = keyRows();
  return [
    table(header, rows),
    '',
    'native: the target writes it; emulated: built another way (see --json for how);',
    'refused (CODE): a build error when the spec writes it; warned (CODE): a warning at the key;',
    "ignored: said at a parent key, or a no-op on this target (a fallback it does not need, another target's setting).",
    'A condition after the answer says which values it applies to. --json adds why, how and notes.',
  ].join('\n');
}

export function targetKeysJson() {
  return { keys: keyJson() };
}
