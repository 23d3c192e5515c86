/**
 * Security requirements (DESIGN.md section 3, rule 6) as Traefik middlewares.
 *
 * - AND: the schemes of one alternative are chained on the router; each must pass.
 * - OR: Traefik cannot branch inside a chain, so each alternative gets its own router, selected
 *   by the presence of its credential. Every router enforces its whole alternative, and the last
 *   router of the operation has no selector, so a request without (or with a wrong) credential
 *   still meets an auth middleware and is refused: choosing a router never opens one.
 * - basic: basicAuth with a usersFile (Traefik wants htpasswd hashes, gwc only has secret refs).
 *   Roles (`[admin]` on a basic requirement, checked against consumers.*.groups): one usersFile
 *   per role set, listing only the users whose consumer holds every role, so basicAuth itself
 *   refuses the others. Roles on a scheme a forwardAuth service verifies are refused: Traefik
 *   cannot look at the caller's groups after the service answers.
 * - optional auth (`{}` beside the alternatives): an anonymous router, first, that matches only
 *   when no credential of any of the route's schemes is present at all (any Authorization header,
 *   the API-key header, cookie or query parameter, even empty); every other request meets the
 *   alternatives' routers, so a present but wrong credential is refused, never taken as anonymous.
 *   Refused on a bearer scheme, whose token a backend may also read from ?access_token= in spellings
 *   no rule can list (bearer-query.ts).
 * - forward, and apiKey/JWT through the scheme's forwardAuth fallback: forwardAuth with only the
 *   credential (and the listed headers) sent to the verifier, and trustForwardHeader off so a
 *   client cannot forge the X-Forwarded-Uri the verifier sees
 *   (https://doc.traefik.io/traefik/middlewares/http/forwardauth/).
 */
import { compareText } from '../../diagnostics/collate.js';
import { createHash } from 'node:crypto';
import type { RequirementItem, Route, SecurityScheme } from '../../model/types.js';
import { AUTH_FEATURE, ROLE_KINDS } from '../../model/route-features.js';
import type { Ctx } from './context.js';
import { cgiSpellings, credentialHeader, credentialPresent, credentialSelector, limitKeyHeader, VERIFIED_USER_HEADER } from './credentials.js';
import { refuseOptionalBearer } from './bearer-query.js';
import { guardCarriers } from './unverified.js';
import { sanitise } from './names.js';
import { and, or } from './rule.js';

export { credentialHeader, credentialPresent, credentialSelector, limitKeyHeader, VERIFIED_USER_HEADER } from './credentials.js';


export interface AltRouter {
  /** Index into route.security, or undefined for a public route. */
  alternative?: number;
  /** Extra rule condition choosing this router; undefined on the last router. */
  selector?: string;
  middlewares: string[];
  /** Middlewares removing the credentials; they run after a per-consumer rate limit reads them. */
  hide: string[];
  /** Header carrying the caller's identity, for per-consumer rate limits. */
  consumerHeader?: string;
  /** The scheme a per-consumer limit would key on (named when it cannot). */
  consumerScheme?: string;
  /** Optional auth: the router of callers presenting no credential at all. */
  anonymous?: boolean;
  /** The schemes this router verifies (none on the anonymous router); unset where no alternative applies. */
  schemes?: string[];
}

export function authRouters(ctx: Ctx, route: Route): AltRouter[] | undefined {
  if (route.security.length === 0) return [{ middlewares: [], hide: [] }];
  const schemes = schemesOf(ctx);
  const routers = alternativeRouters(ctx, route, schemes);
  if (!routers || !route.optionalAuth) return routers && guardCarriers(ctx, route, schemes, routers);
  const present = new Set<string>();
  for (const item of route.security.flat()) {
    const s = schemes.get(item.scheme);
    if (!s) continue;
    const p = credentialPresent(s);
    if (!p) {
      if (s.kind === 'apiKey' && s.apiKey?.in === 'query') ctx.report('traefik-optional-query-key', { route: route.id, scheme: s.name, name: s.apiKey.name }, route.securityLoc);
      else ctx.report('traefik-optional-credential-unknown', { route: route.id, scheme: s.name }, route.securityLoc);
      return undefined;
    }
    if (refuseOptionalBearer(ctx, route, s)) return undefined;
    present.add(p);
  }
  return guardCarriers(ctx, route, schemes, [{ anonymous: true, schemes: [], middlewares: [], hide: [], selector: `!${or([...present])}` }, ...routers]);
}

const schemesByCtx = new WeakMap<Ctx, Map<string, SecurityScheme>>();
/** The gateway's schemes by name, made once per compile rather than once per route (#18). */
function schemesOf(ctx: Ctx): Map<string, SecurityScheme> {
  let schemes = schemesByCtx.get(ctx);
  if (!schemes) schemesByCtx.set(ctx, (schemes = new Map(ctx.gateway.securitySchemes.map((s) => [s.name, s]))));
  return schemes;
}

/** Roles of a basic requirement are enforced by its users file; elsewhere they are refused. */
function rolesEnforceable(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>): boolean {
  let ok = true;
  for (const item of route.security.flat()) {
    const s = schemes.get(item.scheme);
    if (!s || item.scopes.length === 0 || !ROLE_KINDS.has(s.kind)) continue;
    if (s.kind === 'basic' && ctx.plan.mode(route.id, AUTH_FEATURE[s.kind]) === 'native') continue;
    ctx.report('traefik-roles-forward-auth', { route: route.id, scheme: s.name, roles: item.scopes.join(', ') }, route.securityLoc);
    ok = false;
  }
  return ok;
}

/** Basic users whose consumer holds every role of one of the sets (an empty set: every user of the scheme). */
export function usersWithRoles(ctx: Ctx, scheme: string, roleSets: string[][]): string[] {
  return ctx.gateway.consumers.flatMap((c) =>
    roleSets.some((roles) => roles.every((r) => c.groups.includes(r)))
      ? c.credentials.flatMap((cr) => (cr.kind === 'basic' && cr.scheme === scheme ? [cr.username] : []))
      : [],
  );
}

function alternativeRouters(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>): AltRouter[] | undefined {
  if (!rolesEnforceable(ctx, route, schemes)) return undefined;
  const enforced = (item: RequirementItem) => {
    const s = schemes.get(item.scheme);
    return s !== undefined && ctx.plan.enforced(route.id, AUTH_FEATURE[s.kind]);
  };
  let alts = route.security.map((items, index) => ({ index, items }));
  // An alternative whose roles no basic user holds admits nobody: its users file would be empty,
  // which Traefik refuses to load. Left out; with none left, every caller is refused (403).
  const held = alts.filter((a) =>
    a.items.every((it) => {
      const s = schemes.get(it.scheme);
      if (!s || s.kind !== 'basic' || it.scopes.length === 0 || usersWithRoles(ctx, s.name, [it.scopes]).length > 0) return true;
      ctx.report('traefik-role-unheld', { route: route.id, scheme: s.name, roles: it.scopes.join(', ') }, route.securityLoc);
      return false;
    }),
  );
  if (held.length === 0) {
    const deny = ctx.addMiddleware(['deny'], { ipAllowList: { sourceRange: ['255.255.255.255/32'], rejectStatusCode: 403 } });
    return [{ middlewares: [deny], hide: [] }];
  }
  alts = held;
  const full = alts.filter((a) => a.items.every(enforced));
  if (full.length > 0) {
    // An alternative Traefik cannot enforce (gap accepted in the spec) is left out, not left
    // open: the route stays as strict as the alternatives that can be enforced.
    for (const a of alts) if (!full.includes(a)) ctx.report('traefik-alternative-dropped', { route: route.id, alternative: a.index + 1 }, route.securityLoc);
    alts = full;
  } else {
    alts = alts.map((a) => ({ index: a.index, items: a.items.filter(enforced) }));
    if (alts.some((a) => a.items.length === 0)) {
      ctx.report('traefik-security-open', { route: route.id }, route.securityLoc);
      return [{ middlewares: [], hide: [] }];
    }
  }
  // Alternatives that differ only in the roles of their one basic requirement present the same
  // credentials, so no rule can tell them apart: they become one router whose users file lists
  // every user one of them admits ([admin] OR [ops] is the users holding admin or ops).
  const merged: Array<{ index: number; items: RequirementItem[]; roleSets?: string[][] }> = [];
  const shapes = new Map<string, (typeof merged)[number]>();
  for (const a of alts) {
    const basics = a.items.filter((it) => schemes.get(it.scheme)?.kind === 'basic');
    const shape = JSON.stringify(a.items.map((it) => [it.scheme, basics.length === 1 && basics[0] === it ? [] : [...new Set(it.scopes)].sort()]).sort());
    const prev = shapes.get(shape);
    if (prev && basics.length === 1) prev.roleSets!.push(basics[0]!.scopes);
    else if (!prev) {
      const entry = { ...a, ...(basics.length === 1 ? { roleSets: [basics[0]!.scopes] } : {}) };
      shapes.set(shape, entry);
      merged.push(entry);
    } // else: the same alternative written twice
  }
  const routers: AltRouter[] = [];
  const credentials = new Map<AltRouter, number>();
  for (const a of merged) {
    const middlewares: string[] = [];
    const hide: string[] = [];
    let consumerHeader: string | undefined;
    let consumerScheme: string | undefined;
    const selectors: string[] = [];
    for (const item of a.items) {
      const s = schemes.get(item.scheme)!;
      const mws = schemeMiddlewares(ctx, route, s, s.kind === 'basic' && a.roleSets ? a.roleSets : [item.scopes]);
      if (!mws) return undefined;
      middlewares.push(mws.auth);
      if (mws.hide) hide.push(mws.hide);
      const spellings = keptSpellings(ctx, s);
      if (spellings && !hide.includes(spellings)) hide.push(spellings);
      consumerScheme ??= s.name;
      const key = limitKeyHeader(s, ctx.plan.mode(route.id, AUTH_FEATURE[s.kind]) === 'native');
      if (!consumerHeader && key) {
        consumerHeader = key;
        consumerScheme = s.name;
      }
      const sel = credentialSelector(s);
      if (sel) selectors.push(sel);
    }
    for (const h of otherCredentials(ctx, route, schemes, new Set(a.items.map((it) => it.scheme)))) if (!hide.includes(h)) hide.push(h);
    for (const h of queryKeyHeaders(ctx, route, schemes, new Set(a.items.map((it) => it.scheme)))) if (!hide.includes(h)) hide.push(h);
    const router: AltRouter = { alternative: a.index, schemes: a.items.map((it) => it.scheme), middlewares, hide, consumerHeader, consumerScheme, selector: selectors.length > 0 ? and(selectors) : undefined };
    credentials.set(router, selectors.length);
    routers.push(router);
  }
  if (routers.length === 1) return [{ ...routers[0]!, selector: undefined }];
  // Alternatives with a selector first, those needing more credentials (an AND) before those
  // needing fewer, else in spec order; the last router matches without one. A request presenting
  // key and password meets [key, basic] before [basic]: each router still enforces its whole
  // alternative, so the order only decides which alternative a caller is held to.
  const selected = routers.filter((r) => r.selector).sort((x, y) => credentials.get(y)! - credentials.get(x)!);
  const ordered = [...selected, ...routers.filter((r) => !r.selector)];
  const unselectable = ordered.filter((r) => !r.selector);
  const seen = new Set<string>();
  for (const [i, r] of ordered.entries()) {
    // The last router needs no selector, but one that duplicates an earlier one would never be reached.
    if (i === ordered.length - 1 && (!r.selector || !seen.has(r.selector))) break;
    if (!r.selector || seen.has(r.selector)) {
      ctx.report('traefik-alternatives-indistinguishable', { route: route.id, sameCredential: unselectable.length <= 1 }, route.securityLoc);
      return undefined;
    }
    seen.add(r.selector);
  }
  ordered[ordered.length - 1] = { ...ordered[ordered.length - 1]!, selector: undefined };
  return ordered;
}

const cache = new WeakMap<Ctx, Map<string, string | undefined>>();

/** One middleware per (scheme, scopes) and one credential-removing middleware per scheme. */
function memo(ctx: Ctx, key: string, make: () => string | undefined): string | undefined {
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

function schemeMiddlewares(ctx: Ctx, route: Route, s: SecurityScheme, roleSets: string[][]): { auth: string; hide?: string } | undefined {
  const native = ctx.plan.mode(route.id, AUTH_FEATURE[s.kind]) === 'native';
  const scopes = roleSets[0] ?? [];
  if (s.kind === 'basic' && native) {
    // https://doc.traefik.io/traefik/middlewares/http/basicauth/#usersfile; roles: a users file per
    // OR of role sets, listing the users whose consumer holds every role of one of the sets.
    const sets = normaliseRoleSets(roleSets);
    const parts = sets[0]!.length === 0 ? [] : sets.map((r) => r.join('+'));
    const auth = memo(ctx, `basic\0${s.name}\0${parts.join('\0')}`, () => {
      const file = `${ctx.options.htpasswdDir}/${htpasswdName(ctx, s.name, sets)}.htpasswd`;
      const name = ctx.addMiddleware(['auth', s.name, ...parts], {
        // headerField: the verified user, for per-consumer limits and the backend (never a client's: clear-inputs ran first)
        basicAuth: { usersFile: file, realm: s.basic?.realm || s.name, removeHeader: s.hideCredentials, headerField: VERIFIED_USER_HEADER },
      });
      ctx.htpasswd.push({ middleware: name, scheme: s.name, file, roleSets: sets });
      return name;
    });
    return { auth: auth! };
  }
  const fa = s.forwardAuth;
  if (!fa) {
    ctx.report('traefik-forward-auth-missing', { scheme: s.name }, s.loc);
    return undefined;
  }
  const cred = credentialHeader(s);
  const auth = memo(ctx, `fa\0${s.name}\0${scopes.join(' ')}`, () => {
    const requestHeaders = s.kind === 'forward' ? fa.requestHeaders : [...new Set([...(cred ? [cred] : []), ...fa.requestHeaders])];
    // Required scopes travel in the verifier's address, so one verifier can check them per route.
    const address =
      scopes.length > 0 ? `${fa.url.raw}${fa.url.raw.includes('?') ? '&' : '?'}scope=${encodeURIComponent(scopes.join(' '))}` : fa.url.raw;
    return ctx.addMiddleware(['auth', s.name, ...scopes], {
      forwardAuth: {
        address,
        trustForwardHeader: false,
        ...(requestHeaders.length > 0 ? { authRequestHeaders: requestHeaders } : {}),
        ...(fa.responseHeaders.length > 0 ? { authResponseHeaders: fa.responseHeaders } : {}),
      },
    });
  });
  const hide = hideMiddleware(ctx, s);
  return { auth: auth!, ...(hide ? { hide } : {}) };
}

/** The middleware removing a scheme's credential header (every spelling), once per scheme; undefined when there is none to write. */
function hideMiddleware(ctx: Ctx, s: SecurityScheme): string | undefined {
  return memo(ctx, `hide\0${s.name}`, () => {
    if (!s.hideCredentials) return undefined;
    const hidden = removableHeader(s);
    // Every spelling a CGI-style backend reads as the credential header (cgiSpellings).
    if (hidden) return ctx.addMiddleware(['auth', s.name, 'hide'], { headers: { customRequestHeaders: Object.fromEntries(cgiSpellings(hidden).map((h) => [h, ''])) } });
    if (s.kind !== 'forward') ctx.report('traefik-credential-not-hidden', { scheme: s.name, location: s.apiKey?.in ?? 'cookie' }, s.loc);
    return undefined;
  });
}

/**
 * The header holding a scheme's credential that a headers middleware can remove: a forward scheme
 * is a bearer/OAuth2/OIDC scheme verified by its service, its credential the Authorization header
 * (DESIGN.md section 7.3); a cookie or query key has none (one cookie or parameter cannot be removed).
 */
function removableHeader(s: SecurityScheme): string | undefined {
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
function keptSpellings(ctx: Ctx, s: SecurityScheme): string | undefined {
  return memo(ctx, `spellings\0${s.name}`, () => {
    const h = s.hideCredentials ? undefined : removableHeader(s);
    const others = h ? cgiSpellings(h).slice(1) : [];
    return others.length > 0 ? ctx.addMiddleware(['auth', s.name, 'spellings'], { headers: { customRequestHeaders: Object.fromEntries(others.map((x) => [x, ''])) } }) : undefined;
  });
}

/** Every spelling of a kept credential header, on the routers of the route's other alternatives. */
function keptUnverified(ctx: Ctx, s: SecurityScheme): string | undefined {
  return memo(ctx, `unverified\0${s.name}`, () => {
    const h = s.hideCredentials ? undefined : removableHeader(s);
    return h ? ctx.addMiddleware(['auth', s.name, 'unverified'], { headers: { customRequestHeaders: Object.fromEntries(cgiSpellings(h).map((x) => [x, ''])) } }) : undefined;
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
function queryKeyHeaders(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>, own: Set<string>): string[] {
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
function otherCredentials(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>, own: Set<string>): string[] {
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
