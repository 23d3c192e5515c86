/**
 * What a Traefik rule can see of each scheme's credential (auth.ts chooses routers with these):
 * where it travels, whether a request carries one at all, and which header identifies the caller
 * for a per-consumer rate limit.
 */
import type { SecurityScheme } from '../../model/types.js';
import { caseInsensitivePrefix, m, reEscape } from './rule.js';

/** The header native basicAuth writes the verified user to (headerField); clear-inputs removes a client's. */
export const VERIFIED_USER_HEADER = 'X-Consumer';

/**
 * The header a per-consumer rate limit may key on: one whose whole value is the verified
 * caller, in one spelling. Traefik's sourceCriterion.requestHeaderName keys on the whole header
 * value (https://doc.traefik.io/traefik/middlewares/http/ratelimit/#requestheadername), so none of
 * these is one: the Cookie header (any extra cookie is a fresh bucket), a query parameter (no
 * criterion), and an Authorization credential, whose scheme word verifiers fold case on (Go's
 * Request.BasicAuth uses EqualFold, RFC 7235 section 2.1: 32 spellings of one Basic credential).
 * Native basicAuth names the verified user in VERIFIED_USER_HEADER instead.
 */
export function limitKeyHeader(s: SecurityScheme, native: boolean): string | undefined {
  if (s.kind === 'basic') return native ? VERIFIED_USER_HEADER : undefined;
  const header = credentialHeader(s);
  if (!header || header.toLowerCase() === 'cookie' || header.toLowerCase() === 'authorization') return undefined;
  return header;
}

/** The header holding the scheme's credential, when there is one. */
export function credentialHeader(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey') return s.apiKey?.in === 'header' ? s.apiKey.name : s.apiKey?.in === 'cookie' ? 'Cookie' : undefined;
  if (s.kind === 'basic') return 'Authorization';
  if (s.kind === 'jwt') return s.jwt?.header ?? 'Authorization';
  return undefined;
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
    if (s.apiKey.in === 'header') return m.headerRegexp(name, '^');
    if (s.apiKey.in === 'query') return m.queryRegexp(name, '^');
    // Go's cookie reader trims blanks around the name (net/http readCookies).
    return m.headerRegexp('Cookie', `(^|;)[ \\t]*${reEscape(name)}[ \\t]*=`);
  }
  if (s.kind === 'basic') return m.headerRegexp('Authorization', '^');
  if (s.kind === 'jwt') return m.headerRegexp(s.jwt?.header ?? 'Authorization', '^');
  if (s.kind === 'forward' && s.openapiType === 'http') return m.headerRegexp('Authorization', '^');
  return undefined;
}

/** A rule condition true when the request carries this scheme's credential at all. */
export function credentialSelector(s: SecurityScheme): string | undefined {
  if (s.kind === 'apiKey' && s.apiKey) {
    const { name } = s.apiKey;
    if (s.apiKey.in === 'header') return m.headerRegexp(name, '.');
    if (s.apiKey.in === 'query') return m.queryRegexp(name, '.');
    return m.headerRegexp('Cookie', `(^|;)[ ]*${reEscape(name)}=`);
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
