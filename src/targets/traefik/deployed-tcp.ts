/**
 * TCP routers as routes (red team 14, test/security/redteam14-diff-traefik-tcp.test.ts). Traefik
 * applies TCP routers before HTTP routers on a shared entry point, and one naming no entryPoints
 * listens on all (https://doc.traefik.io/traefik/routing/routers/#configuring-tcp-routers):
 * `HostSNI(`*`)` without TLS takes every plain connection, with `tls.passthrough` every TLS one for
 * its host, and pipes it to its service with no HTTP middleware of gwc's (auth, IP rules, limits,
 * header clears). gwc writes none, so one is read as a public route answering every path and method
 * to its servers: added, route-public; its host widened, host-widened; re-pointed, backend-changed.
 * Its TCP middlewares (ipAllowList, inFlightConn) are not read: fail closed.
 */
import type { Facts } from '../../diff/entity.js';
import type { JsonObject } from '../../diff/json-util.js';
import { local, serversOf } from './deployed-services.js';

/** The hosts of a rule that is one HostSNI with one name; anything else (`*`, an OR, a regexp) any host. */
function sniHosts(rule: string): string[] {
  const m = /^\s*HostSNI\(\s*`([^`]*)`\s*\)\s*$/.exec(rule);
  return m && m[1] !== '*' ? [m[1]!.toLowerCase()] : [];
}

export function tcpRouterFacts(router: JsonObject, services: JsonObject): Facts {
  const rule = String(router.rule ?? '');
  const tls = router.tls !== undefined && router.tls !== null;
  return {
    route: { match: `tcp ${rule}`, paths: ['^/'], methods: [] },
    auth: [],
    hosts: sniHosts(rule),
    protocols: [tls ? 'https' : 'http'],
    ...(typeof router.service === 'string' ? { backend: serversOf(services, local(router.service)) } : {}),
  };
}
