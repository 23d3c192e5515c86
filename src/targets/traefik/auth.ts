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
import type { RequirementItem, Route, SecurityScheme } from '../../model/types.js';
import { AUTH_FEATURE, ROLE_KINDS } from '../../model/route-features.js';
import type { Ctx } from './context.js';
import { credentialPresent, credentialSelector, limitKeyHeader } from './credentials.js';
import { hideMiddleware, keptHeaderRefused, keptSpellings, schemeMiddlewares } from './auth-middlewares.js';
import { refuseOptionalBearer } from './bearer-query.js';
import { refuseCookieHide } from './cookie-hide.js';
import { refuseAndConsumers } from './identity.js';
import { guardCarriers, otherCredentials, queryKeyHeaders } from './unverified.js';
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
  if (refuseCookieHide(ctx, route, schemes)) return undefined;
  if (refuseAndConsumers(ctx, route, schemes)) return undefined;
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
  return guardCarriers(ctx, route, schemes, [{ anonymous: true, schemes: [], middlewares: [], hide: anonymousHide(ctx, route, schemes), selector: `!${or([...present])}` }, ...routers]);
}

/**
 * What the anonymous router of optional auth removes: the Cookie header of each hidden cookie key
 * of the route (the scheme's own hide middleware). Its rule excludes a header credential in every
 * spelling, but no rule lists every cookie spelling a backend reads as the key (Python's SimpleCookie
 * splits `theme=dark sid_key=x` on the blank, PHP before 8.0.24 reads `sid+key` as sid_key): such a
 * request is routed anonymous, and the key the gateway keeps from the backend reached it unverified
 * (red team 11, test/security/redteam11-traefik-cookie-hide.test.ts). cookie-hide.ts refuses a route
 * whose backend reads another cookie, so nothing the backend is meant to read is lost; a kept cookie
 * key is refused on such a route (unverified.ts guardCarriers).
 */
function anonymousHide(ctx: Ctx, route: Route, schemes: Map<string, SecurityScheme>): string[] {
  const names = [...new Set(route.security.flat().map((it) => it.scheme))].sort(compareText);
  const out: string[] = [];
  for (const n of names) {
    const s = schemes.get(n);
    if (s?.kind !== 'apiKey' || s.apiKey?.in !== 'cookie' || !s.hideCredentials) continue;
    const mw = hideMiddleware(ctx, s);
    if (mw && !out.includes(mw)) out.push(mw);
  }
  return out;
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
    // One alternative (most routes) has nothing to merge with: no shape is made (#18).
    if (alts.length === 1) {
      merged.push({ ...a, ...(basics.length === 1 ? { roleSets: [basics[0]!.scopes] } : {}) });
      break;
    }
    const shape = JSON.stringify(a.items.map((it) => [it.scheme, basics.length === 1 && basics[0] === it ? [] : [...new Set(it.scopes)].sort()]).sort());
    const prev = shapes.get(shape);
    if (prev && basics.length === 1) prev.roleSets!.push(basics[0]!.scopes);
    else if (!prev) {
      const entry = { ...a, ...(basics.length === 1 ? { roleSets: [basics[0]!.scopes] } : {}) };
      shapes.set(shape, entry);
      merged.push(entry);
    } // else: the same alternative written twice
  }
  // Every kept header credential of the route is refused at its scheme, whichever alternative
  // comes first (red team 12: its verifier reads one line, the backend another).
  let keptRefused = false;
  for (const a of merged) for (const it of a.items) if (keptHeaderRefused(ctx, route, schemes.get(it.scheme)!)) keptRefused = true;
  if (keptRefused) return undefined;
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
      if (mws.service) middlewares.push(mws.service);
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
    const own = new Set(a.items.map((it) => it.scheme));
    for (const h of otherCredentials(ctx, route, schemes, own)) if (!hide.includes(h)) hide.push(h);
    for (const h of queryKeyHeaders(ctx, route, schemes, own)) if (!hide.includes(h)) hide.push(h);
    // A single router matches without a selector (below): none is joined for it.
    const router: AltRouter = { alternative: a.index, schemes: a.items.map((it) => it.scheme), middlewares, hide, consumerHeader, consumerScheme, selector: selectors.length > 0 && merged.length > 1 ? and(selectors) : undefined };
    credentials.set(router, selectors.length);
    routers.push(router);
  }
  if (routers.length === 1) return routers;
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
