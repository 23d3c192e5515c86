/**
 * What a Traefik rule can see of each scheme's credential (auth.ts chooses routers with these):
 * where it travels, whether a request carries one at all, and which header identifies the caller
 * for a per-consumer rate limit.
 */
import type { SecurityScheme } from '../../model/types.js';
import { caseInsensitivePrefix, m, or, reEscape } from './rule.js';

/** The header native basicAuth writes the verified user to (headerField); clear-inputs removes a client's. */
export const VERIFIED_USER_HEADER = 'X-Consumer';

/**
 * The header a per-consumer rate limit may key on: one whose whole value is the verified
 * caller, in one spelling. Traefik's sourceCriterion.requestHeaderName keys on the whole header
 * value (https://doc.traefik.io/traefik/middlewares/http/ratelimit/#requestheadername), so none of
 * these is one: the Cookie header (any extra cookie is a fresh bucket), a query parameter (no
 * criterion), and an Authorization credential, whose scheme word verifiers fold case on (Go's
 * Request.BasicAuth uses EqualFold, RFC 7235 section 2.1: 32 spellings of one Basic credential).
 * Native basicAuth names the verified user in VERIFIED_USER_HEADER instead. Nor is a JWT in a header
 * of its own (`X-Token`): the header holds a token, not the caller, and one subject holds as many
 * tokens as its issuer mints (each login, each refresh), each in up to 16 texts (the unused bits of
 * the signature's last base64url character, which golang-jwt, jose and PyJWT ignore): a fresh
 * bucket per text (red team 10, test/security/redteam10-traefik-limit-token.test.ts). nginx keys
 * the verified `sub`; here the limit is counted per client address (traefik-limit-key-unverified).
 */
export function limitKeyHeader(s: SecurityScheme, native: boolean): string | undefined {
  // Nor is a header API key (red team 12, redteam12-traefik-duplicate-lines): the limiter reads the
  // FIRST line (ratelimiter's sourceCriterion: req.Header.Get) while the forwardAuth service, sent
  // every line, may verify another: `X-Api-Key: junk-<n>` then the real key was a fresh bucket per
  // request. No Traefik rule counts a header's lines, so only a header gwc sets, single-valued,
  // identifies the caller: native basicAuth's VERIFIED_USER_HEADER (headerField sets one line;
  // clear-inputs removes a client's). Everything else is counted per client address.
  return s.kind === 'basic' && native ? VERIFIED_USER_HEADER : undefined;
}

/**
 * Whether a `by: {header}` limit may key on `consumerHeader`, an alternative's verified identity
 * header (limitKeyHeader): the header itself, or Authorization where that identity is native
 * basicAuth's verified user (the Authorization credential is that user's; keying on the
 * Authorization text would give each of its spellings a fresh bucket). KNG5,
 * test/security/traefik-limit-basic-header.test.ts.
 */
export function limitHeaderVerified(consumerHeader: string | undefined, header: string): boolean {
  if (!consumerHeader) return false;
  const h = header.toLowerCase();
  return consumerHeader.toLowerCase() === h || (consumerHeader === VERIFIED_USER_HEADER && h === 'authorization');
}

/** The header holding the scheme's credential, when there is one. */
export function credentialHeader(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey') return s.apiKey?.in === 'header' ? s.apiKey.name : s.apiKey?.in === 'cookie' ? 'Cookie' : undefined;
  if (s.kind === 'basic') return 'Authorization';
  if (s.kind === 'jwt') return s.jwt?.header ?? 'Authorization';
  return undefined;
}

/**
 * Every spelling of a credential header name with `-` or `_` at each separator, the name itself
 * first. CGI-style backends (PHP, Rack, WSGI: HTTP_X_API_KEY) read them all as one header, Traefik
 * passes names with `_` by default (underscoreHeadersStrategy: keep) and Go keeps them apart
 * (X_Api_Key canonicalises to X_api_key): a spelling left alone would reach such a backend as an
 * unverified credential beside, or instead of, the verified one (red team 2). Case needs no
 * spelling: Go canonicalises it.
 */
export function cgiSpellings(name: string): string[] {
  const parts = name.split(/[-_]/);
  let out = [parts[0]!];
  for (const p of parts.slice(1)) out = out.flatMap((x) => [`${x}-${p}`, `${x}_${p}`]);
  return [name, ...out.filter((x) => x !== name)];
}

/**
 * Headers a forwardAuth service may read that are Traefik's own to write or the connection's: never
 * removed nor replaced by the service's answer (the entry point replaces X-Forwarded-* and X-Real-Ip
 * of an untrusted client; clears.ts).
 */
export const NEVER_REMOVED: ReadonlySet<string> = new Set([
  'host', 'connection', 'upgrade', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'content-length',
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-server', 'x-real-ip',
]);

/** A rule condition true when the request carries header `name` in any spelling of {@link cgiSpellings}. */
function anySpelling(name: string, re: string): string {
  const all = cgiSpellings(name);
  return all.length === 1 ? m.headerRegexp(name, re) : or(all.map((h) => m.headerRegexp(h, re)));
}

/**
 * A rule condition true when the request carries anything a verifier of this scheme could read
 * as its credential, however malformed (optional auth sends such a request to the verifier, never
 * to the anonymous router). Undefined when that cannot be told from the request (a forward-auth
 * service that is not a bearer scheme reads what it likes).
 */
export function credentialPresent(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey' && s.apiKey) {
    const { name } = s.apiKey;
    if (s.apiKey.in === 'header') return anySpelling(name, '^');
    // Traefik's QueryRegexp reads one exact name; API_KEY (ASP.NET), api.key or api[key (PHP)
    // cannot be matched, and would pass as anonymous (refused by the caller: traefik-optional-query-key).
    if (s.apiKey.in === 'query') return undefined;
    // Go's cookie reader trims blanks around the name (net/http readCookies); backends decode
    // %XX in cookie names, PHP reads ' ', '.' and '[' as '_', ASP.NET names case-blind.
    return m.headerRegexp('Cookie', `${COOKIE_START}[ \\t]*${nameAsRead(name)}[ \\t]*(=|;|,|$)`);
  }
  if (s.kind === 'basic') return m.headerRegexp('Authorization', '^');
  if (s.kind === 'jwt') return anySpelling(s.jwt?.header ?? 'Authorization', '^');
  if (s.kind === 'forward' && s.openapiType === 'http') return m.headerRegexp('Authorization', '^');
  return undefined;
}

/**
 * Where a cookie name can start in a Cookie header: its start, after ';' (RFC 6265), or after ','
 * (Rack 2's parse_cookies_header splits on `[;,] *`, as RFC 2109 readers do): `theme=dark,
 * sid=forged` is the cookie sid to them (red team 4, redteam4-traefik-optional; nginx counts it
 * since 74c2933).
 */
const COOKIE_START = '(^|[;,])';

/** One character as its UTF-8 %XX escapes, each hex digit in either case (`_` -> `%5[fF]`). */
function escapes(c: string): string {
  const hex = (h: string) => (/[A-F]/.test(h) ? `[${h}${h.toLowerCase()}]` : h);
  return [...Buffer.from(c, 'utf8')].map((b) => `%${[...b.toString(16).toUpperCase().padStart(2, '0')].map(hex).join('')}`).join('');
}

/**
 * A regex for every spelling of cookie name `name` a backend reads as it (the nginx target's
 * nameAsRead): any letter case, any character as its %XX escape, and ' ', '.', '[' and '_' alike.
 * Only classes, escapes and groups: RE2 and JavaScript read it the same way.
 */
function nameAsRead(name: string): string {
  const SAME = ['_', ' ', '.', '['];
  return [...name]
    .map((c) => {
      const forms = SAME.includes(c) ? SAME : c.toLowerCase() === c.toUpperCase() ? [c] : [c.toLowerCase(), c.toUpperCase()];
      return `(${forms.flatMap((f) => [reEscape(f), escapes(f)]).join('|')})`;
    })
    .join('');
}

/** A rule condition true when the request carries this scheme's credential at all. */
export function credentialSelector(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey' && s.apiKey) {
    const { name } = s.apiKey;
    if (s.apiKey.in === 'header') return m.headerRegexp(name, '.');
    if (s.apiKey.in === 'query') return m.queryRegexp(name, '.');
    return m.headerRegexp('Cookie', `${COOKIE_START}[ ]*${reEscape(name)}=`);
  }
  if (s.kind === 'basic') return m.headerRegexp('Authorization', caseInsensitivePrefix('basic '));
  if (s.kind === 'jwt') {
    const header = s.jwt?.header ?? 'Authorization';
    return header.toLowerCase() === 'authorization'
      ? m.headerRegexp(header, caseInsensitivePrefix('bearer '))
      : m.headerRegexp(header, '.');
  }
  return undefined;
}
