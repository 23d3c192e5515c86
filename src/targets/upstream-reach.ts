/**
 * DESIGN.md 7.5 on every target (nginx, Kong, Traefik; AWS for the routes its own confusable.ts
 * does not cover): what a route forwards must not be a backend path that a differently protected
 * route of the same backend server is served at.
 *
 * The gateway's literal-before-parameter order keeps `GET /users/me` (keyed) from the public
 * `/users/{id}` only while both reach the backend through the same mapping. An `upstreamPath`
 * (`/p/{id}` -> `/users/{id}`, a public `/status` -> `/admin`), two backend names of one server
 * with other base paths, a route on fewer hosts, or another server base path break that: `GET
 * /p/me` was sent to the backend as `/users/me` with no key. For each route (with a parameter in
 * its backend path or not), and each route of
 * the same server and method that admits fewer callers (model/admits.ts protectedMore) and whose
 * backend path template the first one's can produce, a witness request is built (the parameter
 * values that produce the other's backend path) and given to the reference matcher: if the gateway
 * routes that public path to the first route, a caller reaches the other's handler through it, and
 * the build is refused. AWS has its own, wider check for parameters (aws/confusable.ts: its values
 * are not re-encoded); case and suffix variants that only a case-blind or suffix-matching backend
 * reads alike are param-variants.ts's.
 */
import { matchPath } from '../model/paths.js';
import type { Loc } from '../diagnostics/diagnostic.js';
import type { Gateway, PathSegment, Route } from '../model/types.js';
import { serverKey } from '../model/normalise/units.js';
import { neverProtectedMore, protectedMore } from '../model/admits.js';

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

/** A regex matching a mixed segment, one group per parameter (in order); case-blind, as literals compare. */
function mixedRegex(s: Extract<PathSegment, { kind: 'mixed' }>): RegExp {
  return new RegExp(`^${s.parts.map((p) => ('literal' in p ? p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '([^/]+?)')).join('')}$`, 'i');
}

/**
 * A backend path as a backend that normalises it reads it (RFC 3986 section 5.2.4, and `//` merged
 * as nginx, Spring and Tomcat do): a literal `.`, `..` or empty segment in an upstreamPath or a
 * backend URL path is resolved, so `/x/../users/{id}` is compared as `/users/{id}`. Parameter
 * values are never dot segments (nginx re-encodes them, Kong's capture refuses them).
 */
function resolved(segs: PathSegment[]): PathSegment[] {
  const out: PathSegment[] = [];
  for (const s of segs) {
    if (s.kind === 'literal' && (s.value === '' || s.value === '.')) continue;
    if (s.kind === 'literal' && s.value === '..') out.pop();
    else out.push(s);
  }
  return out;
}

/** Literal segments compare case-blind: ASP.NET Core, IIS and case-insensitive Spring routes read /USERS/me as /users/me. */
const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

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
function witness(ours: PathSegment[], theirs: PathSegment[], caseSensitive = false): Map<string, string> | undefined {
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
      if (t.kind === 'literal' ? (caseSensitive ? o.value !== t.value : !sameText(o.value, t.value)) : t.kind === 'mixed' ? !mixedRegex(t).test(o.value) : o.value === '') return undefined;
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

/**
 * A backend path template's segments. Unlike parsePath (public paths), a parameter may appear twice
 * (`/p/{id}/../../users/{id}` is accepted by the model): it is read, never refused here, so an
 * unusual template is still checked.
 */
function templateSegments(t: string): PathSegment[] {
  return t.split('/').filter((x, i) => i > 0 || x !== '').map((raw): PathSegment => {
    // `%2E` is `.` (RFC 3986 2.3, decoded by normalisers, so `%2e%2e` climbs) and a `;` path
    // parameter is dropped (Tomcat, Spring): `/{x};v=1` forwards `/admin;v=1`, read as `/admin`.
    const decoded = raw.replace(/%2e/gi, '.');
    const seg = decoded.includes(';') ? decoded.slice(0, decoded.indexOf(';')) : decoded;
    const parts = seg
      .split(/(\{[^{}]*\})/)
      .filter((x) => x !== '')
      .map((x): { param: string } | { literal: string } => (/^\{[^{}]*\}$/.test(x) ? { param: x.slice(1, -1) } : { literal: x }));
    const first = parts[0];
    if (parts.length === 1 && first && 'param' in first) return { kind: 'param', name: first.param };
    if (parts.every((x) => 'literal' in x)) return { kind: 'literal', value: seg };
    return { kind: 'mixed', parts };
  });
}

/** The backend path `segs` gives with these values (ANY for the others), as segments of text. */
function concrete(segs: PathSegment[], values: Map<string, string>): string[] {
  const v = (name: string) => values.get(name) ?? ANY;
  return segs.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? v(s.name) : s.parts.map((p) => ('literal' in p ? p.literal : v(p.param))).join('')));
}

/**
 * How specific a backend path template is for a path it matches, as a string that sorts like
 * OpenAPI's rule (model/paths.ts compareSegments): literal (2) before mixed (1) before a bare
 * parameter (0), segment by segment; the texts are the same path's, so they are not compared.
 */
const specificity = (segs: PathSegment[]): string => segs.map((s) => (s.kind === 'literal' ? '2' : s.kind === 'mixed' ? '1' : '0')).join('');

/** Whether a backend path template's segment reads this text (case-blind, as sameText). */
function segmentReads(seg: PathSegment, text: string): boolean {
  if (seg.kind === 'literal') return sameText(seg.value, text);
  return text !== '' && (seg.kind === 'param' || mixedRegex(seg).test(text));
}

/** The public path of `r` with these parameter values (ANY for the others). */
function publicPathOf(r: Route, values: Map<string, string>): string {
  const v = (name: string) => values.get(name) ?? ANY;
  const segs = r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? v(s.name) : s.parts.map((p) => ('literal' in p ? p.literal : v(p.param))).join('')));
  return `/${segs.join('/')}`;
}

/**
 * Whether the gateway routes `path` to `r` itself on some host `r` answers on (any host when it
 * names none): model/paths.ts matchRoute's rule (the first route in precedence order whose
 * template matches takes the path, its method is then chosen), over the routes a trie of public
 * paths finds for it instead of all of them.
 */
function routerOf(gateway: Gateway): (r: Route, path: string) => boolean {
  const order = new Map(gateway.routes.map((x, i) => [x, i]));
  const root = node();
  for (const x of gateway.routes) insert(root, x.segments, { route: x, segs: x.segments }, false);
  return (r, path) => {
    const parts = path.slice(1).split('/').map((value): PathSegment => ({ kind: 'literal', value }));
    const found: Array<{ route: Route; segs: PathSegment[] }> = [];
    overlapping(root, parts, 0, found, false);
    const matching = found.map((f) => f.route).filter((x) => matchPath(x.segments, path)).sort((a, b) => order.get(a)! - order.get(b)!);
    // A route on every host also answers hosts no other route names.
    const hosts = r.hosts.length > 0 ? r.hosts : [undefined];
    return hosts.some((h) => {
      const first = matching.find((x) => h === undefined ? x.hosts.length === 0 : x.hosts.length === 0 || x.hosts.includes(h));
      if (!first) return false;
      const chosen = matching.filter((x) => x.publicPath === first.publicPath && x.hosts.join(',') === first.hosts.join(','));
      return chosen.find((x) => x.method === r.method) === r;
    });
  };
}

/** A trie of resolved backend paths, literals by lower-cased text; a parameter or mixed segment is `any`. */
interface Node {
  lit: Map<string, Node>;
  any?: Node;
  here: Array<{ route: Route; segs: PathSegment[] }>;
}
const node = (): Node => ({ lit: new Map(), here: [] });

function insert(root: Node, segs: PathSegment[], entry: { route: Route; segs: PathSegment[] }, fold = true): void {
  let n = root;
  for (const s of segs) {
    const key = s.kind === 'literal' ? (fold ? s.value.toLowerCase() : s.value) : undefined;
    n = key === undefined ? (n.any ??= node()) : n.lit.get(key) ?? (n.lit.set(key, node()), n.lit.get(key)!);
  }
  n.here.push(entry);
}

/** The entries whose path a request of `segs` may also be (witness() decides). */
function overlapping(n: Node, segs: PathSegment[], i: number, out: Array<{ route: Route; segs: PathSegment[] }>, fold = true): void {
  if (i === segs.length) {
    out.push(...n.here);
    return;
  }
  const s = segs[i]!;
  if (s.kind === 'literal') {
    const c = n.lit.get(fold ? s.value.toLowerCase() : s.value);
    if (c) overlapping(c, segs, i + 1, out, fold);
  } else for (const c of n.lit.values()) overlapping(c, segs, i + 1, out, fold);
  if (n.any) overlapping(n.any, segs, i + 1, out, fold);
}

/**
 * The common case, answered without the analysis: no route rewrites its path and every route of a
 * server is reached under one backend path prefix, one base path and one host list. Then a backend
 * path is reached only as its own public path, and the backend picks its handler by the gateway's
 * own literal-before-parameter rule: nothing to find.
 */
function sameMappingEverywhere(routes: readonly Route[], addresses: Map<string, Array<{ server: string; prefix: string }>>): boolean {
  const seen = new Map<string, string>();
  for (const r of routes) {
    if (r.upstreamPath && r.upstreamPath.template !== r.path) return false;
    const base = r.publicPath.slice(0, r.publicPath.length - r.path.length);
    for (const a of addresses.get(r.backend) ?? []) {
      const mapping = JSON.stringify([a.prefix, base, r.hosts]);
      if ((seen.get(a.server) ?? mapping) !== mapping) return false;
      seen.set(a.server, mapping);
    }
  }
  return true;
}

const bySameMethodThenId = (a: Route, b: Route): number => (a.method < b.method ? -1 : a.method > b.method ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Every route of `routes` (the ones the target builds) that forwards a request onto a backend path
 * a more protected route of the same server and method is served at, with the first such route.
 * One trie per server (whatever the backend is named), so a large spec is not compared pair by pair.
 */
export function upstreamReaches(gateway: Gateway, routes: readonly Route[], checked: (r: Route) => boolean = () => true): UpstreamReach[] {
  const out: UpstreamReach[] = [];
  // Only a route protectedMore can name is ever found (#18: GitHub's public routes, none).
  if (routes.every(neverProtectedMore)) return out;
  const lead = (p: string): PathSegment[] => p.split('/').filter((s) => s !== '').map((value) => ({ kind: 'literal', value }));
  const addresses = new Map(gateway.backends.filter((b) => b.kind !== 'mock').map((b) => [b.name, b.targets.map((t) => ({ server: serverKey(t.url), prefix: t.url.path }))]));
  if (sameMappingEverywhere(routes, addresses)) return out;
  const template = new Map<Route, PathSegment[]>();
  for (const r of routes) template.set(r, templateSegments(backendTemplate(r)));
  const routedTo = routerOf(gateway);
  const tries = new Map<string, Node>();
  for (const [r, segs] of template) {
    for (const a of addresses.get(r.backend) ?? []) {
      if (!tries.has(a.server)) tries.set(a.server, node());
      const full = resolved([...lead(a.prefix), ...segs]);
      insert(tries.get(a.server)!, full, { route: r, segs: full });
    }
  }
  for (const route of routes) {
    if (!checked(route)) continue;
    const own = template.get(route)!;
    // A route without a parameter forwards one backend path: a public /status with upstreamPath
    // /admin, or every route given the backend's own path (Kong input's strip_path), is served
    // there too. Its literals compare case-sensitively: a case variant is param-variants.ts's,
    // which a backend declared `pathMatching: exact` answers.
    const literalOnly = !own.some((s) => s.kind !== 'literal');
    for (const a of addresses.get(route.backend) ?? []) {
      const ours = resolved([...lead(a.prefix), ...own]);
      const found: Array<{ route: Route; segs: PathSegment[] }> = [];
      overlapping(tries.get(a.server)!, ours, 0, found);
      const sameMethod = (o: Route) => o.method === route.method || (route.method === 'HEAD' && o.method === 'GET');
      const peers = found.filter((o) => sameMethod(o.route));
      let hit: { other: Route; values: Map<string, string> } | undefined;
      for (const o of peers.filter((x) => x.route !== route && protectedMore(x.route, route)).sort((x, y) => bySameMethodThenId(x.route, y.route))) {
        const values = witness(ours, o.segs, literalOnly);
        if (!values || !routedTo(route, publicPathOf(route, values))) continue;
        // The backend routes what it receives the same way (literal before parameter): the handler
        // that serves it is the most specific backend path it matches, maybe this route's own.
        const sent = concrete(ours, values);
        // Two routes on one backend path template are one handler: the stricter one's (fail closed).
        const reading = peers.filter((x) => x.segs.length === sent.length && x.segs.every((seg, i) => segmentReads(seg, sent[i]!)));
        const best = reading.reduce((m, x) => (specificity(x.segs) > m ? specificity(x.segs) : m), '');
        const served = reading.find((x) => specificity(x.segs) === best && x.route !== route && protectedMore(x.route, route));
        if (!served) continue;
        hit = { other: served.route, values };
        break;
      }
      if (!hit) continue;
      out.push({ route, other: hit.other, upstream: backendTemplate(route), values: [...hit.values].map(([k, v]) => `${k}=${v}`).join(', ') });
      break;
    }
  }
  return out;
}

/**
 * The refusal of each such route, at its upstreamPath (the node the user edits) or the operation:
 * the params of `upstream-param-reaches-protected` (`values` empty for a route without a
 * parameter). `checked`: the routes to refuse (all by default; AWS leaves parameter routes to
 * its confusable.ts), compared with all of `routes`.
 */
export function upstreamReachRefusals(
  gateway: Gateway,
  routes: readonly Route[],
  target: string,
  checked?: (r: Route) => boolean,
): Array<{ params: { target: string; route: string; other: string; upstream: string; values: string }; loc: Loc }> {
  return upstreamReaches(gateway, routes, checked).map((r) => ({
    params: { target, route: r.route.id, other: r.other.id, upstream: r.upstream, values: r.values },
    loc: r.route.upstreamPath?.loc ?? r.route.loc,
  }));
}
