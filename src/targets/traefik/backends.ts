/**
 * Backends become loadBalancer services (https://doc.traefik.io/traefik/routing/services/):
 * weighted servers, health check, passHostHeader, and a serversTransport for backend TLS,
 * timeouts and keepalive. A route with its own timeout gets its own service and transport,
 * since Traefik's timeouts live on the transport.
 */
import type { Backend, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import type { ServersTransport } from './types.js';

export interface ServiceRef {
  service: string;
  /** Path the router's rewrite must put before the upstream path ('' when servers keep their own). */
  prefix: string;
  /** Middlewares that belong next to the service (retry). */
  middlewares: string[];
}

/** Traefik's internal service that answers 418 and never reaches a backend. */
export const NOOP_SERVICE = 'noop@internal';

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$|^\[[0-9A-Fa-f:.]+\]$|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

export function duration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const cache = new WeakMap<Ctx, Map<string, ServiceRef>>();

export function serviceFor(ctx: Ctx, route: Route): ServiceRef | undefined {
  const backend = ctx.backend(route);
  if (!backend) {
    ctx.report('traefik-backend-unknown', { route: route.id, backend: route.backend }, route.loc);
    return undefined;
  }
  if (backend.kind === 'mock' || (backend.kind === 'lambda' && backend.targets.length === 0)) {
    // Only reached when the gap was accepted in the spec: answer 418 rather than route anywhere.
    ctx.report('traefik-backend-noop', { route: route.id, backend: backend.name }, backend.loc);
    return { service: NOOP_SERVICE, prefix: '', middlewares: [] };
  }
  const timeoutMs = route.timeoutMs ?? backend.timeoutMs;
  const key = `${backend.name}\0${timeoutMs ?? ''}`;
  let perCtx = cache.get(ctx);
  if (!perCtx) cache.set(ctx, (perCtx = new Map()));
  const hit = perCtx.get(key);
  if (hit) return hit;
  const ref = buildService(ctx, backend, timeoutMs, route.timeoutMs !== undefined && route.timeoutMs !== backend.timeoutMs ? route.id : undefined);
  if (ref) perCtx.set(key, ref);
  return ref;
}

function buildService(ctx: Ctx, backend: Backend, timeoutMs: number | undefined, variant: string | undefined): ServiceRef | undefined {
  const parts = variant ? [backend.name, variant] : [backend.name];
  const targets = backend.targets.filter((t) => t.weight > 0);
  for (const t of targets) {
    if (!HOST.test(t.url.host)) {
      ctx.report('traefik-backend-host', { backend: backend.name, host: t.url.host }, t.loc);
      return undefined;
    }
  }
  const paths = [...new Set(targets.map((t) => t.url.path))];
  // Traefik ignores a server URL's path unless preservePath (3.2+) is set
  // (https://doc.traefik.io/traefik/routing/services/#servers): with one path for all servers the
  // router's rewrite adds it, which every 3.x line understands.
  let preservePath = false;
  if (paths.length > 1) {
    if (!ctx.allows('servers.preservePath')) {
      ctx.report('traefik-server-paths', { backend: backend.name, paths: paths.join(', '), version: String(ctx.options.version) }, backend.loc);
      return undefined;
    }
    preservePath = true;
  }
  const hostPort = (h: string, port: number) => `${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`;
  const servers = targets.map((t) => ({
    url: `${t.url.scheme}://${hostPort(t.url.host, t.url.port)}${preservePath ? t.url.path : ''}`,
    ...(targets.length > 1 ? { weight: t.weight } : {}),
    ...(preservePath ? { preservePath: true } : {}),
  }));
  const name = ctx.serviceNames.name(...parts);
  const lb: Record<string, unknown> = { servers, passHostHeader: backend.hostHeader === 'client' };
  if (backend.healthCheck) {
    const hc = backend.healthCheck;
    lb.healthCheck = { path: hc.path, interval: duration(hc.intervalMs), timeout: duration(hc.timeoutMs) };
    // Traefik's healthCheck has no thresholds (https://doc.traefik.io/traefik/routing/services/#health-check):
    // one failed check removes a server, one passed check restores it. Say so once per backend, at
    // the first threshold the spec wrote (gwc's defaults are nobody's intent: issue #21).
    const written = (['healthyThreshold', 'unhealthyThreshold'] as const).filter((k) => hc.thresholdLocs?.[k] && hc[k] !== 1);
    if (written.length > 0 && ctx.once(`health-threshold\0${backend.name}`)) {
      ctx.report('traefik-health-threshold-ignored', { backend: backend.name, healthyThreshold: hc.healthyThreshold, unhealthyThreshold: hc.unhealthyThreshold }, hc.thresholdLocs![written[0]!]!);
    }
  }
  const transport = transportFor(backend, timeoutMs);
  if (transport) {
    const tname = ctx.transportNames.name(...parts);
    ctx.transports.set(tname, transport);
    lb.serversTransport = tname;
  }
  ctx.services.set(name, { loadBalancer: lb as never });
  const middlewares: string[] = [];
  if (backend.retries !== undefined && backend.retries > 0) {
    // attempts counts the first try too (pkg/middlewares/retry: `attempts < r.attempts`).
    middlewares.push(ctx.addMiddleware([...parts, 'retry'], { retry: { attempts: backend.retries + 1 } }));
  }
  return { service: name, prefix: preservePath ? '' : (paths[0] ?? ''), middlewares };
}

function transportFor(backend: Backend, timeoutMs: number | undefined): ServersTransport | undefined {
  const t: ServersTransport = {};
  // Verification is written explicitly for every HTTPS backend: without a transport of its own a
  // service uses default@internal, whose insecureSkipVerify comes from the static configuration
  // (https://doc.traefik.io/traefik/routing/overview/#insecureskipverify), which gwc cannot see.
  if (backend.tls || backend.targets.some((x) => x.url.scheme === 'https')) t.insecureSkipVerify = backend.tls ? !backend.tls.verify : false;
  if (backend.tls) {
    if (backend.tls.serverName) t.serverName = backend.tls.serverName;
    if (backend.tls.caFile) t.rootCAs = [backend.tls.caFile];
  }
  if (backend.keepalive !== undefined) t.maxIdleConnsPerHost = backend.keepalive;
  const ft: NonNullable<ServersTransport['forwardingTimeouts']> = {};
  if (backend.connectTimeoutMs !== undefined) ft.dialTimeout = duration(backend.connectTimeoutMs);
  if (timeoutMs !== undefined) ft.responseHeaderTimeout = duration(timeoutMs);
  if (Object.keys(ft).length > 0) t.forwardingTimeouts = ft;
  return Object.keys(t).length > 0 ? t : undefined;
}
