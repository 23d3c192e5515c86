/**
 * `x-kong-service-defaults`, `x-kong-upstream-defaults` and `x-kong-route-defaults`: the fields of
 * Kong's Service, Upstream and Route entities a team sets in its spec, folded into the backend
 * and route they describe. Field by field, as Kong documents them:
 * https://docs.konghq.com/gateway/latest/admin-api/#service-object (and #upstream-object, #route-object)
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Backend, BackendTarget } from '../../model/types.js';
import type { KongInput, OpLevels } from './types.js';
import { reader } from './check.js';
import { isHost } from '../../model/normalise/units.js';
import { isObj } from '../../model/normalise/node.js';
import { parseUrl } from '../../model/normalise/units.js';

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
  // Types and ranges first (x-gateway schema ranges): a bad value is an error, never a default.
  const r = reader(ctx, node, ext);
  r.int('retries', 0, 32767); // Kong's range (retries do not open anything)
  for (const f of ['connect_timeout', 'read_timeout', 'write_timeout']) r.int(f, 0, 2 ** 31 - 1);
  r.str('host', 'host');
  r.int('port', 1, 65535);
  r.str('path', 'path');
  r.bool('tls_verify');
  if (r.failed) return;
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
  const r = reader(ctx, node, ext);
  if (node.value.targets !== undefined && !Array.isArray(node.value.targets)) r.bad('targets', 'not a list');
  if (node.value.healthchecks !== undefined && !isObj(node.value.healthchecks)) r.bad('healthchecks', 'not an object');
  if (r.failed) return;
  for (const [field, value] of Object.entries(node.value)) {
    const at = ctx.w.child(node, field);
    if (field === 'targets' && Array.isArray(value)) {
      const first = b.targets[0]?.url ?? { scheme: 'https' as const, path: '' };
      const targets: BackendTarget[] = [];
      let failed = false;
      for (const item of ctx.w.items(at)) {
        const t = isObj(item.value) ? item.value : {};
        const m = typeof t.target === 'string' ? /^([^:\s/]+)(?::(\d{1,5}))?$/.exec(t.target) : null;
        const port = m?.[2] ? Number(m[2]) : 8000; // Kong's default target port
        if (!m || !isHost(m[1]!) || port < 1 || port > 65535) {
          failed = true;
          ctx.report(diag('kong-extension-unmapped', { extension: `${ext}.targets`, detail: `target ${JSON.stringify(t.target)} is not host[:port] with a port from 1 to 65535` }, item.loc));
          continue;
        }
        const weight = reader(ctx, item, `${ext}.targets`).int('weight', 0, 1000);
        if (weight === undefined && t.weight !== undefined) {
          failed = true;
          continue;
        }
        targets.push({ url: { raw: `${first.scheme}://${m[1]}:${port}${first.path}`, scheme: first.scheme, host: m[1]!, port, path: first.path }, weight: weight ?? 100, loc: item.loc });
      }
      if (targets.length && !failed) b.targets = targets;
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
  const activeNode = ctx.w.child(node, 'active');
  const healthyNode = ctx.w.child(activeNode, 'healthy');
  const unhealthyNode = ctx.w.child(activeNode, 'unhealthy');
  // Kong's ranges: intervals and timeout 0-65535 s, counters 0-255 (0 = off / not counted).
  const ra = reader(ctx, activeNode, `${ext}.active`);
  const rh = reader(ctx, healthyNode, `${ext}.active.healthy`);
  const ru = reader(ctx, unhealthyNode, `${ext}.active.unhealthy`);
  const path = ra.str('http_path', 'path');
  const timeout = ra.num('timeout', 0, 65535);
  const [hi, ui] = [rh.num('interval', 0, 65535), ru.num('interval', 0, 65535)];
  const successes = rh.int('successes', 0, 255);
  const [hf, tf] = [ru.int('http_failures', 0, 255), ru.int('tcp_failures', 0, 255)];
  const interval = hi || ui;
  const failures = hf || tf;
  if (ra.failed || rh.failed || ru.failed || !interval) return;
  if (active.type === 'tcp') {
    ignored(ctx, activeNode, ext + '.active', 'type', 'TCP health checks are not portable; no active check is built');
    return;
  }
  b.healthCheck = {
    path: path ?? '/',
    intervalMs: Math.round(interval * 1000),
    timeoutMs: Math.round((timeout ?? 1) * 1000),
    healthyThreshold: successes || 2,
    unhealthyThreshold: failures || 3,
    thresholdLocs: { ...(successes ? { healthyThreshold: activeNode.loc } : {}), ...(failures ? { unhealthyThreshold: activeNode.loc } : {}) },
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
  const check = reader(ctx, node, ext);
  check.bool('preserve_host');
  check.bool('strip_path');
  if (node.value.protocols !== undefined) check.strs('protocols');
  if (check.failed) return;
  for (const [field, value] of Object.entries(node.value)) {
    switch (field) {
      case 'preserve_host': // applied to the backend (index.ts)
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
