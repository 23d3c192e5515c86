/** x-gateway.backends → Backend (DESIGN.md section 2). */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Backend, BackendTarget, HealthCheck, Mock } from '../types.js';
import { isObj, type Walker } from './node.js';
import { parseDuration, parseUrl } from './units.js';

export function normaliseBackend(w: Walker, name: string, node: Located, out: Diagnostic[]): Backend | undefined {
  if (!isObj(node.value)) return undefined;
  const v = node.value;
  const kinds = ['url', 'targets', 'lambda', 'mock'].filter((k) => v[k] !== undefined);
  if (kinds.length !== 1) {
    out.push(
      diag('schema-invalid', { detail: `backend ${name} needs exactly one of url, targets, lambda, mock (has ${kinds.join(', ') || 'none'})` }, node.loc),
    );
    return undefined;
  }
  const backend: Backend = { name, loc: node.loc, kind: 'http', targets: [], hostHeader: v.hostHeader === 'client' ? 'client' : 'backend' };
  if (v.url !== undefined) {
    const url = parseUrl(v.url, w.child(node, 'url').loc, out);
    if (url) backend.targets.push({ url, weight: 1, loc: w.child(node, 'url').loc });
  } else if (v.targets !== undefined) {
    for (const t of w.items(w.child(node, 'targets'))) {
      const target = normaliseTarget(w, t, out);
      if (target) backend.targets.push(target);
    }
    if (backend.targets.length > 0 && backend.targets.every((t) => t.weight === 0)) out.push(diag('weights-invalid', { backend: name }, node.loc));
  } else if (v.lambda !== undefined) {
    const lambda = w.child(node, 'lambda');
    const l = lambda.value as { arn: string; fallbackUrl?: string };
    backend.kind = 'lambda';
    backend.lambda = { arn: l.arn, loc: lambda.loc };
    if (l.fallbackUrl !== undefined) {
      const fb = w.child(lambda, 'fallbackUrl');
      const url = parseUrl(l.fallbackUrl, fb.loc, out);
      if (url) {
        backend.targets.push({ url, weight: 1, loc: fb.loc });
        backend.lambda.fallbackLoc = fb.loc;
      }
    }
  } else {
    const mock = w.child(node, 'mock');
    backend.kind = 'mock';
    backend.mock = normaliseMock(mock);
  }
  const timeout = parseDuration(v.timeout, w.child(node, 'timeout').loc, out);
  if (timeout !== undefined) backend.timeoutMs = timeout;
  const connect = parseDuration(v.connectTimeout, w.child(node, 'connectTimeout').loc, out);
  if (connect !== undefined) backend.connectTimeoutMs = connect;
  if (typeof v.retries === 'number') backend.retries = v.retries;
  if (typeof v.keepalive === 'number') backend.keepalive = v.keepalive;
  if (typeof v.vpcLink === 'string') backend.vpcLink = { id: v.vpcLink, loc: w.child(node, 'vpcLink').loc };
  if (v.methodOverride === 'none') backend.methodOverride = { value: 'none', loc: w.child(node, 'methodOverride').loc };
  if (v.dotSegments === 'rejected') backend.dotSegments = { value: 'rejected', loc: w.child(node, 'dotSegments').loc };
  if (v.pathMatching === 'exact') backend.pathMatching = { value: 'exact', loc: w.child(node, 'pathMatching').loc };
  if (v.queryNames === 'exact') backend.queryNames = { value: 'exact', loc: w.child(node, 'queryNames').loc };
  if (v.headerNames === 'exact' || v.headerNames === 'folded') backend.headerNames = { value: v.headerNames, loc: w.child(node, 'headerNames').loc };
  if (isObj(v.healthCheck)) backend.healthCheck = normaliseHealthCheck(w, w.child(node, 'healthCheck'), out);
  if (isObj(v.tls)) {
    const t = v.tls as { verify?: boolean; serverName?: string; caFile?: string };
    backend.tls = { verify: t.verify ?? true, loc: w.child(node, 'tls').loc };
    if (t.serverName !== undefined) backend.tls.serverName = t.serverName;
    if (t.caFile !== undefined) backend.tls.caFile = t.caFile;
  }
  return backend;
}

function normaliseTarget(w: Walker, node: Located, out: Diagnostic[]): BackendTarget | undefined {
  const v = node.value as { url: string; weight?: number };
  const url = parseUrl(v.url, w.child(node, 'url').loc, out);
  return url ? { url, weight: v.weight ?? 1, loc: node.loc } : undefined;
}

function normaliseMock(node: Located): Mock {
  const v = (node.value ?? {}) as { status?: number; body?: string; contentType?: string; headers?: Record<string, string> };
  return {
    status: v.status ?? 200,
    body: v.body ?? '',
    contentType: v.contentType ?? 'application/json',
    headers: sortRecord(v.headers ?? {}),
    loc: node.loc,
  };
}

function normaliseHealthCheck(w: Walker, node: Located, out: Diagnostic[]): HealthCheck {
  const v = node.value as { path: string; interval?: string; timeout?: string; healthyThreshold?: number; unhealthyThreshold?: number };
  const loc = node.loc;
  return {
    path: v.path,
    intervalMs: parseDuration(v.interval ?? '10s', loc, out) ?? 10_000,
    timeoutMs: parseDuration(v.timeout ?? '2s', loc, out) ?? 2_000,
    healthyThreshold: v.healthyThreshold ?? 2,
    unhealthyThreshold: v.unhealthyThreshold ?? 3,
    thresholdLocs: {
      ...(v.healthyThreshold !== undefined ? { healthyThreshold: w.child(node, 'healthyThreshold').loc } : {}),
      ...(v.unhealthyThreshold !== undefined ? { unhealthyThreshold: w.child(node, 'unhealthyThreshold').loc } : {}),
    },
    loc,
  };
}

export function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
