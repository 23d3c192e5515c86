/**
 * What every REST http_proxy integration sends the backend empty (or with API Gateway's own value)
 * whatever the client sent: method and URL overrides, identity and forward-auth answer headers, the
 * client forwarding family, a bearer `access_token`, a key's name elsewhere, the other spellings of
 * the route's header credentials (split from backends.ts, which calls {@link neutraliseOverrides}).
 */
import { bearerInQuery } from '../bearer.js';
import {
  CLIENT_FORWARDING_HEADERS,
  DASH_NAME,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  URL_OVERRIDE_HEADERS,
} from '../../model/overrides.js';
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { isHeaderName } from './escape.js';
import { credentialsElsewhere } from './credential-elsewhere.js';
import { contextHeaderNames } from './context-headers.js';
import { separatorSpellings } from '../header-spellings.js';
import { schemeCarriers } from '../credential-carriers.js';
import type { HeaderNaming } from './header-names.js';

/**
 * Inputs many frameworks read as "the real method" (a GET route's caller could make the backend
 * run DELETE): set to an empty static value on every http_proxy integration unless the operation
 * declares them. An integration request parameter replaces what the client sent, the same
 * mechanism that hides credentials. https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */
const OVERRIDE_HEADERS = METHOD_OVERRIDE_HEADERS;
const OVERRIDE_QUERY = METHOD_OVERRIDE_QUERY;

/**
 * Method-override inputs the operation does not declare reach the backend empty (DESIGN.md 7.5),
 * and so do headers a client must never set (DESIGN.md 7.3): the identity headers gwc's gateways
 * set after verification (nginx's X-Consumer, Kong's X-Consumer-* and friends, a forward-auth
 * service's answer headers), which a backend written for gwc may trust behind any target, and the
 * client forwarding headers (Forwarded, X-Real-IP, X-Forwarded-Prefix/-Port/-Server). A REST
 * integration request parameter can only map a value (static, method request, context), never
 * remove a header, so each arrives empty, not absent
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html).
 * X-Forwarded-For (API Gateway appends the caller's address) and X-Forwarded-Proto are left to API
 * Gateway. A Lambda proxy integration takes no request parameters: the function receives every
 * header the client sent and must trust only its requestContext (README "What gwc guarantees").
 *
 * Every `-`/`_` spelling (header-spellings.ts): REST http_proxy passes a `X_Consumer` line as sent
 * (as credential-elsewhere.ts already reads), and PHP, Rack (Puma < 6.4.3, CVE-2024-45614), Unicorn
 * and CGI/WSGI read it as HTTP_X_CONSUMER, the identity header itself, whose dash spelling arrives
 * empty (red team 10: test/security/redteam10-aws-identity-spellings.test.ts). So the override,
 * identity and forward-auth answer headers, the other spellings of every header credential the
 * route's schemes read (verified or hidden: a backend reading `X_Api_Key` as the key gets a value
 * nobody checked) and `Transfer_Encoding` (FRAMING_KEYS) are mapped in each spelling, as the HTTP
 * API flavour removes them (http/integrations.ts). The forwarding family keeps its dash names, as
 * there (its 250 spellings would cost 19.7 KB per method: test/targets/aws/spellings-cost), unless
 * the backend says it reads `_` as `-` (`headerNames: folded`); a backend that reads names as sent
 * (`headerNames: exact`) gets no `_` spelling mapped at all (header-names.ts).
 */
export function neutraliseOverrides(ctx: Ctx, route: Route, params: Record<string, string>, naming: HeaderNaming): void {
  const declared = route.declaredOverrides?.length ? new Set(route.declaredOverrides.map((o) => `${o.in} ${o.name.toLowerCase()}`)) : undefined;
  // Every key of `params`, lowercased, kept up to date below: a set, not a scan of the keys per
  // header (#18). A header the route sets itself (requestHeaders.set) already replaces the client's value.
  const now = new Set(Object.keys(params).map((k) => k.toLowerCase()));
  const empty = (key: string, lower: string) => {
    params[key] = "''";
    now.add(lower);
  };
  const set = (key: string, lower: string, value: string) => {
    params[key] = value;
    now.add(lower);
  };
  const exact = naming === 'exact';
  for (const h of exact ? OVERRIDE_DASH_KEYS : OVERRIDE_KEYS) if (!declared?.has(h.declared) && !now.has(h.lower)) empty(h.key, h.lower);
  if (!declared?.has(`query ${OVERRIDE_QUERY}`)) empty(OVERRIDE_QUERY_KEY.key, OVERRIDE_QUERY_KEY.lower);
  // RFC 6750 section 2.3: a backend may take a bearer token from ?access_token= (Spring,
  // passport-http-bearer); a Cognito or Lambda authorizer reads its header only, so that token is
  // never one API Gateway verified: it reaches the backend empty (red team 2 and 3; targets/bearer.ts).
  if (route.security.some((alt) => alt.some((i) => { const s = ctx.scheme(i.scheme); return s !== undefined && (s.kind === 'jwt' || bearerInQuery(s)); }))) empty(ACCESS_TOKEN_KEY.key, ACCESS_TOKEN_KEY.lower);
  // An API key's name in the place the authorizer does not read it (credential-elsewhere.ts).
  const elsewhere = credentialsElsewhere(ctx, route);
  for (const q of elsewhere.query) {
    const key = `integration.request.querystring.${q}`;
    if (!(key in params)) empty(key, key.toLowerCase());
  }
  // One mapping per header name, whatever its case: API Gateway header names are case-insensitive.
  const header = (h: { key: string; lower: string }) => {
    if (!now.has(h.lower)) empty(h.key, h.lower);
  };
  for (const h of exact ? FIXED_DASH_KEYS : FIXED_KEYS) header(h);
  for (const h of forwardAuthKeys(ctx, exact)) header(h);
  for (const h of exact ? ADDRESSED_DASH : ADDRESSED_ALL) if (!now.has(h.lower)) set(h.key, h.lower, h.value);
  for (const h of naming === 'folded' ? FORWARDING_ALL_KEYS : FORWARDING_KEYS) header(h);
  for (const h of elsewhere.headers) header(parameterKey('header', h));
  if (!exact) for (const h of carrierSpellings(ctx, route)) header(parameterKey('header', h));
}

/**
 * The other `-`/`_` spellings of each header the route's schemes read a credential from (the key,
 * a JWT header, what a Lambda authorizer or forward-auth service is sent), none of them a name a
 * scheme of the route reads itself: the verified (or hidden) one arrives as checked, the other
 * spelling is the client's word. Sorted, each once.
 */
function carrierSpellings(ctx: Ctx, route: Route): string[] {
  const own = new Set<string>();
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s) for (const c of schemeCarriers(s)) if (c.in === 'header') own.add(c.name);
    }
  }
  const out = new Set<string>();
  for (const name of own) for (const v of separatorSpellings(name)) if (!own.has(v) && isHeaderName(v)) out.add(v);
  return [...out].sort();
}

/**
 * A request parameter's key and its lowercase, for the fixed lists neutraliseOverrides writes on
 * every route, made once, not per route (#18: ~100 keys per route, each a new string lowercased
 * and hashed again: the largest part of the AWS compile GitHub's lint runs).
 */
function parameterKey(place: 'header' | 'querystring', name: string): { key: string; lower: string } {
  const key = `integration.request.${place}.${name}`;
  return { key, lower: key.toLowerCase() };
}
/** A header name and its other `-`/`_` spellings. */
const spelt = (name: string): string[] => [name, ...separatorSpellings(name)];
const OVERRIDE_KEYS = OVERRIDE_HEADERS.flatMap((h) => spelt(h).map((v) => ({ ...parameterKey('header', v), declared: `header ${h.toLowerCase()}` })));
const OVERRIDE_QUERY_KEY = parameterKey('querystring', OVERRIDE_QUERY);
const ACCESS_TOKEN_KEY = parameterKey('querystring', 'access_token');
/**
 * `Transfer_Encoding` (every `_` spelling; the dash name is API Gateway's own framing, never a
 * request parameter): Unicorn and Puma < 5.0.3 read it as TRANSFER_ENCODING, so a client's
 * `chunked` frames the body a second way on the backend's kept-alive connection (smuggling). An
 * empty value is "not chunked" to them; Puma >= 5.0.3 keeps such a line apart
 * (UNMASKABLE_HEADERS), gunicorn frames by the dash name only. Content_Length is not mapped: an
 * empty mapping still sends the line, a second Content-Length to the parsers that fold `_`
 * (README "Known gaps").
 */
const FRAMING_KEYS = separatorSpellings('Transfer-Encoding').map((h) => parameterKey('header', h));
const FIXED_NAMES = [...URL_OVERRIDE_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...FOREIGN_IDENTITY_HEADERS];
const FIXED_KEYS = [...FIXED_NAMES.flatMap(spelt).map((h) => parameterKey('header', h)), ...FRAMING_KEYS];
const FORWARDING_KEYS = CLIENT_FORWARDING_HEADERS.filter(DASH_NAME).map((h) => parameterKey('header', h));
/**
 * How the client addressed the gateway (red team: host poisoning). A REST API sets no
 * X-Forwarded-Host, so a client's line reached an http_proxy backend as sent, and Express (trust
 * proxy), Rails, Django (USE_X_FORWARDED_HOST) and Spring build absolute URLs, redirects and
 * password-reset links from it. It arrives empty (the backend falls back to its Host), and
 * X-Forwarded-Proto as 'https', the only scheme a REST API serves (its endpoints are HTTPS only):
 * a client's `http` never makes Rack or Spring build plain-http links, and API Gateway's own value,
 * where it writes one, is the same. Both in every `-`/`_` spelling (the `_` forms are the client's
 * alone, and PHP/Rack/CGI read them as these) unless the backend reads names as sent (`exact`);
 * X-Forwarded-Port is emptied with the forwarding family. The HTTP API cannot map these names
 * (reserved: http/integrations.ts), README "Known gaps". test/security/aws-forwarded-host.test.ts.
 */
const ADDRESSED = [['X-Forwarded-Host', "''"], ['X-Forwarded-Proto', "'https'"]] as const;
const ADDRESSED_DASH = ADDRESSED.map(([h, value]) => ({ ...parameterKey('header', h), value }));
const ADDRESSED_ALL = ADDRESSED.flatMap(([h, value]) => spelt(h).map((v) => ({ ...parameterKey('header', v), value })));
/** A backend that reads names as sent (`headerNames: exact`): the dash names only, no Transfer_Encoding (header-names.ts). */
const OVERRIDE_DASH_KEYS = OVERRIDE_HEADERS.map((h) => ({ ...parameterKey('header', h), declared: `header ${h.toLowerCase()}` }));
const FIXED_DASH_KEYS = FIXED_NAMES.map((h) => parameterKey('header', h));
/** A backend that reads `_` as `-` (`headerNames: folded`): the forwarding family in every spelling (~19.7 KB per method). */
const FORWARDING_ALL_KEYS = [...new Set([...CLIENT_FORWARDING_HEADERS, ...CLIENT_FORWARDING_HEADERS.filter(DASH_NAME).flatMap((h) => separatorSpellings(h))])].map((h) => parameterKey('header', h));

/** forwardAuthHeaders' keys (each in every `-`/`_` spelling, or as written for `exact`), made once per compile. */
const forwardAuthKeyMemo = new WeakMap<Ctx, { spelt: { key: string; lower: string }[]; dash: { key: string; lower: string }[] }>();
function forwardAuthKeys(ctx: Ctx, exact: boolean): { key: string; lower: string }[] {
  let lists = forwardAuthKeyMemo.get(ctx);
  if (!lists) {
    const names = forwardAuthHeaders(ctx);
    lists = { spelt: names.flatMap(spelt).filter(isHeaderName).map((h) => parameterKey('header', h)), dash: names.map((h) => parameterKey('header', h)) };
    forwardAuthKeyMemo.set(ctx, lists);
  }
  return exact ? lists.dash : lists.spelt;
}

/**
 * The forward-auth services' answer headers and the Lambda authorizers' context headers
 * (context-headers.ts: mapped on their scheme's routes before this runs, so emptied only elsewhere
 * and in their other spellings), valid names only, read once per compile.
 */
const forwardAuthMemo = new WeakMap<Ctx, string[]>();
function forwardAuthHeaders(ctx: Ctx): string[] {
  let list = forwardAuthMemo.get(ctx);
  if (!list) forwardAuthMemo.set(ctx, (list = [...ctx.gateway.securitySchemes.flatMap((s) => s.forwardAuth?.responseHeaders ?? []), ...contextHeaderNames(ctx.gateway)].filter(isHeaderName)));
  return list;
}

