/**
 * How Kong's proxy-cache derives its cache key from a request, as the plugin's source does, so a
 * test can ask whether two requests the backend reads differently share an entry.
 *
 * - handler.lua (Kong 3.0 to 3.9 and master alike): `uri = ngx_re_sub(ngx.var.request, "\\?.*", "")`
 *   (the request line as sent, query cut), `kong.request.get_query()` and `kong.request.get_headers()`
 *   with no limit argument: the default, lua_max_uri_args / lua_max_req_headers (kong.conf, 100,
 *   1..1000; 3.0-3.2: a fixed 100).
 * - kong.request.get_query is ngx.req.get_uri_args (lua-resty-core FFI, lua-nginx-module
 *   ngx_http_lua_ffi_req_get_uri_args_count / _get_uri_args): the count is the number of `&` plus
 *   one, capped at the limit ("truncated" then); the parse keeps the first `count` pairs with a
 *   non-empty name (`&&` and `=x` parts are skipped, not counted); a name without `=` is `true`, a
 *   name sent twice an array in order; names and values are URI-decoded (`+` a space).
 * - cache_key.lua params_key (vary_query_params unset): the names sorted; each `name=value`, a
 *   `true` as `name`, an array sorted and joined by `,`; the items joined by `:`. headers_key the
 *   same over vary_headers only. build_cache_key: sha256 of `prefix|method|uri|params|headers`,
 *   prefix `consumer:route` (or `route`). An array holding `true` beside strings makes table.sort
 *   compare a boolean with a string: the plugin raises an error, the request ends in a 500.
 */

/** A decoded query value: a string, `true` for a name without `=`, or the values of a name sent twice. */
export type UriArg = string | true | Array<string | true>;

/** ngx.unescape_uri of a query part: %XX decoded, `+` a space, a bad escape kept as sent. */
const unescape = (t: string): string => Buffer.from(t.replace(/\+/g, ' ').replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('latin1');

/** ngx.req.get_uri_args(max) on raw query text (latin1: one char a byte). */
export function getUriArgs(raw: string, max = 100): { args: Map<string, UriArg>; truncated: boolean } {
  const amps = [...raw].filter((c) => c === '&').length;
  let count = amps === 0 ? (raw === '' ? 0 : 1) : amps + 1;
  const truncated = count > max;
  if (truncated) count = max;
  const args = new Map<string, UriArg>();
  let n = 0;
  for (const part of raw.split('&')) {
    if (n === count) break;
    const eq = part.indexOf('=');
    const name = unescape(eq < 0 ? part : part.slice(0, eq));
    if (name === '') continue;
    const value: string | true = eq < 0 ? true : unescape(part.slice(eq + 1));
    n++;
    const had = args.get(name);
    args.set(name, had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value]);
  }
  return { args, truncated };
}

/** ngx.encode_args of a get_uri_args table (set_uri_args, set_query): pairs in table order, a `true` as the name alone. */
export function encodeArgs(pairs: ReadonlyArray<readonly [string, UriArg]>): string {
  return pairs.flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => (x === true ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))).join('&');
}

/** Lua's `<` on two strings (LuaJIT: byte order). */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));

/** cache_key.lua generate_key_from(args, fields); throws where the plugin raises (a 500). */
export function generateKeyFrom(args: ReadonlyMap<string, UriArg>, fields: readonly string[]): string {
  const out: string[] = [];
  for (const f of fields) {
    const v = args.get(f);
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.some((x) => x === true) && v.some((x) => x !== true)) throw new Error('attempt to compare boolean with string');
      if (v.some((x) => x === true)) throw new Error("invalid value (at index 1) in table for 'concat'");
      out.push(`${f}=${[...(v as string[])].sort(byteOrder).join(',')}`);
    } else if (v === true) out.push(f);
    else out.push(`${f}=${v}`);
  }
  return out.join(':');
}

/** cache_key.lua params_key with vary_query_params unset: every name, sorted. */
export function paramsKey(args: ReadonlyMap<string, UriArg>): string {
  return generateKeyFrom(args, [...args.keys()].sort(byteOrder));
}

/**
 * The text proxy-cache hashes for a request (before sha256): undefined when the plugin raises.
 * `requestPath` is the path as sent (ngx.var.request's target, query cut).
 */
export function proxyCacheKeyText(p: { consumer?: string; route: string; method: string; requestPath: string; rawQuery: string; maxArgs?: number; varyHeaders?: readonly string[]; headers?: ReadonlyMap<string, UriArg> }): string | undefined {
  const prefix = p.consumer !== undefined ? `${p.consumer}:${p.route}` : p.route;
  try {
    const params = paramsKey(getUriArgs(p.rawQuery, p.maxArgs ?? 100).args);
    const headers = (p.varyHeaders ?? []).length === 0 ? '' : generateKeyFrom(p.headers ?? new Map(), p.varyHeaders ?? []);
    return `${prefix}|${p.method}|${p.method} ${p.requestPath}|${params}|${headers}`;
  } catch {
    return undefined;
  }
}

/**
 * The query as a backend reads it: every `&` pair in order, names and values decoded, nothing cut
 * (PHP, Rack, Express, Go's net/url all read past the 100th pair); a pair without a name is dropped
 * (PHP and qs drop it, as nginx does).
 */
export function backendQuery(raw: string): Array<[string, string | true]> {
  return raw.split('&').filter((p) => p !== '').map((part): [string, string | true] => {
    const eq = part.indexOf('=');
    return [unescape(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? true : unescape(part.slice(eq + 1))];
  }).filter(([name]) => name !== '');
}
