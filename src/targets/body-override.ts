/**
 * `_method` in a request body, for the targets that cannot read one (Traefik, AWS REST).
 *
 * Rails (Rack::MethodOverride), Laravel, Symfony (http_method_override) and Express
 * method-override run the method a `_method` field of a form, multipart or JSON body names, so a
 * request the gateway admitted as `POST /items` runs the backend's `DELETE /items` handler (DESIGN.md
 * section 7.5). nginx refuses such a body (njs bodyCheck) and Kong removes the field
 * (request-transformer remove.body); a gateway that can neither read nor rewrite a body can only
 * refuse the build where the override would matter: an operation whose request may carry a body
 * reaches a backend that also serves another operation of the same path (same server, whatever
 * the backend is named; an upstream path a request can match both templates of) with a different method, and that operation admits fewer callers (security
 * alternatives, roles, an IP rule) or counts them under a rate limit this one does not have. An operation that
 * declares `_method` itself (Route.declaredOverrides) says its backend reads it on purpose: not
 * checked here but by declared-override.ts, which refuses it (`method-override-widens`) where the
 * override can name a method of the same backend path that admits fewer callers or has a limit
 * this one lacks. Left alone here: a mock (no backend reads the body), and a backend the user declares
 * `methodOverride: none` (Backend.methodOverride: stated once, for the whole backend; the default,
 * `possible`, refuses). The declaration is the user's word about their framework, so `gwc diff`
 * flags it as a security change when it appears (src/diff/trust.ts).
 */
import { neverProtectedMore, protectedMore } from '../model/admits.js';
import { serverKey } from '../model/normalise/units.js';
import type { Backend, Gateway, Route } from '../model/types.js';

/**
 * The one method whose body frameworks read `_method` from: Rack::MethodOverride (ALLOWED_METHODS
 * = POST), Laravel and Symfony (`getMethod()` reads the override only when the real method is POST),
 * ASP.NET Core's HttpMethodOverride and Express method-override (default `methods: ['POST']`). A
 * PUT, PATCH or DELETE body's `_method` runs nothing else, so refusing those would only refuse
 * ordinary APIs (nginx, which can read the body, still answers 400 to any of them).
 */
const OVERRIDABLE = 'POST';

export interface BodyOverride {
  /** The operation a caller is admitted to. */
  route: Route;
  /** The operation its backend would run instead. */
  other: Route;
  /** The backend both reach: where `methodOverride: none` would be declared. */
  backend: string;
}

/**
 * The servers a backend's requests reach, each with the URL path prepended to every request: the
 * backend is what answers, not the name it is given in the spec, so two names for one server (or
 * a weighted target they share) are one backend. A mock reaches none.
 */
function addressesOf(b: Backend): Array<{ server: string; prefix: string }> {
  const http = b.targets.map((t) => ({ server: serverKey(t.url), prefix: t.url.path }));
  return b.lambda ? [{ server: `lambda:${b.lambda.arn}`, prefix: '' }, ...http] : http;
}

/** A trie of backend paths by segment; a templated segment (`{id}`, `v{n}.json`) matches any value. */
interface Node {
  lit: Map<string, Node>;
  param?: Node;
  /** Routes whose path ends in a greedy parameter here (`{proxy+}`): any rest matches. */
  greedy: Route[];
  here: Route[];
}
// A node's map and lists start as these shared empties and get their own on the first write:
// most nodes of a trie are leaves (#18: a map and two lists per node, 10,000 nodes on the
// synthetic spec). Nothing writes to the empties (insert replaces one first).
const NO_LIT: Map<string, Node> = new Map();
const NO_ROUTES: Route[] = [];
const node = (): Node => ({ lit: NO_LIT, greedy: NO_ROUTES, here: NO_ROUTES });

/** A backend path segment: a literal, a parameter (`{id}`, `v{n}.json`: any one value), or a greedy tail (`{proxy+}`). */
type Seg = { lit: string } | { param: true } | { greedy: true };
// Read only, so shared by every path (#18).
const PARAM: Seg = { param: true };
const GREEDY: Seg = { greedy: true };
const fromTemplate = (seg: string): Seg => (/\{[^}]*\+\}$/.test(seg) ? GREEDY : seg.includes('{') ? PARAM : { lit: seg });
const splitPath = (path: string): string[] => path.split('/').filter((s) => s !== '');
/**
 * A request path's segments as a backend routes on them: a trailing '/' is one more, empty,
 * segment (DESIGN.md 3.2: trailing slashes are not folded), as Route.segments hold it. `/a/{p}/`
 * is `a`, `{p}`, ''; dropping the empty one read it as `/a/{p}`, and counting the operation's
 * segments without it cut `a` off the route's own path.
 */
const pathSegments = (path: string): string[] => {
  const segs = splitPath(path);
  return path.length > 1 && path.endsWith('/') ? [...segs, ''] : segs;
};

/** `pathSegments(path).length`, counted without making the list (#18: once per route and backend address). */
function segmentCount(path: string): number {
  let n = 0;
  for (let i = 0; i < path.length; ) {
    let end = path.indexOf('/', i);
    if (end < 0) end = path.length;
    if (end > i) n++;
    i = end + 1;
  }
  return path.length > 1 && path.endsWith('/') ? n + 1 : n;
}

/**
 * The backend path of `r` under a target URL path `prefix`: the route's own segments (a literal
 * stays literal whatever characters it holds), or its upstreamPath template's.
 */
function segmentsOf(prefix: string, r: Route): Seg[] {
  const head = splitPath(prefix).map((lit) => ({ lit }));
  if (r.upstreamPath) return [...head, ...pathSegments(r.upstreamPath.template).map(fromTemplate)];
  // Route.segments are the public path's (base path first, a trailing '/' as an empty last
  // literal); the backend gets the operation path.
  const own = r.segments.slice(Math.max(0, r.segments.length - segmentCount(r.path)));
  return [
    ...head,
    ...own.map((s): Seg => (s.kind === 'literal' ? { lit: s.value } : s.kind === 'param' && s.name.endsWith('+') ? GREEDY : PARAM)),
  ];
}

function insert(root: Node, segs: Seg[], r: Route): void {
  let n = root;
  for (const seg of segs) {
    if ('greedy' in seg) {
      if (n.greedy === NO_ROUTES) n.greedy = [];
      n.greedy.push(r);
      return;
    }
    if ('param' in seg) n = n.param ??= node();
    else {
      if (n.lit === NO_LIT) n.lit = new Map();
      let next = n.lit.get(seg.lit);
      if (!next) n.lit.set(seg.lit, (next = node()));
      n = next;
    }
  }
  if (n.here === NO_ROUTES) n.here = [];
  n.here.push(r);
}

function everything(n: Node, out: Set<Route>): void {
  for (const r of [...n.here, ...n.greedy]) out.add(r);
  for (const c of n.lit.values()) everything(c, out);
  if (n.param) everything(n.param, out);
}

/** Every route whose backend path template can match a request path `segs` can also be. */
function overlapping(n: Node, segs: Seg[], i: number, out: Set<Route>): void {
  for (const r of n.greedy) out.add(r);
  if (i === segs.length) {
    for (const r of n.here) out.add(r);
    return;
  }
  const seg = segs[i]!;
  if ('greedy' in seg) return everything(n, out);
  if ('param' in seg) for (const c of n.lit.values()) overlapping(c, segs, i + 1, out);
  else {
    const c = n.lit.get(seg.lit);
    if (c) overlapping(c, segs, i + 1, out);
  }
  if (n.param) overlapping(n.param, segs, i + 1, out);
}

const declaresMethodField = (r: Route): boolean => (r.declaredOverrides ?? []).some((d) => d.in === 'query' && d.name === '_method');

/**
 * For any route (of `routes` or not), the routes of `routes` its request can also be at the
 * backend: the same server (whatever the backend is named) and a backend path both templates match.
 * One trie per server, so a spec of many routes is not compared pair by pair (#18). A mock reaches
 * no backend.
 */
export function sameBackendPath(gateway: Gateway, routes: readonly Route[]): (route: Route) => Set<Route> {
  const backends = new Map(gateway.backends.filter((b) => b.kind !== 'mock').map((b) => [b.name, addressesOf(b)]));
  const tries = new Map<string, Node>();
  for (const r of routes) {
    for (const a of backends.get(r.backend) ?? []) {
      if (!tries.has(a.server)) tries.set(a.server, node());
      insert(tries.get(a.server)!, segmentsOf(a.prefix, r), r);
    }
  }
  return (route) => {
    const reached = new Set<Route>();
    for (const a of backends.get(route.backend) ?? []) {
      // No trie: none of `routes` is on that server (the asking route need not be one of them).
      const trie = tries.get(a.server);
      if (trie) overlapping(trie, segmentsOf(a.prefix, route), 0, reached);
    }
    return reached;
  };
}

const byMethodThenId = (a: Route, b: Route): number => (a.method < b.method ? -1 : a.method > b.method ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Each operation of `routes` (the ones the target builds) whose body's `_method` would run a
 * differently protected operation of `routes`, with the first such operation (by method). One per
 * operation; none where `_method` is declared.
 */
export function bodyOverrides(gateway: Gateway, routes: readonly Route[]): BodyOverride[] {
  // A mock reads no body; a backend declared `methodOverride: none` runs no body `_method`.
  return overridesOf(gateway, routes, (b) => b.kind === 'mock' || b.methodOverride?.value === 'none');
}

/**
 * The same pairs for `_method` in the QUERY where a gateway blanks the exact name only (AWS: an
 * integration request parameter or `remove:querystring._method` names one spelling), on the
 * backends the body check leaves alone, those declared `methodOverride: none` (a statement about
 * the body: query overrides are refused or stripped on every target whatever it says). Express's
 * qs reads `[_method]` as `_method`, Rack 2 `]_method` and `_method]`, PHP `.method` and ` method`
 * (Symfony's getMethod reads the query's `_method` on a POST): no list of names covers them
 * (query-names.ts). Left alone: a backend declared `queryNames: exact` (it reads `_method` only
 * as sent, the one spelling blanked), a mock.
 */
export function queryOverrides(gateway: Gateway, routes: readonly Route[]): BodyOverride[] {
  return overridesOf(gateway, routes, (b) => b.kind === 'mock' || b.methodOverride?.value !== 'none' || b.queryNames?.value === 'exact');
}

function overridesOf(gateway: Gateway, routes: readonly Route[], skip: (b: Backend) => boolean): BodyOverride[] {
  const out: BodyOverride[] = [];
  const unread = new Set(gateway.backends.filter(skip).map((b) => b.name));
  // The backend dispatches on its own server and path, whatever the route's backend is named and
  // whatever its path parameters are called (a literal path a template also matches is the same request).
  // Only a route protectedMore can name is a candidate (#18: GitHub's public routes, none), and
  // never a POST: the route asking is one, and the other is of another method (#18: a quarter of
  // the synthetic spec's routes left out of the trie).
  const candidates = routes.filter((o) => o.method !== OVERRIDABLE && !neverProtectedMore(o));
  // The operations a body `_method` could turn: none, no trie.
  const asking = routes.filter((route) => route.method === OVERRIDABLE && !declaresMethodField(route) && !unread.has(route.backend));
  if (candidates.length === 0 || asking.length === 0) return out;
  const reach = sameBackendPath(gateway, candidates);
  for (const route of asking) {
    const other = [...reach(route)].filter((o) => o !== route && o.method !== route.method && protectedMore(o, route)).sort(byMethodThenId)[0];
    if (other) out.push({ route, other, backend: route.backend });
  }
  return out;
}
