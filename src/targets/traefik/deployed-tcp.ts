/**
 * TCP routers as routes (red team 14, test/security/redteam14-diff-traefik-tcp.test.ts). Traefik
 * applies TCP routers before HTTP routers on a shared entry point, and one naming no entryPoints
 * listens on all (https://doc.traefik.io/traefik/routing/routers/#configuring-tcp-routers):
 * `HostSNI(`*`)` without TLS takes every plain connection, with `tls.passthrough` every TLS one for
 * its host, and pipes it to its service with no HTTP middleware of gwc's (auth, IP rules, limits,
 * header clears). gwc writes none, so one is read as a public route answering every path and method
 * to its servers: added, route-public; its host widened, host-widened; re-pointed, backend-changed.
 * It is public whatever its middlewares (TCP has no auth: fail-safe, nothing can read as a check
 * that is not there). Its TCP middlewares (https://doc.traefik.io/traefik/middlewares/tcp/overview/)
 * are read as the HTTP ones are: `ipAllowList` (ipWhiteList) as its IP rule, so one removed is
 * ip-widened; `inFlightConn` as a connection cap per client address; any other type, one another
 * provider defines, or one not defined as a step the reader cannot judge (unread-changed).
 */
import type { Facts } from '../../diff/entity.js';
import { isObject, sortedStrings, type JsonObject } from '../../diff/json-util.js';
import { stable } from './deployed-unread.js';
import { local, serversOf } from './deployed-services.js';

/** The hosts of a rule that is one HostSNI with one name; anything else (`*`, an OR, a regexp) any host. */
function sniHosts(rule: string): string[] {
  const m = /^\s*HostSNI\(\s*`([^`]*)`\s*\)\s*$/.exec(rule);
  return m && m[1] !== '*' ? [m[1]!.toLowerCase()] : [];
}

export function tcpRouterFacts(router: JsonObject, services: JsonObject, middlewares: JsonObject = {}): Facts {
  const rule = String(router.rule ?? '');
  const tls = router.tls !== undefined && router.tls !== null;
  const facts: Facts = {
    route: { match: `tcp ${rule}`, paths: ['^/'], methods: [] },
    auth: [],
    hosts: sniHosts(rule),
    protocols: [tls ? 'https' : 'http'],
    ...(typeof router.service === 'string' ? { backend: serversOf(services, local(router.service)) } : {}),
  };
  const unread: string[] = [];
  const names = Array.isArray(router.middlewares) ? router.middlewares.filter((x): x is string => typeof x === 'string') : [];
  for (const raw of names) {
    const m = /@(?!file$)/.test(raw) ? undefined : middlewares[local(raw)];
    if (!isObject(m)) {
      unread.push(`${raw}: ${/@(?!file$)/.test(raw) ? 'defined by another provider' : 'not defined (Traefik refuses the router)'}`);
      continue;
    }
    const ip = isObject(m.ipAllowList) ? m.ipAllowList : isObject(m.ipWhiteList) ? m.ipWhiteList : undefined;
    // As the HTTP reader reads one: the last list (each must pass, so the facts never read narrower).
    if (ip) facts.ipAllow = sortedStrings(ip.sourceRange);
    const conn = isObject(m.inFlightConn) && typeof m.inFlightConn.amount === 'number' && m.inFlightConn.amount > 0 ? m.inFlightConn.amount : undefined;
    if (conn !== undefined && conn < (facts.connectionLimit ?? Infinity)) Object.assign(facts, { connectionLimit: conn, connectionLimitKey: 'ip' });
    for (const type of Object.keys(m).filter((k) => !TCP_BUILT_IN.has(k)).sort()) unread.push(`${local(raw)}: ${type} ${stable(m[type]!)}`);
  }
  if (unread.length) facts.unread = unread.sort();
  return facts;
}

/** Traefik v3's TCP middleware types (https://doc.traefik.io/traefik/middlewares/tcp/overview/). */
const TCP_BUILT_IN = new Set(['ipAllowList', 'ipWhiteList', 'inFlightConn']);
