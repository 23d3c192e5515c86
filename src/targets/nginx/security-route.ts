/**
 * What a route's locations and njs configuration read of its security requirement (split from
 * security.ts, which builds the schemes' and consumers' njs views): the requirement as njs reads
 * it, the identity headers gwc sets, the credentials stripped before proxying (headers, query
 * parameters, cookies), and where else a credential may travel that nginx does not verify: RFC
 * 6750's `access_token` in the query or a body, a query or header API key's name in a body.
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import { QUERY_NAME_RULE, queryNameAsRead } from '../query-names.js';
import type { Ctx } from './context.js';

/** Headers gwc itself sets towards the backend from what it verified (DESIGN.md section 7.3). */
export const IDENTITY_HEADERS = [
  { name: 'X-Authenticated-Scheme', sent: 'sent_http_x_gwc_scheme', kind: 'scheme' },
  { name: 'X-Consumer', sent: 'sent_http_x_gwc_consumer', kind: 'consumer' },
] as const;

/** The variables the njs auth handler uses for forward auth: the path location's `set` and the `js_var` (templates.ts). */
export function njsForwardVars(ctx: Ctx, build: { forwards: readonly unknown[] }): { pathVar?: string; fwdUriVar?: string } {
  return build.forwards.length > 0 ? { pathVar: `${ctx.prefix}_path`, fwdUriVar: `${ctx.prefix}_fwd_uri` } : {};
}

/** The route's requirement as njs reads it; [] means public. */
export function routeSecurity(route: Route): Array<Array<{ scheme: string; scopes: string[] }>> {
  return route.security.map((alt) => alt.map((i) => ({ scheme: i.scheme, scopes: [...i.scopes] })));
}

/** Credential headers to strip before proxying (schemes with hideCredentials). */
export function hiddenHeaders(ctx: Ctx, route: Route): string[] {
  const names = new Set<string>();
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (!s?.hideCredentials) continue;
      if (s.kind === 'apiKey' && s.apiKey?.in === 'header') names.add(s.apiKey.name.toLowerCase());
      // Proxy-Authorization too: nginx never reads it, Kong's basic-auth reads it before
      // Authorization and gwc's Kong strips both (kong/auth.ts), so a backend behind either gateway
      // never gets a basic credential the gateway did not verify (red team 7; Traefik's basicAuth,
      // Go's Request.BasicAuth, reads Authorization only and strips that).
      if (s.kind === 'basic') names.add('authorization').add('proxy-authorization');
      if (s.kind === 'jwt' && s.jwt) names.add(s.jwt.header.toLowerCase());
      // A forward-auth scheme's credential is the Authorization header the service verified.
      if (s.kind === 'forward' || (s.kind === 'jwt' && s.jwt?.publicKeys.length === 0 && s.forwardAuth)) names.add('authorization');
    }
  }
  return [...names].sort();
}

/**
 * RFC 6750 section 2.3: a resource server may also take a bearer token from the `access_token`
 * query parameter (Spring's allowUriQueryParameter, passport-http-bearer by default). nginx verifies
 * the Authorization header only, so on a route with a bearer JWT scheme that parameter is never
 * passed on (whatever hideCredentials says: it is never what nginx verified), and on an optional
 * route it counts as a present credential (runtime.js present()), never as anonymous (red team 2).
 */
export const BEARER_QUERY = 'access_token';

/**
 * RFC 6750 section 2.2: a bearer token may also travel in a form body's `access_token` field
 * (passport-http-bearer reads `req.body.access_token` on any method; Spring's
 * allowFormEncodedBodyParameter). nginx verifies a bearer scheme's Authorization header (itself or
 * through its forward-auth service, which is never sent the body), so on a route where any
 * alternative has one, a form or multipart body carrying that field is refused as RFC 6750 section
 * 3.1's invalid_request (400; njs bodyCheck, validateRequest), on every method and on optional routes.
 */
export function bearerBodyRoute(ctx: Ctx, route: Route): boolean {
  return route.security.some((alt) => alt.some((item) => bearerScheme(ctx.scheme(item.scheme))));
}

/**
 * A scheme whose token a backend may also read from RFC 6750's `access_token` (query or form
 * body): a JWT read from Authorization, whether nginx or its forward-auth service verifies it, and
 * a forward-auth scheme (its service is sent the Authorization header). runtime.js present() reads
 * kind 'forward' alike.
 */
export function bearerScheme(s: SecurityScheme | undefined): boolean {
  return s?.kind === 'forward' || (s?.kind === 'jwt' && s.jwt?.header === 'authorization');
}

/**
 * A query API key's name in a request body (red team 3, redteam3-nginx-roles): Laravel's input(),
 * PHP's `$_REQUEST` (request_order GP) and Rack's merged params read a form, multipart or JSON body
 * field over (or in place of) the query parameter of the same name, so `api_key=<bob>` in the body of
 * a request nginx authorised on alice's `?api_key=` (or, on an optional route, on none) is the key
 * the backend reads, and nobody verified it. On a route where any alternative has a query key, or a
 * header key (a backend reading it from the header or a parameter: its name in the query is removed,
 * credential-elsewhere.ts; red team 6), a body naming it is refused (400; njs bodyCheck,
 * validateRequest), as `access_token` is on a bearer route (bearerBodyRoute). Each key is given as
 * the source of a case-blind pattern a body field name (already `%XX`/`+` decoded by bodyNames)
 * matches when the table of src/targets/query-names.ts reads it as the key: blanks around it, each
 * `_` of the read name also one of QUERY_NAME_RULE's asUnderscore characters, ended by the end, a
 * `[` (array form) or a NUL. With `json`, the patterns a JSON key is read by: `-` and `_` are one
 * there, in the key and in the name (Kong's json_name; the CFG's `jsonKeys`).
 */
export function bodyKeyPatterns(ctx: Ctx, route: Route, json = false): string[] {
  const out = new Set<string>();
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s?.kind === 'apiKey' && s.apiKey?.in === 'query') out.add(bodyKeyPattern(s.apiKey.name, json));
      // A header key's name too (red team 6): a backend reading the key from the header or a
      // parameter (b085f11 removes it from the query) reads a body field over the query one.
      if (s?.kind === 'apiKey' && s.apiKey?.in === 'header') out.add(bodyKeyPattern(s.apiKey.name, json));
    }
  }
  return [...out].sort();
}

/** Each character as a `\uXXXX` escape: read alike by JavaScript and njs (whose PCRE2 `\s` may not match NBSP). */
const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const BLANK = `[${[...QUERY_NAME_RULE.blanks].map(u).join('')}]`;
/** Blanks and brackets: the leading run the table drops (QUERY_NAME_RULE.leadingBrackets). */
const LEAD = `[${[...QUERY_NAME_RULE.blanks, '[', ']'].map(u).join('')}]`;
const UNDERSCORE = `[_${[...QUERY_NAME_RULE.asUnderscore].map(u).join('')}]`;
/** In a JSON key `-` reads as `_` too (Kong's json_name, kong/name-readings.ts: a kebab-case or snake-case binder reads either). */
const JSON_UNDERSCORE = `[_${[...QUERY_NAME_RULE.asUnderscore, '-'].map(u).join('')}]`;

/**
 * QUERY_NAME_RULE.unicodeFold by the ASCII letter: the non-ASCII letters a Unicode case-blind reader
 * takes for it (Echo's EqualFold, Java's equalsIgnoreCase), each as the letter (a JSON key, a raw
 * UTF-8 name) and as its UTF-8 bytes one char a byte (a %XX-decoded form or multipart name).
 */
const FOLDED_LETTER = new Map<string, string>();
for (const [c, ascii] of Object.entries(QUERY_NAME_RULE.unicodeFold)) {
  const spellings = [u(c), [...Buffer.from(c, 'utf8').toString('latin1')].map(u).join('')];
  FOLDED_LETTER.set(ascii, `${FOLDED_LETTER.get(ascii) ?? ascii}|${spellings.join('|')}`);
}
const letter = (c: string) => (FOLDED_LETTER.has(c) ? `(?:${FOLDED_LETTER.get(c)!})` : c);

/**
 * The pattern of the body field names the table reads as the query name `name` (case-blind: the `i`
 * flag); with `json`, of the JSON keys, where `-` and `_` are one (bodyKeyPatterns' `json`).
 */
export function bodyKeyPattern(name: string, json = false): string {
  // A pure function of its arguments (the rule is constant), asked twice per keyed route for the
  // same few names (#18: ~20% of nginx's route views in a lint of synthetic-10000): made once. Bounded.
  const key = `${json ? 'j' : 'f'}${name}`;
  let pattern = PATTERNS.get(key);
  if (pattern === undefined) {
    if (PATTERNS.size >= 10_000) PATTERNS.clear();
    PATTERNS.set(key, (pattern = makeBodyKeyPattern(name, json)));
  }
  return pattern;
}
const PATTERNS = new Map<string, string>();

function makeBodyKeyPattern(name: string, json: boolean): string {
  const read = json ? queryNameAsRead(name).replace(/-/g, '_') : queryNameAsRead(name);
  const under = json ? JSON_UNDERSCORE : UNDERSCORE;
  const body = [...read].map((c) => (c === '_' ? under : /[A-Za-z0-9]/.test(c) ? letter(c) : u(c))).join('');
  // After a leading run of blanks and brackets (Rack 2's \A[\[\]]*: `[api_key]`, `]api_key`), ended by
  // the end, an array form's `[`, Rack 2's `]` (`api_key]`) or (PHP's C strings) a NUL.
  return `^${LEAD}*${body}${BLANK}*(?:\\[|\\]|\\x00|$)`;
}

/** Query parameters or cookies to strip before proxying (API keys there with hideCredentials, a bearer token's BEARER_QUERY). */
export function hiddenParams(ctx: Ctx, route: Route, where: 'query' | 'cookie'): string[] {
  const names = new Set<string>();
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s?.hideCredentials && s.kind === 'apiKey' && s.apiKey?.in === where) names.add(s.apiKey.name);
      if (where === 'query' && bearerScheme(s)) names.add(BEARER_QUERY);
    }
  }
  return [...names].sort();
}
