/**
 * Rules over the checks a gateway makes besides auth and limits (split from classify.ts, the one
 * table is rules.ts): guards that keep something from the backend, request validation, steps the
 * reader cannot judge, the runtime the checks run in, and what the gateway takes on trust.
 */
import type { GuardKind, Guards } from './entity.js';
import type { RuleId, Verdict } from './rules.js';

// ---- guards (Facts.guards) -------------------------------------------------------------------

/** Each kind of guard by the rule that names what its loss lets reach the backend. */
const GUARD_RULES: Record<GuardKind, RuleId> = { credential: 'credential-unverified-passed', method: 'method-override-passed', header: 'request-header-passed' };

/** A check gone is security; compared only when both sides' readers could tell (absent: unknown). */
export function guardRules(a: Guards | undefined, b: Guards | undefined): Verdict[] {
  if (!a || !b) return [];
  const out: Verdict[] = [];
  for (const kind of Object.keys(GUARD_RULES) as GuardKind[]) {
    const lost = (a[kind] ?? []).filter((g) => !(b[kind] ?? []).includes(g));
    if (lost.length > 0) out.push({ rule: GUARD_RULES[kind], old: `checked: ${lost.join('; ')}`, new: `not checked: ${lost.join('; ')}` });
  }
  return out;
}

/** The code the checks run in, changed either way, both sides holding one (an older runtime lacks today's checks). */
export function runtimeRules(a: string | undefined, b: string | undefined): Verdict[] {
  return a !== undefined && b !== undefined && a !== b ? [{ rule: 'runtime-changed', old: a, new: b }] : [];
}

/** A step the reader cannot judge, added, removed or changed: security either way (fail closed). */
export function unreadRules(a: string[] | undefined, b: string[] | undefined): Verdict[] {
  const o = a ?? [];
  const n = b ?? [];
  if (o.length === n.length && o.every((x) => n.includes(x))) return [];
  return [{ rule: 'unread-changed', old: o.join('; ') || 'none', new: n.join('; ') || 'none' }];
}

/**
 * A validation check gone (validator off, parameter optional, model removed or changed) is security;
 * compared only when both sides' readers could tell (absent: unknown).
 */
export function validationRules(a: string[] | undefined, b: string[] | undefined): Verdict[] {
  if (!a || !b) return [];
  const lost = a.filter((v) => !b.includes(v));
  return lost.length === 0 ? [] : [{ rule: 'validation-weakened', old: `checked: ${lost.join('; ')}`, new: `not checked: ${lost.join('; ')}` }];
}

// ---- what the gateway takes on trust (trust.ts) ----------------------------------------------

/** What a consumer can present that it could not (consumers.ts); one dropped only refuses callers. */
export function holdRules(a: string[] | undefined, b: string[] | undefined): Verdict[] {
  const added = (b ?? []).filter((t) => !(a ?? []).includes(t));
  return added.length === 0 ? [] : [{ rule: 'consumer-added', old: a === undefined ? 'no such consumer' : a.join(', ') || 'nothing', new: (b ?? []).join(', ') }];
}

/** A new assumption is a check the gateway no longer makes; one dropped only refuses builds. */
export function trustRules(a: string[] | undefined, b: string[] | undefined): Verdict[] {
  return (b ?? []).filter((t) => !(a ?? []).includes(t)).map((t) => ({ rule: 'trust-added', old: 'checked', new: `trusted: ${t}` }));
}
