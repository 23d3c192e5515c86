/**
 * A decK consumer as `gwc diff` compares it (deployed-normalise.ts): its credentials with secrets
 * masked, and what it can present (`Facts.holds`).
 */
import type { Json } from '../../diff/entity.js';
import { isObject, MASK, type JsonObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

export function credentials(c: JsonObject): JsonObject {
  const mask = (items: JsonObject[], keep: string[]) =>
    items
      .map((x) => {
        const out: JsonObject = {};
        for (const k of keep) if (x[k] !== undefined && x[k] !== null) out[k] = x[k]!;
        return out;
      })
      .map((x) => ({ ...x, secret: MASK }))
      .sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
  return {
    keyauth_credentials: mask(list(c.keyauth_credentials), []),
    basicauth_credentials: mask(list(c.basicauth_credentials), ['username']),
    jwt_secrets: mask(list(c.jwt_secrets), ['key', 'algorithm']),
    acls: list(c.acls).map((a) => str(a.group) ?? '').sort(),
  };
}

/**
 * What a Kong consumer can present (Facts.holds, the words of src/diff/consumers.ts): each
 * credential by plugin (the Nth of one plugin `#N`), each basic user name and JWT key, each acl
 * group a consumer is given (its roles). A new entry is someone who can call more.
 */
export function consumerHolds(c: JsonObject): string[] {
  const out: string[] = [];
  const count = (plugin: string, items: JsonObject[]) => items.forEach((_, i) => out.push(i === 0 ? `credential ${plugin}` : `credential ${plugin} #${i + 1}`));
  count('key-auth', list(c.keyauth_credentials));
  count('basic-auth', list(c.basicauth_credentials));
  count('jwt', list(c.jwt_secrets));
  count('hmac-auth', list(c.hmacauth_credentials));
  for (const b of list(c.basicauth_credentials)) if (str(b.username)) out.push(`basic user ${str(b.username)}`);
  for (const j of list(c.jwt_secrets)) if (str(j.key)) out.push(`jwt key ${str(j.key)}`);
  // gwc's per-scheme groups (names.ts schemeGroup) say which scheme's routes a credential opens:
  // key-auth takes any consumer's key whatever scheme it was written for, so a key moved from
  // scheme B to A (still `credential key-auth`) is a new way in, read here as `scheme G.scheme.a`.
  // Roles-set groups follow from the roles above and from what routes require: a route asking for
  // another set is no grant to the consumer.
  for (const a of list(c.acls)) {
    const g = str(a.group);
    if (!g || /^[^.]+\.roles:/.test(g)) continue;
    out.push(/^[^.]+\.scheme\./.test(g) ? `scheme ${g}` : `group ${g}`);
  }
  return [...new Set(out)].sort(compareText);
}
