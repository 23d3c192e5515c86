/**
 * The `cache` policy on API Gateway REST: the stage cache cluster with CachingEnabled and
 * CacheTtlInSeconds per method, keyed on the parameters the Body declares for it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
 */
import type { Cache, Route } from '../../model/types.js';
import { credentialCarriers, headerSpellings } from '../credential-carriers.js';
import type { Ctx } from './context.js';
import { isHeaderName } from './escape.js';
import type { IntegrationParts, OperationParts, StageParts } from './policy-parts.js';

/** API Gateway's longest cache TTL. */
const MAX_TTL_SECONDS = 3600;

/**
 * Cache keys: the path parameters, the declared key headers, on a public route Authorization and
 * Cookie (a credential the backend checks itself) and, on an authenticated route, the
 * verified credential of every scheme the method requires (DESIGN.md 7.4): API Gateway runs the
 * API-key check and the authorizer before it looks in the cache, so keying on the checked header
 * gives each caller its own entries; a route whose identity cannot be a key is refused. Every key
 * must also be a method request parameter (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html).
 * What API Gateway does not honour: a backend's `Cache-Control: private`/`no-store` (the stage
 * cache stores every answer for the TTL), and a client's `Cache-Control: max-age=0` is an
 * invalidation that CloudFormation cannot restrict (requireAuthorizationForCacheControl is not a
 * Stage property; its default, true, makes API Gateway ignore it from callers without
 * execute-api:InvalidateCache) and that at most refreshes the caller's own entry when the key
 * holds the identity.
 *
 * The `operation` hook of `cache` (policies.ts): the key parameters join the operation's
 * `parameters` and the integration's `cacheKeyParameters`.
 */
export function cacheKeys(ctx: Ctx, route: Route, into: OperationParts): void {
  const { auth, security, integration } = into;
  const cache = route.policy.cache;
  if (!cache || !ctx.plan.enforced(route.id, 'cache') || !cache.methods.includes(route.method)) return;
  const keys = route.params.map((p) => `method.request.path.${p}`);
  const params = into.parameters;
  const declare = (key: string) => {
    const m = /^method\.request\.(header|querystring)\.(.+)$/.exec(key);
    if (!m || keys.some((k) => k.toLowerCase() === key.toLowerCase())) return;
    keys.push(key);
    params.push({ name: m[2], in: m[1] === 'header' ? 'header' : 'query', required: false, schema: { type: 'string' } });
  };
  for (const h of cache.keyHeaders) {
    if (!isHeaderName(h)) {
      ctx.report('aws-cache-key-header-invalid', { route: route.id, header: h }, cache.loc);
      continue;
    }
    declare(`method.request.header.${h}`);
  }
  for (const scheme of Object.keys(security?.[0] ?? {}).sort()) {
    const identity = auth.identityParameters(scheme);
    if ('why' in identity) {
      ctx.report('aws-cache-identity-unkeyed', { route: route.id, scheme, detail: identity.why }, cache.loc);
      continue;
    }
    for (const key of identity.params) declare(key);
  }
  // Every cached route: a credential API Gateway did not verify reaches the backend as sent, and its
  // answer for that caller would be stored under a key without it. On a public route (or an
  // optional one's anonymous callers) it is served to the next, anonymous, caller (red teams 3 and
  // 4); on an authenticated one to the next request of the same identity, a SECOND credential's
  // answer (an app key shared by its end users: user 2 gets user 1's). A carrier of the verified
  // identity is keyed already (declare keeps one of each).
  const shared = !security || security.length === 0 || security.some((alt) => Object.keys(alt).length === 0);
  sharedKeys(ctx, route, cache, declare, keys, shared);
  // API Gateway keys on declared query parameters only; an undeclared one still reaches the
  // backend, so a response varying on it would be served for another value: said at the cache.
  if (cache.keyQuery) for (const q of route.queryParams ?? []) declare(`method.request.querystring.${q}`);
  if (cache.keyQuery) ctx.report('aws-cache-query-declared-only', { route: route.id, keyed: (route.queryParams ?? []).join(', ') || '(none)' }, cache.loc);
  // The stage cache stores every answer for the TTL, whatever the backend's Cache-Control says.
  ctx.report('aws-cache-ignores-cache-control', { route: route.id }, cache.loc);
  if (keys.length > 0) integration.cacheKeyParameters = keys;
}

/**
 * The keys every cached route adds: every credential carrier of the spec (credential-carriers.ts,
 * the list every target's cache reads). Anonymous callers (or one identity's requests) still share
 * one entry while each credential beside them gets its own.
 * - a header, in each `-`/`_` spelling (API Gateway passes `X_Token` as a header of its own, and a
 *   CGI/Rack/WSGI backend reads it as X-Token: header-spellings.ts); header names are case-blind;
 * - a query name: API Gateway keys on exact, case-sensitive names only, and a backend reads more
 *   (query-names.ts: `access_token[]`, `ACCESS_TOKEN`, `access.token`, %XX, unbounded), so one is
 *   refused (aws-cache-query-credential) unless the backend says it reads exact names
 *   (`backends.NAME.queryNames: exact`, query-spellings.ts), then keyed on that name. On an
 *   authenticated route too (red team 6, test/security/aws-second-credential-cache.test.ts): keyed
 *   by the exact name only, `?ACCESS_TOKEN=<user 2>` beside the shared app key stored user 2's
 *   answer as the key's entry, served to user 3. The route's own verified query key is exempt: it
 *   is keyed, and its other spellings are aws-query-credential-spellings' refusal.
 * A form-body field (RFC 6750 access_token) comes with the query name of the same scheme
 * (bearer.ts). No body is ever part of API Gateway's key, so it is made inert instead: see
 * {@link inertFormBody}.
 */
function sharedKeys(ctx: Ctx, route: Route, cache: Cache, declare: (key: string) => void, keys: readonly string[], shared: boolean): void {
  const exact = ctx.gateway.backends.find((b) => b.name === route.backend)?.queryNames?.value === 'exact';
  for (const c of credentialCarriers(ctx.gateway)) {
    if (c.in === 'header') {
      for (const h of headerSpellings(c.name)) if (isHeaderName(h)) declare(`method.request.header.${titleCase(h)}`);
    } else if (c.in === 'query') {
      // The verified identity's own query key (an API key in the query, an authorizer's source) is keyed already.
      if (exact || keys.includes(`method.request.querystring.${c.name}`)) declare(`method.request.querystring.${c.name}`);
      else ctx.report('aws-cache-query-credential', { route: route.id, name: c.name, schemes: c.schemes.join(', '), backend: route.backend, callers: shared ? 'anonymous' : 'identity' }, cache.loc);
    }
  }
}

/**
 * The `integration` hook of `cache` (policies.ts): a form body is made inert on a cached method of
 * an http_proxy route. RFC 6750 section 2.2's `access_token` form field (credential-carriers.ts: a
 * body carrier whenever a scheme's bearer token may be read from the query) is read by backends
 * whatever the method (Rack parses a form body on a GET, Express's urlencoded parser on any
 * method with a body), and API Gateway never keys a body: a GET carrying user 2's token beside
 * the shared app key was stored as the key's entry (red team 6,
 * test/security/aws-second-credential-cache.test.ts). API Gateway passes a GET body on to an
 * http_proxy (REGIONAL and PRIVATE endpoints; EDGE's CloudFront answers 403 to one), so the
 * Content-Type header reaches the backend empty: no framework parses a body as a form without it
 * (Rack form_data?, body-parser's type check, PHP/Django/Tomcat parse POST forms only, ASP.NET
 * HasFormContentType), and the answer is the one the plain request gets, so sharing its entry
 * leaks nothing. A static Content-Type mapping is what API Gateway's own SQS integrations use
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-request-basic-setup.html).
 * Cache methods are GET and HEAD only, whose bodies carry no meaning (RFC 9110 9.3.1). Made inert
 * too where the spec has an API key in the query or a header: its name in a form or JSON body is read
 * as the key by Laravel, PHP and Rack (a public cached GET with x-api-key=<bob's> in its body was
 * answered for bob and stored as the anonymous entry: the nginx 9778081 class).
 */
export function inertFormBody(ctx: Ctx, route: Route, into: IntegrationParts): void {
  const cache = route.policy.cache;
  if (into.kind !== 'http_proxy' || !cache || !ctx.plan.enforced(route.id, 'cache') || !cache.methods.includes(route.method)) return;
  // Any body carrier, and any API key's name (query or header): a backend reads a body field over the
  // query parameter of that name (Laravel input(), PHP $_REQUEST, Rack params) and a header key's name
  // as a parameter, as nginx's cache bypass counts them (9778081; test/security/aws-cache-body-key).
  if (!credentialCarriers(ctx.gateway).some((c) => c.in === 'body' || c.in === 'query' || (c.in === 'header' && c.schemes.some((n) => ctx.scheme(n)?.kind === 'apiKey')))) return;
  // Every spelling a backend reads as CONTENT_TYPE (`Content_Type`: Mongrel-family parsers upper-case
  // a name and read `-` as `_`; red team 8): API Gateway passes each as a header of its own.
  const mapped = new Set(Object.keys(into.requestParameters).map((k) => k.toLowerCase()));
  for (const h of headerSpellings('content-type')) {
    if (mapped.has(`integration.request.header.${h}`)) continue;
    into.requestParameters[`integration.request.header.${titleCase(h)}`] = "''";
  }
}

/** A header name as it is usually written (`x_api-key` → `X_Api-Key`); API Gateway reads header names case-blind. */
const titleCase = (h: string) => h.replace(/(^|[-_])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());

/**
 * The `stage` hook of `cache` (policies.ts): the method's cache settings, and the Stage's cache
 * cluster (stage.ts turns it on, and caching off for every other method).
 */
export function cacheMethodSettings(ctx: Ctx, route: Route, into: StageParts): void {
  const cache = route.policy.cache;
  if (!cache || !ctx.plan.enforced(route.id, 'cache') || !cache.methods.includes(route.method)) return;
  const ttl = Math.floor(cache.ttlMs / 1000);
  if (ttl > MAX_TTL_SECONDS) ctx.report('aws-cache-ttl-too-long', { route: route.id, ttl, max: MAX_TTL_SECONDS }, cache.loc);
  into.method.CachingEnabled = true;
  into.method.CacheTtlInSeconds = Math.min(ttl, MAX_TTL_SECONDS);
  into.stage.caching = true;
}
