/**
 * Routes, their order, and the routes gwc adds so Kong answers like the spec says.
 *
 * Order: Kong 3 (traditional_compatible router) ranks routes first by how many matching fields
 * they use (methods, hosts, headers...), then by `regex_priority`, and leaves equal ones to
 * creation order. gwc gives every route the same fields (paths + methods, hosts only when the spec
 * routes on hosts) and a `regex_priority` per public path that decreases in OpenAPI precedence
 * order (DESIGN.md section 3, rule 3), so the order is explicit and never left to chance.
 * https://docs.konghq.com/gateway/latest/key-concepts/routes/expressions/#priority-matching
 *
 * 405: for each path, one extra route with every method the path does not declare, answered by
 * request-termination 405 with an `Allow` header (rule 4); it shares the path's priority, and its
 * methods are disjoint from the path's operations, so it never shadows one.
 * CORS preflight: an OPTIONS route per path whose operations use CORS (unless the spec declares
 * OPTIONS itself), carrying the cors plugin and no auth, as browsers send no credentials there.
 */
import { HTTP_METHODS, type Route } from '../../model/types.js';
import type { Ctx, Entity } from './context.js';
import { canOverlap, captureNames, hasTemplateSyntax, pathRegex, templateParams } from './paths.js';
import { corsPlugin } from './policies.js';
import { slug, uuidv5 } from './names.js';
import { o2kIds } from './o2k-names.js';

/** The regex_priority of each public path: highest for the path OpenAPI tries first. */
export function pathPriorities(routes: readonly Route[]): Map<string, number> {
  const paths = [...new Set(routes.map((r) => r.publicPath))]; // first-seen order, in linear time
  return new Map(paths.map((p, i) => [p, paths.length - i]));
}

/**
 * Kong ranks a route with hosts above one without, before regex_priority: a host-bound route
 * that OpenAPI tries after an overlapping host-less one would be taken first. Refused.
 */
export function checkHostOrder(ctx: Ctx): void {
  const rs = ctx.gateway.routes;
  // Only a host-bound route can be misordered; most specs have none, and the pair loop is quadratic.
  if (!rs.some((r) => r.hosts.length > 0)) return;
  rs.forEach((a, i) => {
    if (a.hosts.length > 0) return;
    for (let j = i + 1; j < rs.length; j++) {
      const b = rs[j]!;
      if (a.method !== b.method || a.publicPath === b.publicPath) continue;
      if (a.hosts.length === 0 && b.hosts.length > 0 && canOverlap(a.publicPath, b.publicPath)) {
        ctx.report('kong-host-order', { route: b.id, hosts: b.hosts.join(', '), before: a.id }, b.loc);
      }
    }
  });
}

export function protocols(ctx: Ctx): string[] {
  let known = protocolsOf.get(ctx);
  if (!known) protocolsOf.set(ctx, (known = serverProtocols(ctx)));
  return [...known];
}
const protocolsOf = new WeakMap<Ctx, string[]>();

function serverProtocols(ctx: Ctx): string[] {
  const schemes = new Set(ctx.gateway.servers.map((s) => s.scheme));
  if (schemes.size === 0) return ['http', 'https'];
  return ['http', 'https'].filter((p) => schemes.has(p as 'http' | 'https'));
}

/**
 * A public path's capture names and Kong regex path, made once per path and context: every
 * operation of a path, its 405 and preflight routes and the upstream path read the same (#18).
 */
function pathOf(ctx: Ctx, publicPath: string): { captures: Map<string, string>; regex: string } {
  let byPath = pathsOf.get(ctx);
  if (!byPath) pathsOf.set(ctx, (byPath = new Map()));
  let known = byPath.get(publicPath);
  if (!known) {
    const captures = captureNames(templateParams(publicPath));
    byPath.set(publicPath, (known = { captures, regex: `~${pathRegex(publicPath, captures)}` }));
  }
  return known;
}
const pathsOf = new WeakMap<Ctx, Map<string, { captures: Map<string, string>; regex: string }>>();

export function routeEntity(ctx: Ctx, route: Route, name: string, priority: number, methods: string[], preserveHost: boolean): Entity {
  const e: Entity = {
    name,
    id: ctx.options.names === 'openapi2kong' && route.openapi2kong?.route === name ? o2kIds(ctx).route(name) : ctx.names.id('route', name),
    paths: [pathOf(ctx, route.publicPath).regex],
    methods,
    protocols: protocols(ctx),
    regex_priority: priority,
    strip_path: false,
    preserve_host: preserveHost,
    path_handling: 'v0',
    https_redirect_status_code: 426,
    request_buffering: true,
    response_buffering: true,
    tags: [ctx.names.tag],
  };
  if (route.hosts.length) e.hosts = [...route.hosts].sort();
  return e;
}

/**
 * The upstream path, when Kong's own (service path + request path) is not it: with a base path
 * to strip, or an `upstreamPath` rewrite. Parameters become request-transformer templates over
 * the route's named captures. https://docs.konghq.com/hub/kong-inc/request-transformer/#template-as-value
 */
export function upstreamUri(ctx: Ctx, route: Route, backendPath: string): string | undefined {
  const template = route.upstreamPath && ctx.plan.enforced(route.id, 'upstreamPath') ? route.upstreamPath.template : route.path;
  if (!route.upstreamPath && ctx.gateway.basePath === '') return undefined;
  if (hasTemplateSyntax(template) || hasTemplateSyntax(backendPath)) {
    ctx.report('kong-path-template', { route: route.id }, route.loc);
    return undefined;
  }
  const { captures } = pathOf(ctx, route.publicPath);
  const path = template.replace(/\{([^{}]+)\}/g, (_m, p: string) => `$(uri_captures.${captures.get(p) ?? p})`);
  return `${backendPath}${path}` || '/';
}

/** The 405 and preflight routes of each public path (top-level, no service: they never proxy). */
export function extraRoutes(ctx: Ctx, priorities: Map<string, number>): Entity[] {
  const out: Entity[] = [];
  const byPath = new Map<string, Route[]>();
  for (const r of ctx.gateway.routes) {
    const list = byPath.get(r.publicPath);
    if (list) list.push(r);
    else byPath.set(r.publicPath, [r]);
  }
  for (const [path, routes] of byPath) {
    const first = routes[0];
    if (!first) continue;
    const hostSets = new Set(routes.map((r) => [...r.hosts].sort().join(',')));
    if (hostSets.size > 1) {
      ctx.report('kong-path-hosts-differ', { path }, first.loc);
      continue;
    }
    const priority = priorities.get(path) ?? 0;
    const declared = new Set<string>(routes.map((r) => r.method));
    const corsRoute = declared.has('OPTIONS') ? undefined : routes.find((r) => corsPlugin(ctx, r));
    // Part of a name, not an entity id: computed even when ids are not (ctx.names.id's value).
    const key = `${slug(path)}.${uuidv5(`path:${path}`).slice(0, 8)}`;
    if (corsRoute) {
      const name = ctx.names.route(`~preflight.${key}`);
      const cors = corsPlugin(ctx, corsRoute);
      const differ = routes.filter((r) => corsPlugin(ctx, r)).some((r) => JSON.stringify(corsPlugin(ctx, r) ?? null) !== JSON.stringify(cors ?? null));
      if (differ) ctx.report('kong-preflight-cors-differs', { path }, corsRoute.loc);
      const e = routeEntity(ctx, first, name, priority, ['OPTIONS'], false);
      e.plugins = cors ? [cors] : [];
      out.push(e);
    }
    const others = HTTP_METHODS.filter((m) => !declared.has(m) && !(corsRoute && m === 'OPTIONS'));
    if (others.length === 0) continue;
    const name = ctx.names.route(`~405.${key}`);
    const e = routeEntity(ctx, first, name, priority, [...others], false);
    e.plugins = [
      { name: 'request-termination', config: { status_code: 405, message: 'Method Not Allowed' } },
      {
        name: 'response-transformer',
        config: {
          remove: { headers: [], json: [] },
          rename: { headers: [], json: [] },
          replace: { headers: [], json: [], json_types: [] },
          add: { headers: [`Allow:${[...declared].sort().join(', ')}`], json: [], json_types: [] },
          append: { headers: [], json: [], json_types: [] },
        },
      },
    ];
    out.push(e);
  }
  return out;
}
