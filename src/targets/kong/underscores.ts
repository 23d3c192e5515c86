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

/**
 * Every other spelling of a header name with `-` or `_` at each separator (2^separators - 1; for a
 * dash-separated name, `_` for at least one `-`, in the same order as before): a scheme header named
 * X_Tenant_Key is read by the same backends as X-Tenant-Key (red team 2). Memoised (every route
 * asks for the same ~35 names, #18).
 */
export function underscoreSpellings(name: string): string[] {
  let out = known.get(name);
  if (!out) known.set(name, (out = spellings(name)));
  return out;
}

function spellings(name: string): string[] {
  const parts = name.split(/[-_]/);
  const seps = [...name.matchAll(/[-_]/g)].map((x) => x[0]);
  const out: string[] = [];
  // Header names gwc clears have at most four dashes; a longer user name is capped at 2^6 spellings.
  const dashes = Math.min(parts.length - 1, 6);
  for (let mask = 0; mask < 1 << dashes; mask++) {
    const spelt = parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}${i <= dashes ? (mask & (1 << (i - 1)) ? '_' : '-') : seps[i - 1]}${p}`), '');
    if (spelt !== name) out.push(spelt);
  }
  return out;
}
