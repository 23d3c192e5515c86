/**
 * Routers in OpenAPI precedence (DESIGN.md section 3). Traefik tries routers by descending
 * priority, and by rule length when none is set, unstable on ties
 * (https://doc.traefik.io/traefik/routing/routers/#priority), so every router gets an explicit,
 * unique priority in the order `gateway.routes` is in.
 *
 * The reference matcher picks a path first (the first template that matches), then the method.
 * Per path, in that order:
 *   1. a CORS preflight router per operation with CORS (OPTIONS + Origin +
 *      Access-Control-Request-Method = the operation's method), answered by the headers middleware;
 *   2. the operation routers (one per security alternative, see auth.ts);
 *   3. a method-not-allowed router for any other method on the path: 405 with Allow, so that a
 *      request never falls through to a less specific path (DELETE /users/me must not reach
 *      DELETE /users/{id}); also the answer to a request the operation routers keep off (`_method` or,
 *      on a bearer route, `access_token` in the query: clears.ts, bearer-query.ts; an Upgrade other
 *      than websocket, upgrade.ts).
 */
import type { Route } from '../../model/types.js';
import { authRouters } from './auth.js';
import { bearerQueryGuard, subprotocolGuard } from './bearer-query.js';
import { queryNamesMiddleware } from './query-names.js';
import { clearsFor } from './clears.js';
import { NOOP_SERVICE, serviceFor } from './backends.js';
import type { Ctx } from './context.js';
import { encodedSlashMiddleware, rewriteMiddleware } from './paths.js';
import { headerOpsMiddleware } from './policies.js';
import { originGuard, ownOriginsByHost, sameOriginGuard, UPGRADE_GUARD } from './upgrade.js';
import { upgradeOrigins } from '../websocket-origin.js';
import { sanitise } from './names.js';
import { compilePolicies, type PolicySlot, type SlotParts } from './policy-map.js';
import { and, m, or, pathRegex } from './rule.js';
import type { Router, RouterRole } from './types.js';

interface Planned {
  name: string;
  router: Omit<Router, 'priority'>;
  role: RouterRole;
}

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

export function compileRoutes(ctx: Ctx): void {
  const groups = new Map<string, Route[]>();
  for (const r of ctx.gateway.routes) {
    const key = `${r.publicPath}\0${r.hosts.join(',')}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const planned: Planned[] = [];
  const tls = ctx.gateway.servers.some((s) => s.scheme === 'https') ? { tls: { options: 'default' } } : {};
  const entryPoints = ctx.options.entryPoints.length > 0 ? { entryPoints: ctx.options.entryPoints } : {};
  let reject405: string | undefined;
  // A lean compile (lint) checks each router as written below, less its priority, a number
  // (context.ts keep; #18), and keeps only the last: every lean router is named LEAN_NAME (names.ts
  // Namer.lean), so the loop at the end would set that one key, last to the last router (priority 1),
  // and 25,000 routers planned on 10,000 routes lived the whole compile for that (#18).
  let lastLean: Planned | undefined;
  const add = (...ps: Planned[]) => {
    for (const p of ps) {
      if (!ctx.lean) planned.push(p);
      else {
        const written = { ...entryPoints, rule: p.router.rule, ...(p.router.middlewares?.length ? { middlewares: p.router.middlewares } : {}), service: p.router.service, ...tls };
        lastLean = { ...p, router: ctx.keep(p.name, written) };
      }
    }
  };
  for (const group of groups.values()) {
    const first = group[0]!;
    const where = whereConditions(ctx, first);
    if (!where) continue;
    for (const route of group) add(...routeRouters(ctx, route, where));
    reject405 ??= ctx.addMiddleware(['method-not-allowed'], {
      ipAllowList: { sourceRange: ['255.255.255.255/32'], rejectStatusCode: 405 },
    });
    const allow = ctx.addMiddleware([first.id, 'allow'], {
      headers: { customResponseHeaders: { Allow: [...new Set(group.map((r) => r.method))].join(', ') } },
    });
    add({
      name: ctx.routerNames.name(first.id, 'other-methods'),
      router: { rule: and(where), middlewares: [allow, reject405], service: NOOP_SERVICE },
      role: { kind: 'method-not-allowed', routeId: first.id },
    });
  }
  if (lastLean) planned.push(lastLean);
  planned.forEach((p, i) => {
    ctx.routers.set(p.name, { ...entryPoints, rule: p.router.rule, priority: planned.length - i, ...(p.router.middlewares?.length ? { middlewares: p.router.middlewares } : {}), service: p.router.service, ...tls });
    ctx.roles.set(p.name, p.role);
  });
}

/** The Host condition of a host list: the same lists recur on every path of a server, built once per list (#18); bounded. */
const HOST_RULES = new Map<string, string>();
function hostRule(hosts: readonly string[]): string {
  const key = hosts.join('\n');
  let rule = HOST_RULES.get(key);
  if (rule === undefined) {
    rule = or(hosts.map(m.host));
    if (HOST_RULES.size >= 10_000) HOST_RULES.clear();
    HOST_RULES.set(key, rule);
  }
  return rule;
}

/** Host and path conditions shared by every router of a path. */
function whereConditions(ctx: Ctx, route: Route): string[] | undefined {
  for (const h of route.hosts) {
    if (!HOST_NAME.test(h)) {
      ctx.report('traefik-host-not-ascii', { route: route.id, host: h }, route.loc);
      return undefined;
    }
  }
  const hosts = route.hosts.length > 0 && ctx.plan.enforced(route.id, 'hostRouting') ? [hostRule(route.hosts)] : [];
  return [...hosts, m.pathRegexp(pathRegex(route.segments))];
}

function routeRouters(ctx: Ctx, route: Route, where: string[]): Planned[] {
  const out: Planned[] = [];
  // Policies compile only through TRAEFIK_POLICIES (policy-map.ts), stage by stage.
  const early = compilePolicies(ctx, route, 'route');
  for (const p of early) {
    if (!p.preflight) continue;
    out.push({
      name: ctx.routerNames.name(route.id, 'preflight'),
      router: {
        rule: and([...where, m.method('OPTIONS'), m.header('Access-Control-Request-Method', route.method), m.headerRegexp('Origin', '.')]),
        middlewares: [p.preflight],
        service: NOOP_SERVICE,
      },
      role: { kind: 'preflight', routeId: route.id },
    });
  }
  const alts = authRouters(ctx, route);
  const svc = serviceFor(ctx, route);
  if (!alts || !svc) return out;
  const chained = compilePolicies(ctx, route, 'chain');
  const headerParts = chained.flatMap((p) => (p.headers === undefined ? [] : [p.headers]));
  const headers = headerOpsMiddleware(ctx, route, headerParts);
  const rewrite = rewriteMiddleware(ctx, route, svc.prefix);
  const decodedSlash = encodedSlashMiddleware(ctx);
  const clears = clearsFor(ctx, route);
  // ?access_token= on a route with a bearer scheme: kept off its routers (bearer-query.ts).
  const bearerGuard = bearerQueryGuard(ctx, route);
  // A bearer token in Sec-WebSocket-Protocol on such a route: kept off its routers too (bearer-query.ts).
  const protoGuard = subprotocolGuard(ctx, route);
  // An upgrade from a page of an Origin the route does not let call it with the user's credentials
  // (../websocket-origin.ts): the CORS list (upgrade.ts originGuard), or its own origin only
  // (sameOriginGuard; Traefik upgrades on every router, so every route, websocket or not).
  const wsOrigin = upgradeGuard(ctx, route, early.some((p) => p.preflight));
  // Every other spelling a backend reads of those names and `_method`: denied first (query-names.ts).
  const queryNames = queryNamesMiddleware(ctx, route);
  const parts: SlotParts[] = [...early, ...chained, ...(headers ? [{ slots: { headers } }] : []), ...compilePolicies(ctx, route, 'alternatives', alts)];
  // Names stay those of the verifying routers (optional auth adds -anonymous), so gwc diff pairs them.
  const verifying = alts.filter((a) => !a.anonymous).length;
  alts.forEach((alt, i) => {
    // The chain's order is security-relevant: identity and override inputs cleared first; IP rule
    // and a limit keyed on no verified identity before auth; a per-consumer limit after auth and
    // before the credential is removed; then the body limit, headers, path rewrite and service.
    // Pushed in that order, undefined left out (#18: a list per slot and one spread of twelve per
    // router were most of this loop's allocation at 10,000 routes).
    const middlewares: string[] = [];
    const put = (x: string | undefined) => void (x !== undefined && middlewares.push(x));
    const at = (slot: PolicySlot) => putSlot(middlewares, parts, slot, i);
    put(queryNames);
    put(clears.middleware);
    at('cors');
    at('ip');
    at('beforeAuth');
    alt.middlewares.forEach(put);
    at('afterAuth');
    alt.hide.forEach(put);
    at('body');
    at('headers');
    put(decodedSlash);
    put(rewrite);
    svc.middlewares.forEach(put);
    // A lean router's name is LEAN_NAME whatever its parts (names.ts Namer.lean): not worked out.
    const suffix = ctx.lean ? [] : alt.anonymous ? ['anonymous'] : verifying > 1 && alt.alternative !== undefined ? [`alt${alt.alternative + 1}`] : OWN_NAME_CLASH.test(sanitise(route.id)) ? ['op'] : [];
    out.push({
      name: ctx.routerNames.name(route.id, ...suffix),
      router: {
        rule: and([...where, m.method(route.method), UPGRADE_GUARD, ...(clears.queryGuard ? [clears.queryGuard] : []), ...(bearerGuard ? [bearerGuard] : []), ...(protoGuard ? [protoGuard] : []), ...(wsOrigin ? [wsOrigin] : []), ...(alt.selector ? [alt.selector] : [])]),
        middlewares,
        service: svc.service,
      },
      role: { kind: 'operation', routeId: route.id, ...(alt.alternative !== undefined ? { alternative: alt.alternative } : {}) },
    });
  });
  return out;
}

/** The same-origin guard of a route's own origins: the same lists recur on every route of a server, built once per list (#18); bounded. */
const SAME_ORIGIN_GUARDS = new Map<string, string>();

/** The rule condition keeping other sites' upgrades off the route's routers, if any (../websocket-origin.ts). */
function upgradeGuard(ctx: Ctx, route: Route, corsCompiled: boolean): string | undefined {
  const which = upgradeOrigins(route, ctx.gateway.securitySchemes);
  if (which === 'listed') return corsCompiled && route.policy.cors ? originGuard(route.policy.cors.origins) : undefined;
  if (which !== 'same') return undefined;
  const byHost = ownOriginsByHost(route, ctx.gateway.servers, ctx.gateway.servers.some((s) => s.scheme === 'https'));
  // Said where the spec expects browsers to upgrade; other routes are refused the same, silently.
  if (route.websocket) {
    if (!byHost) ctx.report('traefik-websocket-origin-unknown', { route: route.id }, route.loc);
    for (const h of byHost ?? []) {
      if (h.unserved) ctx.report('traefik-websocket-origin-scheme', { route: route.id, server: h.unserved.url, origins: h.origins.join(', ') }, route.loc);
    }
  }
  // The Host matcher is in the rule (whereConditions) when the route has hosts and routes on them.
  const hostInRule = route.hosts.length > 0 && ctx.plan.enforced(route.id, 'hostRouting');
  const key = `${hostInRule}\n${byHost?.map((h) => `${h.host} ${h.origins.join(' ')}`).join('\n') ?? ''}`;
  let guard = SAME_ORIGIN_GUARDS.get(key);
  if (guard === undefined) {
    guard = sameOriginGuard(byHost, hostInRule);
    if (SAME_ORIGIN_GUARDS.size >= 10_000) SAME_ORIGIN_GUARDS.clear();
    SAME_ORIGIN_GUARDS.set(key, guard);
  }
  return guard;
}

/**
 * An operation whose own name ends like another operation's alternative or anonymous router
 * (`items-alt2`, `x-anonymous`) would take that router's name, or push it to `-2` and so rename
 * it when the other operation gains an alternative; gwc diff reads `NAME-altN` as an alternative of
 * NAME (deployed-operations.ts), so a second way into `items` read as no change. Such an operation router is
 * named `...-op`.
 */
const OWN_NAME_CLASH = /(^|-)(alt\d+|anonymous)$/;

/** Pushes onto `out` the middlewares policies put in `slot` for the router of alternative `i`, in the parts' order. */
function putSlot(out: string[], parts: readonly SlotParts[], slot: PolicySlot, i: number): void {
  for (let k = 0; k < parts.length; k++) {
    const v = parts[k]!.slots?.[slot];
    const mw = typeof v === 'string' || v === undefined ? v : v[i];
    if (mw !== undefined) out.push(mw);
  }
}
