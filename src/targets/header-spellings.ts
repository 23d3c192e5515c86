/**
 * Header names as CGI-style backends read them. PHP, Rack and CGI/WSGI servers read `X_Consumer`,
 * `X-Consumer_Username` and `X-Consumer-Username` as one `HTTP_X_CONSUMER_USERNAME` (the clobbering
 * fixed in Puma as CVE-2024-45614), so a gateway that removes a header a client must not send has to
 * remove every `-`/`_` spelling of it where it passes names with `_` (DESIGN.md 7.3).
 */

const known = new Map<string, string[]>();

/** A user-named header with more separators than this gets its first 2^6 spellings only (callers that need every one refuse it). */
export const MAX_SPELT_SEPARATORS = 6;

/**
 * Every other spelling of `name` with `-` or `_` at each separator (2^separators - 1; the name
 * itself excluded), up to {@link MAX_SPELT_SEPARATORS} separators. Memoised: every route asks for
 * the same names (#18).
 */
export function separatorSpellings(name: string): string[] {
  let out = known.get(name);
  if (!out) known.set(name, (out = spellings(name)));
  return out;
}

function spellings(name: string): string[] {
  const parts = name.split(/[-_]/);
  const seps = [...name.matchAll(/[-_]/g)].map((x) => x[0]);
  const out: string[] = [];
  const n = Math.min(parts.length - 1, MAX_SPELT_SEPARATORS);
  for (let mask = 0; mask < 1 << n; mask++) {
    const spelt = parts.reduce((acc, p, i) => (i === 0 ? p : `${acc}${i <= n ? (mask & (1 << (i - 1)) ? '_' : '-') : seps[i - 1]}${p}`), '');
    if (spelt !== name) out.push(spelt);
  }
  return out;
}
