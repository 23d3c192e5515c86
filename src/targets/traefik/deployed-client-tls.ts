/**
 * The TLS a Traefik router answers clients with (https://doc.traefik.io/traefik/https/tls/#tls-options):
 * the router's `tls.options` names a set of the dynamic configuration's `tls.options`, and what
 * that set says, not its name, decides the protocol versions, cipher suites, curves, SNI check
 * and client certificates a connection gets. A set of the same name weakened in place, or the
 * router pointed at a weaker one, is read from the contents (`Facts.clientTls`); a verified client
 * certificate (`clientAuthType: RequireAndVerifyClientCert`) is a requirement of every way in, as
 * nginx's `ssl_verify_client on` (deployed-access.ts there).
 */
import type { ClientTls, Mechanism } from '../../diff/entity.js';
import { isObject, sortedStrings, type JsonObject } from '../../diff/json-util.js';

/** Traefik's `VersionTLSxy` names as comparable numbers; its default minimum is TLS 1.2. */
const VERSIONS: Record<string, number> = { VersionTLS10: 1.0, VersionTLS11: 1.1, VersionTLS12: 1.2, VersionTLS13: 1.3 };
const DEFAULT_OPTIONS = 'default';

/** Traefik decodes option names case-insensitively. */
function option(v: JsonObject, name: string): unknown {
  const key = Object.keys(v).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : v[key];
}

export interface RouterClientTls {
  tls: ClientTls;
  /** A verified client certificate every request needs: the auth atom and its mechanism. */
  certificate?: { atom: string; mechanism: Mechanism };
}

/**
 * What a router with `tls` answers clients with. Its options set is looked up by name (`name@file`
 * is the file's own `name`) in the document's `tls.options`; `default` not defined there is
 * Traefik's default set. A name the document does not define comes from another file or
 * provider, or is refused (Traefik does not build the router: "unknown TLS options"): its
 * contents cannot be read here, and it is compared by name (`unread`).
 */
export function routerClientTls(router: JsonObject, doc: JsonObject): RouterClientTls | undefined {
  const tls = router.tls;
  if (tls === undefined || tls === null) return undefined;
  const named = isObject(tls) && typeof tls.options === 'string' && tls.options !== '' ? tls.options.replace(/@file$/, '') : DEFAULT_OPTIONS;
  const sets = isObject(doc.tls) && isObject(doc.tls.options) ? doc.tls.options : {};
  const set = sets[named];
  if (!isObject(set)) return named === DEFAULT_OPTIONS ? { tls: { minVersion: 1.2, sniStrict: false } } : { tls: { unread: named } };
  const min = option(set, 'minVersion');
  const out: ClientTls = { minVersion: typeof min === 'string' ? VERSIONS[min] ?? 0 : 1.2, sniStrict: option(set, 'sniStrict') === true };
  const ciphers = option(set, 'cipherSuites');
  if (Array.isArray(ciphers) && ciphers.length > 0) out.cipherSuites = sortedStrings(ciphers);
  const curves = option(set, 'curvePreferences');
  if (Array.isArray(curves) && curves.length > 0) out.curves = sortedStrings(curves);
  const auth = option(set, 'clientAuth');
  const type = isObject(auth) ? option(auth, 'clientAuthType') : undefined;
  if (type !== 'RequireAndVerifyClientCert' || !isObject(auth)) return { tls: out };
  const cas = option(auth, 'caFiles');
  const verifier = `CA ${Array.isArray(cas) && cas.length ? sortedStrings(cas).join(', ') : 'system roots'}`;
  return { tls: out, certificate: { atom: 'client-certificate', mechanism: { kind: 'mtls', verifier } } };
}
