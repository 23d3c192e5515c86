/**
 * What Kong's proxy-cache keys an entry on (Facts.cacheKey), in the diff's words
 * (kong/plugins/proxy-cache/cache_key.lua build_cache_key): always the consumer and the route (its
 * prefix), the method and the path (folded to lower case with `ignore_uri_case`), every query
 * parameter unless `vary_query_params` names some (then only those), and only the `vary_headers`;
 * which methods are cached at all. A part lost lets two requests that differ there share one entry:
 * a `vary_headers` entry removed (a tenant header gwc keys on), a query narrowed, a POST cached.
 */
import type { Json } from '../../diff/entity.js';
import { isObject, sortedStrings } from '../../diff/json-util.js';

export function kongCacheKey(config: Json | undefined): string[] {
  const c = isObject(config) ? config : {};
  const query = sortedStrings(c.vary_query_params);
  return [
    'consumer',
    c.ignore_uri_case === true ? 'path (any case)' : 'path',
    ...(query.length ? query.map((q) => `query ${q}`) : ['query']),
    ...sortedStrings(c.vary_headers).map((h) => `header ${h.toLowerCase()}`),
    `cached methods ${sortedStrings(c.request_method).join(' ')}`,
  ].sort();
}
