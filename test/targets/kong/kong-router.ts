/**
 * A model of Kong 3's route selection (traditional_compatible router), enough to test what gwc
 * emits: a route matches when its methods, hosts and one of its paths match (a `~` path is a
 * regex anchored at the start, others are prefixes); among matches Kong prefers more matching
 * fields, then higher regex_priority, then (plain paths) the longer path. Two different routes
 * equal on all of these are left to creation order: reported as `ambiguous`, which a test fails.
 * https://docs.konghq.com/gateway/latest/key-concepts/routes/#matching-priorities
 */
import { withServicePlugins } from './precedence.js';

export interface KongRoute {
  name: string;
  methods?: string[];
  hosts?: string[];
  headers?: Record<string, string[]>;
  paths?: string[];
  regex_priority?: number;
  plugins?: Array<{ name: string; config: Record<string, unknown> }>;
  /** The service the route belongs to (nested), if any. */
  service?: { name: string; protocol?: string; host?: string; port?: number; path?: string };
}

/**
 * Every route, with its service and its EFFECTIVE plugins: Kong picks per plugin name the route's
 * own configuration over its service's over a global one (kong/runloop/plugins_iterator.lua
 * lookup_cfg, Kong 3.x), and gwc writes a configuration every route of a service shares once, on
 * the service (src/targets/kong/hoist.ts, #18), so `plugins` here is the route's own plus each of
 * its service's it has none of (precedence.ts; a consumer-scoped one is the caller's, not the
 * route's).
 */
export function allRoutes(doc: { services?: Array<Record<string, unknown>>; routes?: KongRoute[] }): KongRoute[] {
  const out: KongRoute[] = [];
  for (const s of doc.services ?? []) {
    for (const r of (s.routes as KongRoute[] | undefined) ?? []) {
      out.push({ ...withServicePlugins(r, s), service: s as KongRoute['service'] });
    }
  }
  for (const r of doc.routes ?? []) out.push(r);
  return out;
}

/**
 * Kong 3's default router (traditional_compatible) hands regex paths to the ATC router, which runs
 * Rust's regex crate: no look-around and no backreferences. Kong refuses such a route at load
 * (Kong/kong#9495), so the model refuses it too rather than matching with JavaScript's richer
 * engine. https://docs.rs/regex/latest/regex/#syntax
 */
export function rustRegexUnsupported(body: string): string | undefined {
  return /\(\?<?[=!]|\\[1-9]|\\k</.exec(body)?.[0];
}

function pathMatch(p: string, path: string): { ok: boolean; regex: boolean; captures?: Record<string, string> } {
  if (p.startsWith('~')) {
    const bad = rustRegexUnsupported(p.slice(1));
    if (bad) throw new Error(`Kong 3 (Rust regex) cannot load route path ${p}: ${bad} is not supported`);
    const m = new RegExp(`^(?:${p.slice(1)})`).exec(path);
    return { ok: !!m, regex: true, captures: m?.groups ? { ...m.groups } : {} };
  }
  return { ok: path.startsWith(p), regex: false };
}

export type KongMatch =
  | { route: KongRoute; captures: Record<string, string> }
  | { none: true }
  | { ambiguous: [KongRoute, KongRoute] };

export function kongMatch(routes: KongRoute[], method: string, path: string, host?: string, headers: Record<string, string> = {}): KongMatch {
  type Cand = { route: KongRoute; weight: number; prio: number; len: number; captures: Record<string, string> };
  const cands: Cand[] = [];
  for (const r of routes) {
    if (r.methods && r.methods.length && !r.methods.includes(method)) continue;
    if (r.hosts && r.hosts.length && (host === undefined || !r.hosts.includes(host))) continue;
    const hdrs = Object.entries(r.headers ?? {});
    if (hdrs.some(([k, vs]) => !vs.includes(headers[k.toLowerCase()] ?? '\u0000'))) continue;
    let best: { regex: boolean; len: number; captures: Record<string, string> } | undefined;
    for (const p of r.paths ?? ['/']) {
      const m = pathMatch(p, path);
      if (m.ok && (!best || p.length > best.len)) best = { regex: m.regex, len: p.length, captures: m.captures ?? {} };
    }
    if (!best) continue;
    const weight = [r.methods?.length, r.hosts?.length, r.paths?.length, hdrs.length].filter((x) => x).length;
    cands.push({ route: r, weight, prio: best.regex ? (r.regex_priority ?? 0) : Number.MIN_SAFE_INTEGER, len: best.regex ? 0 : best.len, captures: best.captures });
  }
  if (cands.length === 0) return { none: true };
  cands.sort((a, b) => b.weight - a.weight || b.prio - a.prio || b.len - a.len);
  const [a, b] = cands;
  if (b && a && a.weight === b.weight && a.prio === b.prio && a.len === b.len && a.route.name !== b.route.name) {
    return { ambiguous: [a.route, b.route] };
  }
  return { route: a!.route, captures: a!.captures };
}
