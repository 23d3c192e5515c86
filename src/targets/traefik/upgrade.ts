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
import type { Route, Server } from '../../model/types.js';
import { m } from './rule.js';

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
 * an upgrade carrying any Origin value that is not one of cors.origins, compared exactly as the
 * headers middleware compares it (letter case included): the complement of the list (notAnyRegex),
 * since HeaderRegexp matches when any value does, so a second Origin line cannot hide a foreign one,
 * and an empty Origin is not a listed origin (TRF21; Kong answers it 403 too). It falls to the
 * path's method-not-allowed router (405). No Origin (a non-browser client) passes.
 */
export function originGuard(origins: readonly string[]): string | undefined {
  if (origins.length === 0 || origins.includes('*')) return undefined;
  return `!(${m.headerRegexp('Upgrade', '.')} && ${m.headerRegexp('Origin', notAnyRegex(origins, false))})`;
}

/**
 * A regex (RE2 and JavaScript alike) matching every text except the `words`, each in any ASCII
 * letter case (`caseless`) or exactly as written: notWordRegex for a set. The words form a trie; at
 * each node the remainder is: nothing (when no word ends there), a character no word continues with
 * then anything, or a continuing character and that child's remainder; a node where a word ends
 * needs at least one more character.
 */
export function notAnyRegex(words: readonly string[], caseless = true): string {
  interface Node { end: boolean; next: Map<string, Node> }
  const root: Node = { end: false, next: new Map() };
  for (const w of words) {
    let n = root;
    for (const c of caseless ? w.toLowerCase() : w) {
      let child = n.next.get(c);
      if (!child) n.next.set(c, (child = { end: false, next: new Map() }));
      n = child;
    }
    n.end = true;
  }
  const cls = (c: string) => (caseless && /[a-z]/.test(c) ? `${c.toUpperCase()}${c}` : c.replace(/[\\\]^-]/g, '\\$&'));
  const rest = (n: Node): string => {
    if (n.next.size === 0) return n.end ? '.+' : '';
    const keys = [...n.next.keys()].sort();
    const alts = [`[^${keys.map(cls).join('')}].*`, ...keys.map((c) => `[${cls(c)}]${rest(n.next.get(c)!)}`)];
    return `(${alts.join('|')})${n.end ? '' : '?'}`;
  };
  return `^${rest(root)}$`;
}

/** One declared host of a route and the origins its own pages have. */
export interface HostOrigins {
  host: string;
  origins: string[];
  /** An http server of the host whose pages the routers answer over TLS only: its origin is https (TRF21). */
  unserved?: Server;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;

/**
 * The origins a page of the route itself is served from (websocket-origin.ts `same`), per declared
 * host, as a browser writes Origin (RFC 6454: scheme://host, `:port` unless the scheme's default).
 * A host the route's own (path item or operation) servers declare takes their scheme and port
 * (REV20: `https://ws.example.com:8443` on an operation is that origin only); another host the
 * document servers' of the routers' scheme. The routers answer TLS only when a document server is
 * https (routes.ts `tls`): there an http server's pages are served as https, so its origin is
 * https (its port kept unless the default of either scheme), never the http origin a network
 * attacker forges (TRF21; `unserved` is that server, for a warning). Each host's origins are its
 * own: a page of another of the route's hosts is another origin (TRF21; DESIGN.md names no origin
 * set shared across hosts). Undefined when the route declares no host.
 */
export function ownOriginsByHost(route: Route, servers: readonly Server[], tls: boolean): HostOrigins[] | undefined {
  if (route.hosts.length === 0) return undefined;
  const out: HostOrigins[] = [];
  for (const host of route.hosts) {
    const own = (route.hostServers ?? []).filter((s) => s.host === host);
    const declared = own.length > 0 ? own : servers.filter((s) => s.host === host);
    const served = tls ? declared.filter((s) => s.scheme === 'https') : own.length > 0 ? own : declared.filter((s) => s.scheme === 'http');
    const origins = new Set<string>();
    let unserved: Server | undefined;
    if (served.length > 0) for (const s of served) origins.add(originOf(s.scheme, host, s.port, s.scheme));
    else if (tls && declared.length > 0) {
      unserved = declared[0]!;
      for (const s of declared) origins.add(originOf('https', host, s.port, s.scheme));
    } else origins.add(`${tls ? 'https' : 'http'}://${host}`);
    out.push({ host, origins: [...origins].sort(), ...(unserved ? { unserved } : {}) });
  }
  return out;
}

/** scheme://host[:port], the port left out when it is the default of `scheme` or of the scheme the server declared. */
function originOf(scheme: 'http' | 'https', host: string, port: number | undefined, declared: 'http' | 'https'): string {
  return port === undefined || port === DEFAULT_PORT[scheme] || port === DEFAULT_PORT[declared] ? `${scheme}://${host}` : `${scheme}://${host}:${port}`;
}

/**
 * Cross-Site WebSocket Hijacking on a route only its own pages may call with the user's credentials
 * (websocket-origin.ts `same`: not public and no cors, or a cors policy without credentials on a
 * route whose credential the browser sends by itself). Traefik upgrades on every router and a rule
 * cannot compare two headers (Origin with Host), so the route's routers exclude an upgrade carrying
 * any Origin value that is not one of the request host's own origins (letters any case; a second
 * Origin line, an empty one, `null`, another scheme, port or host, a path or a trailing dot are not
 * own): HeaderRegexp matches when any value of the header does
 * (https://doc.traefik.io/traefik/routing/routers/#rule), so the regex is the complement of the own
 * origins. Several hosts: Host and Origin are matched apart, so each host pairs with its own
 * complement, `(!Host(h) || <not h's origins>)` for every h (TRF21: one set for all let a page of
 * host A upgrade on host B); one host already in the rule (`hostInRule`) needs no pairing. It falls
 * to the path's 405 router. No Origin passes. A route with no declared host knows no own origin:
 * every upgrade carrying an Origin is excluded.
 */
export function sameOriginGuard(byHost: readonly HostOrigins[] | undefined, hostInRule: boolean): string {
  const upgrade = m.headerRegexp('Upgrade', '.');
  if (byHost === undefined) return `!(${upgrade} && ${m.headerRegexp('Origin', '^')})`;
  if (byHost.length === 1 && hostInRule) return `!(${upgrade} && ${m.headerRegexp('Origin', notAnyRegex(byHost[0]!.origins))})`;
  const each = byHost.map((h) => `(!${m.host(h.host)} || ${m.headerRegexp('Origin', notAnyRegex(h.origins))})`);
  return `!(${upgrade} && ${m.headerRegexp('Origin', '^')} && ${each.join(' && ')})`;
}
