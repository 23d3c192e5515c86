/**
 * The names a Kong route's backend may read as a credential beside what its auth plugins verify
 * (DESIGN.md 7.3): a bearer route's body `access_token`, its query API keys' names, its credential
 * headers' names. request-transformer (transformers.ts), the header family (request-headers.ts) and
 * the name-readings pre-function (name-readings.ts) remove or refuse them.
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';

/**
 * RFC 6750 section 2.2: a bearer token may travel in a body's `access_token` field (passport-http-bearer
 * reads `req.body.access_token` on any method, from a form, multipart or JSON body; Spring's
 * allowFormEncodedBodyParameter a form's). The jwt plugin reads the Authorization header only, so on
 * a route with such a scheme (any alternative) that field is never a token Kong verified:
 * request-transformer `remove.body` removes it, under the names it matches exactly once decoded
 * (ngx.decode_args: %XX and `+`) and PHP reads as access_token (`.`, ` `, `[`, the array form).
 * Every other spelling a backend reads (ACCESS_TOKEN, read case-blind by ASP.NET; leading blanks;
 * access_token[0]) is the route pre-function's (name-readings.ts).
 */
export const BEARER_BODY_FORMS = ['access_token', 'access.token', 'access token', 'access[token', 'access_token[]'];

/** Whether a route has a scheme whose bearer token Kong reads from Authorization only (RFC 6750: a backend may read ?access_token= too). */
export function bearerRoute(ctx: Ctx, route: Route): boolean {
  return route.security.some((alt) => alt.some((i) => { const s = ctx.scheme(i.scheme); return s?.kind === 'jwt' && (s.jwt?.header ?? '').toLowerCase() === 'authorization'; }));
}

/** The names of the route's query API keys (any alternative): a body field of that name is the key to Laravel, PHP and Rack. */
export function queryKeyNames(ctx: Ctx, route: Route): string[] {
  return route.security.flatMap((alt) => alt.flatMap((i) => { const s = ctx.scheme(i.scheme); return s?.kind === 'apiKey' && s.apiKey?.in === 'query' ? [s.apiKey.name] : []; }));
}

/**
 * The route's credential header names a backend may also read from the query (FastAPI
 * APIKeyHeader/APIKeyQuery pairs, Spring getParameter fallbacks): an API key's header, a jwt
 * scheme's header other than Authorization. key-auth and jwt read the header only (key_in_query:
 * false, uri_param_names: []), so `?x-api-key=` reached the backend unverified (name-readings.ts).
 */
export function headerKeyNames(ctx: Ctx, route: Route): string[] {
  return route.security.flatMap((alt) => alt.flatMap((i) => {
    const s = ctx.scheme(i.scheme);
    const h = s?.kind === 'apiKey' && s.apiKey?.in === 'header' ? s.apiKey.name : s?.kind === 'jwt' ? s.jwt?.header : undefined;
    return h !== undefined && h.toLowerCase() !== 'authorization' ? [h.toLowerCase()] : [];
  }));
}
