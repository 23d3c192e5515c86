/**
 * `proxy_cache` for a route (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache_key):
 * the key, digested by njs from the route's parts and the verified caller, and what keeps a request
 * out of a shared entry (a credential carrier the route does not verify whenever sent, a body).
 * Split from policies.ts (its limits, CORS, headers and IP rules), no behaviour change.
 */
import type { Cache, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { compareText } from '../../diagnostics/collate.js';
import { credentialCarriers, type Carrier } from '../credential-carriers.js';
import { headerVar } from './escape.js';
import { secs } from './backends.js';
import { hiddenHeaders } from './security.js';
import { identityKeyVar, type PolicyRegistry } from './policies.js';

export interface CacheView {
  zone: string;
  valid: string;
  methods: string[];
  /**
   * The variables whose raw values make up the key, each length-prefixed and digested by the njs
   * `cacheKey` (templates.ts `js_set`): no part can run into the next (`/a%7Cb?c` vs `/a?b|c`).
   * On a secured route the verified identity is one of them (DESIGN.md section 7.4).
   */
  parts: string[];
  /**
   * An Authorization header may reach the backend unverified (a public route, or one whose
   * alternatives do not all verify it and that does not strip it): a request carrying one is
   * neither stored nor answered from the cache (RFC 9111 section 3.5; red team 2: a backend
   * checking a session token itself had its answer served to the next, anonymous, caller).
   */
  bypassAuthorization?: boolean;
  /**
   * The variables that, when the request sets one, keep the answer out of the cache (proxy_no_cache,
   * proxy_cache_bypass): the unverified Authorization above, and on a public or optional route
   * (every anonymous caller shares one key) every credential carrier of the spec the route does not
   * verify whenever sent (anonymousBypass): a backend answering per session, token or key would have
   * that answer served to the next, anonymous, caller (red teams 3 and 4).
   */
  bypass?: string[];
  /**
   * The query credentials of the spec a shared entry must not hold, checked by the njs
   * `cacheCredential` in every spelling a backend reads (query-names.ts): a route whose key holds
   * no query (`keyQuery: false`).
   */
  query?: string[];
  /**
   * A body bypasses (a body carrier in the spec): the request body is read before the bypass is
   * tested (`proxy_request_buffering on`), or `$content_length` may not hold it yet.
   */
  bufferBody?: boolean;
  /**
   * The credential headers of `bypass` (lower case), also tested by the njs `cacheCredential` over
   * every line, an empty one too: nginx 1.22's `$http_<name>` reads the first line only (an empty
   * one hid the key after it; red team 14).
   */
  headers?: string[];
  /** The identity variable whose anonymous value ('-') makes a Cookie bypass (an optional cookie-key route). */
  cookieAnonymous?: string;
  /**
   * The route's own cookie keys (verified whenever sent): any other cookie beside them (a session
   * the backend reads) makes the njs `cacheCredential` bypass.
   */
  cookieOwn?: string[];
}

/**
 * `proxy_cache` for a route (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_cache_key).
 * The key is evaluated in the content phase, after `auth_request`, so the identity variable holds
 * the caller the auth handler verified ('-' for an anonymous caller of an optional route: their
 * own key space). nginx never stores a response with `Cache-Control: private`/`no-store`/`no-cache`
 * or `Set-Cookie` (gwc's `proxy_ignore_headers` names only X-Accel-Redirect), so such answers are
 * never served to others.
 */
export function cacheView(ctx: Ctx, reg: PolicyRegistry, route: Route, cache: Cache, params: number): CacheView | undefined {
  return ctx.safe(cache.loc, () => {
    reg.cacheZone = `${ctx.prefix}_cache`;
    ctx.needsNjs = true;
    // The scheme too: one server serves the plain and the TLS listener, and a backend answers by
    // X-Forwarded-Proto (Django SECURE_SSL_REDIRECT: a 301 to https for a plain request, stored and
    // served to every HTTPS caller; red team 14, redteam14-nginx-cache-scheme).
    const parts = [`${ctx.prefix}_route`, 'request_method', 'scheme', 'host'];
    for (let i = 0; i < params; i++) parts.push(`gwc_p${i}`);
    if (cache.keyQuery) parts.push('args');
    for (const h of [...cache.keyHeaders].sort()) parts.push(headerVar(h));
    if (route.security.length > 0) parts.push(identityKeyVar(ctx), ...keptIdentityHeaders(ctx, route).map(headerVar));
    const methods = cache.methods.filter((m) => m === 'GET' || m === 'HEAD' || m === 'POST');
    const verified = route.security.length > 0 && route.security.every((alt) => alt.some((i) => readsAuthorization(ctx, i.scheme)));
    const bypassAuth = !verified && !hiddenHeaders(ctx, route).includes('authorization');
    const vars = bypassAuth ? ['http_authorization'] : [];
    // Every cached route, a per-consumer one too: a second credential beside the verified one is
    // read by the backend, and its answer would be the consumer's entry (its other end users').
    const shared = unverifiedBypass(ctx, route, cache);
    vars.push(...shared.vars);
    const headers = [...new Set(vars.filter((v) => v.startsWith('http_') && v !== 'http_cookie' && v !== 'http_transfer_encoding').map((v) => v.slice(5).replace(/_/g, '-')))].sort(compareText);
    if (shared.query.length > 0 || shared.cookieAnonymous || shared.cookieOwn || headers.length > 0) vars.push(cacheCredentialVar(ctx));
    const bypass = [...new Set(vars)];
    return {
      zone: reg.cacheZone, valid: secs(cache.ttlMs), methods: methods.length > 0 ? methods : ['GET', 'HEAD'], parts,
      ...(bypassAuth ? { bypassAuthorization: true } : {}),
      ...(bypass.length > 0 ? { bypass } : {}),
      ...(bypass.includes('content_length') ? { bufferBody: true } : {}),
      ...(shared.query.length > 0 ? { query: shared.query } : {}),
      ...(headers.length > 0 ? { headers } : {}),
      ...(shared.cookieAnonymous ? { cookieAnonymous: shared.cookieAnonymous } : {}),
      ...(shared.cookieOwn ? { cookieOwn: shared.cookieOwn } : {}),
    };
  });
}

/**
 * The headers the backend reads the caller from that the verified identity (`X-Gwc-Identity`)
 * reduces, so they are keyed as well (red team 10, test/security/redteam10-nginx-cache-identity):
 * a JWT's identity is its issuer scheme and `sub`, while a token kept for the backend
 * (hideCredentials: false) also carries its scopes and other claims; a forward-auth caller is the
 * service's answer headers when it answers any (runtime.js checkForward: stable for a limit bucket),
 * which may name a role or a tenant, not the user, while the backend reads the kept Authorization
 * and the requestHeaders the service verified (a session header reaches it). An API key or a basic
 * user names its consumer exactly: nothing to add. Host-like headers the route sets itself are not
 * the caller's.
 */
function keptIdentityHeaders(ctx: Ctx, route: Route): string[] {
  const out = new Set<string>();
  for (const item of route.security.flat()) {
    const s = ctx.scheme(item.scheme);
    if (!s) continue;
    const token = s.kind === 'jwt' ? s.jwt?.header ?? 'authorization' : s.kind === 'forward' ? 'authorization' : undefined;
    if (token && !s.hideCredentials) out.add(token.toLowerCase());
    for (const h of s.forwardAuth?.requestHeaders ?? []) {
      const name = h.toLowerCase();
      if (!/^(host|connection|upgrade|x-forwarded-.*)$/.test(name)) out.add(name);
    }
  }
  return [...out].sort(compareText);
}

/** `js_set` variable of the njs `cacheCredential` (templates.ts): '1' when a shared entry must not be used. */
export const cacheCredentialVar = (ctx: Ctx): string => `${ctx.prefix}_cache_cred`;

/**
 * What keeps a request out of a cached route's entry: every credential carrier of the spec
 * (credential-carriers.ts, one list for every target) the route does not verify whenever it is
 * sent. On a public route that is every carrier (every anonymous caller shares one entry); on a
 * secured or optional route (entries per verified caller) a carrier is left out when every
 * alternative naming a scheme has one carrying it (decide() checks each item of the alternative
 * that passes, so that one read it: Authorization on `[{basic}, {jwt}]`), or when it is a header
 * the route strips before the backend (security.ts hiddenHeaders). Anything else is a SECOND credential beside the verified caller: the backend may
 * answer per it (a session, another scheme's key), and that answer would be the consumer's entry,
 * served to its other end users (an app key shared by them).
 * - a header: `$http_<name>`, which nginx matches case-blind (its first line only in 1.22: every
 *   line, an empty one too, is also tested by the njs `cacheCredential`, `headers`); its `_`
 *   spellings never reach the backend (the server drops header names with `_`: underscores_in_headers off);
 * - a query name: in the key when the route keys the query (`$args`), else the njs
 *   `cacheCredential` reads every spelling a backend reads as it (`$arg_` reads one spelling only);
 * - the Cookie header: bypasses, or with an own cookie key only when it holds another cookie
 *   (`cookieOwn`: a session the backend may read), and on an optional route while the caller is
 *   anonymous (`cookieAnonymous`);
 * - a form-body field (RFC 6750 access_token), or a query or header API key's name in a body (a
 *   backend reads a body field over the query parameter; nginx-cache-body-key.test.ts): no body is
 *   part of the key, so a request with one bypasses: `$content_length` is the length of the body nginx read (the header when sent, else,
 *   once read, the bytes of an HTTP/2 or HTTP/3 body sent in DATA frames with neither
 *   Content-Length nor Transfer-Encoding, RFC 9113 section 8.1.1), and `$http_transfer_encoding`
 *   a chunked HTTP/1.1 body. The body is read before proxy_cache_bypass is tested
 *   (ngx_http_upstream_init_request runs once it is) only while the request is buffered, so the
 *   route says `proxy_request_buffering on` (an `off` inherited from the http level of the user's
 *   nginx would test it first). gwc writes no `http2` on its listen lines, but nginx gives a listen
 *   socket's http2 to every server on that address:port, and `http2 on;` (nginx >= 1.25.1) at the
 *   http level is inherited (test/security/nginx-cache-body-h2.test.ts).
 * Not Kong's rule (cache-bypass.ts: a carrier of any alternative's scheme counts as verified), even
 * now that an OR route's kept credentials go on only for the alternative that passed
 * (kept-credentials.ts): nginx's basic never reads nor strips Proxy-Authorization (a basic carrier
 * in credential-carriers.ts, read by Kong) unless basic hides its credential, and a forward-auth scheme's Host-like request
 * headers are passed on whichever alternative passed, so counting them as the route's own would let
 * a second credential into the consumer's entry. One shared function would change nginx's output
 * or Kong's; left per target.
 */
function unverifiedBypass(ctx: Ctx, route: Route, cache: Cache): { vars: string[]; query: string[]; cookieAnonymous?: string; cookieOwn?: string[] } {
  const alternatives = route.security.filter((alt) => alt.length > 0);
  const hidden = new Set(alternatives.length > 0 ? hiddenHeaders(ctx, route) : []);
  // Verified whenever sent: every alternative checks it (the one that passes did), or it is stripped.
  const own = (c: Carrier) => alternatives.length > 0 && (alternatives.every((alt) => alt.some((i) => c.schemes.includes(i.scheme))) || (c.in === 'header' && hidden.has(c.name)));
  const vars: string[] = [];
  const query: string[] = [];
  let cookieAnonymous: string | undefined;
  let cookieOwn: string[] | undefined;
  for (const c of credentialCarriers(ctx.gateway)) {
    if (c.name === 'cookie' && c.in === 'header') {
      if (!own(c)) vars.push('http_cookie');
      else {
        // The route's cookie keys (any alternative): any other cookie is a session beside them.
        cookieOwn = [...new Set(alternatives.flat().flatMap((i) => { const s = ctx.scheme(i.scheme); return s?.apiKey?.in === 'cookie' ? [s.apiKey.name] : []; }))].sort(compareText);
        if (route.optionalAuth) cookieAnonymous = identityKeyVar(ctx);
      }
      continue;
    }
    if (own(c)) continue;
    // An API key's name is read from a body field too (Laravel's input(), PHP's $_REQUEST and Rack
    // read one over the query parameter; a header key's name as a parameter: security.ts
    // bodyKeyPatterns, which refuses it only on routes verifying that key): a body bypasses.
    if (c.in === 'query' || (c.in === 'header' && c.schemes.some((n) => ctx.scheme(n)?.kind === 'apiKey'))) vars.push('content_length', 'http_transfer_encoding');
    // A name with any other character than letters, digits and '-' never reaches the backend
    // (ignore_invalid_headers on, underscores_in_headers off: templates.ts).
    if (c.in === 'header') {
      if (/^[A-Za-z0-9-]+$/.test(c.name)) vars.push(headerVar(c.name));
    }
    else if (c.in === 'query' && !cache.keyQuery) query.push(c.name);
    else if (c.in === 'body') vars.push('content_length', 'http_transfer_encoding');
    // c.in === 'cookie': a named cookie travels in the Cookie header, handled above.
  }
  return { vars, query, ...(cookieAnonymous ? { cookieAnonymous } : {}), ...(cookieOwn ? { cookieOwn } : {}) };
}

/** Whether scheme `name` verifies the Authorization header (basic, a bearer JWT, a forward-auth service). */
function readsAuthorization(ctx: Ctx, name: string): boolean {
  const s = ctx.scheme(name);
  if (!s) return false;
  if (s.kind === 'basic' || s.kind === 'forward') return true;
  return s.kind === 'jwt' && (s.jwt?.header === 'authorization' || (s.jwt?.publicKeys.length === 0 && !s.jwt?.jwksUri && s.forwardAuth !== undefined));
}
