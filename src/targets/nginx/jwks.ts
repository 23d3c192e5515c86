/**
 * JWKS for JWT schemes without static keys (issue #20.1): nginx fetches the issuer's key set
 * itself, through two internal locations the njs handler subrequests
 * (https://nginx.org/en/docs/njs/reference.html#r_subrequest):
 * - `/_gwc_internal/k/N`: the key set, cached for the `jwksTtl` option (5m) whatever the provider's
 *   cache headers say (a bounded TTL: a provider saying "a day" cannot keep a revoked key alive that
 *   long), with `proxy_cache_lock` so a burst of requests costs one fetch;
 * - `/_gwc_internal/kr/N`: the same URL under its own cache entry, valid `jwksRefresh` (1m): a
 *   token whose `kid` is not in the cached set is looked up there, so a rotation is seen at most
 *   one refresh interval late and unknown `kid`s cannot make nginx fetch more often than that.
 * TLS to the key server is verified against `trustedCa` under the URL's host (a key set from a
 * host nobody checked would let anyone sign tokens); a plain-HTTP URL is refused. A key server
 * that is down, or answers anything but a JSON key set, fails closed: the token is refused (401).
 */
import type { SecurityScheme } from '../../model/types.js';
import type { TlsView } from './backends.js';
import type { Ctx } from './context.js';
import { filePath, hostName, pathText, Refused } from './escape.js';

export interface JwksView {
  index: number;
  uri: string;
  refreshUri: string;
  /** The key set URL; the host is validated, the path and query checked as URL text. */
  url: string;
  tls: TlsView;
}

/**
 * The internal locations of a scheme's JWKS, added to `list`; what the njs scheme view names (the
 * URL too, unused by the runtime, so that `gwc diff` reads a changed key set from the module).
 */
export function jwksView(ctx: Ctx, scheme: SecurityScheme, jwksUri: string, list: JwksView[]): { uri: string; refresh: string; url: string } {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    throw new Refused(`jwksUri of JWT scheme ${scheme.name}`, jwksUri, 'is not a URL');
  }
  if (url.protocol !== 'https:') {
    throw new Refused(`jwksUri of JWT scheme ${scheme.name}`, jwksUri, 'must be https: keys fetched over plain HTTP could be anyone\'s', {
      code: 'nginx-jwks-insecure',
      params: { scheme: scheme.name, uri: jwksUri },
    });
  }
  const host = hostName(url.hostname, `jwksUri host of ${scheme.name}`);
  const port = url.port === '' ? 443 : Number(url.port);
  const path = pathText(url.pathname || '/', `jwksUri path of ${scheme.name}`) + (url.search ? pathText(url.search.replace(/^\?/, '/'), `jwksUri query of ${scheme.name}`).replace(/^\//, '?') : '');
  const index = list.length;
  const view: JwksView = {
    index,
    uri: `/_gwc_internal/k/${index}`,
    refreshUri: `/_gwc_internal/kr/${index}`,
    url: `https://${host}:${port}${path}`,
    tls: { verify: true, serverName: host, trusted: filePath(ctx.options.trustedCa, 'trustedCa option') },
  };
  list.push(view);
  ctx.needsNjs = true;
  return { uri: view.uri, refresh: view.refreshUri, url: view.url };
}
