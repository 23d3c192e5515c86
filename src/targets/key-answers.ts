/**
 * Each target's answer for every x-gateway key (issue #21): native, emulated, refused (a build
 * error with a code), warned (a warning with a code), or ignored (the key is by definition for
 * another target, or only read with another key this target refuses: the why says which).
 * A key's answer comes from the target's capability table through the key's feature
 * (src/model/keys.ts), unless the target's key table (src/targets/<t>/keys.ts) answers the key
 * itself; `perTarget` keys must be answered there (a type error until they are).
 * test/targets/key-coverage.test.ts builds a spec per key and checks the answers are true.
 */
import { failsClosed, fallbackHint } from '../model/features.js';
import { KEYS, KEY_IDS, type KeyId } from '../model/keys.js';
import type { KeyAnswer } from './key-table.js';
import { KEY_TABLES } from './key-tables.js';
import { TARGETS, type TargetName } from './index.js';

export type { KeyAnswer, KeyAnswerKind, TargetKeyTable } from './key-table.js';
export { KEY_TABLES } from './key-tables.js';

/** How `target` answers `key`, and where the answer comes from. */
export function keyAnswer(target: TargetName, key: KeyId): KeyAnswer & { from: 'key table' | 'feature' | 'core' | 'base' } {
  const own = (KEY_TABLES[target] as Partial<Record<KeyId, KeyAnswer>>)[key];
  if (own) return { ...own, from: 'key table' };
  const def = KEYS[key] as { feature?: import('../model/features.js').FeatureId; core?: string; base?: string };
  if (def.core) return { answer: 'native', note: `core: ${def.core}`, from: 'core' };
  if (def.base) return { answer: 'native', note: def.base, from: 'base' };
  if (!def.feature) throw new Error(`${target} does not answer key ${key}`);
  const cap = TARGETS.find((t) => t.name === target)!.capabilities[def.feature];
  if (cap.support === 'native') return { answer: 'native', ...(cap.note ? { note: cap.note } : {}), from: 'feature' };
  if (cap.support === 'emulated') return { answer: 'emulated', how: cap.how, from: 'feature' };
  const why = cap.fallback ? `${cap.why}; ${fallbackHint(cap.fallback)}` : cap.why;
  return failsClosed(def.feature)
    ? { answer: 'refused', code: 'capability-unsupported', why, from: 'feature' }
    : { answer: 'warned', code: 'capability-dropped', why, from: 'feature' };
}

/** One row per key: its id, what decides it, and each target's answer. */
export function keyMatrix() {
  return KEY_IDS.map((id) => {
    const def = KEYS[id] as Record<string, string>;
    const by = 'feature' in def ? def.feature! : 'core' in def ? 'core' : 'base' in def ? 'base' : 'per target';
    return { id, by, answers: Object.fromEntries(TARGETS.map((t) => [t.name, keyAnswer(t.name, id)])) as Record<TargetName, ReturnType<typeof keyAnswer>> };
  });
}
