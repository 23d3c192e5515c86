/**
 * What a request escapes when the gateway answers it through one route and the backend runs a
 * stricter route's handler (model/admits.ts protectionGap, the diagnostics' `by`): who may call
 * (security or IP rule), the rate limit, the body limit, request validation. Its own file, with
 * no imports, so that diagnostics/codes.ts can name it without an import cycle.
 */
export type ProtectionGap = 'callers' | 'limit' | 'bodyLimit' | 'validate';
