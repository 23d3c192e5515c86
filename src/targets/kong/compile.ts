/**
 * The Kong compiler: the model and the capability plan in, one decK file out.
 * `_format_version: "3.0"` (Kong 3.x). Every entity carries the gateway's tag and
 * `_info.select_tags` names it, so `deck gateway sync` only creates, updates and deletes what gwc
 * owns. https://docs.konghq.com/deck/latest/guides/distributed-configuration/
 */
import type { Gateway, Route, SecurityScheme } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import type { CompileResult } from '../target.js';
import { consumers, authState, routeAuth } from './auth.js';
import { buildBackends } from './backends.js';
import { Ctx, type Entity, type KongOptions } from './context.js';
import { emitYaml, holdsTemplateOpening } from './emit.js';
import { bearerRoute, headerFamily, headerKeyNames, mockPlugin, queryKeyNames } from './policies.js';
import { watchedNames, withNameReadings } from './name-readings.js';
import { policyPlugins } from './policy-map.js';
import { headerFamilyLua, headerFamilyOpensTemplate, withHeaderFamily } from './header-family.js';
import { checkHostOrder, extraRoutes, pathPriorities, routeEntity, upstreamUri } from './routes.js';
import { certificates } from './tls.js';
import { checkO2kNames, o2kIds, o2kMode, routeName } from './o2k-names.js';
import { refuseCacheControlRule, withCacheBypass } from './cache-bypass.js';
import { upstreamReachRefusals } from '../upstream-reach.js';
import { forwardFallback } from '../forward-fallback.js';
import { compareText } from '../../diagnostics/collate.js';
import { hoistServicePlugins } from './hoist.js';
import { jwtNbfOpensTemplate, nbfCheck, withJwtNbf } from './jwt-claims.js';
import { withWsGuard, wsGuard, wsGuardOpensTemplate } from './websocket-guard.js';

const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'];

/** Ids, enablement, protocols and tags on route plugins, sorted by name for stable output. */
function finishPlugins(ctx: Ctx, routeName: string, plugins: Entity[]): Entity[] {
  // Lint (findingsOnly) reads the finished plugins only for a `${{` (place, holdsTemplateOpening),
  // and finishing adds constants and the gateway's tag: the plugins as made answer that alike (one
  // in a field finishing overwrites compiles again in full, as a build), without a copy each (#18).
  if (ctx.findingsOnly && !ctx.names.tag.includes('${{')) return plugins;
  return plugins
    .map((p): Entity => {
      // The copy `{ ...p, id, enabled, protocols, tags }` makes, key by key (same keys, same
      // order): V8's spread followed by more keys took a third of the route compile (#18).
      const e: Entity = {};
      for (const k of Object.keys(p)) e[k] = p[k]!;
      e.id = o2kMode(ctx) ? o2kIds(ctx).plugin(routeName, String(p.name)) : ctx.names.id('plugin', `${routeName}:${String(p.name)}`);
      e.enabled = true;
      e.protocols = PROTOCOLS;
      e.tags = [ctx.names.tag];
      return e;
    })
    .sort((a, b) => compareText(String(a.name), String(b.name)));
}

function checkNames(ctx: Ctx): void {
  if (o2kMode(ctx)) return checkO2kNames(ctx);
  const seen = new Map<string, string>();
  for (const r of ctx.gateway.routes) {
    const n = ctx.names.route(r.id);
    const other = seen.get(n);
    if (other) ctx.report('kong-route-name-collision', { first: other, second: r.id, name: n }, r.loc);
    seen.set(n, r.id);
  }
}

/** `findingsOnly`: lint reads the diagnostics only, so the decK text is not built (emit.ts). */
export function compileKong(gateway: Gateway, plan: CapabilityPlan, options: KongOptions, findingsOnly = false): CompileResult {
  const ctx = new Ctx(gateway, plan, options, findingsOnly);
  checkNames(ctx);
  checkHostOrder(ctx);
  const backends = buildBackends(ctx);
  const auth = authState(ctx);
  const priorities = pathPriorities(gateway.routes);
  const topRoutes: Entity[] = [];
  // findingsOnly: a route entity is checked for a `${{` (what emitYaml would look for) as it is
  // made, then dropped instead of kept in the tree: at 10,000 routes, keeping them all alive made
  // garbage collection 40% of lint's Kong compile (#18). A `${{` anywhere: compiled again as a
  // build below, so the refusals are exactly a build's.
  let opened = false;
  const clean = new Set<unknown>();
  const place = (list: Entity[], entity: Entity) => {
    if (!findingsOnly) list.push(entity);
    else if (!opened && holdsTemplateOpening(entity, clean)) opened = true;
  };

  // What the two pre-function chunks would add to a proxied route, for lint: merged into the
  // route's plugins they are only more strings in a pre-function's `access` list, so the route
  // holds a `${{` with them iff it does without them or a chunk does. The name-readings chunk is a
  // function of watchedNames' answer: checked once per distinct answer (most routes share one).
  // The header-family chunk cannot hold one unless its fixed code does (headerFamilyOpensTemplate),
  // so its per-route names are not gathered at all.
  const readingsChecked = new Map<string, boolean>();
  const chunksOpen = (route: Route): boolean => {
    if (headerFamilyOpensTemplate() || jwtNbfOpensTemplate() || wsGuardOpensTemplate()) return true;
    const w = watchedNames(route, bearerRoute(ctx, route), queryKeyNames(ctx, route), headerKeyNames(ctx, route));
    // The chunk withNameReadings adds for `w`, alone: it reads nothing else (plain data, so the
    // JSON text is an injective key).
    const key = JSON.stringify(w);
    let open = readingsChecked.get(key);
    if (open === undefined) readingsChecked.set(key, (open = holdsTemplateOpening(withNameReadings([], w))));
    return open;
  };

  const compileRoute = (route: Route) => {
    const backend = ctx.backend(route);
    if (!backend) {
      ctx.report('kong-backend-unknown', { route: route.id, backend: route.backend }, route.loc);
      return;
    }
    const name = routeName(ctx, route);
    const entity = routeEntity(ctx, route, name, priorities.get(route.publicPath) ?? 0, [route.method], backend.hostHeader === 'client');
    const a = routeAuth(ctx, route, auth);
    // A mock answers itself (request-termination, its headers through response-transformer): no
    // service and no upstream path.
    const mock = backend.kind === 'mock' ? backend.mock : undefined;
    const service = mock ? undefined : backends.serviceFor(route, backend);
    const uri = mock ? undefined : upstreamUri(ctx, route, backend.targets[0]?.url.path ?? '');
    // A bearer token whose nbf is ahead of the clock is refused before jwt runs (jwt-claims.ts), a mock's route too.
    const plugins = withJwtNbf([...a.plugins, ...(mock ? [mockPlugin(mock)] : []), ...policyPlugins(ctx, route, { uri, auth: a, responseHeaders: mock?.headers ?? {} })], nbfCheck(ctx, route, a.plugins));
    // A mock has no backend and reads nothing. Otherwise, first in the route's pre-function: every
    // spelling of the headers no client may send (header-family.ts), then `_method` and an
    // unverified access_token in every spelling a backend reads (name-readings.ts).
    // Lint (findingsOnly) reads the chunks only for a `${{` (place): each distinct one is checked
    // once instead of built into every route's plugins (chunksOpen, #18).
    // A route rule on Cache-Control would undo the cache bypass below: refused (cache-bypass.ts).
    if (!mock) refuseCacheControlRule(ctx, route, plugins);
    if (mock) entity.plugins = finishPlugins(ctx, name, plugins);
    else if (findingsOnly) {
      if (chunksOpen(route)) opened = true;
      entity.plugins = finishPlugins(ctx, name, plugins);
    } else {
      // A bearer token in Sec-WebSocket-Protocol, an upgrade from another Origin (websocket-guard.ts):
      // Kong upgrades on every route.
      const cors = route.policy.cors && ctx.plan.enforced(route.id, 'cors') ? route.policy.cors.origins : undefined;
      const guarded = withWsGuard(plugins, wsGuard(ctx, route, cors));
      const chunked = withHeaderFamily(withNameReadings(guarded, watchedNames(route, bearerRoute(ctx, route), queryKeyNames(ctx, route), headerKeyNames(ctx, route))), headerFamilyLua(headerFamily(ctx, route)));
      // Last: a credential the route does not verify keeps the request out of its cache (cache-bypass.ts;
      // it holds no `$`, so lint's findingsOnly compile above need not build it).
      entity.plugins = finishPlugins(ctx, name, withCacheBypass(ctx, route, chunked));
    }
    place(service ? service.routes : topRoutes, entity);
  };
  gateway.routes.forEach(compileRoute);
  // DESIGN.md 7.5: a parameter must not choose a more protected route's backend path.
  for (const f of upstreamReachRefusals(gateway, gateway.routes, 'kong')) ctx.report('upstream-param-reaches-protected', f.params, f.loc);
  // forwardAuth on a scheme Kong verifies itself: Kong OSS never calls the service (forward-fallback.ts).
  // An accepted auth.forward gap leaves its answer headers unset: Kong removes every client spelling of
  // them on every route (header-family.ts; test/targets/kong/security-header-spellings.test.ts).
  ctx.diagnostics.push(...forwardFallback(gateway, { target: 'kong', callsBeside: false, verifiedBy: kongVerifiedBy, answersUnset: () => undefined }));
  for (const e of extraRoutes(ctx, priorities)) {
    e.plugins = finishPlugins(ctx, String(e.name), (e.plugins as Entity[] | undefined) ?? []);
    place(topRoutes, e);
  }
  const c = consumers(ctx, auth);
  const certs = certificates(ctx);

  if (ctx.diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics: ctx.diagnostics };
  if (opened) return { files: [], diagnostics: compileKong(gateway, plan, options).diagnostics };

  const byName = (a: Entity, b: Entity) => compareText(String(a.name ?? a.username), String(b.name ?? b.username));
  const services = [...backends.services.values()].map((s) => ({ name: String(s.entity.name), entity: { ...s.entity, routes: s.routes } as Entity, routes: s.routes }));
  // A plugin every route of a service carries alike is written once, on the service (hoist.ts, #18).
  // Its id: a kind of its own, so no route's plugin id can equal it (a route may share a service's name).
  if (!options.perRoutePlugins) hoistServicePlugins(services, (service, plugin) => ctx.names.id('service-plugin', `${service}:${plugin}`));
  const doc: Entity = {
    _format_version: '3.0',
    _info: { select_tags: [ctx.names.tag] },
    services: services.map((s) => s.entity).sort(byName),
    routes: topRoutes,
    upstreams: [...backends.upstreams].sort(byName),
    consumers: c.consumers.sort(byName),
    plugins: c.plugins,
  };
  if (certs.length) doc.certificates = certs;
  const out = emitYaml(doc, findingsOnly);
  for (const value of out.refused) ctx.report('text-template-syntax', { text: `Kong output value ${JSON.stringify(value)}` });
  if (out.refused.length || findingsOnly) return { files: [], diagnostics: ctx.diagnostics };
  return { files: [{ path: 'kong.yaml', contents: out.text }], diagnostics: ctx.diagnostics };
}

/** How Kong verifies a scheme without its forwardAuth service (forward-fallback.ts); undefined for one it cannot (refused by its feature). */
function kongVerifiedBy(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey') return 'with key-auth';
  if (s.kind === 'basic') return 'with basic-auth';
  if (s.kind === 'jwt') return 'with the jwt plugin';
  return undefined;
}
