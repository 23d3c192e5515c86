/**
 * Backends become Kong services (one per backend, plus one per distinct route timeout, because
 * Kong's timeouts live on the service) and, for weighted or health-checked backends, an upstream
 * with targets. https://docs.konghq.com/gateway/latest/key-concepts/upstreams/
 *
 * Fields whose defaults moved across Kong 3.x, or whose Kong default differs from gwc's contract,
 * are written explicitly: `retries` (Kong's default is 5), the three timeouts, `tls_verify`.
 */
import type { Backend, Route } from '../../model/types.js';
import type { Ctx, Entity, Json } from './context.js';
import { o2kCollision, o2kId, o2kMode } from './o2k-names.js';

export interface ServiceRef {
  name: string;
  entity: Entity;
  backend: Backend;
  routes: Entity[];
  /** gwc's own service key (backend, timeout) and the first route on it: an openapi2kong name must not cover two. */
  key: string;
  firstRoute: string;
}

export interface Backends {
  services: Map<string, ServiceRef>;
  upstreams: Entity[];
  /** The service a route is attached to, created on first use. */
  serviceFor(route: Route, backend: Backend): ServiceRef;
}

const KONG_DEFAULT_TIMEOUT_MS = 60000;

function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

function upstreamEntity(ctx: Ctx, b: Backend, o2kName?: string): Entity {
  const name = o2kName ?? ctx.names.upstream(b.name);
  const targets: Json[] = b.targets.map((t) => {
    if (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 65535) {
      ctx.report('kong-target-weight', { backend: b.name, weight: t.weight }, t.loc);
    }
    return { target: `${t.url.host}:${t.url.port}`, weight: t.weight, tags: [ctx.names.tag] };
  });
  const u: Entity = {
    name,
    id: o2kName ? o2kId.upstream(name) : ctx.names.id('upstream', name),
    algorithm: 'round-robin',
    slots: 10000,
    tags: [ctx.names.tag],
    targets,
  };
  const first = b.targets[0];
  const scheme = first?.url.scheme ?? 'http';
  if (b.hostHeader === 'backend' && first) {
    // Without an upstream, Kong sends the service host as Host; with one it would send the
    // upstream's name, so the backend's own host is set explicitly.
    u.host_header = first.url.host;
  }
  const hc = b.healthCheck;
  if (hc && ctx.plan) {
    const failures = hc.unhealthyThreshold;
    u.healthchecks = {
      threshold: 0,
      active: {
        type: scheme,
        http_path: hc.path,
        timeout: seconds(hc.timeoutMs),
        concurrency: 10,
        https_verify_certificate: b.tls?.verify ?? true,
        healthy: { interval: seconds(hc.intervalMs), successes: hc.healthyThreshold, http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308] },
        unhealthy: {
          interval: seconds(hc.intervalMs),
          http_failures: failures,
          tcp_failures: failures,
          timeouts: failures,
          http_statuses: [429, 404, 500, 501, 502, 503, 504, 505],
        },
      },
      // Passive checks take a target out as soon as live traffic fails, between two probes.
      passive: {
        type: scheme,
        healthy: { successes: hc.healthyThreshold, http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308] },
        unhealthy: { http_failures: failures, tcp_failures: failures, timeouts: failures, http_statuses: [429, 500, 503] },
      },
    };
  }
  return u;
}

export function buildBackends(ctx: Ctx): Backends {
  const services = new Map<string, ServiceRef>();
  const upstreams: Entity[] = [];
  const upstreamOf = new Map<string, string>();
  const upstreamBody = new Map<string, string>();
  const upstreamFirst = new Map<string, string>();

  const needsUpstream = (b: Backend) => b.targets.length > 1 || b.healthCheck !== undefined;

  const serviceFor = (route: Route, b: Backend): ServiceRef => {
    const timeout = route.timeoutMs ?? b.timeoutMs;
    const key = route.timeoutMs !== undefined && route.timeoutMs !== b.timeoutMs ? `${b.name}.t${route.timeoutMs}ms` : b.name;
    const o2k = o2kMode(ctx) ? route.openapi2kong : undefined;
    const name = o2k ? o2k.service : ctx.names.service(key);
    const found = services.get(name);
    if (found) {
      // openapi2kong names one service where gwc needs two (another backend or timeout): refused.
      if (o2k && found.key !== key) o2kCollision(ctx, 'service', name, found.firstRoute, route);
      return found;
    }
    const first = b.targets[0];
    if (!first) {
      ctx.report('kong-backend-no-target', { backend: b.name }, b.loc);
    }
    const upstreamKey = o2k ? o2k.upstream : b.name;
    if (needsUpstream(b) && first && !upstreamOf.has(upstreamKey)) {
      const u = upstreamEntity(ctx, b, o2k?.upstream);
      upstreams.push(u);
      upstreamOf.set(upstreamKey, String(u.name));
      upstreamBody.set(upstreamKey, JSON.stringify(u));
    } else if (o2k && needsUpstream(b) && first && upstreamBody.get(upstreamKey) !== JSON.stringify(upstreamEntity(ctx.silent(), b, o2k.upstream))) {
      // Services openapi2kong points at one upstream share it only when gwc would write it identically.
      o2kCollision(ctx, 'upstream', upstreamKey, upstreamFirst.get(upstreamKey) ?? '', route);
    }
    if (o2k && !upstreamFirst.has(upstreamKey)) upstreamFirst.set(upstreamKey, route.id);
    const paths = new Set(b.targets.map((t) => `${t.url.scheme}|${t.url.path}`));
    if (paths.size > 1) ctx.report('kong-upstream-mixed', { backend: b.name }, b.loc);
    const entity: Entity = {
      name,
      id: o2k ? o2kId.service(name) : ctx.names.id('service', name),
      protocol: first?.url.scheme ?? 'http',
      host: (needsUpstream(b) ? upstreamOf.get(upstreamKey) : undefined) ?? first?.url.host ?? 'invalid',
      port: first?.url.port ?? 80,
      // Kong joins service path and request path; gwc keeps the backend path without a trailing
      // slash and rewrites explicitly where the upstream path must differ.
      path: first?.url.path || '/',
      connect_timeout: b.connectTimeoutMs ?? KONG_DEFAULT_TIMEOUT_MS,
      read_timeout: timeout ?? KONG_DEFAULT_TIMEOUT_MS,
      write_timeout: timeout ?? KONG_DEFAULT_TIMEOUT_MS,
      retries: ctx.plan && b.retries !== undefined ? b.retries : 5,
      tags: [ctx.names.tag],
    };
    if (first?.url.scheme === 'https') {
      entity.tls_verify = b.tls?.verify ?? true;
      if (b.tls?.serverName && b.tls.serverName !== first.url.host) {
        ctx.report('kong-tls-server-name', { backend: b.name, serverName: b.tls.serverName }, b.tls.loc);
      }
      if (b.tls?.caFile) {
        ctx.report('kong-tls-ca-file', { backend: b.name }, b.tls.loc);
      }
    }
    const ref: ServiceRef = { name, entity, backend: b, routes: [], key, firstRoute: route.id };
    services.set(name, ref);
    return ref;
  };
  return { services, upstreams, serviceFor };
}
