/**
 * A method override an operation declares (Route.declaredOverrides: an `X-HTTP-Method-Override`,
 * `X-HTTP-Method` or `X-Method-Override` header, or the `_method` query parameter) beside another
 * method of the same backend path that admits fewer callers or counts them under a limit the
 * declaring operation does not (model/admits.ts protectedMore, body-override.ts sameBackendPath). The declaration
 * says the backend honours the override (Rack::MethodOverride, Express method-override, Laravel,
 * ASP.NET's HttpMethodOverride dispatch to the named method's handler of the same path), and every
 * target passes a declared override through unstripped, so a caller of the declaring operation
 * runs the stricter handler (red team 12, test/security/redteam12-declared-override.test.ts). The
 * same on every target, so refused here, before any target compiles (as head-get.ts refuses a
 * HEAD), at the declaring parameter. The override can name every method, or, where the route
 * validates its parameters (x-gateway validate), only the ones the parameter's schema enum lists;
 * where each of those is guarded no more strictly, it builds.
 */
import { compareText } from '../diagnostics/collate.js';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway, Route } from '../model/types.js';
import { neverProtectedMore, protectedMore } from '../model/admits.js';
import { sameBackendPath } from './body-override.js';

const byMethodThenId = (a: Route, b: Route): number => compareText(a.method, b.method) || compareText(a.id, b.id);

/** One `method-override-widens` error per declared override that can name a more protected method. */
export function methodOverrideWidens(gateway: Gateway): Diagnostic[] {
  const declaring = gateway.routes.filter((r) => r.declaredOverrides && r.declaredOverrides.length > 0);
  if (declaring.length === 0) return [];
  // Only a route protectedMore can name is a candidate (as head-get.ts).
  const candidates = gateway.routes.filter((o) => !neverProtectedMore(o));
  if (candidates.length === 0) return [];
  const reach = sameBackendPath(gateway, candidates);
  const out: Diagnostic[] = [];
  for (const route of declaring) {
    const stricter = [...reach(route)].filter((o) => o !== route && o.method !== route.method && protectedMore(o, route)).sort(byMethodThenId);
    if (stricter.length === 0) continue;
    for (const d of route.declaredOverrides!) {
      // The enum narrows what the override can name only where the route validates its
      // parameters (every target then enforces the enum or refuses to build); otherwise the
      // backend runs whatever a caller sends.
      const methods = route.validate?.parameters ? d.methods : undefined;
      const other = stricter.find((o) => !methods || methods.includes(o.method));
      if (other) out.push(diag('method-override-widens', { route: route.id, parameter: `${d.in} ${d.name}`, other: other.id, method: other.method, path: other.path }, d.loc ?? route.loc));
    }
  }
  return out;
}
