/**
 * The TLS a location speaks to its backend with, as nginx applies it. gwc writes
 * `proxy_ssl_verify` and `proxy_ssl_trusted_certificate` once per server block and repeats them
 * in a location only where its backend differs (proxy-ssl.ts), and a hand-edited config may set
 * them at http level: each directive is inherited on its own, http > server > location > nested
 * location, the innermost level that sets it winning (ngx_http_proxy_merge_loc_conf;
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_ssl_verify). A directive's
 * position inside its block does not matter: nginx merges after the whole block is read.
 *
 * Known limit: a directive inside `if` or `limit_except` in the location is not read (gwc
 * writes none there).
 */
import type { BackendTls } from '../../diff/entity.js';
import type { Directive } from './deployed-parse.js';

/** The directives that decide whether and against what a backend's certificate is checked. */
export const SSL_DIRECTIVES: ReadonlySet<string> = new Set(['proxy_ssl_verify', 'proxy_ssl_trusted_certificate']);

/**
 * `levels` are the directive lists from the outermost (http) to the location itself. Undefined
 * when the location proxies nowhere or to a URL whose scheme is a variable.
 */
export function locationTls(levels: ReadonlyArray<readonly Directive[]>): BackendTls | undefined {
  const own = levels.at(-1) ?? [];
  const target = own.find((d) => d.name === 'proxy_pass')?.args[0] ?? '';
  const scheme = /^(https?):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (!scheme) return undefined;
  if (scheme === 'http') return { tls: false, verify: false };
  const inherited = (name: string): string | undefined => {
    let value: string | undefined;
    for (const level of levels) for (const d of level) if (d.name === name) value = d.args[0];
    return value;
  };
  // The name sent as SNI and checked in the certificate (https://nginx.org/r/proxy_ssl_name);
  // gwc writes it per location where the spec sets backends.*.tls.serverName.
  const name = inherited('proxy_ssl_name');
  const sni = name && !name.startsWith('$') ? { serverName: name } : {};
  // nginx's default is off: an https backend is not checked unless something says so.
  if (inherited('proxy_ssl_verify') !== 'on') return { tls: true, verify: false, ...sni };
  // With verify on and no trusted certificate nginx refuses the config (`nginx -t`), so a missing
  // one only appears in a file that was never loaded; it reads as the default store.
  const ca = inherited('proxy_ssl_trusted_certificate');
  return { tls: true, verify: true, ...(ca ? { ca } : {}), ...sni };
}
