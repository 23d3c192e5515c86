/**
 * A HEAD operation beside a GET of the same backend path that admits fewer callers (or counts them
 * under a limit the HEAD does not): Express, Flask, Rails, Spring and Go's mux run the GET handler
 * for HEAD and drop only the body, so a caller of the HEAD runs the protected GET and reads its
 * status and headers (Content-Length, ETag, Set-Cookie). Every gateway gwc targets routes a HEAD
 * operation on its own (nginx method dispatch, Kong `methods`, Traefik `Method`, API Gateway
 * methods), so the check is the same for all and refuses the build (DESIGN.md section 7.1, 7.5;
 * red team: test/security/redteam-method-override.test.ts, real nginx traffic).
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import { neverProtectedMore, protectedMore } from '../model/admits.js';
import { sameBackendPath } from './body-override.js';

/** One `head-widens-get` error per HEAD operation whose backend GET handler is protected more. */
export function headWidensGet(gateway: Gateway): Diagnostic[] {
  const heads = gateway.routes.filter((r) => r.method === 'HEAD');
  if (heads.length === 0) return [];
  // Only a GET protectedMore can name is a candidate (#18: GitHub's public routes, none).
  const gets = gateway.routes.filter((o) => o.method === 'GET' && !neverProtectedMore(o));
  if (gets.length === 0) return [];
  const reach = sameBackendPath(gateway, gets);
  const out: Diagnostic[] = [];
  for (const head of heads) {
    const get = [...reach(head)].filter((o) => o.method === 'GET' && protectedMore(o, head)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
    if (get) out.push(diag('head-widens-get', { route: head.id, other: get.id, path: get.path }, head.loc));
  }
  return out;
}
