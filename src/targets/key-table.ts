/**
 * The shape of a target's key table (src/targets/<t>/keys.ts); see key-answers.ts for how answers
 * are resolved and checked.
 */
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { policyBodyIds, type KeyId, type PerTargetKey, type PolicyBodyKey } from '../model/keys.js';

/**
 * For a refusal or warning the core says itself (codes `key-refused`, `key-not-applied`): the
 * values it applies to (`false` only, say), and how `gwc targets --keys` names them. Without it,
 * any value of the key. `parent` is the object the key is written in (a scheme's x-gateway, say),
 * for an answer that depends on a sibling (the issuer a JWKS URI belongs to).
 */
export interface KeyCondition {
  test: (value: unknown, parent: Record<string, unknown>) => boolean;
  says: string;
}

/**
 * A target's answer for one key. `refused` and `warned` name the diagnostic the build gives; with
 * `key-refused` or `key-not-applied` the core gives it at each place the key is written
 * (src/targets/key-diagnostics.ts), with another code the target's compiler does.
 *
 * `ignored` is the fifth answer, and it is never a silent drop. It is one of two things
 * (test/targets/key-registry.test.ts checks which):
 * - `saidAt`: the key's parent is always written with it and is refused or warned at its own line
 *   whenever it is written (AWS says `tls` once, not `tls.certificate` and `tls.key` again);
 * - otherwise a documented no-op that cannot weaken anything: the key is only read by another
 *   target, or is a fallback for a target that enforces the scheme itself. The truth test
 *   (test/targets/key-coverage.test.ts) builds the spec with and without it and requires the same
 *   output, so the target really does not read it.
 * A key whose absence from the output could open or widen a route is refused, never ignored.
 */
export type KeyAnswer =
  | { answer: 'native'; note?: string }
  | { answer: 'emulated'; how: string }
  | { answer: 'refused'; code: DiagnosticCode; why: string; when?: KeyCondition }
  | { answer: 'warned'; code: DiagnosticCode; why: string; when?: KeyCondition }
  | { answer: 'ignored'; why: string; saidAt?: KeyId };

export type KeyAnswerKind = KeyAnswer['answer'];

/** A target's own answers: every `perTarget` key, and any other key whose answer is not its feature's. */
export type TargetKeyTable = Record<PerTargetKey, KeyAnswer> & Partial<Record<KeyId, KeyAnswer>>;

/** The same answer for a policy-body key under `policies.*`, `defaults` and `route`. */
export function policyBody(key: PolicyBodyKey, answer: KeyAnswer): Partial<Record<KeyId, KeyAnswer>> {
  return Object.fromEntries(policyBodyIds(key).map((id) => [id, answer]));
}
