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
 *      DELETE /users/{id}).
 */
import type { Route } from '../../model/types.js';
import { authRouters } from './auth.js';
import { clearsFor } from './clears.js';
import { NOOP_SERVICE, serviceFor } from './backends.js';
import type { Ctx } from './context.js';
import { rewriteMiddleware } from './paths.js';
import { bodyLimitMiddleware, corsMiddleware, headerOpsMiddleware, ipMiddleware, rateLimitMiddleware } from './policies.js';
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
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const planned: Planned[] = [];
  const tls = ctx.gateway.servers.some((s) => s.scheme === 'https') ? { tls: { options: 'default' } } : {};
  const entryPoints = ctx.options.entryPoints.length > 0 ? { entryPoints: ctx.options.entryPoints } : {};
  let reject405: string | undefined;
  for (const group of groups.values()) {
    const first = group[0]!;
    const where = whereConditions(ctx, first);
    if (!where) continue;
    for (const route of group) planned.push(...routeRouters(ctx, route, where));
    reject405 ??= ctx.addMiddleware(['method-not-allowed'], {
      ipAllowList: { sourceRange: ['255.255.255.255/32'], rejectStatusCode: 405 },
    });
    const allow = ctx.addMiddleware([first.id, 'allow'], {
      headers: { customResponseHeaders: { Allow: [...new Set(group.map((r) => r.method))].join(', ') } },
    });
    planned.push({
      name: ctx.routerNames.name(first.id, 'other-methods'),
      router: { rule: and(where), middlewares: [allow, reject405], service: NOOP_SERVICE },
      role: { kind: 'method-not-allowed', routeId: first.id },
    });
  }
  planned.forEach((p, i) => {
    ctx.routers.set(p.name, { ...entryPoints, rule: p.router.rule, priority: planned.length - i, ...(p.router.middlewares?.length ? { middlewares: p.router.middlewares } : {}), service: p.router.service, ...tls });
    ctx.roles.set(p.name, p.role);
  });
}

/** Host and path conditions shared by every router of a path. */
function whereConditions(ctx: Ctx, route: Route): string[] | undefined {
  for (const h of route.hosts) {
    if (!HOST_NAME.test(h)) {
      ctx.report('traefik-host-not-ascii', { route: route.id, host: h }, route.loc);
      return undefined;
    }
  }
  const hosts = route.hosts.length > 0 && ctx.plan.enforced(route.id, 'hostRouting') ? [or(route.hosts.map(m.host))] : [];
  return [...hosts, m.pathRegexp(pathRegex(route.segments))];
}

function routeRouters(ctx: Ctx, route: Route, where: string[]): Planned[] {
  const out: Planned[] = [];
  const on = (f: Parameters<Ctx['plan']['enforced']>[1]) => ctx.plan.enforced(route.id, f);
  const cors = route.policy.cors && on('cors') ? corsMiddleware(ctx, route, route.policy.cors) : undefined;
  if (cors) {
    out.push({
      name: ctx.routerNames.name(route.id, 'preflight'),
      router: {
        rule: and([...where, m.method('OPTIONS'), m.header('Access-Control-Request-Method', route.method), m.headerRegexp('Origin', '.')]),
        middlewares: [cors],
        service: NOOP_SERVICE,
      },
      role: { kind: 'preflight', routeId: route.id },
    });
  }
  const alts = authRouters(ctx, route);
  const svc = serviceFor(ctx, route);
  if (!alts || !svc) return out;
  const ip = on('ipRule') ? ipMiddleware(ctx, route) : undefined;
  const body = on('bodyLimit') ? bodyLimitMiddleware(ctx, route) : undefined;
  const headers = headerOpsMiddleware(ctx, route);
  const rewrite = rewriteMiddleware(ctx, route, svc.prefix);
  const clears = clearsFor(ctx, route);
  const rl = route.policy.rateLimit && on('rateLimit') ? route.policy.rateLimit : undefined;
  // A per-IP limit (or one on a header nobody verifies) runs before auth (it also slows
  // credential guessing); a per-consumer one, or one on the header every alternative verifies,
  // after it, when the credential header is known to be genuine. Each router has its own buckets,
  // so each gets 1/alts.length of the rate (policies.ts).
  const by = rl?.by;
  const verifiedHeader = typeof by === 'object' && alts.every((a) => a.consumerHeader?.toLowerCase() === by.header.toLowerCase());
  const afterAuth = rl !== undefined && (rl.by === 'consumer' || verifiedHeader);
  const rlFirst = rl && !afterAuth ? rateLimitMiddleware(ctx, route, {}, '', alts.length) : undefined;
  const perConsumer = new Map<string, string | undefined>();
  for (const alt of alts) {
    let rlAfter: string | undefined;
    if (rl && afterAuth) {
      const key = alt.consumerHeader ?? '';
      if (!perConsumer.has(key)) perConsumer.set(key, rateLimitMiddleware(ctx, route, { header: alt.consumerHeader, scheme: alt.consumerScheme }, perConsumer.size > 0 ? `by-${key || 'address'}` : '', alts.length));
      rlAfter = perConsumer.get(key);
    }
    const middlewares = [clears.middleware, cors, ip, rlFirst, ...alt.middlewares, rlAfter, ...alt.hide, body, headers, rewrite, ...svc.middlewares].filter(
      (x): x is string => x !== undefined,
    );
    // Names stay those of the verifying routers (optional auth adds -anonymous), so gwc diff pairs them.
    const verifying = alts.filter((a) => !a.anonymous).length;
    const suffix = alt.anonymous ? ['anonymous'] : verifying > 1 && alt.alternative !== undefined ? [`alt${alt.alternative + 1}`] : [];
    out.push({
      name: ctx.routerNames.name(route.id, ...suffix),
      router: {
        rule: and([...where, m.method(route.method), ...(clears.queryGuard ? [clears.queryGuard] : []), ...(alt.selector ? [alt.selector] : [])]),
        middlewares,
        service: svc.service,
      },
      role: { kind: 'operation', routeId: route.id, ...(alt.alternative !== undefined ? { alternative: alt.alternative } : {}) },
    });
  }
  if (alts.length > 1 && rl) {
    ctx.report('traefik-limit-split', { route: route.id, routers: alts.length }, rl.loc);
  }
  return out;
}
