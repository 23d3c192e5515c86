/**
 * Where an AWS scheme's credential travels (split from authorizers.ts so that kept-values.ts can read
 * it without an import cycle): API Gateway's own API keys in `x-api-key`, any other credential in its
 * header or query parameter; a cookie in none that an integration parameter can hide alone.
 */
import type { SecurityScheme } from '../../model/types.js';

/** A scheme checked by API Gateway's own API keys (a usage plan), not by an authorizer. */
export function usesApiKeys(scheme: SecurityScheme | undefined): boolean {
  return scheme?.kind === 'apiKey' && !scheme.lambdaAuthorizer;
}

/**
 * The header carrying the scheme's credential, for the token authorizer's default identity source
 * and for hiding the credential from the backend; undefined when it is not in a header.
 */
export function credentialHeader(scheme: SecurityScheme): string | undefined {
  if (usesApiKeys(scheme)) return 'x-api-key';
  if (scheme.kind === 'apiKey') return scheme.apiKey?.in === 'header' ? scheme.apiKey.name : undefined;
  if (scheme.kind === 'jwt') return scheme.jwt?.header ?? 'authorization';
  return 'authorization'; // basic, bearer tokens for a forward service or a Lambda authorizer
}

/**
 * The integration request parameter that hides the scheme's credential from the backend (blanked
 * with an empty static value: an http_proxy integration forwards every header and query parameter
 * otherwise), or undefined for a cookie, which cannot be hidden alone (refused at the scheme) unless
 * the scheme says the backend reads no cookie (then the whole Cookie header).
 */
export function credentialParameter(scheme: SecurityScheme): { in: 'header' | 'querystring'; name: string } | undefined {
  // A hidden cookie key whose backend reads no cookie (backendCookies: none): the whole Cookie header (AWS8).
  if (scheme.kind === 'apiKey' && scheme.apiKey?.in === 'cookie') return scheme.hideCredentials && scheme.backendCookies === 'none' ? { in: 'header', name: 'Cookie' } : undefined;
  if (scheme.kind === 'apiKey' && scheme.apiKey?.in === 'query' && !usesApiKeys(scheme)) return { in: 'querystring', name: scheme.apiKey.name };
  const header = credentialHeader(scheme);
  return header ? { in: 'header', name: header } : undefined;
}
