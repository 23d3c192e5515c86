/**
 * Backend TLS facts for Traefik's reader: a service's servers and the serversTransport it names
 * (https://doc.traefik.io/traefik/routing/services/#serverstransport), and a forwardAuth
 * middleware's own `tls` block for the auth service it calls
 * (https://doc.traefik.io/traefik/middlewares/http/forwardauth/#tls).
 */
import type { BackendTls } from '../../diff/entity.js';
import { isObject, sortedStrings, type JsonObject } from '../../diff/json-util.js';
import type { Json } from '../../diff/entity.js';

/** Traefik decodes option names case-insensitively (its docs write both `rootCAs` and `rootcas`). */
function option(v: JsonObject, name: string): Json | undefined {
  const key = Object.keys(v).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : v[key];
}

function checked(skip: Json | undefined, cas: string[]): BackendTls {
  if (skip === true) return { tls: true, verify: false };
  return { tls: true, verify: true, ...(cas.length > 0 ? { ca: cas.join(', ') } : {}) };
}

const local = (name: string) => name.replace(/@file$/, '');

/**
 * A load-balancer service's TLS. Without a serversTransport Traefik uses its default transport,
 * which verifies against the system roots unless the static configuration's
 * `serversTransport.insecureSkipVerify` says otherwise; the static configuration is not part of
 * the deployed dynamic file, so that case reads as verified. A transport from another provider
 * (`name@kubernetescrd`) cannot be seen here: no fact, the field change still shows.
 */
export function serviceTls(service: JsonObject, transports: JsonObject): BackendTls | undefined {
  const lb = isObject(service.loadBalancer) ? service.loadBalancer : undefined;
  const servers = lb && Array.isArray(lb.servers) ? lb.servers.filter(isObject).map((s) => String(s.url ?? '')) : [];
  if (!lb || servers.length === 0) return undefined;
  // One plain-HTTP server is enough for traffic to leave unchecked.
  if (!servers.every((u) => /^https:\/\//i.test(u))) return { tls: false, verify: false };
  const name = typeof lb.serversTransport === 'string' ? local(lb.serversTransport) : undefined;
  if (name === undefined || name === 'default@internal') return { tls: true, verify: true };
  const t = transports[name];
  if (!isObject(t)) return undefined;
  // The name sent as SNI and checked in the certificate (serversTransport.serverName).
  const sni = option(t, 'serverName');
  return { ...checked(option(t, 'insecureSkipVerify'), sortedStrings(option(t, 'rootCAs'))), ...(typeof sni === 'string' && sni ? { serverName: sni } : {}) };
}

/** The TLS a forwardAuth middleware calls its auth service with; undefined for other middlewares. */
export function forwardAuthTls(middleware: JsonObject): BackendTls | undefined {
  const fa = isObject(middleware.forwardAuth) ? middleware.forwardAuth : undefined;
  if (!fa || typeof fa.address !== 'string') return undefined;
  if (!/^https:\/\//i.test(fa.address)) return { tls: false, verify: false };
  const tls = isObject(fa.tls) ? fa.tls : {};
  const ca = option(tls, 'ca');
  return checked(option(tls, 'insecureSkipVerify'), typeof ca === 'string' && ca ? [ca] : []);
}
