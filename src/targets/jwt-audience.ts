/**
 * RFC 7519 4.1.3, RFC 8725 3.9: an identity provider signs the tokens of every application it
 * serves with one key set and one `iss` (Google, Auth0 tenants, Cognito pools, Entra ID), so a
 * scheme that checks no audience admits a token the provider minted for any other application (an
 * attacker's own client of the same provider). Secure by default: a JWT scheme verified with a key
 * the API does not own alone (public keys, a JWKS, or the issuer's own keys as Cognito and HTTP API
 * JWT authorizers fetch them) and naming no `audiences` is refused at the scheme, one code on every
 * target, unless the spec says `anyAudience: true` (the issuer mints tokens for this API alone;
 * lint warns where it is written, src/lint/rules/jwt-any-audience.ts). An HMAC-only scheme (HS*)
 * keeps building: its secret is shared between the issuer and this API only.
 *
 * Each target calls it where it verifies a token with the scheme's keys itself: nginx's njs check,
 * Kong's jwt plugin (an accepted auth.jwt gap: it never checks aud; gwc's pre-function checks the
 * declared audiences, kong/jwt-claims.ts),
 * API Gateway's Cognito and HTTP API JWT authorizers. A target that hands the token to the
 * scheme's forwardAuth service or lambdaAuthorizer checks nothing itself and does not call it
 * (Traefik always, nginx for a scheme with neither publicKeys nor jwksUri, AWS REST with a
 * lambdaAuthorizer). Lint relays the targets' findings (compileFindings), so lint and build say it
 * at the same line. Red team: test/security/redteam3-nginx-jwt.test.ts, jwt-audience.test.ts.
 */
import type { SecurityScheme } from '../model/types.js';

/**
 * What the scheme verifies tokens with when it accepts any audience without saying so (the
 * `keys` parameter of jwt-audience-missing); undefined when it names audiences, says
 * `anyAudience: true`, or verifies with HMAC secrets only.
 */
export function audienceUnchecked(scheme: SecurityScheme): string | undefined {
  const jwt = scheme.jwt;
  if (!jwt || jwt.audiences.length > 0 || jwt.anyAudience) return undefined;
  const publicKey = jwt.algorithms.filter((a) => !a.startsWith('HS'));
  if (jwt.publicKeys.length > 0) return publicKey.length > 0 ? `public keys (${publicKey.join(', ')})` : undefined;
  if (jwt.jwksUri) return 'a key set (jwksUri)';
  return publicKey.length > 0 ? "its issuer's published keys" : undefined;
}
