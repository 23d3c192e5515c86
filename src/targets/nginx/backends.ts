/**
 * Backends → `upstream` blocks (https://nginx.org/en/docs/http/ngx_http_upstream_module.html).
 * Weights on `server`, passive health through `max_fails`/`fail_timeout` (active checks are
 * NGINX Plus only), `keepalive` with HTTP/1.1 and an empty Connection header (the pool is only
 * used then: https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive).
 */
import type { Backend, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { filePath, hostName } from './escape.js';
import type { UpstreamView } from './upstream-view.js';

// The views live in upstream-view.ts (context.ts caches them and backends.ts needs Ctx): re-exported.
export type { TlsView, UpstreamView } from './upstream-view.js';

const DEFAULT_KEEPALIVE = 32;

export const ms = (n: number): string => `${Math.max(1, Math.round(n))}ms`;
/** For directives that take whole seconds (fail_timeout). */
export const secs = (n: number): string => `${Math.max(1, Math.ceil(n / 1000))}s`;

/** The upstream of an HTTP (or Lambda-with-fallback) backend; undefined with a diagnostic when nginx cannot carry it. */
export function upstreamFor(ctx: Ctx, backend: Backend, route: Route): UpstreamView | undefined {
  if (backend.kind === 'lambda' && ctx.plan.mode(route.id, 'backend.lambda') !== 'fallback') {
    ctx.report('nginx-lambda-no-fallback', { route: route.id, backend: backend.name }, backend.loc);
    return undefined;
  }
  if (backend.targets.length === 0) {
    ctx.report('nginx-backend-no-target', { route: route.id, backend: backend.name }, backend.loc);
    return undefined;
  }
  if (!ctx.upstreams.has(backend.name)) ctx.upstreams.set(backend.name, ctx.safe(backend.loc, () => build(ctx, backend)));
  return ctx.upstreams.get(backend.name);
}

function build(ctx: Ctx, backend: Backend): UpstreamView | undefined {
  const first = backend.targets[0]!.url;
  for (const t of backend.targets) {
    if (t.url.scheme !== first.scheme || t.url.path !== first.path) {
      ctx.report('nginx-upstream-mixed', { backend: backend.name, url: t.url.raw, first: first.raw }, t.loc);
      return undefined;
    }
  }
  const health = backend.healthCheck;
  const servers = backend.targets
    .filter((t) => t.weight > 0)
    .map((t) => {
      const host = hostName(t.url.host, `host of backend ${backend.name}`);
      const s: UpstreamView['servers'][number] = { address: `${host}:${t.url.port}`, weight: t.weight };
      if (health) {
        s.maxFails = health.unhealthyThreshold;
        s.failTimeout = secs(health.intervalMs);
      }
      return s;
    });
  const hosts = new Set(backend.targets.map((t) => t.url.host));
  if (backend.hostHeader === 'backend' && hosts.size > 1) {
    ctx.report('nginx-upstream-host-shared', { backend: backend.name, host: first.host }, backend.loc);
  }
  const defaultPort = first.scheme === 'https' ? 443 : 80;
  const view: UpstreamView = {
    name: ctx.derivedName('', backend.name),
    scheme: first.scheme,
    basePath: first.path,
    servers,
    keepalive: backend.keepalive ?? DEFAULT_KEEPALIVE,
    host: backend.hostHeader === 'client' ? { client: true } : first.port === defaultPort ? hostName(first.host) : `${hostName(first.host)}:${first.port}`,
  };
  if (backend.tls || first.scheme === 'https') {
    const tls = backend.tls;
    view.tls = {
      verify: tls?.verify ?? true,
      serverName: hostName(tls?.serverName ?? first.host, `TLS server name of backend ${backend.name}`),
      trusted: filePath(tls?.caFile ?? ctx.options.trustedCa, `CA file of backend ${backend.name}`),
    };
  }
  if (backend.connectTimeoutMs !== undefined) view.connectTimeout = ms(backend.connectTimeoutMs);
  if (backend.timeoutMs !== undefined) view.timeout = ms(backend.timeoutMs);
  if (backend.retries !== undefined) view.retries = backend.retries;
  return view;
}
