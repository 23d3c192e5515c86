/**
 * Policies: named bundles and inline settings, merged in the override order of DESIGN.md
 * section 2 (operation > path item > root defaults). The nearest level that lists `policies`
 * picks the bundles; inline settings then override per feature, farthest first; `false` removes.
 */
import type { Diagnostic, Loc } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { HTTP_METHODS, type HeaderOps, type HttpMethod, type Policy } from '../types.js';
import { sortRecord } from './backends.js';
import { isObj, type Walker } from './node.js';
import { parseDuration, parseSize } from './units.js';

export const POLICY_KEYS = ['rateLimit', 'cors', 'cache', 'ipAllow', 'ipDeny', 'bodyLimit', 'requestHeaders', 'responseHeaders', 'accessLog'] as const;

/** Applies the policy settings found in `node` onto `into` (later calls override earlier ones). */
export function applyPolicySettings(w: Walker, node: Located, into: Policy, out: Diagnostic[]): void {
  if (!isObj(node.value)) return;
  const v = node.value;
  const at = (k: string): Located => w.child(node, k);
  if (v.rateLimit === false) delete into.rateLimit;
  else if (isObj(v.rateLimit)) {
    const r = v.rateLimit as { requests: number; per: 'second' | 'minute' | 'hour' | 'day'; by?: 'ip' | 'consumer' | { header: string }; burst?: number };
    into.rateLimit = { requests: r.requests, per: r.per, by: r.by ?? 'ip', burst: r.burst ?? 0, loc: at('rateLimit').loc };
  }
  if (v.cors === false) delete into.cors;
  else if (isObj(v.cors)) {
    const c = v.cors as { origins: string[]; methods?: HttpMethod[]; headers?: string[]; exposeHeaders?: string[]; credentials?: boolean; maxAge?: number };
    into.cors = {
      origins: [...c.origins],
      methods: c.methods ? sortMethods(c.methods) : [],
      headers: [...(c.headers ?? [])],
      exposeHeaders: [...(c.exposeHeaders ?? [])],
      credentials: c.credentials ?? false,
      loc: at('cors').loc,
      ...(c.maxAge !== undefined ? { maxAgeSeconds: c.maxAge } : {}),
    };
  }
  if (v.cache === false) delete into.cache;
  else if (isObj(v.cache)) {
    const c = v.cache as { ttl: string; methods?: HttpMethod[]; keyHeaders?: string[]; keyQuery?: boolean };
    const loc = at('cache').loc;
    into.cache = {
      ttlMs: parseDuration(c.ttl, loc, out) ?? 0,
      methods: sortMethods(c.methods ?? ['GET', 'HEAD']),
      keyHeaders: [...(c.keyHeaders ?? [])].sort(),
      keyQuery: c.keyQuery ?? true,
      loc,
    };
  }
  if (v.ipAllow !== undefined || v.ipDeny !== undefined) {
    const prev = into.ipRule;
    const allow = Array.isArray(v.ipAllow) ? (v.ipAllow as string[]) : (prev?.allow ?? []);
    const deny = Array.isArray(v.ipDeny) ? (v.ipDeny as string[]) : (prev?.deny ?? []);
    if (allow.length === 0 && deny.length === 0) delete into.ipRule;
    else into.ipRule = { allow: [...allow], deny: [...deny], loc: at(v.ipAllow !== undefined ? 'ipAllow' : 'ipDeny').loc };
  }
  if (v.bodyLimit === false) delete into.bodyLimit;
  else if (v.bodyLimit !== undefined) {
    const loc = at('bodyLimit').loc;
    const bytes = parseSize(v.bodyLimit, loc, out);
    if (bytes !== undefined) into.bodyLimit = { bytes, loc };
  }
  for (const key of ['requestHeaders', 'responseHeaders'] as const) {
    if (isObj(v[key])) into[key] = headerOps(v[key] as { set?: Record<string, string>; remove?: string[] }, at(key).loc);
  }
  if (v.accessLog === false) delete into.accessLog;
  else if (v.accessLog === true || isObj(v.accessLog)) into.accessLog = { format: 'json', loc: at('accessLog').loc };
}

function headerOps(h: { set?: Record<string, string>; remove?: string[] }, loc: Loc): HeaderOps {
  return { set: sortRecord(h.set ?? {}), remove: [...(h.remove ?? [])], loc };
}

function sortMethods(methods: readonly HttpMethod[]): HttpMethod[] {
  return HTTP_METHODS.filter((m) => methods.includes(m));
}
