/**
 * RFC 7519 4.1.1, RFC 8725 3.8: one key set signs the tokens of many issuers (Microsoft Entra ID
 * publishes one JWKS for every tenant, login.microsoftonline.com/common/discovery/v2.0/keys, and
 * `iss` names the tenant; a multi-tenant application's tokens carry the same `aud` in each), so a
 * scheme that checks no issuer admits another tenant's user (red team 16,
 * test/security/redteam16-nginx-jwt-issuer-missing.test.ts). A JWT scheme a target verifies with
 * public keys or a key set (jwksUri) and naming no `issuer` (x-gateway.issuer, or the
 * openIdConnectUrl's) is refused at the scheme. There is no opt-out: every OpenID provider writes
 * `iss` (OpenID Connect Core 2), and the issuer a scheme trusts is the one it should name. An
 * HMAC-only scheme (HS*) keeps building: its secret is shared between one issuer and this API.
 *
 * Where each target stands: nginx's njs check calls it (runtime.js checkJwt checks `iss` only when
 * set). Kong's jwt plugin finds the key by `iss` and refuses with kong-jwt-issuer-missing; the AWS
 * HTTP API's JWT authorizer needs one (aws-http-jwt-issuer-missing); a REST API's Cognito authorizer
 * admits its own pool's issuer only. A scheme handed to its forwardAuth service (Traefik always,
 * nginx without publicKeys and jwksUri) checks nothing at the gateway and is not asked. Lint relays
 * the targets' findings (compileFindings), so lint --target and build say it at the same line.
 */
import type { SecurityScheme } from '../model/types.js';

/** What the scheme verifies tokens with when it checks no issuer; undefined with an issuer or HMAC secrets only. */
export function issuerUnchecked(scheme: SecurityScheme): string | undefined {
  const jwt = scheme.jwt;
  if (!jwt || jwt.issuer) return undefined;
  const publicKey = jwt.algorithms.filter((a) => !a.startsWith('HS'));
  if (publicKey.length === 0) return undefined;
  if (jwt.publicKeys.length > 0) return `public keys (${publicKey.join(', ')})`;
  if (jwt.jwksUri) return 'a key set (jwksUri)';
  return undefined;
}
