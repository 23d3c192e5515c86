/**
 * What a decK service says of its backend for `gwc diff` (deployed-normalise.ts): the TLS it
 * speaks to it, the servers it sends to, and the path it prefixes.
 */
import type { BackendTls } from '../../diff/entity.js';
import { sortedStrings, type JsonObject } from '../../diff/json-util.js';
import { ref, str } from './deployed-defaults.js';

/** Service protocols that speak TLS to the backend (https://docs.konghq.com/gateway/latest/admin-api/#service-object). */
const TLS_PROTOCOLS = new Set(['https', 'grpcs', 'tls', 'wss']);

/**
 * How a service checks its backend's certificate. `tls_verify: null` (or absent) means "the Nginx
 * default is respected" (Admin API, Service object: https://docs.konghq.com/gateway/latest/admin-api/#service-object),
 * and nginx's `proxy_ssl_verify` defaults to off (https://nginx.org/r/proxy_ssl_verify); Kong only
 * turns it on for every service when kong.conf says so, which the deployed state does not show.
 * So null reads as "not verified": a dump that leaves it unset is never taken for a checked one.
 * `ca_certificates` are CA Certificate ids (decK and the Admin API both write ids); null means
 * Kong's global trust store (`lua_ssl_trusted_certificate`).
 */
export function serviceTls(s: JsonObject): BackendTls {
  const url = str(s.url);
  const protocol = (str(s.protocol) ?? (url ? /^([a-z]+):\/\//i.exec(url)?.[1] : undefined) ?? 'http').toLowerCase();
  if (!TLS_PROTOCOLS.has(protocol)) return { tls: false, verify: false };
  if (s.tls_verify !== true) return { tls: true, verify: false };
  const cas = sortedStrings(Array.isArray(s.ca_certificates) ? s.ca_certificates.map((c) => ref(c) ?? null) : []);
  return { tls: true, verify: true, ...(cas.length > 0 ? { ca: `ca_certificates ${cas.join(', ')}` } : {}) };
}

/** The path a service prefixes to what its routes send (`path`, or its `url`'s). */
export function servicePath(s: JsonObject): string {
  return str(s.path) ?? (str(s.url) ? new URL(str(s.url)!).pathname : '/');
}

/** A service's backend (protocol, address or upstream targets, path), for pairing renamed services. */
export function serviceBackend(s: JsonObject, upstreams: Map<string, string>): string {
  const url = str(s.url) ? new URL(str(s.url)!) : undefined;
  const protocol = str(s.protocol) ?? url?.protocol.replace(':', '') ?? 'http';
  const path = str(s.path) ?? url?.pathname ?? '/';
  return `${protocol}://${serviceServers(s, upstreams)}${path}`;
}

/** The server(s) a service sends to: its upstream's targets, or its host and port (Facts.backend). */
export function serviceServers(s: JsonObject, upstreams: Map<string, string>): string {
  const url = str(s.url) ? new URL(str(s.url)!) : undefined;
  const protocol = str(s.protocol) ?? url?.protocol.replace(':', '') ?? 'http';
  const host = str(s.host) ?? url?.hostname ?? '';
  const port = typeof s.port === 'number' ? s.port : url?.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  return upstreams.has(host) ? `upstream ${upstreams.get(host)}` : `${host}:${port}`;
}
