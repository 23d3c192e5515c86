/**
 * Traefik services as `gwc diff` reads them: what a service sends to (Facts.backend), and the
 * defaults Traefik gives an entity that does not say (https://doc.traefik.io/traefik/routing/services/,
 * .../middlewares/http/ratelimit/), so an entity written with or without them compares equal.
 */
import { isObject, omit, sortedStrings, withDefaults, type JsonObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';

/** Inside the file provider `name@file` and `name` are the same reference. */
export const local = (name: string) => name.replace(/@file$/, '');

/** Traefik's own defaults (https://doc.traefik.io/traefik/routing/services/, .../middlewares/http/ratelimit/). */
export function withTraefikDefaults(kind: string, v: JsonObject): JsonObject {
  if (kind === 'service' && isObject(v.loadBalancer)) {
    const lb = withDefaults(v.loadBalancer, { passHostHeader: true }) as JsonObject;
    const servers = Array.isArray(lb.servers) ? [...lb.servers].filter(isObject).sort((a, b) => compareText(String(a.url), String(b.url))) : [];
    return { ...v, loadBalancer: { ...lb, servers } };
  }
  if (kind === 'middleware' && isObject(v.rateLimit)) return { ...v, rateLimit: withDefaults(v.rateLimit, { period: '1s', burst: 1 }) as JsonObject };
  if (kind === 'router') {
    const refs = Array.isArray(v.middlewares) ? v.middlewares.map((m) => (typeof m === 'string' ? local(m) : m)) : v.middlewares;
    // `tls.options: default` is what a router with `tls` and no options gets (https://doc.traefik.io/traefik/https/tls/#tls-options).
    const tls = isObject(v.tls) && v.tls.options === 'default' ? omit(v.tls, ['options']) : v.tls;
    return { ...v, entryPoints: sortedStrings(v.entryPoints), ...(refs ? { middlewares: refs } : {}), ...(typeof v.service === 'string' ? { service: local(v.service) } : {}), ...(tls !== undefined ? { tls } : {}) };
  }
  return v;
}

/**
 * The servers a service sends to (https://doc.traefik.io/traefik/routing/services/): a
 * loadBalancer's server URLs, a weighted or failover service's, a mirroring service's main one
 * (its mirrors too: they receive the request), sorted; a service defined elsewhere by its name.
 */
export function serversOf(services: JsonObject, name: string, depth = 0): string {
  const s = services[name];
  if (!isObject(s) || depth > 10) return `service ${name}`;
  const nested = (names: string[]) => names.map((n) => serversOf(services, local(n), depth + 1));
  const parts: string[] = [];
  if (isObject(s.loadBalancer)) parts.push(...(Array.isArray(s.loadBalancer.servers) ? s.loadBalancer.servers.filter(isObject).map((x) => String(x.url ?? x.address ?? '')) : []));
  if (isObject(s.weighted)) parts.push(...nested((Array.isArray(s.weighted.services) ? s.weighted.services.filter(isObject) : []).map((x) => String(x.name))));
  if (isObject(s.mirroring)) parts.push(...nested([String(s.mirroring.service), ...(Array.isArray(s.mirroring.mirrors) ? s.mirroring.mirrors.filter(isObject).map((x) => String(x.name)) : [])]));
  if (isObject(s.failover)) parts.push(...nested([String(s.failover.service), String(s.failover.fallback)]));
  return [...new Set(parts.join(', ').split(', ').filter(Boolean))].sort().join(', ') || `service ${name}`;
}
