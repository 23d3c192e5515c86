/**
 * `x-kong-service-defaults`, `x-kong-upstream-defaults` and `x-kong-route-defaults`: the fields of
 * Kong's Service, Upstream and Route entities a team sets in its spec, folded into the backend
 * and route they describe. Field by field, as Kong documents them:
 * https://docs.konghq.com/gateway/latest/admin-api/#service-object (and #upstream-object, #route-object)
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Backend, BackendTarget } from '../types.js';
import type { KongInput, OpLevels } from './kong-input.js';
import { isObj } from './node.js';
import { parseUrl } from './units.js';

const MS = (n: unknown): number | undefined => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined);

function ignored(ctx: KongInput, node: Located, ext: string, field: string, detail: string): void {
  ctx.report(diag('kong-extension-ignored', { extension: `${ext}.${field}`, detail }, ctx.w.child(node, field).loc));
}
function unmapped(ctx: KongInput, node: Located, ext: string, field: string, detail: string): void {
  ctx.report(diag('kong-extension-unmapped', { extension: `${ext}.${field}`, detail }, ctx.w.child(node, field).loc));
}

const defaultPort = (scheme: 'http' | 'https') => (scheme === 'https' ? 443 : 80);

function retarget(b: Backend, change: (t: BackendTarget) => void): void {
  for (const t of b.targets) {
    change(t);
    t.url.raw = `${t.url.scheme}://${t.url.host}:${t.url.port}${t.url.path}`;
  }
}

/** Service defaults → backend: retries, timeouts, where it points (07a: host set = no upstream), TLS verification. */
export function applyServiceDefaults(ctx: KongInput, b: Backend, node: Located): void {
  const ext = 'x-kong-service-defaults';
  if (!isObj(node.value)) return;
  const v = node.value;
  for (const [field, value] of Object.entries(v)) {
    const at = ctx.w.child(node, field);
    switch (field) {
      case 'retries':
        if (MS(value) !== undefined) b.retries = value as number;
        break;
      case 'connect_timeout':
        if (MS(value) !== undefined) b.connectTimeoutMs = value as number;
        break;
      case 'read_timeout':
      case 'write_timeout': {
        const [r, w] = [MS(v.read_timeout), MS(v.write_timeout)];
        b.timeoutMs = Math.max(r ?? 0, w ?? 0) || b.timeoutMs || 60_000;
        if (field === 'write_timeout' && r !== undefined && w !== undefined && r !== w) {
          ignored(ctx, node, ext, field, `gwc has one backend timeout; both read and write use the larger, ${b.timeoutMs} ms`);
        }
        break;
      }
      case 'url': {
        const u = parseUrl(value, at.loc, ctx.out);
        if (u) b.targets = [{ url: u, weight: 1, loc: at.loc }];
        break;
      }
      case 'protocol':
        if (value !== 'http' && value !== 'https') {
          unmapped(ctx, node, ext, field, `protocol ${JSON.stringify(value)}: gwc proxies HTTP and HTTPS only`);
          break;
        }
        retarget(b, (t) => {
          if (v.port === undefined && t.url.port === defaultPort(t.url.scheme)) t.url.port = defaultPort(value);
          t.url.scheme = value;
        });
        break;
      case 'host':
        if (typeof value === 'string' && value) {
          const first = b.targets[0];
          const scheme = first?.url.scheme ?? 'https';
          const url = { raw: '', scheme, host: value, port: first?.url.port ?? defaultPort(scheme), path: first?.url.path ?? '' };
          b.targets = [{ url, weight: 1, loc: at.loc }];
          retarget(b, () => {});
        }
        break;
      case 'port':
        if (typeof value === 'number') retarget(b, (t) => (t.url.port = value));
        break;
      case 'path':
        if (typeof value === 'string') retarget(b, (t) => (t.url.path = value.replace(/\/+$/, '')));
        break;
      case 'tls_verify':
        if (typeof value === 'boolean') b.tls = { ...(b.tls ?? {}), verify: value, loc: at.loc };
        break;
      case 'name':
      case 'id':
      case 'tags':
        ignored(ctx, node, ext, field, 'gwc names and tags Kong services itself (x-kong-name names the gateway)');
        break;
      default:
        ignored(ctx, node, ext, field, 'not portable and not carried over to the Kong service (gwc writes its own value)');
    }
  }
  // host (07a) and port/path apply in either order; re-apply those that came before host
  if (typeof v.host === 'string') {
    if (typeof v.port === 'number') retarget(b, (t) => (t.url.port = v.port as number));
    if (typeof v.path === 'string') retarget(b, (t) => (t.url.path = (v.path as string).replace(/\/+$/, '')));
  }
}

/** Upstream defaults → backend: its targets (06a) and active health checks. */
export function applyUpstreamDefaults(ctx: KongInput, b: Backend, node: Located): void {
  const ext = 'x-kong-upstream-defaults';
  if (!isObj(node.value)) return;
  for (const [field, value] of Object.entries(node.value)) {
    const at = ctx.w.child(node, field);
    if (field === 'targets' && Array.isArray(value)) {
      const first = b.targets[0]?.url ?? { scheme: 'https' as const, path: '' };
      const targets: BackendTarget[] = [];
      for (const item of ctx.w.items(at)) {
        const t = isObj(item.value) ? item.value : {};
        const m = typeof t.target === 'string' ? /^([^:\s/]+)(?::(\d+))?$/.exec(t.target) : null;
        if (!m) {
          unmapped(ctx, at, ext, String(targets.length), `target ${JSON.stringify(t.target)} is not host[:port]`);
          continue;
        }
        const port = m[2] ? Number(m[2]) : 8000; // Kong's default target port
        targets.push({ url: { raw: `${first.scheme}://${m[1]}:${port}${first.path}`, scheme: first.scheme, host: m[1]!, port, path: first.path }, weight: typeof t.weight === 'number' ? t.weight : 100, loc: item.loc });
      }
      if (targets.length) b.targets = targets;
    } else if (field === 'healthchecks' && isObj(value)) {
      healthChecks(ctx, b, at);
    } else if (field === 'algorithm' && value === 'round-robin') {
      continue;
    } else {
      ignored(ctx, node, ext, field, 'not portable and not carried over to the Kong upstream (gwc balances round-robin by weight)');
    }
  }
}

/** Active HTTP checks map onto the model's health check; Kong's interval 0 means "off". */
function healthChecks(ctx: KongInput, b: Backend, node: Located): void {
  const ext = 'x-kong-upstream-defaults.healthchecks';
  const v = node.value as Record<string, unknown>;
  for (const field of Object.keys(v)) if (field !== 'active') ignored(ctx, node, ext, field, 'only active HTTP health checks are portable');
  const active = isObj(v.active) ? v.active : undefined;
  if (!active) return;
  const healthy = isObj(active.healthy) ? active.healthy : {};
  const unhealthy = isObj(active.unhealthy) ? active.unhealthy : {};
  const interval = Number(healthy.interval ?? 0) || Number(unhealthy.interval ?? 0);
  if (!interval) return;
  const activeNode = ctx.w.child(node, 'active');
  if (active.type === 'tcp') {
    ignored(ctx, activeNode, ext + '.active', 'type', 'TCP health checks are not portable; no active check is built');
    return;
  }
  b.healthCheck = {
    path: typeof active.http_path === 'string' ? active.http_path : '/',
    intervalMs: interval * 1000,
    timeoutMs: Number(active.timeout ?? 1) * 1000,
    healthyThreshold: Number(healthy.successes ?? 0) || 2,
    unhealthyThreshold: Number(unhealthy.http_failures ?? 0) || Number(unhealthy.tcp_failures ?? 0) || 3,
    loc: activeNode.loc,
  };
}

/**
 * Route defaults. gwc writes every routing field itself to honour the routing rules of
 * DESIGN.md section 3 on all targets; what restricts matching (hosts, headers, sources, a
 * narrower protocol list) cannot be dropped without widening the route, so it is refused.
 */
export function applyRouteDefaults(ctx: KongInput, o: OpLevels, node: Located): void {
  const ext = 'x-kong-route-defaults';
  if (!isObj(node.value)) return;
  const r = o.route;
  for (const [field, value] of Object.entries(node.value)) {
    switch (field) {
      case 'preserve_host': // applied to the backend (kong-input.ts)
      case 'service': // a foreign key; openapi2kong deletes it too
        break;
      case 'strip_path':
        // A whole-path regex route with strip_path strips everything: the backend gets its own path.
        if (value !== true) break;
        if (r.upstreamPath) ctx.report(diag('kong-extension-overridden', { extension: `${ext}.strip_path`, field: 'the upstream path (x-gateway.upstreamPath)' }, ctx.w.child(node, field).loc));
        else r.upstreamPath = { template: '', loc: ctx.w.child(node, field).loc };
        break;
      case 'protocols': {
        const serves = new Set(ctx.gateway.servers.length ? ctx.gateway.servers.map((s) => s.scheme) : ['http', 'https']);
        const wanted = Array.isArray(value) ? value.map(String) : [];
        if ([...serves].some((p) => !wanted.includes(p))) unmapped(ctx, node, ext, field, `gwc serves ${[...serves].sort().join(' and ')} from the spec's servers; restrict the servers instead`);
        break;
      }
      case 'hosts':
      case 'headers':
      case 'snis':
      case 'sources':
      case 'destinations':
        unmapped(ctx, node, ext, field, 'it narrows which requests match; gwc routes on the servers, method and path (use x-gateway hosts or servers)');
        break;
      case 'regex_priority':
      case 'path_handling':
      case 'paths':
      case 'methods':
      case 'name':
      case 'id':
      case 'tags':
        ignored(ctx, node, ext, field, 'gwc writes it itself, so that concrete paths win over templated ones and only declared methods pass');
        break;
      default:
        ignored(ctx, node, ext, field, 'not portable; gwc writes its own value on the Kong route');
    }
  }
}
