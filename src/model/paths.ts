/**
 * Path templates and OpenAPI precedence (DESIGN.md section 3). Every target compiles the same
 * order; `matchRoute` is the reference matcher the targets' tests hold their gateways against.
 */
import type { Gateway, HttpMethod, PathSegment, Route } from './types.js';

/** Splits '/a/{x}/b{y}.json' into segments; undefined parts are reported by the caller. */
export function parsePath(path: string): { segments: PathSegment[]; params: string[]; error?: string } {
  const params: string[] = [];
  if (!path.startsWith('/')) return { segments: [], params, error: 'must start with /' };
  const raw = path === '/' ? [''] : path.slice(1).split('/');
  const segments: PathSegment[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    if (s === '' && !(i === raw.length - 1)) return { segments, params, error: 'has an empty segment (//)' };
    // No brace: one literal, as the scan below finds it (no match, nothing unbalanced), without a
    // regex, a parts list and a copy of the segment made for it (#18: most segments are literals).
    if (!s.includes('{') && !s.includes('}')) {
      segments.push({ kind: 'literal', value: s });
      continue;
    }
    const parts: Array<{ literal: string } | { param: string }> = [];
    const re = /\{([^{}]*)\}/g;
    let last = 0;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (m.index > last) parts.push({ literal: s.slice(last, m.index) });
      const name = m[1]!;
      if (name === '') return { segments, params, error: 'has an empty parameter {}' };
      if (params.includes(name)) return { segments, params, error: `uses {${name}} twice` };
      params.push(name);
      parts.push({ param: name });
      last = re.lastIndex;
    }
    if (last < s.length) parts.push({ literal: s.slice(last) });
    const rest = s.replace(re, '');
    if (rest.includes('{') || rest.includes('}')) return { segments, params, error: 'has an unbalanced { or }' };
    if (parts.length === 0) segments.push({ kind: 'literal', value: '' });
    else if (parts.length === 1 && 'literal' in parts[0]!) segments.push({ kind: 'literal', value: parts[0].literal });
    else if (parts.length === 1 && 'param' in parts[0]!) segments.push({ kind: 'param', name: parts[0].param });
    else {
      for (let k = 1; k < parts.length; k++) {
        if ('param' in parts[k]! && 'param' in parts[k - 1]!) return { segments, params, error: 'has two parameters side by side with nothing between them' };
      }
      segments.push({ kind: 'mixed', parts });
    }
  }
  return { segments, params };
}

/**
 * `parsePath(path)`, parsed once per text and shared (#18): the model parses every public path and
 * lint then compiles four targets of the same routes, nginx and AWS parsing them again per route
 * (nginx three times). The answer is read-only: callers keep, never change, its arrays. Bounded,
 * so a long-lived process holding many compiles does not grow it without end.
 */
export function parsedPath(path: string): Readonly<ReturnType<typeof parsePath>> {
  let parsed = PARSED.get(path);
  if (parsed === undefined) {
    if (PARSED.size >= 100_000) PARSED.clear();
    PARSED.set(path, (parsed = parsePath(path)));
  }
  return parsed;
}
const PARSED = new Map<string, ReturnType<typeof parsePath>>();

/**
 * The first route of each spec path and method, by path then method: how the Kong and API Gateway
 * inputs find an operation's route (no key text made per route and per lookup, #18; a search per
 * operation was quadratic, 0.7 s of 10,000 operations).
 */
export function firstRoutes(routes: readonly Route[]): Map<string, Map<HttpMethod, Route>> {
  const first = new Map<string, Map<HttpMethod, Route>>();
  for (const r of routes) {
    let byMethod = first.get(r.path);
    if (!byMethod) first.set(r.path, (byMethod = new Map()));
    if (!byMethod.has(r.method)) byMethod.set(r.method, r);
  }
  return first;
}

/** literal (2) beats mixed (1) beats a bare parameter (0). */
function rank(s: PathSegment): number {
  return s.kind === 'literal' ? 2 : s.kind === 'mixed' ? 1 : 0;
}

function segmentKey(s: PathSegment): string {
  if (s.kind === 'literal') return s.value;
  if (s.kind === 'param') return '{}';
  return s.parts.map((p) => ('literal' in p ? p.literal : '{}')).join('');
}

/**
 * OpenAPI precedence: at the first segment where two paths differ, a literal beats a parameter
 * (and a partly literal segment beats a bare parameter). Ties fall back to a stable textual order.
 */
export function compareSegments(a: PathSegment[], b: PathSegment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ra = rank(a[i]!);
    const rb = rank(b[i]!);
    if (ra !== rb) return rb - ra;
    const ka = segmentKey(a[i]!);
    const kb = segmentKey(b[i]!);
    if (ka !== kb) return ka < kb ? -1 : 1;
  }
  return a.length - b.length;
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

export function comparePrecedence(a: Route, b: Route): number {
  return (
    compareSegments(a.segments, b.segments) ||
    (a.hosts.join(',') < b.hosts.join(',') ? -1 : a.hosts.join(',') > b.hosts.join(',') ? 1 : 0) ||
    METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)
  );
}

/** Matches one URL path segment; returns captured parameters or undefined. */
function matchSegment(s: PathSegment, value: string): Record<string, string> | undefined {
  if (s.kind === 'literal') return s.value === value ? {} : undefined;
  if (value === '') return undefined; // a parameter matches exactly one non-empty segment
  if (s.kind === 'param') return { [s.name]: value };
  const m = new RegExp(`^${segmentRegex(s)}$`).exec(value);
  return m ? { ...m.groups } : undefined;
}

/** A JavaScript regex for a mixed segment (named groups are the parameter names when valid). */
function segmentRegex(s: Extract<PathSegment, { kind: 'mixed' }>): string {
  return s.parts
    .map((p) => ('literal' in p ? p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `(?<${safeGroup(p.param)}>[^/]+?)`))
    .join('');
}

function safeGroup(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `p_${Buffer.from(name).toString('hex')}`;
}

export function matchPath(segments: PathSegment[], urlPath: string): Record<string, string> | undefined {
  const parts = urlPath === '/' ? [''] : urlPath.slice(1).split('/');
  if (!urlPath.startsWith('/') || parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const got = matchSegment(segments[i]!, parts[i]!);
    if (!got) return undefined;
    Object.assign(params, got);
  }
  return params;
}

/**
 * The reference matcher: the route OpenAPI precedence picks for a request, or why none does.
 * `urlPath` is the public path (base path included), without query string.
 */
export function matchRoute(
  gateway: Gateway,
  method: string,
  urlPath: string,
  host?: string,
): { route: Route; params: Record<string, string> } | { status: 404 | 405; allow: HttpMethod[] } {
  const allow: HttpMethod[] = [];
  let pathMatched = false;
  let chosen: Route[] | undefined;
  for (const route of gateway.routes) {
    if (host !== undefined && route.hosts.length > 0 && !route.hosts.includes(host.toLowerCase())) continue;
    if (!matchPath(route.segments, urlPath)) continue;
    // The first template that matches wins for the path; its methods are the ones allowed.
    if (!pathMatched) {
      pathMatched = true;
      chosen = gateway.routes.filter((r) => r.publicPath === route.publicPath && sameHosts(r, route));
    }
  }
  if (!chosen) return { status: 404, allow };
  for (const r of chosen) allow.push(r.method);
  const hit = chosen.find((r) => r.method === method.toUpperCase());
  if (!hit) return { status: 405, allow };
  return { route: hit, params: matchPath(hit.segments, urlPath)! };
}

function sameHosts(a: Route, b: Route): boolean {
  return a.hosts.join(',') === b.hosts.join(',');
}

/**
 * Two templates of the same length that some URL matches both of, where neither is more specific
 * at every segment (`/a/{x}` vs `/{y}/b`): the order between them is gwc's choice, not OpenAPI's.
 * `mixedRanked: false` also reads a partly literal segment against a bare parameter as unordered
 * (`/files/{name}-{rev}` vs `/files/{id}`): gwc tries the mixed one first, but backends rank them
 * their own way (Spring: fewer captured variables first), REV20.
 */
export function ambiguous(a: PathSegment[], b: PathSegment[], mixedRanked = true): boolean {
  if (a.length !== b.length) return false;
  let aMore = false;
  let bMore = false;
  for (let i = 0; i < a.length; i++) {
    const sa = a[i]!;
    const sb = b[i]!;
    if (sa.kind === 'literal' && sb.kind === 'literal') {
      if (sa.value !== sb.value) return false;
      continue;
    }
    if (sa.kind === 'literal' && sb.kind !== 'literal') {
      if (sb.kind === 'mixed' && !matchSegment(sb, sa.value)) return false;
      aMore = true;
    } else if (sb.kind === 'literal' && sa.kind !== 'literal') {
      if (sa.kind === 'mixed' && !matchSegment(sa, sb.value)) return false;
      bMore = true;
    } else if (sa.kind !== sb.kind) {
      if (!mixedRanked) aMore = bMore = true;
      else if (sa.kind === 'mixed') aMore = true;
      else bMore = true;
    }
  }
  return aMore && bMore;
}
