/**
 * On an OR route, a credential kept for the backend (`hideCredentials: false`) reaches it only when
 * an alternative that verifies it is the one that passed (DESIGN.md 7.1, 7.3).
 *
 * njs decide() answers 204 on the first alternative that passes and never looks at the others: on
 * `[{basic}, {key kept}]` a caller verified by basic auth could send a forged `X-Api-Key` (or
 * `?api_key=`, a key cookie, a bearer token) that reached the backend as if nginx had verified it
 * (red team 6, test/security/redteam6-nginx-credentials.test.ts; Kong removes it with its
 * post-function, kong/unverified-credentials.ts). A carrier is *guarded* on a route when some
 * alternative keeps it and another (or an anonymous `{}`) does not verify it; a carrier a scheme of
 * the route hides is stripped whatever passed (security.ts hiddenHeaders/hiddenParams) and needs no
 * guard. The auth handler answers, for the alternative that passed, what may go on
 * (`auth_request_set`, evaluated only after the check):
 * - a guarded header: `X-Gwc-Kept-<i>` holding the value it verified, else nothing; the route sends
 *   the header from that variable only (`proxy_set_header <name> $<prefix>_kept_<i>`);
 * - guarded query names: `X-Gwc-Args`, the query without the hidden names and the guarded names of
 *   other alternatives (every spelling a backend reads as them), set as `$args`;
 * - guarded cookies: `X-Gwc-Cookies`, the Cookie header without them (`proxy_set_header Cookie`);
 * - the whole Cookie header, when a forward-auth service is sent it (`requestHeaders: [Cookie]`, a
 *   session it verifies under a name gwc does not know): `cookieHeader` names the alternatives
 *   whose service read it; any other alternative's `X-Gwc-Cookies` holds only the cookies that
 *   alternative verified and keeps, rebuilt as `name=value` (red team 7: basic passed and a forged
 *   session cookie reached the backend as if the service had verified it).
 * With no answer (a hand edit that drops the check) the header and cookie variables are empty: the
 * credential is not sent. gwc diff reads a route without these lines as a credential passed unverified.
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import type { Ctx } from './context.js';
import { hiddenHeaders, hiddenParams } from './security.js';

export interface KeptCarrier {
  /** Header names lowercased; query and cookie names as the scheme spells them. */
  name: string;
  /** The indices of the route's alternatives that verify it and keep it. */
  alts: number[];
}

export interface KeptGuards {
  headers: KeptCarrier[];
  query: KeptCarrier[];
  /** With `cookieHeader`, every cookie an alternative keeps (guarded or not): what the others send. */
  cookies: KeptCarrier[];
  /** The alternatives whose forward-auth service reads the whole Cookie header, when some other does not. */
  cookieHeader?: number[];
}

/** Where a credential travels: `cookie-header` is the whole Cookie header a forward-auth service is sent. */
type Place = 'header' | 'query' | 'cookie' | 'cookie-header';

/**
 * Where a scheme's credential travels, as nginx verifies it (security.ts hiddenHeaders reads the
 * same), and the other headers its forward-auth service is sent, whatever its kind (forwardHeaders:
 * an apiKey scheme's service reading X-Session, Cookie or Authorization beside the key; red team 9).
 */
function carriersOf(s: SecurityScheme): Array<{ in: Place; name: string }> {
  const own = ownCarriers(s);
  return s.forwardAuth ? [...own, ...forwardHeaders(s, own)] : own;
}

/** The credential the scheme itself names (its key, password or token), without its service's other headers. */
function ownCarriers(s: SecurityScheme): Array<{ in: Place; name: string }> {
  if (s.kind === 'apiKey' && s.apiKey) return [{ in: s.apiKey.in === 'header' ? 'header' : s.apiKey.in === 'query' ? 'query' : 'cookie', name: s.apiKey.in === 'header' ? s.apiKey.name.toLowerCase() : s.apiKey.name }];
  if (s.kind === 'basic') return [{ in: 'header', name: 'authorization' }];
  if (s.kind === 'forward') return [{ in: 'header', name: 'authorization' }];
  if (s.kind === 'jwt' && s.jwt) {
    // A JWT scheme nginx sends to its forward-auth service carries Authorization (hiddenHeaders).
    const out: Array<{ in: Place; name: string }> = [{ in: 'header', name: s.jwt.header.toLowerCase() }];
    if (s.jwt.publicKeys.length === 0 && s.forwardAuth && s.jwt.header.toLowerCase() !== 'authorization') out.push({ in: 'header', name: 'authorization' });
    return out;
  }
  return [];
}

/**
 * Headers the route's own proxy lines set (Host, Connection, Upgrade, X-Forwarded-*: never the
 * client's text as sent, whichever alternative passed): not sent from the auth answer.
 */
const UNGUARDABLE: ReadonlySet<string> = new Set(['host', 'connection', 'upgrade', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

/**
 * The other request headers a forward-auth service is sent (`requestHeaders`, any spelling): the
 * service verified them, so on an OR route they are as much the alternative's credential as its
 * Authorization (a session header forged beside a valid password reached the backend; red team 7).
 * Not hidden by hideCredentials (which strips Authorization only): kept whatever it says. The
 * Cookie header is read whole (`cookie-header`): the service's session has no name gwc knows.
 * Authorization is dropped only where it is the scheme's own carrier (ownCarriers: bearer, jwt,
 * basic), hidden or guarded as such; an apiKey scheme's service reading it makes it one more
 * forwarded header (red team 9: the cookie key passed and a forged bearer reached the backend).
 */
function forwardHeaders(s: SecurityScheme, own = ownCarriers(s)): Array<{ in: Place; name: string }> {
  const names = new Set((s.forwardAuth?.requestHeaders ?? []).map((h) => h.toLowerCase()));
  const mine = new Set(own.filter((c) => c.in === 'header').map((c) => c.name));
  return [...names].filter((h) => !UNGUARDABLE.has(h) && !mine.has(h)).map((name) => (name === 'cookie' ? { in: 'cookie-header' as const, name } : { in: 'header' as const, name }));
}

/** Whether a scheme passes anything it reads on to the backend (kept, or a forward-auth service's other headers, any kind). */
function keepsAny(s: SecurityScheme | undefined): boolean {
  if (!s) return false;
  if (s.hideCredentials === false) return true;
  return s.forwardAuth !== undefined && forwardHeaders(s).length > 0;
}

/** The route's guarded carriers (none on a route with one alternative whose every scheme keeps what it reads). */
export function keptGuards(ctx: Ctx, route: Route): KeptGuards {
  const out: KeptGuards = { headers: [], query: [], cookies: [] };
  // Most routes keep nothing, or have one alternative that verifies all it keeps (#18: asked per route).
  // A forward-auth scheme's other request headers are kept whatever hideCredentials says (forwardHeaders).
  if (route.security.length < 2 || !route.security.some((alt) => alt.some((i) => keepsAny(ctx.scheme(i.scheme))))) return out;
  const hidden = {
    header: new Set(hiddenHeaders(ctx, route)),
    query: new Set(hiddenParams(ctx, route, 'query')),
    cookie: new Set(hiddenParams(ctx, route, 'cookie')),
  };
  const kept = { header: new Map<string, Set<number>>(), query: new Map<string, Set<number>>(), cookie: new Map<string, Set<number>>() };
  const cookieHeader = new Set<number>();
  route.security.forEach((alt, i) => {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (!s) continue;
      // What hideCredentials strips is in `hidden` (a forward-auth scheme's other headers never are).
      for (const c of carriersOf(s)) {
        if (c.in === 'cookie-header') {
          cookieHeader.add(i);
          continue;
        }
        if (hidden[c.in].has(c.name)) continue;
        const m = kept[c.in];
        m.set(c.name, new Set([...(m.get(c.name) ?? []), i]));
      }
    }
  });
  const whole = cookieHeader.size > 0 && cookieHeader.size < route.security.length;
  const guarded = (m: Map<string, Set<number>>, all = false): KeptCarrier[] =>
    [...m]
      .filter(([, alts]) => all || alts.size < route.security.length)
      .map(([name, alts]) => ({ name, alts: [...alts].sort((a, b) => a - b) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  out.headers = guarded(kept.header);
  out.query = guarded(kept.query);
  // An alternative that did not send the Cookie header to its service sends only its own cookies.
  out.cookies = guarded(kept.cookie, whole);
  if (whole) out.cookieHeader = [...cookieHeader].sort((a, b) => a - b);
  return out;
}

/** The variable `auth_request_set` fills with guarded header `i`'s verified value. */
export const keptHeaderVar = (ctx: Ctx, i: number): string => `${ctx.prefix}_kept_${i}`;
/** The variable holding the Cookie header the auth handler answered on a route with guarded cookies. */
export const keptCookiesVar = (ctx: Ctx): string => `${ctx.prefix}_kept_cookies`;
