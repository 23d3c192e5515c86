/**
 * A hidden cookie API key (hideCredentials, the default: DESIGN.md 7.3) on Traefik. Open-source
 * Traefik cannot remove one cookie: its headers middleware sets or deletes a whole header
 * (https://doc.traefik.io/traefik/middlewares/http/headers/, customRequestHeaders "" is
 * req.Header.Del), and no middleware edits a Cookie header or a query string (traefik/traefik#6276).
 * So the scheme's hide middleware deletes the whole Cookie header (auth-middlewares.ts
 * hideMiddleware; warned, traefik-cookie-header-removed), on the scheme's routers and, as another
 * alternative's credential, on the route's other routers (unverified.ts otherCredentials), only
 * where the scheme states that the backend reads no cookie (`backendCookies: none`); without that
 * statement the hidden cookie key is refused at the scheme (traefik-credential-not-hidden): the
 * header may carry cookies the spec never declares (a session, a CSRF cookie), which a warning
 * alone would let a pipeline drop without anyone reading it.
 *
 * That is exact only where nothing else the backend is meant to read travels in the Cookie header:
 * a route that also declares a cookie parameter, or carries a cookie kept for the backend (another
 * scheme's key with hideCredentials: false, or the cookies a forwardAuth service is sent with
 * requestHeaders: [Cookie]), is refused at its security line (traefik-credential-not-hidden), the
 * escape being hideCredentials: false on the hidden scheme. A hidden query key has no such removal
 * at all and is refused at its scheme (hideMiddleware).
 */
import { compareText } from '../../diagnostics/collate.js';
import type { Route, SecurityScheme } from '../../model/types.js';
import type { Ctx } from './context.js';

const hiddenCookie = (s: SecurityScheme | undefined): s is SecurityScheme =>
  !!s && s.kind === 'apiKey' && s.apiKey?.in === 'cookie' && s.hideCredentials && !!s.forwardAuth;

/** What else of the route's Cookie header the backend is meant to read, described; undefined when nothing. */
function otherCookies(route: Route, schemes: SecurityScheme[]): string | undefined {
  const hiddenNames = new Set(schemes.filter(hiddenCookie).map((s) => s.apiKey!.name));
  const param = (route.cookieParams ?? []).find((n) => !hiddenNames.has(n));
  if (param !== undefined) return `the cookie parameter ${param}`;
  for (const o of schemes) {
    if (o.kind === 'apiKey' && o.apiKey?.in === 'cookie' && !o.hideCredentials) return `${o.name}'s cookie key ${o.apiKey.name}, kept (hideCredentials: false)`;
    const ownCookie = o.kind === 'apiKey' && o.apiKey?.in === 'cookie';
    if (o.kind !== 'basic' && !ownCookie && (o.forwardAuth?.requestHeaders ?? []).some((h) => h.toLowerCase() === 'cookie')) return `the cookies ${o.name}'s forwardAuth service verifies (requestHeaders: [Cookie])`;
  }
  return undefined;
}

/** Reports and answers true when a hidden cookie key of the route cannot be removed without what else the Cookie header carries. */
export function refuseCookieHide(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>): boolean {
  const named = [...new Set(route.security.flat().map((it) => it.scheme))].sort(compareText).map((n) => schemes.get(n)).filter((s): s is SecurityScheme => !!s);
  const hidden = named.find(hiddenCookie);
  if (!hidden) return false;
  const reads = otherCookies(route, named);
  if (reads === undefined) return false;
  ctx.report('traefik-credential-not-hidden', { scheme: hidden.name, location: 'cookie', route: route.id, reads }, route.securityLoc);
  return true;
}
