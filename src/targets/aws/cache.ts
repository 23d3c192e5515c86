/**
 * The `cache` policy on API Gateway REST: the stage cache cluster with CachingEnabled and
 * CacheTtlInSeconds per method, keyed on the parameters the Body declares for it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { isHeaderName } from './escape.js';
import type { OperationParts, StageParts } from './policy-parts.js';

/** The headers a backend may read a caller's own credential from, keyed on a public cached route. */
const PUBLIC_CREDENTIAL_HEADERS = ['Authorization', 'Cookie'] as const;

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
  // A public route: API Gateway verified no credential, yet one the backend checks itself (a
  // bearer token, a session cookie) reaches it as sent, and its answer for that caller would be
  // stored under a key without it and served to the next, anonymous, caller (red team 3; nginx
  // bypasses its cache for an unverified Authorization). Keying on both headers keeps anonymous
  // callers sharing one entry while each credential gets its own.
  if (!security || security.length === 0) for (const h of PUBLIC_CREDENTIAL_HEADERS) declare(`method.request.header.${h}`);
  // API Gateway keys on declared query parameters only; an undeclared one still reaches the
  // backend, so a response varying on it would be served for another value: said at the cache.
  if (cache.keyQuery) for (const q of route.queryParams ?? []) declare(`method.request.querystring.${q}`);
  if (cache.keyQuery) ctx.report('aws-cache-query-declared-only', { route: route.id, keyed: (route.queryParams ?? []).join(', ') || '(none)' }, cache.loc);
  // The stage cache stores every answer for the TTL, whatever the backend's Cache-Control says.
  ctx.report('aws-cache-ignores-cache-control', { route: route.id }, cache.loc);
  if (keys.length > 0) integration.cacheKeyParameters = keys;
}

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
