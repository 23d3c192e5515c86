/** `gwc routes`: the model's routes as rows (in precedence order) and as a text table. */
import { describePolicies, describeSecurity, describeUpstream } from '../model/describe.js';
import type { Gateway } from '../model/types.js';
import { table } from './table.js';

export function routeRows(gateway: Gateway) {
  return gateway.routes.map((r, i) => ({
    order: i + 1,
    id: r.id,
    method: r.method,
    path: r.publicPath,
    hosts: r.hosts,
    backend: r.backend,
    upstream: describeUpstream(gateway, r),
    security: describeSecurity(r.security, r.optionalAuth),
    policies: describePolicies(r),
  }));
}

export function routeTable(routes: ReturnType<typeof routeRows>): string {
  const rows = routes.map((r) => [String(r.order), r.method, r.path, r.backend, r.upstream, r.security, r.policies, r.id]);
  return table(['#', 'METHOD', 'PATH', 'BACKEND', 'UPSTREAM', 'SECURITY', 'POLICIES', 'OPERATION'], rows);
}
