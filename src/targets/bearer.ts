/**
 * Which schemes carry a bearer token a backend may also read from `?access_token=` (RFC 6750
 * section 2.3: Spring's allowUriQueryParameter, passport-http-bearer, doorkeeper): every target
 * removes that parameter (or keeps such requests off the route) on a route with one, since no
 * verifier gwc configures reads the query (DESIGN.md 7.3).
 */
import type { SecurityScheme } from '../model/types.js';

/**
 * A JWT in Authorization, a forward scheme (bearer/OAuth2/OIDC verified by its service), or a
 * bearer/OAuth2/OIDC scheme verified by its Lambda authorizer alone (kind 'lambda' is never a key
 * or a password: model/normalise/security.ts).
 */
export function bearerInQuery(s: SecurityScheme): boolean {
  if (s.kind === 'jwt') return (s.jwt?.header ?? 'authorization').toLowerCase() === 'authorization';
  return s.kind === 'forward' || s.kind === 'lambda';
}
