/**
 * Routing layout (DESIGN.md section 3) in nginx's own matching order
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#location): `=` exact locations first,
 * then the longest prefix, then regexes in file order unless the prefix is `^~`.
 *
 * - A concrete path is an exact location: it wins over every templated path, as OpenAPI says.
 * - Templated paths are anchored regexes in precedence order. To keep the number of regexes a
 *   request scans small, they are nested under `^~` prefix locations keyed by their leading
 *   literal segments. A `^~` match stops nginx from trying outer regexes, so every group also
 *   carries, after its own regexes, the outer paths whose segment at that depth is a parameter
 *   ("fallbacks"): at that depth a literal beats a parameter, so they come last, in their order.
 * - One location per path; methods are dispatched inside it (405 with `Allow` otherwise).
 */
import { compareSegments, parsePath } from '../../model/paths.js';
import type { PathSegment, Route } from '../../model/types.js';
import { pathText, regexLiteral } from './escape.js';

/** All routes that share one path shape (same literals, parameters at the same places). */
export interface PathEntry {
  index: number;
  publicPath: string;
  segments: PathSegment[];
  concrete: boolean;
  /** Parameter name → capture variable, per route (names may differ between methods). */
  routes: Route[];
  /** Anchored PCRE for templated paths, with named captures `gwc_p<i>`. */
  regex?: string;
}

export interface GroupNode {
  /** `^~` prefix, e.g. `/v1/users/`. */
  prefix: string;
  children: GroupNode[];
  regexPaths: PathEntry[];
}

export interface Layout {
  exact: PathEntry[];
  root: GroupNode;
}

/** Deeper nesting multiplies the copied fallbacks for little gain. */
const MAX_DEPTH = 4;

/** The capture variable of the i-th parameter of a path (by position, so names can differ between methods). */
export const paramVar = (i: number): string => `gwc_p${i}`;

export function shapeKey(segments: PathSegment[]): string {
  return segments
    .map((s) => (s.kind === 'literal' ? `L${s.value}` : s.kind === 'param' ? 'P' : `M${JSON.stringify(s.parts.map((p) => ('literal' in p ? p.literal : 0)))}`))
    .join('/');
}

/** Segments of the public path, validated; throws `Refused` on unsafe text. */
export function publicSegments(route: Route): PathSegment[] {
  const parsed = parsePath(route.publicPath);
  if (parsed.error) throw new Error(`path ${route.publicPath} ${parsed.error}`);
  for (const s of parsed.segments) {
    const texts = s.kind === 'literal' ? [s.value] : s.kind === 'mixed' ? s.parts.flatMap((p) => ('literal' in p ? [p.literal] : [])) : [];
    for (const t of texts) {
      pathText(t, `path ${route.publicPath}`);
      // nginx normalises `.` and `..` segments away before matching: such a route could never be reached.
      if (s.kind === 'literal' && (t === '.' || t === '..')) throw new Error(`path ${route.publicPath} has a "." or ".." segment`);
    }
  }
  return parsed.segments;
}

export function pathRegex(segments: PathSegment[]): string {
  let i = 0;
  const seg = (s: PathSegment): string => {
    if (s.kind === 'literal') return regexLiteral(s.value);
    if (s.kind === 'param') return `(?<${paramVar(i++)}>[^/]+)`;
    return s.parts.map((p) => ('literal' in p ? regexLiteral(p.literal) : `(?<${paramVar(i++)}>[^/]+?)`)).join('');
  };
  return `^/${segments.map(seg).join('/')}$`;
}

/** Groups routes by path shape, in precedence order (sorted here, stable, whatever the input order). */
export function pathEntries(routes: Route[]): PathEntry[] {
  const byKey = new Map<string, PathEntry>();
  const list: PathEntry[] = [];
  for (const route of routes) {
    const segments = publicSegments(route);
    const key = shapeKey(segments);
    let entry = byKey.get(key);
    if (!entry) {
      const concrete = segments.every((s) => s.kind === 'literal');
      entry = { index: 0, publicPath: route.publicPath, segments, concrete, routes: [] };
      if (!concrete) entry.regex = pathRegex(segments);
      byKey.set(key, entry);
      list.push(entry);
    }
    entry.routes.push(route);
  }
  const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => compareSegments(a.e.segments, b.e.segments) || a.i - b.i).map((x) => x.e);
  sorted.forEach((e, i) => (e.index = i));
  return sorted;
}

export function buildLayout(entries: PathEntry[]): Layout {
  const exact = entries.filter((e) => e.concrete);
  const templated = entries.filter((e) => !e.concrete);
  return { exact, root: group([], templated, [], 0) };
}

function group(prefix: string[], paths: PathEntry[], fallbacks: PathEntry[], depth: number): GroupNode {
  const prefixText = prefix.length === 0 ? '/' : `/${prefix.join('/')}/`;
  const d = prefix.length;
  if (depth >= MAX_DEPTH || paths.length < 2) return { prefix: prefixText, children: [], regexPaths: [...paths, ...fallbacks] };
  const byLiteral = new Map<string, PathEntry[]>();
  const rest: PathEntry[] = [];
  for (const p of paths) {
    const s = p.segments[d];
    if (s?.kind === 'literal' && d < p.segments.length - 1) {
      const list = byLiteral.get(s.value) ?? [];
      list.push(p);
      byLiteral.set(s.value, list);
    } else rest.push(p);
  }
  const inherited = [...rest, ...fallbacks];
  const children = [...byLiteral.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, list]) => group([...prefix, value], list, inherited, depth + 1));
  return { prefix: prefixText, children, regexPaths: inherited };
}
