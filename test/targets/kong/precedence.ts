/**
 * Kong's plugin precedence, for the tests that read a route's plugins from a decK file. Kong picks
 * one configuration per plugin name, the most specific scope that has one (kong/runloop/
 * plugins_iterator.lua lookup_cfg, Kong 3.x): Consumer+Route+Service, Consumer+Route,
 * Consumer+Service, Route+Service, Consumer, Route, Service, Global. gwc writes plugins on routes,
 * on services (one configuration every route of the service shares, src/targets/kong/hoist.ts) and
 * globally scoped to a consumer; a test that looks for a route's pre-function must look through
 * its service. Written apart from hoist.ts on purpose: the proof must not reuse what it checks.
 */
export type DeckPlugin = { name: string; config?: Record<string, unknown>; consumer?: unknown; route?: unknown; service?: unknown; enabled?: boolean; id?: string; [k: string]: unknown };
type Obj = Record<string, unknown>;

const pluginsOf = (o: Obj | undefined): DeckPlugin[] => ((o?.plugins as DeckPlugin[] | undefined) ?? []);

/** Protocols of Kong's http subsystem (kong/constants.lua PROTOCOLS_WITH_SUBSYSTEM). */
const HTTP_SUBSYSTEM = ['http', 'https', 'grpc', 'grpcs'];
/**
 * Whether Kong builds the plugin into its iterator for HTTP at all (plugins_iterator.lua
 * should_process_plugin: `enabled`, and one of `protocols`, default all, in the http subsystem).
 * One that does not is in no combo: it acts on nothing and masks nothing (a route's disabled plugin
 * leaves its service's acting).
 */
export const inIterator = (p: DeckPlugin): boolean =>
  p.enabled !== false && (!Array.isArray(p.protocols) || (p.protocols as unknown[]).some((x) => HTTP_SUBSYSTEM.includes(x as string)));

/**
 * A route's plugins by name as Kong resolves them for a request with no consumer-scoped match:
 * the route's own (Route), else its service's (Service), else a global one that names no consumer,
 * route or service (Global). Consumer-scoped plugins are the caller's, not the route's: left out.
 */
export function effectivePlugins(route: Obj, service: Obj | undefined, globals: readonly DeckPlugin[] = []): Map<string, DeckPlugin> {
  const out = new Map<string, DeckPlugin>();
  for (const p of globals) if (!p.consumer && !p.route && !p.service && inIterator(p)) out.set(p.name, p);
  for (const p of pluginsOf(service)) if (!p.consumer && inIterator(p)) out.set(p.name, p);
  for (const p of pluginsOf(route)) if (!p.consumer && inIterator(p)) out.set(p.name, p);
  return out;
}

/**
 * Route `r` carrying its effective plugins itself: its own, plus each of its service's (not
 * consumer-scoped) it has none of, in name order. `copy`: each inherited plugin copied, so a test
 * that edits one route's plugin does not edit its siblings'.
 */
export function withServicePlugins<R extends object>(r: R, s: Obj | undefined, copy = false): R {
  const own = pluginsOf(r as Obj);
  // A route's own plugin Kong leaves out of its iterator (disabled, stream-only) does not mask the
  // service's: the route carries both, and readers skip the one that does not act.
  const inherited = pluginsOf(s).filter((p) => !p.consumer && !own.some((o) => o.name === p.name && inIterator(o))).map((p) => (copy ? structuredClone(p) : p));
  if (inherited.length === 0) return r;
  return { ...r, plugins: [...own, ...inherited].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** The service a top-level route names (by name or id), if the document has it. */
function serviceNamed(doc: Obj, ref: unknown): Obj | undefined {
  const key = typeof ref === 'string' ? ref : ref && typeof ref === 'object' ? ((ref as Obj).name ?? (ref as Obj).id) : undefined;
  if (key === undefined) return undefined;
  return ((doc.services as Obj[] | undefined) ?? []).find((s) => s.name === key || s.id === key);
}

/**
 * The document with every service's plugins resolved onto its routes (each route gets its service's
 * plugin of each name it has none of; the services keep none): every route carries its effective
 * plugins itself, in name order, as gwc wrote them before #18. For tests that read `route.plugins`.
 */
export function resolvePrecedence<T>(doc: T): T {
  const d = doc as Obj;
  const services = ((d.services as Obj[] | undefined) ?? []).map((s) => {
    const { plugins: _dropped, ...rest } = s;
    return { ...rest, routes: ((s.routes as Obj[] | undefined) ?? []).map((r) => withServicePlugins(r, s, true)) };
  });
  const routes = ((d.routes as Obj[] | undefined) ?? []).map((r) => withServicePlugins(r, serviceNamed(d, r.service), true));
  return { ...d, ...(d.services ? { services } : {}), ...(d.routes ? { routes } : {}) } as T;
}
