/**
 * The protocol switches a router lets through: WebSocket only (red team 18, h2c smuggling).
 *
 * Traefik proxies with Go's httputil.ReverseProxy, which keeps the first `Upgrade` value of a request
 * whose Connection names `upgrade` and, on the backend's 101, joins both connections into a raw
 * byte tunnel. Before v3.7.13 that includes `Upgrade: h2c` (+ `HTTP2-Settings`; GHSA-w4v4-9rw7-5326,
 * traefik/traefik#13797): an h2c-capable backend answers 101 and the client speaks HTTP/2 to it
 * over the tunnel, to any path, past every middleware (auth, IP allow list, limits, gwc's clears).
 * gwc builds for every Traefik 3 line (version.ts), so every operation router refuses a request with
 * an Upgrade value other than `websocket` (any letter case; Go trims the value): it falls to the
 * path's method-not-allowed router (405), as a request carrying `_method` does. `Upgrade: websocket`
 * (Traefik upgrades on every router, keys.ts route.websocket) still passes; a value listing more
 * than one protocol (`websocket, h2c`, the backend picks) is refused too. RE2 has no lookahead, so
 * the regex is the complement of the one word, spelt out (`[^Ww].*|[Ww](...)`), anchored: it
 * matches every value but `websocket`, the empty value included (no upgrade either way).
 */
import { m, reEscape } from './rule.js';

/** The one protocol a client may switch to through gwc's routers. */
export const UPGRADE_ALLOWED = 'websocket';

/** A regex (RE2 and JavaScript alike) matching every text except `word` in any ASCII letter case. */
export function notWordRegex(word: string): string {
  const cls = (c: string) => (/[a-z]/i.test(c) ? `${c.toUpperCase()}${c.toLowerCase()}` : c.replace(/[\\\]^-]/g, '\\$&'));
  // From the end: after the whole word, at least one more character; before, a proper prefix
  // (the empty group), another character then anything, or this character and the rest.
  let tail = '.+';
  for (const c of [...word].reverse()) tail = `([^${cls(c)}].*|[${cls(c)}]${tail})?`;
  return `^${tail}$`;
}

/** The rule condition on every operation router: no Upgrade but websocket. */
export const UPGRADE_GUARD = `!${m.headerRegexp('Upgrade', notWordRegex(UPGRADE_ALLOWED))}`;

/**
 * Cross-Site WebSocket Hijacking (red team 18): browsers apply no CORS to a WebSocket handshake, so
 * any page opens one with the user's cookies or cached basic credentials and reads every frame;
 * the headers middleware gwc writes for `cors` only adds headers, and Traefik upgrades on every
 * router. A route with a CORS policy (origins not `*`) therefore excludes from its operation routers
 * an upgrade whose Origin is present and not one of cors.origins, compared exactly as the headers
 * middleware compares it; it falls to the path's method-not-allowed router (405). No Origin (a
 * non-browser client) passes.
 */
export function originGuard(origins: readonly string[]): string | undefined {
  if (origins.length === 0 || origins.includes('*')) return undefined;
  const allowed = `^(${origins.map(reEscape).join('|')})$`;
  return `!(${m.headerRegexp('Upgrade', '.')} && ${m.headerRegexp('Origin', '.')} && !${m.headerRegexp('Origin', allowed)})`;
}
