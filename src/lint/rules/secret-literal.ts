import { joinPointer } from '../../spec/pointer.js';
import { defineRule } from '../rule.js';

/**
 * Secrets are references, never literals (DESIGN.md section 2). Two signals: a value shaped like a
 * well-known credential anywhere in any file of the spec, and a literal under a key named like a
 * secret (outside examples and schemas, where such keys name fields rather than hold values).
 */
const PATTERNS: Array<[kind: string, re: RegExp]> = [
  ['private key', /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/],
  ['AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['Stripe secret key', /\b[rs]k_live_[A-Za-z0-9]{16,}/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
];
/**
 * A literal every pattern above needs (each is case-sensitive): a string without one matches
 * none, so one scan replaces seven on the long strings (descriptions) of a large spec (#18).
 */
const ANY_PATTERN = /-----BEGIN |AKIA|ASIA|gh[pousr]_|xox[abprs]-|k_live_|AIza|eyJ/;
const SECRET_KEY = /(?:^|[-_])(?:pass(?:word|wd)?|secret|client[-_]?secret|api[-_]?key|apikey|access[-_]?key|private[-_]?key|token|credentials?)$/i;
const REFERENCE = /^\$\{(?:env|file|vault):[^}]+\}$/;
const NOT_VALUES = new Set(['example', 'examples', 'properties', 'x-example', 'enum', 'default', 'const', 'schema', 'parameters', 'headers', 'securitySchemes', 'security', 'credentials']);

/** SECRET_KEY's answer per key: a spec repeats a few hundred keys a million times (#18). */
const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let yes = secretKeys.get(key);
  if (yes === undefined) {
    yes = SECRET_KEY.test(key);
    if (secretKeys.size < 10_000) secretKeys.set(key, yes);
  }
  return yes;
}

export default defineRule({
  meta: { id: 'secret-literal', messageIds: ['pattern', 'key'] },
  check(ctx, report) {
    for (const [file, source] of ctx.spec.files) {
      // The pointer is built only when something is reported: specs of 10 MB have a million keys.
      const tokens: Array<string | number> = [];
      const at = () => ({ file, pointer: joinPointer('', ...tokens) });
      const walk = (v: unknown, key: string, inValues: boolean): void => {
        if (typeof v === 'string') {
          if (v.length < 16 && !isSecretKey(key)) return;
          const hit = ANY_PATTERN.test(v) ? PATTERNS.find(([, re]) => re.test(v)) : undefined;
          if (hit) report('pattern', { kind: hit[0] }, at());
          else if (inValues && isSecretKey(key) && looksSecret(v)) report('key', { key }, at());
          return;
        }
        if (v === null || typeof v !== 'object') return;
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            tokens.push(i);
            walk(v[i], key, inValues);
            tokens.pop();
          }
          return;
        }
        // for-in: no key array per object (own keys only, in Object.keys' order).
        for (const k in v) {
          if (!Object.hasOwn(v, k)) continue;
          tokens.push(k);
          walk((v as Record<string, unknown>)[k], k, inValues && !NOT_VALUES.has(k));
          tokens.pop();
        }
      };
      walk(source.data, '', true);
    }
  },
});

/** A literal that could be a credential: no spaces, not a reference, not a URL, long enough. */
function looksSecret(v: string): boolean {
  return v.length >= 8 && !REFERENCE.test(v) && !/\s/.test(v) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !/^\$\{/.test(v);
}
