/**
 * The issuer an OpenID Connect discovery URL (OpenAPI's `openIdConnectUrl`) belongs to. A token's
 * `iss` is compared exactly (RFC 7519 4.1.1; OpenID Connect Core 3.1.3.7), so the derivation must
 * give the provider's own spelling: Google's `https://accounts.google.com`, Keycloak's
 * `https://host/realms/R` have no trailing `/`, and an issuer with one (`https://x/`) is
 * indistinguishable here from one without, since both publish at `https://x/.well-known/...`:
 * such a provider (Auth0's tenants) is named with `x-gateway.issuer`, which always wins.
 *
 * Two layouts, both read from the URL as written (no case or port normalisation: the issuer is
 * compared as a string):
 * - OpenID Connect Discovery 1.0 section 4: `ISSUER/.well-known/openid-configuration` (the issuer's
 *   terminating `/` removed before appending): the issuer is the URL with the suffix cut.
 * - RFC 8414 section 3 (and section 5's compatibility note): `/.well-known/openid-configuration` or
 *   `/.well-known/oauth-authorization-server` inserted between the host and the issuer's path:
 *   the issuer is the origin followed by what comes after the inserted segment.
 * Anything else (no well-known segment, a query or fragment, which an issuer never has, OpenID
 * Connect Discovery 1.0 section 3) gives undefined: the caller asks for `x-gateway.issuer` rather
 * than guessing, since a wrong issuer denies every valid token.
 */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';

const ORIGIN = /^(https?:\/\/[^/?#@\s]+)(\/[^?#\s]*)?$/i;
const SUFFIX = '/.well-known/openid-configuration';
const INSERTED = ['/.well-known/openid-configuration/', '/.well-known/oauth-authorization-server/'];

export function issuerOfDiscoveryUrl(url: string): string | undefined {
  const m = ORIGIN.exec(url);
  if (!m) return undefined;
  const origin = m[1]!;
  const path = m[2] ?? '';
  if (path.endsWith(SUFFIX)) {
    const issuerPath = path.slice(0, -SUFFIX.length);
    // `https://x//.well-known/...`: an issuer ending in `/` appended without removing it (section 4 forbids it).
    return issuerPath.endsWith('/') ? undefined : origin + issuerPath;
  }
  for (const segment of INSERTED) {
    if (!path.startsWith(segment)) continue;
    const issuerPath = path.slice(segment.length - 1);
    // RFC 8414 removes the issuer path's terminating `/` before inserting: `/x/` cannot come from one.
    return issuerPath.length > 1 && !issuerPath.endsWith('/') ? origin + issuerPath : undefined;
  }
  return undefined;
}

/**
 * The issuer of the scheme's discovery URL (issuerOfDiscoveryUrl), when x-gateway.issuer does not name
 * it. One that cannot be derived is refused at the URL: the URL itself as the issuer (as before)
 * denied every token, and no issuer at all would check none.
 */
export function derivedIssuer(oidc: Located, out: Diagnostic[]): string | undefined {
  if (typeof oidc.value !== 'string') return undefined;
  const issuer = issuerOfDiscoveryUrl(oidc.value);
  if (issuer === undefined) {
    const detail = "an openIdConnectUrl is ISSUER/.well-known/openid-configuration (OpenID Connect Discovery 1.0 section 4) or has /.well-known/openid-configuration after the host (RFC 8414); name the tokens' iss with x-gateway.issuer";
    out.push(diag('bad-url', { url: oidc.value, detail }, oidc.loc));
  } else {
    // Derived, never both spellings accepted (an issuer is one exact string): said, with the value.
    out.push(diag('oidc-issuer-derived', { url: oidc.value, issuer, provider: providerHint(oidc.value) }, oidc.loc));
  }
  return issuer;
}

/** What a known provider's issuer looks like, for the host of a discovery URL (or ''). */
export function providerHint(url: string): string {
  const host = (/^https?:\/\/([^/?#:@]+)/i.exec(url)?.[1] ?? '').toLowerCase();
  if (/(^|\.)auth0\.com$/.test(host)) return `This host looks like Auth0, whose issuer ends with '/' (https://${host}/): the derived one denies every Auth0 token.`;
  if (/(^|\.)(okta|oktapreview|okta-emea)\.com$/.test(host))
    return `This host looks like Okta, which has an org issuer (https://${host}) and one per authorization server (https://${host}/oauth2/default): the URL must be the discovery URL of the server your tokens come from.`;
  return '';
}
