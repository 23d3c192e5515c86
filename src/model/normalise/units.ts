/** Durations, sizes, URLs and secret references as the spec writes them. */
import { diag, type Diagnostic, type Loc } from '../../diagnostics/diagnostic.js';
import type { ParsedUrl, SecretRef } from '../types.js';

const DURATION_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export function parseDuration(value: unknown, loc: Loc, out: Diagnostic[]): number | undefined {
  if (value === undefined) return undefined;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value) : null;
  if (!m) {
    out.push(diag('bad-duration', { value: String(value) }, loc));
    return undefined;
  }
  return Math.round(Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS]);
}

const SIZE = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;

export function parseSize(value: unknown, loc: Loc, out: Diagnostic[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const m = typeof value === 'string' ? /^(\d+)(?:([kmg])b?|(b))?$/i.exec(value) : null;
  if (!m) {
    out.push(diag('bad-size', { value: String(value) }, loc));
    return undefined;
  }
  const unit = (m[2] ?? m[3] ?? '').toLowerCase() as keyof typeof SIZE;
  return Number(m[1]) * SIZE[unit];
}

export function parseSecret(value: unknown, loc: Loc, out: Diagnostic[]): SecretRef | undefined {
  const m = typeof value === 'string' ? /^\$\{(env|file|vault):([^}]+)\}$/.exec(value) : null;
  if (!m) {
    out.push(diag('bad-secret', { value: typeof value === 'string' ? mask(value) : String(value) }, loc));
    return undefined;
  }
  const raw = m[0]!;
  const name = m[2]!;
  if (m[1] === 'env') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      out.push(diag('bad-secret', { value: raw }, loc));
      return undefined;
    }
    return { kind: 'env', name, raw };
  }
  return m[1] === 'file' ? { kind: 'file', path: name, raw } : { kind: 'vault', ref: name, raw };
}

/** A diagnostic must not print a secret someone pasted by mistake. */
function mask(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}…(${value.length} chars)`;
}

export function parseUrl(value: unknown, loc: Loc, out: Diagnostic[]): ParsedUrl | undefined {
  if (typeof value !== 'string') {
    out.push(diag('bad-url', { url: String(value), detail: 'not a string' }, loc));
    return undefined;
  }
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    out.push(diag('bad-url', { url: value, detail: 'not an absolute URL' }, loc));
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    out.push(diag('bad-url', { url: value, detail: 'only http and https are supported' }, loc));
    return undefined;
  }
  if (u.username || u.password) {
    out.push(diag('bad-url', { url: value, detail: 'credentials in a URL are secrets written inline' }, loc));
    return undefined;
  }
  if (u.search || u.hash) {
    out.push(diag('bad-url', { url: value, detail: 'a backend URL takes no query or fragment' }, loc));
    return undefined;
  }
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  // WHATWG URLs allow `;`, `{`, `$`, quotes and more in a host name; no gateway does.
  if (!isHost(host)) {
    out.push(diag('bad-url', { url: value, detail: `"${host}" is not a host name or IP address` }, loc));
    return undefined;
  }
  const path = decodedPath(u.pathname);
  if (typeof path !== 'string') {
    out.push(diag('bad-url', { url: value, detail: path.detail }, loc));
    return undefined;
  }
  if (hasControl(path)) {
    out.push(diag('unsafe-text', { what: 'URL path', value }, loc));
    return undefined;
  }
  return {
    raw: value,
    scheme,
    host,
    port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80,
    path,
  };
}

/** A DNS name (RFC 1123 labels; `_` as Kong and nginx accept it), an IPv4 or an IPv6 address. */
const HOST = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;
export const isHost = (s: string): boolean => HOST.test(s) || IPV6.test(s);

/**
 * C0, DEL, C1 (NEL U+0085 among them) and the Unicode line and paragraph separators: a YAML 1.1
 * reader (Kong's libyaml) folds NEL and U+2028/2029 into a line break, so any of them in a path or
 * URL would change what a gateway loads (same set as text-safety.ts; DESIGN.md section 7.6).
 */
export function hasControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s);
}

/**
 * A URL path as the gateways use it (decoded, no trailing slash): a servers base path, a backend
 * URL's path. A percent-escape that decodes to a character with a meaning in a path (`/`, `\\`,
 * `?`, `#`, `;`, `%`) or to a control character is refused: `/a%2Fb` would become `/a/b`, a second
 * segment nobody wrote; a malformed escape (`%zz`) has no reading at all (it was an uncaught URIError).
 */
export function decodedPath(raw: string): string | { detail: string } {
  for (const m of raw.matchAll(/%([0-9A-Fa-f]{2})/g)) {
    const c = String.fromCharCode(parseInt(m[1]!, 16));
    if ('/\\?#;%'.includes(c) || c < ' ' || c === '\x7f') return { detail: `the path holds ${m[0]}, which a gateway would read as ${JSON.stringify(c)}: write the base path without it` };
  }
  try {
    return decodeURIComponent(raw).replace(/\/+$/, '');
  } catch {
    return { detail: 'the path holds a malformed percent-escape' };
  }
}

/**
 * The server a URL names, as one key: scheme, host (DNS is case-blind, and `app.example.com.` is
 * the same name as `app.example.com`) and port. Two backends with one key are one server, whatever
 * they are called or however their URL is spelled (body-override.ts, diff/trust.ts).
 */
export function serverKey(u: Pick<ParsedUrl, 'scheme' | 'host' | 'port'>): string {
  return `${u.scheme}://${u.host.toLowerCase().replace(/\.$/, '')}:${u.port}`;
}
