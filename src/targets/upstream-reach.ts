/**
 * DESIGN.md 7.5 for the targets that match the public path themselves and pass a path parameter
 * into the backend path as one opaque segment (nginx, Kong): what a route forwards must not be a
 * backend path that a differently protected route of the same backend server is served at.
 *
 * The gateway's literal-before-parameter order keeps `GET /users/me` (keyed) from the public
 * `/users/{id}` only while both reach the backend through the same mapping. An `upstreamPath`
 * (`/p/{id}` -> `/users/{id}`), two backend names of one server with other base paths, a route on
 * fewer hosts, or another server base path break that: `GET /p/me` was sent to the backend as
 * `/users/me` with no key. For each route with a parameter in its backend path, and each route of
 * the same server and method that admits fewer callers (body-override.ts protectedMore) and whose
 * backend path template the first one's can produce, a witness request is built (the parameter
 * values that produce the other's backend path) and given to the reference matcher: if the gateway
 * routes that public path to the first route, a caller reaches the other's handler through it, and
 * the build is refused. AWS has its own, wider check (aws/confusable.ts: its values are not
 * re-encoded); case and suffix variants that only a case-blind or suffix-matching backend reads
 * alike are lint's (path-param-shadows-protected).
 */
import { parsePath, matchRoute } from '../model/paths.js';
import type { Loc } from '../diagnostics/diagnostic.js';
import type { Gateway, PathSegment, Route } from '../model/types.js';
import { protectedMore, sameBackendPath } from './body-override.js';

export interface UpstreamReach {
  /** The route whose parameter values choose the backend path. */
  route: Route;
  /** The more protected route served at that backend path. */
  other: Route;
  /** The backend path template of `route` (its upstreamPath, else its own path). */
  upstream: string;
  /** The values that do it, as `name=value` pairs. */
  values: string;
}

/** A value for a parameter facing a parameter: any plain one-segment text. */
const ANY = 'x';

/** The backend path template of a route, without the backend URL's own path. */
const backendTemplate = (r: Route): string => r.upstreamPath?.template ?? r.path;

/** A regex matching a mixed segment, one named group per parameter (in order). */
function mixedRegex(s: Extract<PathSegment, { kind: 'mixed' }>): RegExp {
  return new RegExp(`^${s.parts.map((p) => ('literal' in p ? p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '([^/]+?)')).join('')}$`);
}

/** A sample value of a segment of the other route (a parameter or a mixed segment). */
function sample(s: PathSegment): string {
  if (s.kind === 'literal') return s.value;
  if (s.kind === 'param') return ANY;
  return s.parts.map((p) => ('literal' in p ? p.literal : ANY)).join('');
}

/**
 * The parameter values of `ours` (a backend path template) that produce a path `theirs` also
 * matches, segment by segment: a literal of theirs fixes the value facing it. Undefined when no
 * value can (a literal differs, or one parameter would need two values).
 */
function witness(ours: PathSegment[], theirs: PathSegment[]): Map<string, string> | undefined {
  if (ours.length !== theirs.length) return undefined;
  // A literal of theirs fixes a value (hard); facing a parameter of theirs, any sample does (soft).
  const hard = new Map<string, string>();
  const soft = new Map<string, string>();
  const fix = (name: string, value: string): boolean => {
    const had = hard.get(name);
    if (value === '' || (had !== undefined && had !== value)) return false;
    hard.set(name, value);
    return true;
  };
  for (let i = 0; i < ours.length; i++) {
    const o = ours[i]!;
    const t = theirs[i]!;
    const text = sample(t);
    if (o.kind === 'literal') {
      if (t.kind === 'literal' ? o.value !== t.value : t.kind === 'mixed' ? !mixedRegex(t).test(o.value) : o.value === '') return undefined;
      continue;
    }
    const names = o.kind === 'param' ? [o.name] : o.parts.flatMap((p) => ('param' in p ? [p.param] : []));
    const m = o.kind === 'param' ? [text, text] : mixedRegex(o).exec(text);
    if (!m) {
      if (t.kind === 'literal') return undefined;
      continue; // two mixed segments: assumed to meet (fail closed), the sample values stand
    }
    if (t.kind !== 'literal') names.forEach((n, k) => soft.set(n, m[k + 1]!));
    else if (!names.every((n, k) => fix(n, m[k + 1]!))) return undefined;
  }
  return new Map([...soft, ...hard]);
}

/** The public path of `r` with these parameter values (ANY for the others). */
function publicPathOf(r: Route, values: Map<string, string>): string {
  const v = (name: string) => values.get(name) ?? ANY;
  const segs = r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? v(s.name) : s.parts.map((p) => ('literal' in p ? p.literal : v(p.param))).join('')));
  return `/${segs.join('/')}`;
}

/** Whether the gateway routes `path` to `r` itself on some host `r` answers on (any host when it names none). */
function routedTo(gateway: Gateway, r: Route, path: string): boolean {
  // A route on every host also answers hosts no other route names.
  const hosts = r.hosts.length > 0 ? r.hosts : ['gwc-any-host.invalid'];
  return hosts.some((h) => {
    const m = matchRoute(gateway, r.method, path, h);
    return 'route' in m && m.route === r;
  });
}

/**
 * Every route of `routes` (the ones the target builds) that forwards a request onto a backend path
 * a more protected route of the same server and method is served at, with the first such route.
 */
export function upstreamReaches(gateway: Gateway, routes: readonly Route[]): UpstreamReach[] {
  const out: UpstreamReach[] = [];
  const reach = sameBackendPath(gateway, routes);
  const prefixOf = new Map(gateway.backends.map((b) => [b.name, b.targets.map((t) => t.url.path)]));
  for (const route of routes) {
    const ours = parsePath(backendTemplate(route));
    if (ours.error || ours.params.length === 0) continue;
    const candidates = [...reach(route)]
      .filter((o) => o !== route && (o.method === route.method || (route.method === 'HEAD' && o.method === 'GET')) && protectedMore(o, route))
      .sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const other of candidates) {
      const theirs = parsePath(backendTemplate(other));
      if (theirs.error) continue;
      // The backend URL paths are prepended whole: line them up as leading literal segments.
      const found = (prefixOf.get(route.backend) ?? ['']).some((pa) =>
        (prefixOf.get(other.backend) ?? ['']).some((pb) => {
          const lead = (p: string): PathSegment[] => p.split('/').filter((s) => s !== '').map((value) => ({ kind: 'literal', value }));
          const values = witness([...lead(pa), ...ours.segments], [...lead(pb), ...theirs.segments]);
          if (!values || !routedTo(gateway, route, publicPathOf(route, values))) return false;
          out.push({ route, other, upstream: backendTemplate(route), values: [...values].map(([k, v]) => `${k}=${v}`).join(', ') });
          return true;
        }),
      );
      if (found) break;
    }
  }
  return out;
}

/**
 * The refusal of each such route, at its upstreamPath (the node the user edits) or the operation:
 * the params of `upstream-param-reaches-protected`.
 */
export function upstreamReachRefusals(gateway: Gateway, routes: readonly Route[], target: string): Array<{ params: { target: string; route: string; other: string; upstream: string; values: string }; loc: Loc }> {
  return upstreamReaches(gateway, routes).map((r) => ({
    params: { target, route: r.route.id, other: r.other.id, upstream: r.upstream, values: r.values },
    loc: r.route.upstreamPath?.loc ?? r.route.loc,
  }));
}
