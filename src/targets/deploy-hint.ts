/**
 * Shared by the targets' `deployHint`s (target.ts): every secret reference of the model with what
 * it holds, so each target can name the ones its output reads in its own way.
 */
import type { Gateway, SecretRef } from '../model/types.js';

export interface SecretUse {
  ref: SecretRef;
  /** What it holds, e.g. "API key of consumer alice (scheme apiKey)". */
  for: string;
}

export function secretUses(gateway: Gateway): SecretUse[] {
  const out: SecretUse[] = [];
  for (const c of gateway.consumers) {
    for (const cred of c.credentials) {
      if (cred.kind === 'apiKey') out.push({ ref: cred.key, for: `API key of consumer ${c.name} (scheme ${cred.scheme})` });
      else out.push({ ref: cred.password, for: `password of consumer ${c.name} (user ${cred.username}, scheme ${cred.scheme})` });
    }
  }
  for (const s of gateway.securitySchemes) for (const k of s.jwt?.publicKeys ?? []) out.push({ ref: k, for: `JWT public key of scheme ${s.name}` });
  if (gateway.tls) out.push({ ref: gateway.tls.key, for: 'TLS private key' });
  return out;
}

/** Distinct by name, sorted: one line per variable however many uses it has. */
export function distinctEnv(list: Array<{ name: string; for: string }>): Array<{ name: string; for: string }> {
  const byName = new Map<string, string[]>();
  for (const e of list) byName.set(e.name, [...(byName.get(e.name) ?? []), e.for]);
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, fors]) => ({ name, for: [...new Set(fors)].join('; ') }));
}
