/**
 * The auth rules of rules.ts: alternatives and their requirements (`Facts.auth`), and what each
 * mechanism accepts (`Facts.mechanisms`: JWT issuer, audiences, algorithms, skew, keys; where an
 * API key may be sent; whether credentials reach the backend). Target neutral.
 */
import type { Facts, Mechanism } from './entity.js';
import type { RuleId, Verdict } from './rules.js';

const alternatives = (auth: string[][]): string[][] => (auth.length === 0 ? [[]] : auth);
const subset = (a: readonly string[], b: readonly string[]) => a.every((x) => b.includes(x));
const REQUIREMENT = / (scope|role|scheme) /;
/** The mechanism an atom belongs to (`jwt scope orders:read` -> `jwt`). */
const mechanismOf = (atom: string) => atom.split(REQUIREMENT)[0]!;
const kindOf = (atom: string): 'scope' | 'role' | 'scheme' | undefined => (REQUIREMENT.exec(atom)?.[1] as 'scope' | 'role' | 'scheme' | undefined);

/**
 * An old alternative's requirement the new one lacks. A `scheme` requirement (whose credentials
 * pass) dropped is a new way in unless the mechanism now requires a role instead (the holders of
 * that role, a narrowing); swapped for another scheme it is other holders.
 */
function lostRequirement(atom: string, n: readonly string[]): RuleId | undefined {
  const kind = kindOf(atom);
  if (kind === 'role') return 'auth-roles-removed';
  if (kind === 'scope') return 'auth-scope-removed';
  if (kind !== 'scheme') return 'auth-scope-removed';
  const mech = mechanismOf(atom);
  const now = n.filter((x) => x !== atom && mechanismOf(x) === mech && (kindOf(x) === 'scheme' || kindOf(x) === 'role'));
  return now.length === 0 || now.some((x) => kindOf(x) === 'scheme') ? 'auth-weakened' : undefined;
}

export const describeAuth = (auth: string[][] | undefined): string =>
  auth === undefined ? 'unknown' : alternatives(auth).map((alt) => (alt.length === 0 ? 'none' : alt.join(' + '))).join(' | ');

/** Whether a route asks for credentials at all (every way in names a mechanism). */
export const authenticated = (auth: string[][] | undefined): boolean => auth !== undefined && auth.length > 0 && auth.every((alt) => alt.length > 0);

/**
 * A new alternative lets in a request the old rules refused unless some old alternative's
 * requirements are all part of it. When an old alternative's mechanisms are all still there and
 * only scopes or roles went, the finding says which; otherwise the way in is new (a scheme added
 * beside the old ones, or swapped for another).
 */
export function authRules(a: string[][], b: string[][]): Verdict[] {
  const oldAlts = alternatives(a);
  const newAlts = alternatives(b);
  const rules = new Set<RuleId>();
  for (const n of newAlts) {
    if (oldAlts.some((o) => subset(o, n))) continue;
    if (n.length === 0) {
      rules.add(newAlts.length === 1 ? 'auth-removed' : 'auth-optional');
      continue;
    }
    const mechs = n.map(mechanismOf);
    const kept = oldAlts.filter((o) => o.length > 0 && subset(o.map(mechanismOf), mechs));
    if (kept.length === 0) {
      rules.add('auth-weakened');
      continue;
    }
    for (const o of kept) {
      for (const atom of o.filter((x) => !n.includes(x))) {
        const rule = lostRequirement(atom, n);
        if (rule) rules.add(rule);
      }
    }
  }
  if (oldAlts.some((o) => !newAlts.some((n) => subset(n, o)))) rules.add(oldAlts.some((o) => o.length === 0) ? 'auth-added' : 'auth-tightened');
  const text = { old: describeAuth(a), new: describeAuth(b) };
  return [...rules].map((rule) => ({ rule, ...text }));
}

const list = (v: readonly string[] | undefined) => (v === undefined ? 'unknown' : v.length === 0 ? 'none' : v.join(', '));

function jwtRules(name: string, o: NonNullable<Mechanism['jwt']>, n: NonNullable<Mechanism['jwt']>): Verdict[] {
  const out: Verdict[] = [];
  const at = (s: string) => `${name}: ${s}`;
  if (o.issuer !== undefined && n.issuer !== undefined && o.issuer !== n.issuer) out.push({ rule: 'jwt-issuer-changed', old: at(o.issuer ?? 'any'), new: at(n.issuer ?? 'any') });
  if (o.audiences && n.audiences && ((n.audiences.length === 0 && o.audiences.length > 0) || !subset(n.audiences, o.audiences) && o.audiences.length > 0)) {
    out.push({ rule: 'jwt-audience-widened', old: at(list(o.audiences)), new: at(n.audiences.length ? list(n.audiences) : 'not checked') });
  }
  if (o.algorithms && n.algorithms && !subset(n.algorithms, o.algorithms)) out.push({ rule: 'jwt-algorithms-widened', old: at(list(o.algorithms)), new: at(list(n.algorithms)) });
  if (o.clockSkewSeconds !== undefined && n.clockSkewSeconds !== undefined && n.clockSkewSeconds > o.clockSkewSeconds) {
    out.push({ rule: 'jwt-clock-skew-raised', old: at(`${o.clockSkewSeconds}s`), new: at(`${n.clockSkewSeconds}s`) });
  }
  if (o.keys !== undefined && n.keys !== undefined && o.keys !== n.keys) out.push({ rule: 'jwt-keys-changed', old: at(o.keys), new: at(n.keys) });
  return out;
}

/** Each mechanism the new route uses that the old one used under the same name. */
export function mechanismRules(a: Facts, b: Facts): Verdict[] {
  const used = new Set((b.auth ?? []).flat().map(mechanismOf));
  const out: Verdict[] = [];
  for (const name of [...used].sort()) {
    const o = a.mechanisms?.[name];
    const n = b.mechanisms?.[name];
    if (!o || !n) continue;
    if (o.jwt && n.jwt) out.push(...jwtRules(name, o.jwt, n.jwt));
    if (o.in && n.in && n.in.includes('query') && !o.in.includes('query')) out.push({ rule: 'credential-in-query', old: `${name}: ${o.in.join(', ')}`, new: `${name}: ${n.in.join(', ')}` });
    const carriers = [...(o.in && n.in ? n.in.filter((w) => w !== 'query' && !o.in!.includes(w)) : []), ...(o.names && n.names ? n.names.filter((w) => !o.names!.includes(w)) : [])];
    if (carriers.length > 0) out.push({ rule: 'credential-carrier-added', old: `${name}: ${[...(o.in ?? []), ...(o.names ?? [])].join(', ')}`, new: `${name}: ${[...(n.in ?? []), ...(n.names ?? [])].join(', ')}` });
    if (o.verifier !== undefined && n.verifier !== undefined && o.verifier !== n.verifier) out.push({ rule: 'auth-verifier-changed', old: `${name}: ${o.verifier}`, new: `${name}: ${n.verifier}` });
    // A service asked after the gateway's own check: gone, the callers it refused get in.
    if (o.service !== undefined && n.service === undefined) out.push({ rule: 'auth-weakened', old: `${name}: also asks ${o.service}`, new: `${name}: no service asked` });
    if (o.service !== undefined && n.service !== undefined && o.service !== n.service) out.push({ rule: 'auth-verifier-changed', old: `${name}: also asks ${o.service}`, new: `${name}: also asks ${n.service}` });
    if (o.hideCredentials === true && n.hideCredentials === false) out.push({ rule: 'credentials-forwarded', old: `${name}: stripped`, new: `${name}: sent to the backend` });
  }
  return out;
}
