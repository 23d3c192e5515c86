/**
 * An API key's name in the place nginx does not read it, beside the key it verified (DESIGN.md 7.1,
 * 7.3). Many backends read a key from the header OR the query parameter of one name (FastAPI
 * APIKeyHeader/APIKeyQuery pairs, DRF key libraries, Spring getParameter fallbacks), and CGI, PHP,
 * Rack and WSGI read a header `Api-Key` as `HTTP_API_KEY`, the query name `api_key`. nginx verifies
 * a header key from its header and a query key from its query only, so `?x-api-key=<another key>`
 * beside a verified `X-Api-Key`, or `Api-Key: <another key>` beside a verified `?api_key=`, reached
 * the backend: a key nobody verified (test/security/nginx-credential-elsewhere.test.ts; Kong removes
 * both, kong/policies.ts headerKeyNames and queryKeyHeaderNames).
 *
 * So a route with a header key also removes the header's name from the query (njs cleanArgs, every
 * spelling a backend reads: credentialPairs), and a route with a query key clears the key's name as
 * a header toward the backend (`proxy_set_header <name> ""`; nginx compares header names case-blind,
 * and drops a name with `_` itself: `underscores_in_headers off`). A name one of the route's own
 * schemes reads its credential from in that place is that scheme's, never removed here.
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';

/** What the route's schemes read, by place: header names (lowercased) and query names. */
function ownNames(ctx: Ctx, route: Route): { header: Set<string>; query: Set<string>; headerKeys: string[]; queryKeys: string[] } {
  const header = new Set<string>();
  const query = new Set<string>();
  const headerKeys: string[] = [];
  const queryKeys: string[] = [];
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s?.kind === 'apiKey' && s.apiKey?.in === 'header') { header.add(s.apiKey.name.toLowerCase()); headerKeys.push(s.apiKey.name); }
      if (s?.kind === 'apiKey' && s.apiKey?.in === 'query') { query.add(s.apiKey.name); queryKeys.push(s.apiKey.name); }
      if (s?.kind === 'basic' || s?.kind === 'forward') header.add('authorization');
      if (s?.kind === 'jwt' && s.jwt) header.add(s.jwt.header.toLowerCase());
    }
  }
  return { header, query, headerKeys, queryKeys };
}

/** An RFC 9110 token with no `_` (nginx drops a header whose name holds one before any backend sees it). */
const PASSED_HEADER = /^[!#$%&'*+.^`|~0-9a-z-]+$/;

/** The route's query keys' names as the request headers nginx clears toward the backend (`api_key` as `api-key`). */
export function queryKeyHeaders(ctx: Ctx, route: Route): string[] {
  const own = ownNames(ctx, route);
  const names = own.queryKeys.map((k) => k.toLowerCase().replace(/_/g, '-')).filter((h) => PASSED_HEADER.test(h) && !own.header.has(h));
  return [...new Set(names)].sort();
}

/** The route's header keys' names as query names njs cleanArgs removes (every spelling a backend reads as them). */
export function headerKeyQueryNames(ctx: Ctx, route: Route): string[] {
  const own = ownNames(ctx, route);
  const names = own.headerKeys.map((h) => h.toLowerCase()).filter((n) => !own.query.has(n));
  return [...new Set(names)].sort();
}
