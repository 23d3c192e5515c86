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
import { compareSegments, parsedPath } from '../../model/paths.js';
import type { PathSegment, Route } from '../../model/types.js';
import { paramValueRegex } from '../param-value.js';
import { pathText, Refused, regexLiteral } from './escape.js';

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

/** Regexes a request scans in file order; `groups` come first, each a regex location with its own. */
export interface RegexLevel {
  groups: RegexGroup[];
  regexPaths: PathEntry[];
}

/**
 * A regex location that holds the templates sharing a next literal segment after a run of
 * parameters (`^/repos/[^/]+/[^/]+/pulls/`): nginx runs the regexes nested in the first regex
 * location that matches and never returns to its siblings
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#location), so a group repeats, in
 * order, every template of its level that a URI it matches could match.
 */
export interface RegexGroup extends RegexLevel {
  regex: string;
}

export interface GroupNode extends RegexLevel {
  /** `^~` prefix, e.g. `/v1/users/`. */
  prefix: string;
  children: GroupNode[];
}

export interface Layout {
  exact: PathEntry[];
  root: GroupNode;
}

/** Deeper nesting multiplies the copied fallbacks for little gain. */
const MAX_DEPTH = 4;
/** A level with this many regexes or fewer is scanned as it is. */
const MIN_SPLIT = 3;
/** Nesting of regex groups (each level narrows by one literal segment). */
const MAX_REGEX_DEPTH = 6;
const PARAM = '[^/]+'; // any one segment: a group's prefix narrows the scan, its templates refuse values
/** A level with more regexes than this is split again by the first character of the next literal. */
const MAX_LEVEL = 8;

const prefixRegex = (parts: string[]): string => (parts.length === 0 ? '^/' : `^/${parts.join('/')}/`);

/** The capture variable of the i-th parameter of a path (by position, so names can differ between methods). */
export const paramVar = (i: number): string => `gwc_p${i}`;

export function shapeKey(segments: PathSegment[]): string {
  return segments
    .map((s) => (s.kind === 'literal' ? `L${s.value}` : s.kind === 'param' ? 'P' : `M${JSON.stringify(s.parts.map((p) => ('literal' in p ? p.literal : 0)))}`))
    .join('/');
}

/** Segments of the public path, validated; throws `Refused` on unsafe text. */
export function publicSegments(route: Route): PathSegment[] {
  const parsed = parsedPath(route.publicPath);
  if (parsed.error) throw new Refused(`path ${route.publicPath}`, route.publicPath, parsed.error, { code: 'nginx-path-unroutable', params: { path: route.publicPath, detail: parsed.error } });
  for (const s of parsed.segments) {
    const texts = s.kind === 'literal' ? [s.value] : s.kind === 'mixed' ? s.parts.flatMap((p) => ('literal' in p ? [p.literal] : [])) : [];
    for (const t of texts) {
      pathText(t, `path ${route.publicPath}`);
      // nginx normalises `.` and `..` segments away before matching: such a route could never be reached.
      if (s.kind === 'literal' && (t === '.' || t === '..')) {
        throw new Refused(`path ${route.publicPath}`, route.publicPath, 'has a "." or ".." segment', { code: 'nginx-path-unroutable', params: { path: route.publicPath, detail: 'has a "." or ".." segment' } });
      }
    }
  }
  return parsed.segments;
}

/**
 * The anchored PCRE of a templated path, matched on `$uri` (decoded once). A parameter takes what
 * ../param-value.ts allows, as on Kong and Traefik (`[^/]+` took `..\admin\1` and a literal `%`,
 * which a backend reading `\` as `/` or decoding again resolves to another route: red team 16);
 * lazy beside literal text, so `{a}.{b}` splits at the first literal. Ends at `\z`: PCRE's `$` also
 * matches before a final newline, so `/users/me%0A` took `{id}` = `me` past a keyed `= /users/me`.
 */
const VALUE = paramValueRegex();
const VALUE_LAZY = paramValueRegex({ lazy: true });

export function pathRegex(segments: PathSegment[]): string {
  let i = 0;
  const seg = (s: PathSegment): string => {
    if (s.kind === 'literal') return regexLiteral(s.value);
    if (s.kind === 'param') return `(?<${paramVar(i++)}>${VALUE})`;
    return s.parts.map((p) => ('literal' in p ? regexLiteral(p.literal) : `(?<${paramVar(i++)}>${VALUE_LAZY})`)).join('');
  };
  return `^/${segments.map(seg).join('/')}\\z`;
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

function group(prefix: string[], paths: PathEntry[], outer: PathEntry[], depth: number): GroupNode {
  const prefixText = prefix.length === 0 ? '/' : `/${prefix.join('/')}/`;
  const d = prefix.length;
  // Only the outer templates that a URI under this prefix can match (more than d segments, each fitting the prefix).
  const fallbacks = outer.filter((p) => p.segments.length > d && prefix.every((v, i) => fits(p.segments[i]!, v)));
  const pattern = prefix.map(regexLiteral);
  if (depth >= MAX_DEPTH || paths.length < 2) return { prefix: prefixText, children: [], ...split([...paths, ...fallbacks], pattern, d, 0) };
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
  return { prefix: prefixText, children, ...split(inherited, pattern, d, 0) };
}

/** The next literal segment of a path from segment `d` on, after `skip` parameters (never its last segment). */
function nextLiteral(p: PathEntry, d: number): { skip: number; literal: string } | undefined {
  for (let i = d; i < p.segments.length - 1; i++) {
    const s = p.segments[i]!;
    if (s.kind === 'literal') return { skip: i - d, literal: s.value };
  }
  return undefined;
}

/** Whether a path segment can match the URL segment `value`. */
function fits(s: PathSegment, value: string): boolean {
  if (s.kind === 'param') return value !== '';
  if (s.kind === 'literal') return s.value === value;
  const re = s.parts.map((x) => ('literal' in x ? x.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.+?')).join('');
  return new RegExp(`^${re}$`).test(value);
}

/** Whether some URI with any segments at d..d+skip-1, `literal` at d+skip and more after could match `p`. */
function compatible(p: PathEntry, d: number, skip: number, literal: string): boolean {
  return p.segments.length >= d + skip + 2 && fits(p.segments[d + skip]!, literal);
}

/**
 * Splits a level's regexes (in precedence order) into regex groups by the next literal segment,
 * recursively, so that a request scans the groups of a level and then one group's regexes rather
 * than every template of the level. A path stays at the level when no other shares its key.
 */
function split(list: PathEntry[], pattern: string[], d: number, depth: number): RegexLevel {
  if (list.length <= MIN_SPLIT || depth >= MAX_REGEX_DEPTH) return { groups: [], regexPaths: list };
  const keyed = new Map<string, { skip: number; literal: string; members: number }>();
  for (const p of list) {
    const k = nextLiteral(p, d);
    if (!k) continue;
    const key = JSON.stringify([k.skip, k.literal]);
    const entry = keyed.get(key) ?? { ...k, members: 0 };
    entry.members++;
    keyed.set(key, entry);
  }
  const grouped = [...keyed.entries()].filter(([, k]) => k.members >= 2).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const inGroup = new Set(grouped.map(([key]) => key));
  const keys = new Map<RegexGroup, { skip: number; literal: string }>();
  const groups = grouped.map(([, k]) => {
    const inner = [...pattern, ...Array<string>(k.skip).fill(PARAM), regexLiteral(k.literal)];
    const candidates = list.filter((p) => compatible(p, d, k.skip, k.literal));
    const g: RegexGroup = { regex: prefixRegex(inner), ...split(candidates, inner, d + k.skip + 1, depth + 1) };
    keys.set(g, k);
    return g;
  });
  const stay = list.filter((p) => {
    const k = nextLiteral(p, d);
    return !k || !inGroup.has(JSON.stringify([k.skip, k.literal]));
  });
  return byFirstChar({ groups, regexPaths: stay }, keys, pattern, d);
}

/**
 * The first character of a literal as a whole code point: a literal starting with a non-BMP
 * character (an emoji) would otherwise be bucketed by a lone surrogate, which the configuration can
 * only write as U+FFFD, and its location would never match (a wider sibling template would answer).
 */
export function firstChar(literal: string): string {
  return String.fromCodePoint(literal.codePointAt(0)!);
}

/** The first non-empty literal segment of a path from `d` on, after `skip` parameters. */
function lead(p: PathEntry, d: number): { skip: number; ch: string } | undefined {
  for (let i = d; i < p.segments.length; i++) {
    const s = p.segments[i]!;
    if (s.kind === 'literal') return s.value === '' ? undefined : { skip: i - d, ch: firstChar(s.value) };
  }
  return undefined;
}

/**
 * A level with many regexes (groups and templates) gets one more layer: buckets keyed by the
 * first character of the next literal segment (`^/repos/[^/]+/[^/]+/(?:s|t)`), about the square
 * root of the level's size each, so a request scans about twice that root instead of the level.
 * A bucket holds, in order, every item of the level that a URI it matches could match.
 */
function byFirstChar(level: RegexLevel, keys: Map<RegexGroup, { skip: number; literal: string }>, pattern: string[], d: number): RegexLevel {
  const total = level.groups.length + level.regexPaths.length;
  if (total <= MAX_LEVEL) return level;
  const leadOf = (item: RegexGroup | PathEntry) => {
    const k = keys.get(item as RegexGroup);
    return k ? { skip: k.skip, ch: firstChar(k.literal) } : 'segments' in item ? lead(item, d) : undefined;
  };
  const items = [...level.groups, ...level.regexPaths];
  const size = Math.ceil(Math.sqrt(total));
  const buckets: Array<{ skip: number; chars: string[] }> = [];
  for (const skip of [...new Set(items.map((i) => leadOf(i)?.skip).filter((x) => x !== undefined))].sort((a, b) => a - b)) {
    const count = new Map<string, number>();
    for (const i of items) {
      const l = leadOf(i);
      if (l?.skip === skip) count.set(l.ch, (count.get(l.ch) ?? 0) + 1);
    }
    let chars: string[] = [];
    let n = 0;
    for (const ch of [...count.keys()].sort()) {
      chars.push(ch);
      n += count.get(ch)!;
      if (n >= size) {
        buckets.push({ skip, chars });
        chars = [];
        n = 0;
      }
    }
    if (chars.length > 0) buckets.push({ skip, chars });
  }
  const implied = (item: RegexGroup | PathEntry, b: { skip: number; chars: string[] }) => {
    const l = leadOf(item);
    return l !== undefined && l.skip === b.skip && b.chars.includes(l.ch);
  };
  const fits = (item: RegexGroup | PathEntry, b: { skip: number; chars: string[] }): boolean => {
    const k = keys.get(item as RegexGroup);
    if (k) return k.skip !== b.skip || b.chars.includes(firstChar(k.literal));
    const p = item as PathEntry;
    const s = p.segments[d + b.skip];
    if (!s) return false;
    if (s.kind === 'literal') return s.value !== '' && b.chars.includes(firstChar(s.value));
    const first = s.kind === 'mixed' ? s.parts[0]! : undefined;
    return !first || !('literal' in first) || first.literal === '' || b.chars.includes(firstChar(first.literal));
  };
  const used = buckets.filter((b) => items.filter((i) => implied(i, b)).length >= 2);
  if (used.length === 0) return level;
  const wrappers: RegexGroup[] = used.map((b) => ({
    regex: `${prefixRegex([...pattern, ...Array<string>(b.skip).fill(PARAM)])}(?:${b.chars.map(regexLiteral).join('|')})`,
    groups: level.groups.filter((g) => fits(g, b)),
    regexPaths: level.regexPaths.filter((p) => fits(p, b)),
  }));
  const keep = (i: RegexGroup | PathEntry) => !used.some((b) => implied(i, b));
  return { groups: [...wrappers, ...level.groups.filter(keep)], regexPaths: level.regexPaths.filter(keep) };
}
