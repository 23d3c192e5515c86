/**
 * An API key's name in the place API Gateway's authorizer does not read it, beside the key it
 * verified (DESIGN.md 7.1, 7.3; test/security/aws-credential-elsewhere.test.ts): an `Api-Key`
 * header beside a verified `?api_key=` (CGI, PHP and Rack read it as HTTP_API_KEY; FastAPI pairs
 * APIKeyQuery with APIKeyHeader), or `?x-api-key=` beside a verified `X-Api-Key`. An http_proxy
 * integration passes both on. gwc maps each to empty (a REST mapping can only set a value; HTTP
 * APIs `remove:`), as it does the hidden credential itself: the query key's name as a header in
 * every `-`/`_` spelling, the header key's name as a query parameter by its exact name as spelt
 * and lower-cased (a
 * mapping names one parameter: other spellings are what `aws-query-credential-spellings` is about,
 * README "Known gaps"). A name a scheme of the route reads its credential from there is left alone.
 */
import type { Route } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';
import { headerSpellings } from '../credential-carriers.js';

/** A name a mapping expression can carry (`[a-zA-Z0-9._$-]`, rest-api-parameter-mapping-sources). */
const MAPPABLE = /^[A-Za-z0-9._$-]+$/;

/** The query keys' names as request headers, and the header keys' names as query parameters, to empty on this route. */
export function credentialsElsewhere(ctx: TargetContext<unknown>, route: Route): { headers: string[]; query: string[] } {
  const ownHeaders = new Set<string>();
  const ownQuery = new Set<string>();
  const queryKeys: string[] = [];
  const headerKeys: string[] = [];
  for (const alt of route.security) {
    for (const item of alt) {
      const s = ctx.scheme(item.scheme);
      if (s?.kind === 'apiKey' && s.apiKey?.in === 'query') { queryKeys.push(s.apiKey.name); ownQuery.add(s.apiKey.name); }
      if (s?.kind === 'apiKey' && s.apiKey?.in === 'header') { headerKeys.push(s.apiKey.spelt ?? s.apiKey.name); ownHeaders.add(s.apiKey.name.toLowerCase()); }
      if (s?.kind === 'basic' || s?.kind === 'forward') ownHeaders.add('authorization');
      if (s?.kind === 'jwt' && s.jwt) ownHeaders.add(s.jwt.header.toLowerCase());
    }
  }
  // Every '-'/'_' spelling (header-spellings.ts): CGI, PHP and Rack read Partner-Api_Key as HTTP_PARTNER_API_KEY too.
  const headers = queryKeys.flatMap((k) => headerSpellings(k)).filter((h) => MAPPABLE.test(h) && !ownHeaders.has(h));
  // A mapping names a query parameter case-sensitively: the name as the spec spells it (what a
  // backend reading it from the query by that exact name reads: `?X-Api-Key=`) and lower-cased.
  const query = headerKeys.flatMap((h) => [h, h.toLowerCase()]).filter((q) => MAPPABLE.test(q) && !ownQuery.has(q));
  return { headers: [...new Set(headers)].sort(), query: [...new Set(query)].sort() };
}
