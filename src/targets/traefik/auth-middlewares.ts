/**
 * The middlewares of one scheme on Traefik (auth.ts chooses which router runs which): basicAuth
 * with a users file per role set, forwardAuth with only the credential sent to the verifier, and the
 * headers middlewares that remove a credential before the backend (hidden, or a kept credential's
 * other spellings). Each is written once per gateway and shared by every router that needs it.
 */
import { createHash } from 'node:crypto';
import type { Route, SecurityScheme } from '../../model/types.js';
import { AUTH_FEATURE } from '../../model/route-features.js';
import type { Ctx } from './context.js';
import { cgiSpellings, credentialHeader, NEVER_REMOVED, VERIFIED_USER_HEADER } from './credentials.js';
import { sanitise } from './names.js';
import { needsService } from '../forward-fallback.js';

const cache = new WeakMap<Ctx, Map<string, string | undefined>>();

/** One middleware per (scheme, scopes) and one credential-removing middleware per scheme. */
export function memo(ctx: Ctx, key: string, make: () => string | undefined): string | undefined {
  let perCtx = cache.get(ctx);
  if (!perCtx) cache.set(ctx, (perCtx = new Map()));
  if (!perCtx.has(key)) perCtx.set(key, make());
  return perCtx.get(key);
}

/** Role sets as one canonical OR: each set sorted, duplicates dropped; any empty set means everyone. */
export function normaliseRoleSets(roleSets: string[][]): string[][] {
  const sets = roleSets.map((r) => [...new Set(r)].sort());
  if (sets.some((r) => r.length === 0)) return [[]];
  return [...new Map(sets.map((r) => [r.join('\0'), r])).values()].sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1));
}

/**
 * The users file of a scheme, or of one OR of role sets on it. The operator fills each file with
 * the users it names, so a name must mean one (scheme, role sets) in every build: with the parts
 * joined by '-' alone, scheme basic's [admin] file and scheme basic-admin's file were one name, one
 * of them took a '-2' by order, and removing the other scheme handed its file, users and all, to
 * the role (red team). A role file is `<gateway>-<scheme>--<roles>-<hash of the exact scheme and
 * sets>`: sanitised names never hold '--', and the hash tells apart what folding merges (Admin and
 * admin, admin+ops and admin-ops).
 */
function htpasswdName(ctx: Ctx, scheme: string, sets: string[][]): string {
  if (sets[0]!.length === 0) return ctx.fileNames.name(scheme);
  const identity = createHash('sha256').update(JSON.stringify([scheme, sets])).digest('hex').slice(0, 8);
  return ctx.fileNames.claim(`${ctx.prefix}-${sanitise(scheme)}--${sanitise(sets.map((r) => r.join('+')).join(' '))}-${identity}`);
}

export function schemeMiddlewares(ctx: Ctx, route: Route, s: SecurityScheme, roleSets: string[][]): { auth: string; service?: string; hide?: string } | undefined {
  const native = ctx.plan.mode(route.id, AUTH_FEATURE[s.kind]) === 'native';
  const scopes = roleSets[0] ?? [];
  // A basic scheme whose forwardAuth service the spec relies on (its answer headers, other request
  // headers: forward-fallback.ts) asks the service after basicAuth, both must pass (red team 10:
  // never called, its refusal went unasked and its X-User-Id was never set). basicAuth then keeps
  // Authorization for the service, and the scheme's hide middleware removes it before the backend.
  // A service sent only the credential is a fallback Traefik does not call (forward-auth-not-called).
  const beside = s.kind === 'basic' && native && s.forwardAuth !== undefined && needsService(s);
  if (keptHeaderRefused(ctx, route, s)) return undefined;
  if (s.kind === 'basic' && native) {
    // https://doc.traefik.io/traefik/middlewares/http/basicauth/#usersfile; roles: a users file per
    // OR of role sets, listing the users whose consumer holds every role of one of the sets.
    const sets = normaliseRoleSets(roleSets);
    const parts = sets[0]!.length === 0 ? [] : sets.map((r) => r.join('+'));
    const auth = memo(ctx, `basic\0${s.name}\0${parts.join('\0')}`, () => {
      const file = `${ctx.options.htpasswdDir}/${htpasswdName(ctx, s.name, sets)}.htpasswd`;
      const name = ctx.addMiddleware(['auth', s.name, ...parts], {
        // headerField: the verified user, for per-consumer limits and the backend (never a client's: clear-inputs ran first)
        basicAuth: { usersFile: file, realm: s.basic?.realm || s.name, removeHeader: s.hideCredentials && !beside, headerField: VERIFIED_USER_HEADER },
      });
      ctx.htpasswd.push({ middleware: name, scheme: s.name, file, roleSets: sets });
      return name;
    });
    if (!beside) return { auth: auth! };
    const hide = hideMiddleware(ctx, s);
    return { auth: auth!, service: forwardMiddleware(ctx, s, []), ...(hide ? { hide } : {}) };
  }
  const fa = s.forwardAuth;
  if (!fa) {
    ctx.report('traefik-forward-auth-missing', { scheme: s.name }, s.loc);
    return undefined;
  }
  const auth = forwardMiddleware(ctx, s, scopes);
  const hide = hideMiddleware(ctx, s);
  return { auth, ...(hide ? { hide } : {}) };
}

/**
 * A credential header kept for the backend (`hideCredentials: false`) is refused, once per scheme at
 * the scheme (red team 12, redteam12-traefik-duplicate-lines): its verifier reads ONE line of it
 * (native basicAuth: Go's Request.BasicAuth reads Header.Get, the first; a forwardAuth service is
 * sent every line and decides on the one it reads) and Traefik forwards every line, so
 * `X-Token: <alice's>` then `X-Token: <forged>` reaches a backend reading the last line (PHP-FPM)
 * with the forged one, and a second `Authorization: Basic <admin:x>` beside alice's likewise. No
 * Traefik rule counts a header's lines (HeaderRegexp matches any one value). A hidden header is
 * safe: the hide middleware's customRequestHeaders "" calls req.Header.Del, which removes every
 * line of the (canonicalised, so every case) name, in every '-'/'_' spelling (cgiSpellings), and
 * basicAuth's removeHeader likewise deletes Authorization. nginx refuses such a request. Not an
 * escape: listing the header in the service's responseHeaders (forward.go deletes every line of an
 * authResponseHeaders name before copying the service's answer) - clear-inputs removes every
 * responseHeaders name from the client's request before the service is asked, so the credential
 * would never reach it.
 */
export function keptHeaderRefused(ctx: Ctx, route: Route, s: SecurityScheme): boolean {
  return memo(ctx, `kept-lines\0${s.name}`, () => {
    const native = ctx.plan.mode(route.id, AUTH_FEATURE[s.kind]) === 'native';
    if (s.hideCredentials) return undefined;
    // A kept COOKIE key (red team 15, redteam15-traefik-kept-query-cookie): `Cookie: sid=<alice's>;
    // sid=<forged>`, or the two on two Cookie lines (HTTP/1.1 keeps them apart; Go's HTTP/2 server
    // joins them into one). Its service reads one (Go's Request.Cookie: the first, across lines) and
    // Traefik forwards every line whole; Django's parse_cookie keeps the last. HeaderRegexp matches
    // each line alone (pkg/muxer/http/matcher.go headerRegexp: slices.ContainsFunc), so no rule can
    // see a second sid on another line, and no middleware edits one cookie: refused.
    if (s.kind === 'apiKey' && s.apiKey?.in === 'cookie' && s.forwardAuth) {
      ctx.report('traefik-kept-cookie-credential', { scheme: s.name, name: s.apiKey.name }, s.loc);
      return 'refused';
    }
    const header = removableHeader(s);
    if (!header) return undefined;
    const verifier = s.kind === 'basic' && native ? "Traefik's basicAuth (Go's Request.BasicAuth: the first line)" : 'its forwardAuth service';
    ctx.report('traefik-kept-header-credential', { scheme: s.name, header, verifier }, s.loc);
    return 'refused';
  }) === 'refused';
}

/** The scheme's forwardAuth middleware for these required scopes, once per (scheme, scopes). */
function forwardMiddleware(ctx: Ctx, s: SecurityScheme, scopes: string[]): string {
  const fa = s.forwardAuth!;
  return memo(ctx, `fa\0${s.name}\0${scopes.join(' ')}`, () => {
    const requestHeaders = serviceHeaders(s);
    const copied = once([...fa.responseHeaders, ...answeredRequestHeaders(ctx, s)]);
    // Required scopes travel in the verifier's address, so one verifier can check them per route.
    const address =
      scopes.length > 0 ? `${fa.url.raw}${fa.url.raw.includes('?') ? '&' : '?'}scope=${encodeURIComponent(scopes.join(' '))}` : fa.url.raw;
    return ctx.addMiddleware(['auth', s.name, ...scopes], {
      forwardAuth: {
        address,
        trustForwardHeader: false,
        // serviceHeaders, the credential header first: Traefik sends the service EVERY request header when
        // the list is empty (forward.go filterForwardRequestHeaders), Cookie and other schemes' keys with
        // them (red team 9). Never empty: a query key naming no requestHeaders lists X-Forwarded-Uri,
        // which Traefik sets itself after the filter (the URI, the key in it), so nothing the client
        // sent goes (red team 10).
        authRequestHeaders: requestHeaders.length > 0 ? requestHeaders : ['X-Forwarded-Uri'],
        // The service's answer headers, then its other request headers (answeredRequestHeaders):
        // forward.go deletes every line of each before copying the service's answer onto the request.
        ...(copied.length > 0 ? { authResponseHeaders: copied } : {}),
      },
    });
  })!;
}

/**
 * A forwardAuth service's other request headers (`requestHeaders`, but the scheme's own credential
 * and the headers Traefik writes itself), each in every `-`/`_` spelling, for authResponseHeaders:
 * they reach the backend only as the service answers them (red team 15,
 * redteam15-traefik-forward-request-headers). Traefik sends the service every line of X-Tenant
 * (filterForwardRequestHeaders copies the key's values), the service reads one (Go's Header.Get: the
 * first) and the proxy would pass every line on, so `X-Tenant: acme` then `X-Tenant: evil` reached
 * a backend reading the last (PHP-FPM) as evil; and `X_Tenant: evil`, which the service is never
 * sent (another key to Go: X_tenant), reached a CGI-style backend as HTTP_X_TENANT. forward.go
 * (after a 2xx) calls req.Header.Del on each authResponseHeaders name, every line of its canonical
 * key (so every case), then copies the service's answer lines of that name: what the backend reads
 * is what the service verified and echoed. A service that echoes nothing leaves the backend
 * without the header, said once per scheme (traefik-request-headers-answered, a warning). Not
 * cleared from the client beforehand (they are no responseHeaders): the service still reads them.
 */
export function answeredRequestHeaders(ctx: Ctx, s: SecurityScheme): string[] {
  const { own, others } = serviceHeaderParts(s);
  const names = others.filter((h) => h.toLowerCase() !== own?.toLowerCase() && !NEVER_REMOVED.has(h.toLowerCase()));
  if (names.length === 0) return [];
  memo(ctx, `answered\0${s.name}`, () => {
    ctx.report('traefik-request-headers-answered', { scheme: s.name, headers: names.map(canonicalHeader).join(', ') }, s.loc);
    return undefined;
  });
  return names.flatMap((h) => cgiSpellings(canonicalHeader(h)));
}

/** `x-tenant` -> `X-Tenant`, as Go canonicalises a header name (each `_` part stays as written). */
const canonicalHeader = (h: string) => h.toLowerCase().replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

/**
 * What a scheme's forwardAuth service is sent (authRequestHeaders): its own credential header (a
 * forward scheme's: Authorization), then the spec's requestHeaders, once each ignoring case. One
 * list for the middleware and for unverified.ts' carriers, so what the service verifies is what the
 * other routers guard (red team 9, redteam9-traefik-forward-headers).
 */
export function serviceHeaders(s: SecurityScheme): string[] {
  const { own, others } = serviceHeaderParts(s);
  return once([...(own ? [own] : []), ...others]);
}

/** serviceHeaders in its two parts: the scheme's own credential header, and the spec's requestHeaders. */
export function serviceHeaderParts(s: SecurityScheme): { own?: string; others: string[] } {
  const own = s.kind === 'forward' ? 'Authorization' : credentialHeader(s);
  return { ...(own ? { own } : {}), others: once(s.forwardAuth?.requestHeaders ?? []) };
}

const once = (headers: string[]) => {
  const seen = new Set<string>();
  return headers.filter((h) => !seen.has(h.toLowerCase()) && !!seen.add(h.toLowerCase()));
};

/** The middleware removing a scheme's credential header (every spelling), once per scheme; undefined when there is none to write. */
export function hideMiddleware(ctx: Ctx, s: SecurityScheme): string | undefined {
  return memo(ctx, `hide\0${s.name}`, () => {
    if (!s.hideCredentials) return undefined;
    const hidden = removableHeader(s);
    // Every spelling a CGI-style backend reads as the credential header (cgiSpellings).
    if (hidden) return ctx.addMiddleware(['auth', s.name, 'hide'], { headers: { customRequestHeaders: Object.fromEntries(cgiSpellings(hidden).map((h) => [h, ''])) } });
    // A cookie key: the whole Cookie header (Traefik cannot remove one cookie; cookie-hide.ts refuses a
    // route reading another cookie), only where the spec states the backend reads no cookie there
    // (backendCookies: none). Otherwise refused: the header may carry a session or a CSRF cookie the
    // spec does not declare, and dropping it is a silent change of what the backend gets (a
    // double-submit CSRF check comparing a missing cookie with a missing header may even pass).
    // A query key cannot be removed at all: refused (DESIGN.md 7.3).
    if (s.kind === 'apiKey' && s.apiKey?.in === 'cookie') {
      if (s.backendCookies !== 'none') {
        ctx.report('traefik-credential-not-hidden', { scheme: s.name, location: 'cookie' }, s.loc);
        return undefined;
      }
      ctx.report('traefik-cookie-header-removed', { scheme: s.name, name: s.apiKey.name }, s.loc);
      return ctx.addMiddleware(['auth', s.name, 'hide'], { headers: { customRequestHeaders: { Cookie: '' } } });
    }
    if (s.kind !== 'forward') ctx.report('traefik-credential-not-hidden', { scheme: s.name, location: s.apiKey?.in ?? 'cookie' }, s.loc);
    return undefined;
  });
}

/**
 * The header holding a scheme's credential that a headers middleware can remove: a forward scheme
 * is a bearer/OAuth2/OIDC scheme verified by its service, its credential the Authorization header
 * (DESIGN.md section 7.3); a cookie or query key has none (one cookie or parameter cannot be removed).
 */
export function removableHeader(s: SecurityScheme): string | undefined {
  const h = s.kind === 'forward' ? 'Authorization' : credentialHeader(s);
  return h && h !== 'Cookie' ? h : undefined;
}

/*
 * A credential kept for the backend (`hideCredentials: false`) reaches it only as the header its
 * router verified (DESIGN.md 7.1, 7.3; red team 4, redteam4-traefik-kept-credentials). Traefik
 * passes `_` names (underscoreHeadersStrategy keep) and forwardAuth sends the verifier the
 * scheme's own spelling only, so `X_Api_Key: forged` beside a verified `X-Api-Key` reached a
 * CGI/Rack/WSGI backend as HTTP_X_API_KEY; and on an OR route, the router of another alternative
 * (selected by bob's password, or by alice's key first) passed the kept credential on unverified.
 * Kong clears both (unverified-credentials.ts); here each is a headers middleware in the router's
 * `hide` list (customRequestHeaders "" deletes the header: Traefik's headers middleware
 * modifyCustomRequestHeaders calls req.Header.Del on an empty value). Stripped rather than refused:
 * the router that verified the credential keeps it exactly as the spec asks, and only what no
 * middleware of that router checked is removed, which is what Kong and nginx do.
 */

/** Every spelling but the scheme's own of a kept credential header, on each router verifying it. */
export function keptSpellings(ctx: Ctx, s: SecurityScheme): string | undefined {
  return memo(ctx, `spellings\0${s.name}`, () => {
    const h = s.hideCredentials ? undefined : removableHeader(s);
    const others = h ? cgiSpellings(h).slice(1) : [];
    return others.length > 0 ? ctx.addMiddleware(['auth', s.name, 'spellings'], { headers: { customRequestHeaders: Object.fromEntries(others.map((x) => [x, ''])) } }) : undefined;
  });
}

/** Every spelling of a kept credential header, on the routers of the route's other alternatives. */
export function keptUnverified(ctx: Ctx, s: SecurityScheme): string | undefined {
  return memo(ctx, `unverified\0${s.name}`, () => {
    const h = s.hideCredentials ? undefined : removableHeader(s);
    return h ? ctx.addMiddleware(['auth', s.name, 'unverified'], { headers: { customRequestHeaders: Object.fromEntries(cgiSpellings(h).map((x) => [x, ''])) } }) : undefined;
  });
}

