/** Human-readable summaries of model parts, shared by `gwc routes` and the diff renderers. */
import type { Gateway, Route, Security } from './types.js';

export function describeSecurity(security: Security, optional = false): string {
  if (security.length === 0) return 'public';
  const alts = security.map((alt) => alt.map((i) => (i.scopes.length > 0 ? `${i.scheme}[${i.scopes.join(',')}]` : i.scheme)).join(' + '));
  return (optional ? ['anonymous', ...alts] : alts).join(' | ');
}

export function describeUpstream(gateway: Gateway, route: Route): string {
  const backend = gateway.backends.find((b) => b.name === route.backend);
  const tail = route.upstreamPath?.template ?? route.path;
  if (!backend) return tail;
  if (backend.kind === 'mock') return `mock ${backend.mock?.status ?? 200}`;
  if (backend.kind === 'lambda') return `lambda ${backend.lambda?.arn.split(':').pop()}`;
  const base = backend.targets[0]?.url.path ?? '';
  return `${base}${tail}`;
}

export function describePolicies(route: Route): string {
  const p = route.policy;
  const parts: string[] = [];
  if (p.rateLimit) parts.push(`rate ${p.rateLimit.requests}/${p.rateLimit.per}${p.rateLimit.by === 'ip' ? '' : ` by ${typeof p.rateLimit.by === 'string' ? p.rateLimit.by : p.rateLimit.by.header}`}`);
  if (p.cors) parts.push('cors');
  if (p.cache) parts.push(`cache ${p.cache.ttlMs / 1000}s`);
  if (p.ipRule) parts.push('ip-rule');
  if (p.bodyLimit) parts.push(`body<=${p.bodyLimit.bytes}`);
  if (p.requestHeaders) parts.push('req-headers');
  if (p.responseHeaders) parts.push('resp-headers');
  if (p.accessLog) parts.push('log');
  return parts.join(', ') || '-';
}
