/**
 * Kong's own nginx template turns `underscores_in_headers on` (kong/templates/nginx_kong.lua), and a
 * decK file cannot turn it off, so a header spelt with `_` for some `-` passes Kong to the backend.
 * PHP, Rack and CGI/WSGI servers read `X_Consumer_Username` and `X-Consumer-Username` as the same
 * `HTTP_X_CONSUMER_USERNAME` (the clobbering fixed in Puma as CVE-2024-45614), so a client's
 * underscore spelling of a header gwc clears or sets would be read as that header (DESIGN.md 7.3).
 * request-transformer finds a header to remove by its lower-cased name as sent
 * (kong/plugins/request-transformer/access.lua, `headers[name]`), so each spelling is listed;
 * `_` is a valid name character for its schema (kong/tools/http.lua validate_header_name). The nginx
 * target pins `underscores_in_headers off` instead.
 */

const known = new Map<string, string[]>();

/** Every spelling of a dash-separated header name with `_` for at least one `-` (2^dashes - 1); memoised (every route asks for the same ~35 names, #18). */
export function underscoreSpellings(name: string): string[] {
  let out = known.get(name);
  if (!out) known.set(name, (out = spellings(name)));
  return out;
}

function spellings(name: string): string[] {
  const parts = name.split('-');
  const out: string[] = [];
  // Header names gwc clears have at most four dashes; a longer user name is capped at 2^6 spellings.
  const dashes = Math.min(parts.length - 1, 6);
  for (let mask = 1; mask < 1 << dashes; mask++) {
    out.push(parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}${i <= dashes && mask & (1 << (i - 1)) ? '_' : '-'}${p}`), ''));
  }
  return out;
}
