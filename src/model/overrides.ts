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

/** True when `name` (any case) is one of the method-override headers. */
export const isMethodOverrideHeader = (name: string): boolean =>
  METHOD_OVERRIDE_HEADERS.some((h) => h.toLowerCase() === name.toLowerCase());
