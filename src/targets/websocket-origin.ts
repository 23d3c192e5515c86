/**
 * Which page origins may open a WebSocket on a route (Cross-Site WebSocket Hijacking, WS3).
 *
 * Browsers apply no CORS to a WebSocket handshake: any page opens one with the user's cookies,
 * cached basic credentials and client certificate, from inside the user's network, and reads every
 * frame. Only the gateway, comparing `Origin` on the upgrade, keeps other sites out. A request with
 * no `Origin` (a non-browser client, which holds no victim's ambient credentials) always passes.
 *
 * - `listed`: the route's cors.origins (exact), as CORS would allow a credentialed call from them:
 *   a cors policy with `credentials: true`, or a public route's cors list.
 * - `same`: only the request's own origin (nginx: the Origin's host[:port] is the Host header, any
 *   letter case; Traefik: the route's declared hosts). A route that is not public and has no cors
 *   policy (the spec lets no other site call it), or whose cors policy lists origins without
 *   credentials (or `*`) while the browser attaches its credential by itself (`ambientRoute`): a
 *   handshake always carries cookies and basic credentials, so a listed origin would get the
 *   credentialed call the policy withholds.
 * - undefined: a public route without cors, or a public `*` policy: any page may upgrade.
 */
import type { Route, SecurityScheme } from '../model/types.js';

export type UpgradeOrigins = 'listed' | 'same' | undefined;

/** Whether the route answers only some callers: a scheme in any alternative, or an IP allow list. */
export function protectedRoute(route: Route): boolean {
  return route.security.some((alt) => alt.length > 0) || (route.policy.ipRule?.allow.length ?? 0) > 0;
}

/** A scheme whose credential the browser sends by itself on any request to the host. */
export function ambientScheme(s: SecurityScheme): boolean {
  if (s.kind === 'apiKey') return s.apiKey?.in === 'cookie';
  if (s.kind === 'basic') return true;
  if (s.kind === 'jwt') return s.jwt?.header.toLowerCase() === 'cookie';
  return (s.forwardAuth?.requestHeaders ?? []).some((h) => h.toLowerCase() === 'cookie');
}

/** Whether a browser's request to the route carries a credential it did not choose to send. */
export function ambientRoute(route: Route, schemes: readonly SecurityScheme[]): boolean {
  if ((route.policy.ipRule?.allow.length ?? 0) > 0) return true;
  return route.security.some((alt) => alt.some((item) => {
    const s = schemes.find((x) => x.name === item.scheme);
    return s === undefined || ambientScheme(s);
  }));
}

/** The origins that may open a WebSocket on `route` (see the module comment). */
export function upgradeOrigins(route: Route, schemes: readonly SecurityScheme[]): UpgradeOrigins {
  const cors = route.policy.cors;
  if (!cors) return protectedRoute(route) ? 'same' : undefined;
  const any = cors.origins.includes('*');
  if (cors.credentials && !any) return 'listed';
  if (ambientRoute(route, schemes)) return 'same';
  return any || cors.origins.length === 0 ? undefined : 'listed';
}
