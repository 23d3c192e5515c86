/**
 * Which router of a route verifies which credential carrier, and what each router does with a
 * carrier it did not verify (DESIGN.md 7.1-7.3).
 *
 * A carrier reaches the backend as the client sent it unless a middleware removes it: a credential
 * kept for the backend (`hideCredentials: false`), and the other request headers a forwardAuth
 * service is sent (`requestHeaders`: the service verified them, so they are the alternative's
 * credential whatever hideCredentials says; nginx red team 7). On every router of the route (each
 * alternative's, and the anonymous router of optional auth, which verifies nothing) such a carrier
 * is either verified by one of the router's own schemes, or kept off it:
 * - a header is removed (every `-`/`_` spelling; a scheme's credential header by otherCredentials,
 *   or on the anonymous router excluded by its rule; a forwardAuth service's other headers here);
 * - a query parameter or one cookie cannot be: open-source Traefik has no middleware that removes
 *   one (keptUnverified removes headers only), and a rule cannot list every spelling a backend reads
 *   as one (`API_KEY`, `api.key`; PHP before 8.0.24 reads `sid+key` as the cookie sid_key, Python's
 *   SimpleCookie splits `theme=dark sid_key=x` on the blank). The route is refused at its security
 *   line (traefik-or-kept-credential): the router of another alternative (bob's password) or the
 *   anonymous router passed a forged key on as if verified (red team 6, redteam6-traefik-or-kept;
 *   test/security/traefik-unverified-carriers.test.ts). Kong, nginx and AWS remove it.
 *
 * Here too, what each alternative's router removes of the route's other credentials
 * (otherCredentials) and of a query key's name sent as a header (queryKeyHeaders); the middlewares
 * themselves are auth-middlewares.ts'.
 */
import { compareText } from '../../diagnostics/collate.js';
import type { Route, SecurityScheme } from '../../model/types.js';
import type { Ctx } from './context.js';
import { hideMiddleware, keptUnverified, memo, serviceHeaderParts } from './auth-middlewares.js';
import { cgiSpellings, credentialHeader, NEVER_REMOVED } from './credentials.js';
import { needsService } from '../forward-fallback.js';

/** Where a credential travels, as Traefik tells carriers apart: header names lowercased; cookie ALL_COOKIES is the whole Cookie header. */
export interface Carrier {
  in: 'header' | 'query' | 'cookie';
  name: string;
}

/** The router being checked: the schemes it verifies (none on the anonymous router). */
export interface CheckedRouter {
  schemes?: string[];
  anonymous?: boolean;
  hide: string[];
}

/** The cookie carrier of a forwardAuth service sent the whole Cookie header: a NUL, never a cookie name (control characters are refused in the spec). */
const ALL_COOKIES = '\0';

const key = (c: Carrier) => `${c.in}\0${c.name}`;

/** The header holding a scheme's own credential (a forward scheme's: Authorization). */
const ownHeader = (s: SecurityScheme) => (s.kind === 'forward' ? 'Authorization' : credentialHeader(s));

/** A forwardAuth service's other request headers (serviceHeaders but the scheme's own credential), as carriers. */
function forwardedCarriers(s: SecurityScheme): Carrier[] {
  // A basic scheme's service is asked only when the spec relies on it (auth-middlewares.ts, red team 10).
  if (!s.forwardAuth || (s.kind === 'basic' && !needsService(s))) return [];
  const { own: ownName, others } = serviceHeaderParts(s);
  const own = ownName?.toLowerCase();
  return others.flatMap((h): Carrier[] => {
    const name = h.toLowerCase();
    // The whole Cookie header, even for a cookie key (whose own carrier is its one cookie): a service
    // reading it verifies a session beside the key (red team 10).
    if (name === 'cookie') return [{ in: 'cookie', name: ALL_COOKIES }];
    return name === own || NEVER_REMOVED.has(name) ? [] : [{ in: 'header', name }];
  });
}

/** What a scheme's verifier reads. */
export function carriersRead(s: SecurityScheme): Carrier[] {
  const out: Carrier[] = [];
  if (s.kind === 'apiKey' && s.apiKey) out.push({ in: s.apiKey.in, name: s.apiKey.in === 'header' ? s.apiKey.name.toLowerCase() : s.apiKey.name });
  else {
    const h = ownHeader(s);
    if (h) out.push({ in: 'header', name: h.toLowerCase() });
  }
  return [...out, ...forwardedCarriers(s)];
}

/** What of a scheme's carriers reaches the backend as sent on its own router: kept, or a forwardAuth service's other headers. */
function keptCarriers(s: SecurityScheme): Carrier[] {
  if (!s.hideCredentials) return carriersRead(s);
  return forwardedCarriers(s);
}

/** The middleware removing every spelling of `headers`, once per (scheme, headers). */
function removal(ctx: Ctx, s: SecurityScheme, headers: string[]): string | undefined {
  return memo(ctx, `forwarded\0${s.name}\0${headers.join('\0')}`, () =>
    ctx.addMiddleware(['auth', s.name, 'forwarded'], { headers: { customRequestHeaders: Object.fromEntries(headers.flatMap((h) => cgiSpellings(canonical(h))).map((h) => [h, ''])) } }),
  );
}

/**
 * The routers, each with what it must remove of the carriers it does not verify; undefined (and
 * traefik-or-kept-credential at the route's security line) when one would pass a query or cookie
 * carrier unverified. Routers without `schemes` (a public route, the deny router of an alternative
 * nobody holds) are left as they are.
 */
export function guardCarriers<R extends CheckedRouter>(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>, routers: R[]): R[] | undefined {
  const checked = routers.filter((r) => r.schemes);
  const names = [...new Set(route.security.flat().map((it) => it.scheme))].sort(compareText);
  const kept = names.flatMap((n) => {
    const s = schemes.get(n);
    return s ? keptCarriers(s).map((c) => ({ s, c })) : [];
  });
  if (checked.length === 0 || kept.length === 0) return routers;
  const reads = new Map(checked.map((r) => [r, new Set(r.schemes!.flatMap((n) => (schemes.get(n) ? carriersRead(schemes.get(n)!).map(key) : [])))]));
  for (const { s, c } of kept) {
    if (c.in === 'header') continue;
    const open = checked.find((r) => !reads.get(r)!.has(key(c)));
    if (!open) continue;
    ctx.report(
      'traefik-or-kept-credential',
      { route: route.id, scheme: s.name, location: c.in, name: c.name === ALL_COOKIES ? 'Cookie' : c.name, by: open.anonymous ? 'anonymous' : 'alternative', forwarded: c.name === ALL_COOKIES },
      route.securityLoc,
    );
    return undefined;
  }
  // A forwardAuth service's other headers, removed on each router that does not verify them (a
  // scheme's own credential header is otherCredentials' to remove, or the anonymous rule's to exclude).
  return routers.map((r) => {
    if (!r.schemes) return r;
    const own = reads.get(r)!;
    const hide = [...r.hide];
    for (const n of names) {
      const s = schemes.get(n);
      if (!s) continue;
      const headers = forwardedCarriers(s).filter((c) => c.in === 'header' && !own.has(key(c))).map((c) => c.name);
      const mw = headers.length > 0 ? removal(ctx, s, [...new Set(headers)].sort(compareText)) : undefined;
      if (mw && !hide.includes(mw)) hide.push(mw);
    }
    return hide.length === r.hide.length ? r : { ...r, hide };
  });
}

/**
 * A query API key's name sent as a HEADER (`Api-Key`, `API-KEY`, `api_key`) beside the key the
 * forwardAuth service verified from the query: a backend pairing a query key reader with a header
 * one (FastAPI APIKeyQuery + APIKeyHeader) or reading CGI's HTTP_API_KEY takes it as the key, and
 * nobody verified it (test/security/traefik-query-key-header.test.ts; Kong and nginx clear it
 * too). Every router of a route with a query key removes that name in each `-`/`_` spelling
 * (cgiSpellings: Go canonicalises the case), unless one of the router's own schemes reads its
 * credential from that header.
 */
export function queryKeyHeaders(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>, own: Set<string>): string[] {
  const read = new Set([...own].map((n) => schemes.get(n)).flatMap((s) => {
    const h = s && (s.kind === 'forward' ? 'Authorization' : credentialHeader(s));
    return h ? [h.toLowerCase().replace(/_/g, '-')] : [];
  }));
  const names = [...new Set(route.security.flat().map((it) => it.scheme))].sort(compareText);
  return names.flatMap((n) => {
    const s = schemes.get(n);
    if (s?.kind !== 'apiKey' || s.apiKey?.in !== 'query') return [];
    const header = s.apiKey.name.toLowerCase().replace(/_/g, '-');
    // An RFC 9110 token only: no other name can arrive as a header.
    if (!/^[!#$%&'*+.^`|~0-9a-z-]+$/.test(header) || read.has(header)) return [];
    const mw = memo(ctx, `query-header\0${s.name}`, () => ctx.addMiddleware(['auth', s.name, 'header'], { headers: { customRequestHeaders: Object.fromEntries(cgiSpellings(canonical(header)).map((x) => [x, ''])) } }));
    return mw ? [mw] : [];
  });
}

/** `api-key` -> `Api-Key`, as Go canonicalises a header name. */
const canonical = (h: string) => h.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

/**
 * The credentials of the route's OTHER alternatives, removed on each router too: a router checks
 * only its own alternative, so a second credential sent beside the verified one (an unverified
 * Authorization beside a valid key) would reach the backend as sent (red team 2; Kong and nginx
 * remove every alternative's credential the same way). Basic's own removeHeader covers only the
 * router whose basicAuth verified it. A kept credential of another alternative is removed too
 * (keptUnverified): no middleware of this router verified it.
 */
export function otherCredentials(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>, own: Set<string>): string[] {
  const headerOf = (s: SecurityScheme) => (s.kind === 'forward' ? 'Authorization' : credentialHeader(s))?.toLowerCase();
  // A header this router verified stays as its own scheme's hideCredentials says.
  const verified = new Set([...own].map((n) => schemes.get(n)).flatMap((s) => (s ? [headerOf(s)] : [])));
  const names = [...new Set(route.security.flat().map((it) => it.scheme))].filter((n) => !own.has(n)).sort();
  return names.flatMap((n) => {
    const s = schemes.get(n);
    const h = s && !verified.has(headerOf(s)) ? (hideMiddleware(ctx, s) ?? keptUnverified(ctx, s)) : undefined;
    return h ? [h] : [];
  });
}
