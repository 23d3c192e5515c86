/**
 * Request inputs a backend may read as "the real method" or "the real path", so a caller allowed
 * on one route could make the backend run another (DESIGN.md section 7.5). Every target strips
 * the headers (or empties them) and refuses or strips the query parameter, unless the operation
 * declares the input itself (Route.declaredOverrides). One list, read by the model and all targets.
 */

/** Method-override headers (Google APIs, Rails/Rack, Laravel, Symfony, ASP.NET). */
export const METHOD_OVERRIDE_HEADERS = ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'] as const;

/** The form/query parameter Rails, Laravel and Symfony read as the method. */
export const METHOD_OVERRIDE_QUERY = '_method';

/**
 * Spellings PHP turns into `_method` when it parses a query (`.` and space become `_`, a leading
 * `[` too) and the array form; a target that refuses `_method` refuses these as well.
 */
export const METHOD_OVERRIDE_QUERY_FORMS = ['_method', '.method', ' method', '[method', '_method[]'] as const;

/** URL overrides (IIS URL Rewrite, Symfony, Zend read them as the request path). Never declarable. */
export const URL_OVERRIDE_HEADERS = ['X-Original-URL', 'X-Rewrite-URL'] as const;

/**
 * Identity headers gwc's gateways set for the backend after verification (nginx sets both);
 * cleared on every route of every target so a client can never send them itself.
 */
export const GATEWAY_IDENTITY_HEADERS = ['X-Consumer', 'X-Authenticated-Scheme'] as const;

/**
 * Identity headers the other gateways gwc targets set after verification (Kong: consumer,
 * credential, authenticated and anonymous headers). A backend written for gwc may be deployed
 * behind any target and trust them, so every target clears the ones it does not set itself.
 * https://docs.konghq.com/hub/kong-inc/key-auth/#upstream-headers
 */
export const FOREIGN_IDENTITY_HEADERS = [
  'X-Consumer-ID', 'X-Consumer-Custom-ID', 'X-Consumer-Username', 'X-Consumer-Groups',
  'X-Credential-Identifier', 'X-Credential-Username',
  'X-Authenticated-Userid', 'X-Authenticated-Groups', 'X-Authenticated-Scope',
  'X-Anonymous-Consumer', 'X-Anonymous-Groups',
] as const;

/**
 * Forwarding headers a backend reads as where the request came from or how it was addressed
 * (password-reset links, redirects, IP allow lists); the gateway sets X-Forwarded-For/-Proto/-Host
 * itself and clears these so a client's values never pass.
 */
export const CLIENT_FORWARDING_HEADERS = ['Forwarded', 'X-Real-IP', 'X-Forwarded-Prefix', 'X-Forwarded-Port', 'X-Forwarded-Server'] as const;

/** True when `name` (any case) is one of the method-override headers. */
export const isMethodOverrideHeader = (name: string): boolean =>
  METHOD_OVERRIDE_HEADERS.some((h) => h.toLowerCase() === name.toLowerCase());
