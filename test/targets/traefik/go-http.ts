/**
 * The pieces of Go's net/http and net/url that Traefik's request handling rests on, for the
 * Traefik request oracle: canonical header keys and http.Header, request-target parsing,
 * URL.EscapedPath/RequestURI, url.ParseQuery, path.Clean and URL.JoinPath.
 */

/** textproto.CanonicalMIMEHeaderKey: `x-api-key` -> `X-Api-Key` (keys with other than token characters are left alone). */
export function canonicalKey(k: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) return k;
  return k.toLowerCase().replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}

/** http.Header: canonical keys (a raw key set by `h[k] = ...` stays as written, like Go's map). */
export class Header {
  readonly map = new Map<string, string[]>();
  static from(init: Record<string, string | string[]> | undefined): Header {
    const h = new Header();
    for (const [k, v] of Object.entries(init ?? {})) for (const x of Array.isArray(v) ? v : [v]) h.add(k, x);
    return h;
  }
  clone(): Header {
    const h = new Header();
    for (const [k, v] of this.map) h.map.set(k, [...v]);
    return h;
  }
  get(k: string): string {
    return this.map.get(canonicalKey(k))?.[0] ?? '';
  }
  values(k: string): string[] {
    return this.map.get(canonicalKey(k)) ?? [];
  }
  has(k: string): boolean {
    return this.map.has(canonicalKey(k));
  }
  set(k: string, v: string): void {
    this.map.set(canonicalKey(k), [v]);
  }
  add(k: string, v: string): void {
    const key = canonicalKey(k);
    this.map.set(key, [...(this.map.get(key) ?? []), v]);
  }
  del(k: string): void {
    this.map.delete(canonicalKey(k));
  }
  /** `req.Header[k] = v` with a raw key, as basicAuth's headerField does. */
  setRaw(k: string, v: string[]): void {
    this.map.set(k, v);
  }
  /** What a backend that reads names case-insensitively sees: every value under the lower-case name. */
  lower(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [k, v] of this.map) out[k.toLowerCase()] = [...(out[k.toLowerCase()] ?? []), ...v];
    return out;
  }
}

const HEX = '0123456789ABCDEF';

/** url.PathUnescape; undefined on a bad escape (Go's server answers 400). */
export function pathUnescape(s: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** url.PathEscape-like escaping of a decoded path (URL.EscapedPath when RawPath is not kept). */
export function escapePath(p: string): string {
  let out = '';
  for (const b of Buffer.from(p, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** path.Clean (Go): rooted, no ., no .. past root, single slashes. */
export function cleanPath(p: string): string {
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(seg);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/** URL.JoinPath() with no elements, on the escaped path: cleaned, a trailing slash kept. */
export function joinPath(escaped: string): string {
  let p = escaped.startsWith('/') ? cleanPath(escaped) : cleanPath(`/${escaped}`).slice(1);
  if (escaped.endsWith('/') && !p.endsWith('/')) p += '/';
  return p;
}

/**
 * Go's default urlmaxqueryparams (GODEBUG; net/url parseQuery since the CVE-2025-61726 fix: Go
 * 1.24.12, 1.25.6, 1.26): a query of more than this many parameters, counted as `&`s + 1 before
 * anything is parsed (empty pairs count), is an error and NO pair is read. Traefik's go.mod says go
 * 1.26.0, so its default build has the limit.
 */
export const GO_MAX_QUERY_PARAMS = 10_000;

/**
 * url.ParseQuery as req.URL.Query() returns it (the entry point already turned a raw `;` into `&` or `%3B`, so `;` is data,
 * not a separator): over GO_MAX_QUERY_PARAMS parameters, empty (Query() drops the error).
 */
export function parseQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (raw.split('&').length > GO_MAX_QUERY_PARAMS) return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const [k, v = ''] = part.split(/=(.*)/s) as [string, string?];
    const dec = (x: string) => pathUnescape(x.replace(/\+/g, ' '));
    const key = dec(k);
    const val = dec(v);
    if (key === undefined || val === undefined) continue; // Go skips a pair it cannot unescape
    (out[key] ??= []).push(val);
  }
  return out;
}

/** Go's Request.BasicAuth: the first Authorization value, "Basic " in any case, strict base64, user:password. */
export function basicAuthOf(h: Header): { user: string; password: string } | undefined {
  const auth = h.get('Authorization');
  if (auth.length < 6 || auth.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const b64 = auth.slice(6);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) return undefined;
  const text = Buffer.from(b64, 'base64').toString('latin1');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { user: Buffer.from(text.slice(0, i), 'latin1').toString('utf8'), password: Buffer.from(text.slice(i + 1), 'latin1').toString('utf8') };
}
