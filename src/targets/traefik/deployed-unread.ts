/**
 * What `gwc diff` cannot judge of a Traefik router's middlewares (Facts.unread): a `plugin`
 * (Yaegi-run Go code: a JWT check, or one that sets the Authorization a later basicAuth accepts, or
 * X-User-Id), a type the reader does not know, or a middleware another provider defines. Each is
 * one comparable text; any difference either way is `unread-changed` (security), never silence.
 */
import type { Json } from '../../diff/entity.js';
import { isObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';
import { GATEWAY_DECIDED_HEADERS } from '../../model/overrides.js';

/**
 * Traefik v3's built-in HTTP middleware types (https://doc.traefik.io/traefik/middlewares/http/overview/):
 * the reader reads those that decide access or reshape what the backend gets (deployed-middlewares.ts,
 * the path rewrites in deployed-paths.ts), reads those that answer the caller instead of the backend
 * (`errors`, redirects) as unread steps (deployed-answers.ts), and knows the rest (compress, retry,
 * buffering's other settings...) let no caller in. Two built-ins stay unread, by their configuration:
 * `passTLSClientCert` sends the backend the client's certificate as X-Forwarded-Tls-Client-Cert(-Info),
 * an identity header gwc blanks (verified only where the router's TLS options verify client
 * certificates), and `grpcWeb`, whose `allowOrigins` answers CORS for every path
 * (improbable-eng grpcweb WithCorsForRegisteredEndpointsOnly(false)) outside Facts.cors. A
 * `plugin` (Yaegi-run Go code: a JWT check, or one setting the Authorization a later basicAuth
 * accepts) or an unknown type is a step it cannot judge (Facts.unread).
 */
const BUILT_IN = new Set([
  'addPrefix', 'basicAuth', 'buffering', 'chain', 'circuitBreaker', 'compress', 'contentType', 'digestAuth', 'errors', 'forwardAuth', 'headers',
  'ipAllowList', 'ipWhiteList', 'inFlightReq', 'rateLimit', 'redirectRegex', 'redirectScheme', 'replacePath', 'replacePathRegex', 'retry',
  'stripPrefix', 'stripPrefixRegex',
]);

/** JSON text with object keys sorted: one comparable text per configuration. */
export const stable = (v: Json): string =>
  Array.isArray(v) ? `[${v.map(stable).join(',')}]` : isObject(v) ? `{${Object.keys(v).sort(compareText).map((k) => `${JSON.stringify(k)}:${stable(v[k]!)}`).join(',')}}` : JSON.stringify(v);

/**
 * The texts of what the reader cannot judge of middleware reference `raw` (defined as `m`, or not
 * in this file). `visited` holds the references already read on this router (deployed-middlewares.ts).
 */
export function unreadMiddleware(raw: string, m: Json | undefined, visited: Set<string>): string[] {
  // Another provider's middleware (`jwt@kubernetescrd`, a plugin's): this file does not say what it does.
  if (m === undefined && /@(?!file$)/.test(raw)) {
    if (visited.has(raw)) return [];
    visited.add(raw);
    return [`${raw}: defined by another provider`];
  }
  if (!isObject(m) || visited.has(raw.replace(/@file$/, ''))) return [];
  return Object.keys(m).filter((k) => !BUILT_IN.has(k)).sort(compareText).map((type) => `${raw.replace(/@file$/, '')}: ${type} ${stable(m[type]!)}`);
}

/**
 * A headers middleware's customRequestHeaders entry gwc does not write: gwc writes "" (delete) on the
 * headers the gateway decides (identity, forwarding, override headers: clears.ts, auth-middlewares.ts,
 * unverified.ts) and a spec's requestHeaders values. A value on a gateway-decided header
 * (GATEWAY_DECIDED_HEADERS; `X-Consumer: admin`, every caller named admin, red team 14) or one
 * that is not a string is a step the reader cannot judge, as nginx's and Kong's; the compiled side
 * is read the same way, so a build reads as itself.
 */
export function unreadHeaderValue(middleware: string, header: string, value: Json): string | undefined {
  if (value === '' || (typeof value === 'string' && !GATEWAY_DECIDED_HEADERS.has(header.toLowerCase()))) return undefined;
  return `${middleware}: headers customRequestHeaders ${header} ${stable(value)}`;
}
