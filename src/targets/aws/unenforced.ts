/**
 * An OR route with `auth.or` accepted (aws-auth-first-alternative): API Gateway enforces the first
 * alternative only, so what any other alternative reads as a credential is never verified, kept
 * (`hideCredentials: false`) or not, and an http_proxy integration passes a forged one on beside the
 * credential that was (red team 6: test/security/redteam6-aws-or-kept.test.ts and
 * redteam6-aws-or-cookie.test.ts; the class nginx closes in kept-credentials.ts).
 *
 * Every carrier of such a scheme (credential-carriers.ts: its credential, what its Lambda
 * authorizer or forward-auth service is sent) reaches the backend empty, unless a scheme of the
 * enforced alternative reads the same carrier (then it was verified): a header by its name and every
 * `-`/`_` spelling (CGI, PHP and Rack read them as one; API Gateway header names are case-blind), a
 * query parameter by its exact name (other spellings: aws-query-credential-spellings).
 *
 * A cookie is one part of the Cookie header, and a REST integration request parameter replaces a
 * whole header, never one cookie of it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping.html).
 * So: when the enforced alternative reads no cookie, `integration.request.header.Cookie` is mapped to
 * '' (Cookie is not among the headers API Gateway remaps or drops, api-gateway-known-issues); when it
 * reads one, nothing can split the header and the route is refused, `aws-or-cookie-unenforced`,
 * unless the other alternative's cookie is the one it verified (the same cookie name, or both read
 * the whole Cookie header).
 *
 * A Lambda (aws_proxy) backend takes no request parameters at all, so such a route to a function is
 * refused instead whenever an alternative not enforced reads a carrier the enforced one does not,
 * `aws-or-lambda-unenforced` ({@link refuseUnenforcedOnLambda}; test/security/aws-unverified-carriers).
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import { compareText } from '../../diagnostics/collate.js';
import { headerSpellings, schemeCarriers } from '../credential-carriers.js';
import { credentialParameter } from './auth.js';
import type { Ctx } from './context.js';
import { isHeaderName } from './escape.js';

/**
 * Headers API Gateway sets, remaps or needs on the way to the integration, never blanked here (a
 * forward-auth service may be sent them besides the credential): mapping them would break the
 * request, and API Gateway writes its own value (X-Forwarded-For, Host) or drops the client's.
 */
const LEFT = new Set(['host', 'content-length', 'content-type', 'content-encoding', 'transfer-encoding', 'connection', 'expect', 'te', 'trailer', 'upgrade', 'via', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);

/** What a scheme reads of the Cookie header: nothing, these cookies by name, or the whole header (a session of a name gwc does not know). */
type CookieRead = { names: Set<string>; whole: boolean };

function cookieRead(s: SecurityScheme): CookieRead {
  const out: CookieRead = { names: new Set(), whole: false };
  if (s.kind === 'apiKey' && s.apiKey?.in === 'cookie') {
    // Its authorizer reads the key's cookie (from the Cookie header, its identity source).
    out.names.add(s.apiKey.name);
    return out;
  }
  out.whole = schemeCarriers(s).some((c) => c.in === 'header' && c.name === 'cookie');
  return out;
}

const readsCookie = (r: CookieRead) => r.whole || r.names.size > 0;

/** What the enforced alternative reads (verified), and each scheme of the other alternatives, once. */
interface Alternatives {
  enforced: string[];
  ownHeaders: Set<string>;
  ownQuery: Set<string>;
  ownCookie: CookieRead;
  others: Array<{ s: SecurityScheme; cookie: CookieRead; carriers: Array<{ in: 'header' | 'query'; name: string }> }>;
}

/** Undefined unless the route is an OR route whose `auth.or` gap was accepted (only the first alternative enforced). */
function alternatives(ctx: Ctx, route: Route): Alternatives | undefined {
  if (route.security.length < 2 || ctx.plan.enforced(route.id, 'auth.or')) return undefined;
  const [enforced = [], ...rest] = route.security;
  const out: Alternatives = { enforced: enforced.map((i) => i.scheme), ownHeaders: new Set(), ownQuery: new Set(), ownCookie: { names: new Set(), whole: false }, others: [] };
  for (const item of enforced) {
    const s = ctx.scheme(item.scheme);
    if (!s) continue;
    const c = cookieRead(s);
    for (const n of c.names) out.ownCookie.names.add(n);
    out.ownCookie.whole ||= c.whole;
    for (const carrier of carriersOf(s)) (carrier.in === 'header' ? out.ownHeaders : out.ownQuery).add(carrier.name);
  }
  const seen = new Set<string>();
  for (const item of rest.flat()) {
    const s = ctx.scheme(item.scheme);
    if (!s || seen.has(s.name)) continue;
    seen.add(s.name);
    out.others.push({ s, cookie: cookieRead(s), carriers: carriersOf(s) });
  }
  return out;
}

export function hideUnenforced(ctx: Ctx, route: Route, params: Record<string, string>): void {
  const alt = alternatives(ctx, route);
  if (!alt) return;
  const { ownHeaders, ownQuery, ownCookie } = alt;
  const have = new Set(Object.keys(params).map((k) => k.toLowerCase()));
  const blank = (key: string) => {
    if (have.has(key.toLowerCase())) return;
    params[key] = "''";
    have.add(key.toLowerCase());
  };
  let cookie = false;
  for (const { s, cookie: c, carriers } of alt.others) {
    if (readsCookie(c)) {
      if (!readsCookie(ownCookie)) cookie = true;
      else if (!sameCookie(c, ownCookie)) refuse(ctx, route, s, c, alt.enforced);
    }
    for (const carrier of carriers) {
      if (carrier.in === 'query') {
        if (!ownQuery.has(carrier.name)) blank(`integration.request.querystring.${carrier.name}`);
        continue;
      }
      for (const h of headerSpellings(carrier.name)) if (!ownHeaders.has(h)) blank(`integration.request.header.${h}`);
    }
  }
  if (cookie) blank('integration.request.header.Cookie');
}

/**
 * The same route to a Lambda function: an aws_proxy integration takes no integration request
 * parameters (REST: the function's event is built from the method request as the client sent it;
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html),
 * so nothing above can be blanked and the function would be handed every carrier of an alternative
 * API Gateway never verified. Refused, `aws-or-lambda-unenforced`, once per such scheme, at the
 * route's security line, unless the enforced alternative reads every one of them (then they were
 * verified). What the scheme reads besides the headers gwc leaves to API Gateway ({@link LEFT}) is
 * named; a header's other `-`/`_` spellings need not be, they are refused with it.
 */
export function refuseUnenforcedOnLambda(ctx: Ctx, route: Route, backend: string): void {
  const alt = alternatives(ctx, route);
  if (!alt) return;
  for (const { s, cookie, carriers } of alt.others) {
    const unverified = carriers
      .filter((c) => !(c.in === 'header' ? alt.ownHeaders : alt.ownQuery).has(c.name))
      .map((c) => `${c.in} ${c.name}`);
    if (readsCookie(cookie) && !(readsCookie(alt.ownCookie) && sameCookie(cookie, alt.ownCookie))) {
      unverified.push(cookie.whole ? 'header cookie' : `cookie ${[...cookie.names].sort(compareText).join(', ')}`);
    }
    if (unverified.length === 0) continue;
    const carriersText = unverified.sort(compareText).join(', ');
    ctx.report('aws-or-lambda-unenforced', { route: route.id, scheme: s.name, carriers: carriersText, enforced: alt.enforced.join(' + '), backend }, route.securityLoc ?? route.loc);
  }
}

/** The enforced alternative verified the other's cookie: the same names, or both read the whole header. */
function sameCookie(other: CookieRead, own: CookieRead): boolean {
  if (other.whole) return own.whole;
  return !own.whole && [...other.names].every((n) => own.names.has(n));
}

function refuse(ctx: Ctx, route: Route, s: SecurityScheme, c: CookieRead, enforced: string[]): void {
  const cookie = c.whole ? 'the Cookie header' : `cookie ${[...c.names].sort(compareText).join(', ')}`;
  ctx.report('aws-or-cookie-unenforced', { route: route.id, scheme: s.name, cookie, enforced: enforced.join(' + ') }, route.securityLoc ?? route.loc);
}

/**
 * A scheme's header (lower-cased) and query carriers an integration request parameter can name:
 * its credential parameter and what its verifier is sent (schemeCarriers), less the Cookie header
 * (handled whole, above) and the headers API Gateway owns ({@link LEFT}).
 */
function carriersOf(s: SecurityScheme): Array<{ in: 'header' | 'query'; name: string }> {
  const out = new Map<string, { in: 'header' | 'query'; name: string }>();
  const add = (where: 'header' | 'query', name: string) => {
    const n = where === 'header' ? name.toLowerCase() : name;
    if (!isHeaderName(n) || (where === 'header' && (n === 'cookie' || LEFT.has(n)))) return;
    out.set(`${where} ${n}`, { in: where, name: n });
  };
  const p = credentialParameter(s);
  if (p) add(p.in === 'header' ? 'header' : 'query', p.name);
  for (const c of schemeCarriers(s)) if (c.in === 'header' || c.in === 'query') add(c.in, c.name);
  return [...out.values()];
}
