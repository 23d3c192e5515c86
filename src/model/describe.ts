/** Human-readable summaries of model parts, shared by `gwc routes` and the diff renderers. */
import { POLICY_UNITS } from './policies/index.js';
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

/** The route's policies in short words (`rate 10/second, cors`), each from its unit's `describe`. */
export function describePolicies(route: Route): string {
  const parts = POLICY_UNITS.map((u) => u.describe?.(route)).filter((d): d is string => d !== undefined);
  return parts.join(', ') || '-';
}
