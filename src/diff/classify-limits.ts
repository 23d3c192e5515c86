/**
 * Limit rules (split from classify.ts, the one table is rules.ts): request rates and their key,
 * bursts, connection caps and their key, counters that fail open or count per node, body limits
 * and IP allow and deny lists.
 */
import { covered, EVERYWHERE } from './cidr.js';
import type { Facts } from './entity.js';
import type { Verdict } from './rules.js';

// ---- limits ---------------------------------------------------------------------------------

/** The most requests a client may send in `window` seconds under these limits. */
function cap(limits: Record<string, number>, window: number): number {
  let best = Infinity;
  for (const [w, n] of Object.entries(limits)) best = Math.min(best, n * Math.ceil(window / Number(w)));
  return best;
}

const WINDOW_NAMES: Record<string, string> = { '1': 'second', '60': 'minute', '3600': 'hour', '86400': 'day', '2592000': 'month', '31536000': 'year' };
export const describeRate = (r: Record<string, number> | undefined): string =>
  r === undefined
    ? 'none'
    : Object.keys(r)
        .sort((x, y) => Number(x) - Number(y))
        .map((w) => `${r[w]}/${WINDOW_NAMES[w] ?? `${w}s`}`)
        .join(', ');

export function rateRules(a: Record<string, number> | undefined, b: Record<string, number> | undefined): Verdict[] {
  if (a === undefined && b === undefined) return [];
  const text = { old: describeRate(a), new: describeRate(b) };
  const windows = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].map(Number);
  const out: Verdict[] = [];
  if (windows.some((w) => cap(b ?? {}, w) > cap(a ?? {}, w))) out.push({ rule: 'rate-limit-raised', ...text });
  if (windows.some((w) => cap(b ?? {}, w) < cap(a ?? {}, w))) out.push({ rule: 'rate-limit-lowered', ...text });
  return out;
}

const describeBytes = (n: number | undefined) => (n === undefined ? 'none' : `${n} bytes`);

export function bodyRules(a: number | undefined, b: number | undefined): Verdict[] {
  const o = a ?? Infinity;
  const n = b ?? Infinity;
  if (n > o) return [{ rule: 'body-limit-raised', old: describeBytes(a), new: describeBytes(b) }];
  if (n < o) return [{ rule: 'body-limit-lowered', old: describeBytes(a), new: describeBytes(b) }];
  return [];
}

export function ipRules(a: string[] | undefined, b: string[] | undefined): Verdict[] {
  const o = a ?? EVERYWHERE;
  const n = b ?? EVERYWHERE;
  const text = { old: a ? a.join(', ') : 'any', new: b ? b.join(', ') : 'any' };
  const out: Verdict[] = [];
  if (!covered(n, o)) out.push({ rule: 'ip-widened', ...text });
  if (!covered(o, n)) out.push({ rule: 'ip-narrowed', ...text });
  return out;
}

/** A deny entry removed or narrowed lets its addresses in again; one added refuses clients. */
export function denyRules(a: string[] | undefined, b: string[] | undefined): Verdict[] {
  const o = a ?? [];
  const n = b ?? [];
  const text = { old: o.join(', ') || 'none', new: n.join(', ') || 'none' };
  const out: Verdict[] = [];
  if (o.length > 0 && !covered(o, n)) out.push({ rule: 'ip-deny-narrowed', ...text });
  if (n.length > 0 && !covered(n, o)) out.push({ rule: 'ip-narrowed', ...text });
  return out;
}

/**
 * What a route's limits count by and how far they give: a rate or connection cap counted by another
 * key (per address, per consumer, per request host, a header the client writes) is security either
 * way, since two keys cannot be ranked; a burst raised; a cap raised or gone.
 */
export function limitRules(o: Facts, n: Facts): Verdict[] {
  const out: Verdict[] = [];
  if (o.rateLimitKey !== undefined && n.rateLimitKey !== undefined && o.rateLimitKey !== n.rateLimitKey) out.push({ rule: 'rate-limit-key-changed', old: o.rateLimitKey, new: n.rateLimitKey });
  if (o.burst !== undefined && n.burst !== undefined && n.burst > o.burst) out.push({ rule: 'burst-raised', old: String(o.burst), new: String(n.burst) });
  if (o.rateLimitPerNode === false && n.rateLimitPerNode === true) out.push({ rule: 'rate-limit-raised', old: 'counted once for every node', new: 'counted per node (N nodes: N times the rate)' });
  const conns = (f: Facts) => f.connectionLimit ?? Infinity;
  const connText = (f: Facts) => (f.connectionLimit === undefined ? 'no cap on open connections' : `${f.connectionLimit} open connections per ${f.connectionLimitKey ?? 'key'}`);
  if (conns(n) > conns(o)) out.push({ rule: 'rate-limit-raised', old: connText(o), new: connText(n) });
  if (conns(n) < conns(o)) out.push({ rule: 'rate-limit-lowered', old: connText(o), new: connText(n) });
  // Compared while both sides cap: the cap itself gone or added is the rule above.
  if (o.connectionLimit !== undefined && n.connectionLimit !== undefined && o.connectionLimitKey !== undefined && n.connectionLimitKey !== undefined && o.connectionLimitKey !== n.connectionLimitKey) {
    out.push({ rule: 'rate-limit-key-changed', old: connText(o), new: connText(n) });
  }
  if (o.rateLimitFailsOpen === false && n.rateLimitFailsOpen === true) out.push({ rule: 'rate-limit-fail-open', old: 'refused (500) when the counters fail', new: 'let through uncounted when the counters fail' });
  return out;
}
