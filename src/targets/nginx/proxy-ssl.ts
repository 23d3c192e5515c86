/**
 * TLS to backends: the settings that make an SSL context (`proxy_ssl_verify`,
 * `proxy_ssl_trusted_certificate`) are written once per server block, for the most common
 * setting among its TLS backends; a route location repeats them only where its backend differs.
 *
 * Why: every location that sets one of those directives gets an SSL context of its own, and with
 * verification on, each context loads the whole CA bundle (~140 certificates, ~20 ms and ~1 MB
 * each with OpenSSL 3). Since nginx 1.23.1 a location that redefines none of them shares its
 * parent's context ("Upstream: optimized use of SSL contexts", ticket #1234;
 * https://nginx.org/en/CHANGES, ngx_http_proxy_merge_ssl). `proxy_ssl_name` and
 * `proxy_ssl_server_name` are not part of the context, so they stay per location / per server.
 * nginx 1.22 still builds one context per `proxy_pass https` location whatever is inherited
 * (ngx_http_proxy_set_ssl runs for every such location), so there the layout is the same cost
 * as before, and no worse.
 */
import type { TlsView } from './backends.js';

/** The context-making part of a TLS setting (the server name is not part of the context). */
export interface SslContext {
  verify: boolean;
  /** Set when verify is on. */
  trusted?: string;
}

const contextOf = (tls: TlsView): SslContext => (tls.verify ? { verify: true, trusted: tls.trusted } : { verify: false });
const keyOf = (c: SslContext): string => (c.verify ? `on\n${c.trusted}` : 'off');

/**
 * The server block's default: the context most TLS users of the server need (ties broken by the
 * key's order, so the output is deterministic); undefined when nothing in the server speaks TLS.
 */
export function serverSslDefault(users: Array<TlsView | undefined>): SslContext | undefined {
  const counts = new Map<string, { n: number; ctx: SslContext }>();
  for (const tls of users) {
    if (!tls) continue;
    const ctx = contextOf(tls);
    const k = keyOf(ctx);
    counts.set(k, { n: (counts.get(k)?.n ?? 0) + 1, ctx });
  }
  const best = [...counts.entries()].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0];
  return best?.[1].ctx;
}

/** What a location must set itself: undefined when the server's default is already its setting. */
export function ownSsl(tls: TlsView | undefined, serverDefault: SslContext | undefined): SslContext | undefined {
  if (!tls) return undefined;
  const ctx = contextOf(tls);
  return serverDefault && keyOf(serverDefault) === keyOf(ctx) ? undefined : ctx;
}
