/**
 * Route precedence (DESIGN.md section 3: each target's matching order): which route takes a
 * request when several answer it. Kong's `regex_priority`, Traefik's router `priority` and nginx's
 * location kinds and order decide it, and a changed order can hand a keyed literal's path to a
 * public template without any route's own settings changing. Each reader ranks its routes
 * (`Facts.route.ranks`, the gateway's order in its own terms); this file asks, for every request
 * path one of the routes of either side answers (paths.ts samplePath), which routes win it on each
 * side, and compares what the old winner did with what each new winner does. Target neutral.
 */
import { classifyMatched } from './classify.js';
import type { Entity } from './entity.js';
import { samplePath } from './paths.js';
import { jsRegex } from './regex-dialect.js';
import type { RuleId, Verdict } from './rules.js';
import { compareText } from '../diagnostics/collate.js';

/** Rules about the route itself, not about what its callers meet: another winner differs there by being another route. */
export const OWN: ReadonlySet<RuleId> = new Set<RuleId>(['route-moved', 'upstream-path-changed', 'backend-changed', 'route-removed']);

/** A method no route lists: the request a route answering every method takes alone. */
const OTHER = '(another method)';

interface Ranked {
  e: Entity;
  paths: string[];
  ranks: number[][];
  methods: string[];
  hosts: string[];
  /** The operation it is one alternative of (a view's key), or its own key. */
  group: string;
}

/** Greater first: element by element, a missing element the least. */
function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -Infinity;
    const y = b[i] ?? -Infinity;
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}

/**
 * The literal text every path an expression matches starts with (`^/v1/files/` of
 * `^/v1/files/[^/]+$`), for indexing: '' when the expression is not anchored, or has an
 * alternative outside a group (`^/a|/b`).
 */
function literalPrefix(source: string): string {
  if (!source.startsWith('^')) return '';
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return '';
  }
  let out = '';
  for (let i = 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length && !/[0-9A-Za-z]/.test(source[i + 1]!)) out += source[++i];
    else if (/[.*+?()[\]{}|$^\\]/.test(c)) break;
    else out += c;
  }
  // A quantifier after the last literal makes it optional: leave it out.
  return /[*?{]/.test(source[1 + out.length] ?? '') ? out.slice(0, -1) : out;
}

function rankedOf(entities: readonly Entity[]): Ranked[] {
  const groups = new Map<string, string>();
  for (const e of entities) for (const m of e.view?.members ?? []) groups.set(`${e.view!.memberKind}\u0000${m}`, e.key);
  const out: Ranked[] = [];
  for (const e of entities) {
    const r = e.facts?.route;
    if (e.view || !r?.paths?.length || r.ranks?.length !== r.paths.length) continue;
    out.push({ e, paths: r.paths, ranks: r.ranks, methods: r.methods ?? [], hosts: e.facts?.hosts ?? [], group: groups.get(`${e.kind}\u0000${e.key}`) ?? `${e.kind}\u0000${e.key}` });
  }
  return out;
}

/** Routes by the literal prefix of each of their paths, so a request path is tested against the few that can answer it. */
function indexed(routes: Ranked[]): (path: string) => Ranked[] {
  const by = new Map<string, Ranked[]>();
  for (const r of routes) {
    for (const p of new Set(r.paths.map((p) => (compiledOf(p) === null ? '' : literalPrefix(p))))) by.set(p, [...(by.get(p) ?? []), r]);
  }
  return (path: string) => {
    const out = new Set<Ranked>();
    for (let i = 0; i <= path.length; i++) for (const r of by.get(path.slice(0, i)) ?? []) out.add(r);
    return [...out];
  };
}

/**
 * Each expression compiled once (bounded memo). The gateway's dialect (PCRE, RE2, Rust regex) is
 * translated where exact (jsRegex); one still not exactly readable answers EVERY path (fail
 * closed: the diff then shows what it could outrank), never none.
 */
const compiled = new Map<string, RegExp | null>();
function compiledOf(source: string): RegExp | null {
  let re = compiled.get(source);
  if (re === undefined) {
    re = jsRegex(source);
    if (compiled.size > 50_000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}
function answersPath(source: string, path: string): boolean {
  const re = compiledOf(source);
  return re === null || re.test(path);
}

/** The route's rank for `path`: its best among its paths that answer it; undefined when none does. */
function rankFor(r: Ranked, path: string): number[] | undefined {
  let best: number[] | undefined;
  r.paths.forEach((p, i) => {
    if (answersPath(p, path) && (!best || compareRank(r.ranks[i]!, best) > 0)) best = r.ranks[i]!;
  });
  return best;
}

/** The routes that take a request for `path` with `method` and `host` (several when ranked equal: the gateway's pick among them is not fixed). */
function winners(candidates: Ranked[], path: string, method: string, host: string): Ranked[] {
  let top: number[] | undefined;
  let out: Ranked[] = [];
  for (const r of candidates) {
    if (r.methods.length > 0 && !r.methods.includes(method)) continue;
    if (r.hosts.length > 0 && !r.hosts.some((h) => hostMatches(h, host))) continue;
    const rank = rankFor(r, path);
    if (!rank) continue;
    const c = top ? compareRank(rank, top) : 1;
    if (c > 0) [top, out] = [rank, [r]];
    else if (c === 0) out.push(r);
  }
  return out;
}

/**
 * Whether a route's host `pattern` takes requests for `host`: the name itself, or a wildcard on
 * its leftmost or rightmost label (`*.example.com`, `example.*`: Kong's, nginx's server_name) over
 * one or more labels. https://docs.konghq.com/gateway/latest/key-concepts/routes/#wildcard-hostnames
 */
function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) return host.length > pattern.length - 1 && host.endsWith(pattern.slice(1));
  if (pattern.endsWith('.*')) return host.length > pattern.length - 1 && host.startsWith(pattern.slice(0, -1));
  return false;
}

/** A name a wildcard host pattern takes (the pattern itself when it has none), for the sample requests. */
const hostSample = (pattern: string) => pattern.replace(/^\*\./, 'gwcx0.').replace(/\.\*$/, '.gwcx0');

const overlap = (a: readonly string[], b: readonly string[]) =>
  a.length === 0 || b.length === 0 || a.some((x) => b.some((y) => hostMatches(x, hostSample(y)) || hostMatches(y, hostSample(x))));

/**
 * What changes for the callers of each request a route took before (`from`) and another route
 * takes now (`to`): for every path a ranked route of either side answers as its own (samplePath)
 * and every method and host the routes answering it name, the old winners and the new ones; each
 * new winner that is neither the old winner itself (`partner`: the same entity in `to`) nor another
 * alternative of its operation is compared with it as fallThrough compares a route gone (plan.ts):
 * everything it does to those callers against what the old one did, security and breaking, on the
 * old winner's entity in `to`. A request whose old winner is gone, or no longer answers it, is
 * fallThrough's.
 */
export function precedenceVerdicts(from: readonly Entity[], to: readonly Entity[], partner: (e: Entity) => Entity | undefined): Array<[Entity, Verdict]> {
  const a = rankedOf(from);
  const b = rankedOf(to);
  if (a.length === 0 || b.length === 0) return [];
  const inA = indexed(a);
  const inB = indexed(b);
  const byEntity = new Map(b.map((r) => [r.e, r]));
  // Each expression read once: both sides mostly list the same ones.
  const samples = new Set([...new Set([...a, ...b].flatMap((r) => r.paths))].map(samplePath).filter((p): p is string => p !== undefined));
  const out: Array<[Entity, Verdict]> = [];
  const seen = new Set<string>();
  for (const path of [...samples].sort(compareText)) {
    const ca = inA(path).filter((r) => rankFor(r, path));
    const cb = inB(path).filter((r) => rankFor(r, path));
    if (ca.length === 0 || cb.length === 0 || (ca.length === 1 && cb.length === 1)) continue;
    const methods = new Set([...ca, ...cb].flatMap((r) => (r.methods.length ? r.methods : [OTHER])));
    const hosts = new Set(['', ...[...ca, ...cb].flatMap((r) => r.hosts.map(hostSample))]);
    for (const method of [...methods].sort(compareText)) {
      for (const host of [...hosts].sort(compareText)) {
        const before = winners(ca, path, method, host);
        const now = winners(cb, path, method, host);
        const wasWinning = new Set(before.map((r) => partner(r.e)).filter((e): e is Entity => e !== undefined));
        for (const o of before) {
          const self = partner(o.e);
          const mine = self && byEntity.get(self);
          if (o.e.facts?.auth === undefined || !mine || !rankFor(mine, path)) continue;
          for (const w of now) {
            if (w.e === self || wasWinning.has(w.e) || w.group === mine.group || w.e.facts?.auth === undefined || !overlap(o.hosts, w.hosts)) continue;
            const request = `${method === OTHER ? '' : `${method} `}${host ? `${host}` : ''}${path}`;
            for (const v of classifyMatched(o.e.facts, { ...w.e.facts, route: o.e.facts.route })) {
              if (OWN.has(v.rule)) continue;
              const verdict: Verdict = { ...v, new: `${v.new ?? ''} (${w.e.key} now takes ${request} from it)` };
              const id = `${self.kind}\u0000${self.key}\u0000${v.rule}\u0000${w.e.key}`;
              if (seen.has(id)) continue;
              seen.add(id);
              out.push([self, verdict]);
            }
          }
        }
      }
    }
  }
  return out;
}
