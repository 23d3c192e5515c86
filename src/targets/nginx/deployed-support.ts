/**
 * Facts of nginx entities gwc writes beside its route locations that still decide a check
 * (deployed.ts reads them): support locations and the maps limits and guards read.
 */
import type { Facts } from '../../diff/entity.js';
import type { Directive } from './deployed-parse.js';
import { limitFacts, type Ctx } from './deployed-route-facts.js';

/**
 * Facts of a location that is no route but checks for one (templates-limit.ts, routes.ts): the
 * limit on failed auth attempts (`/_gwc_internal/x/...`), and what a forward-auth location sends its
 * auth service (`/_gwc_internal/f/N`): only the headers it names (`proxy_pass_request_headers off`),
 * the request's method and normalised path set by nginx. One dropped lets the client's own
 * X-Forwarded-Uri or identity headers reach the service that decides (request-header-passed).
 */
export function supportFacts(block: Directive[], ctx: Ctx): Facts | undefined {
  const facts: Facts = {};
  limitFacts(block, ctx, facts);
  if (block.some((d) => d.name === 'proxy_pass')) {
    const off = block.some((d) => d.name === 'proxy_pass_request_headers' && d.args[0] === 'off');
    const set = block.filter((d) => d.name === 'proxy_set_header' && d.args[0] && d.args[1] !== '').map((d) => `${d.args[0]!.toLowerCase()} set by nginx`);
    facts.guards = { header: [...(off ? ['only the headers nginx names reach the service'] : []), ...set].sort() };
  }
  return Object.keys(facts).length ? facts : undefined;
}

/**
 * gwc's maps that decide a check (policies.ts, templates.ts): the address a limit counts
 * (`_lim_ip`: IPv6 per /64, IPv4-mapped folded), the identity it counts (`_lim_id`), and the
 * query `_method` refusal (`_override`). An entry lost collapses the key or lets the override pass.
 */
export function mapFacts(name: string, entries: string[], source = ''): Facts | undefined {
  const text = entries.join('; ');
  if (/_lim_(ip|id)$/.test(name)) return { rateLimitKey: `${name}: ${text}` };
  if (/_override$/.test(name)) return { guards: { method: entries.map((e) => `query ${e}`) } };
  // The subprotocol bearer-token refusal (templates.ts `_ws_token`): an entry lost lets a token spelling pass.
  if (/_ws_token$/.test(name)) return { guards: { credential: entries.map((e) => `subprotocol ${e}`) } };
  // What a websocket route hands on as Upgrade and Connection (templates.ts `_ws_upgrade`,
  // `_ws_connection`): `websocket` only. A default or entry handing on another protocol (h2c) makes
  // the backend's 101 a tunnel past nginx to every path of it: the map is one guard, its whole text.
  if (/_ws_(?:upgrade|connection)$/.test(name)) return { guards: { header: [`upgrade passed ${name}: ${text}`] } };
  // The cross-site WebSocket refusals (templates.ts `<cors>_foreign`, `<cors>_ws`: the cors list;
  // `_xsite`, `_xsite_ws`: the request's own origin, websocket-origin.ts): an entry or the default
  // changed lets another site's page open an upgrade with the caller's cookie. An entry is an
  // exemption (an allowed origin), so the map is one guard, its whole text: any change removes it
  // (security), an origin added as much as the default lowered (WS3: per entry, an origin added
  // read as a guard added, `tightened`).
  if (/_cors\d*_(?:foreign|ws)$|_xsite(?:_ws)?$/.test(name)) return { guards: { header: [`upgrade origin ${name}: ${text}`] } };
  // The scheme the own-origin check compares behind a TLS-terminating proxy (templates.ts `_proxy`
  // geo, `_scheme` map; x-gateway.trustedProxies): whose X-Forwarded-Proto is believed, read by which
  // address. A range added or the source changed ($remote_addr is a realip rewrite: a client's own
  // X-Forwarded-For) lets a client name the scheme: one guard, the source and the whole text.
  if (/_(?:proxy|scheme)$/.test(name)) return { guards: { header: [`upgrade origin scheme ${name} (${source}): ${text}`] } };
  return undefined;
}
