/**
 * Red team 18, `gwc diff` on nginx (DESIGN 7.8): the reader takes a route without
 * `proxy_set_header Upgrade` as passing the client's Upgrade header "as the client sent it". nginx
 * never does: Upgrade and Connection are hop-by-hop and are not passed to a proxied server unless
 * set explicitly (https://nginx.org/en/docs/http/websocket.html: "hop-by-hop headers including
 * Upgrade and Connection are not passed from a client to proxied server"); gwc's own output
 * relies on it (templates.ts: only its websocket map's `websocket` goes on, on websocket routes).
 *
 * So the classification runs backwards on the one header that opens a tunnel:
 * - a pull request that makes a keyed route a WebSocket route (`x-gateway: { websocket: true }`,
 *   spec BASE below, `gwc diff --base`, target nginx) is reported as
 *   `breaking / tightened (undoes: a request header now reaches the backend as the client sent it)`,
 *   old "as the client sent: upgrade" -> new "set or removed by the gateway: upgrade": a reviewer is
 *   told the route got stricter, when it now passes the client's upgrade, keeps the connection open
 *   up to an hour (proxy_read_timeout 3600000ms) after one credential check (a token that expires
 *   or a key revoked keeps its open tunnel), and counts limit_conn;
 * - the reverse pull request (websocket dropped) is a `request-header-passed` SECURITY finding
 *   ("a request header now reaches the backend as the client sent it"), which is false.
 *
 * Fixed (deployed-route-facts.ts): the names nginx's proxy module sets or drops itself unless a
 * proxy_set_header names them (ngx_http_proxy_headers: Connection close, Upgrade, Keep-Alive, TE,
 * Expect "") are the gateway's whatever the client sent; one read from the client ($http_upgrade)
 * is passed. A real nginx 1.22 sends Proxy-Connection, Trailer and a name listed in Connection on
 * (not hop-by-hop to nginx), so those stay the client's. A route newly handing the backend an
 * Upgrade (Facts.upgrade: websocket: true, or any value on proxy_set_header Upgrade) is
 * `connection-upgraded`, security where auth is not public: the credential is checked once per
 * connection. Traefik and Kong upgrade on every route (no Facts.upgrade) and list no hop-by-hop
 * name: websocket there moves nothing (the variants below).
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { State } from '../../src/diff/entity.js';
import { diffState, edit } from '../helpers/diff-edits.js';

const BASE = `openapi: 3.1.0
info: { title: rt18 diff upgrade, version: "1" }
servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt18d
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /admin: { get: { operationId: admin, security: [{ key: [] }], responses: { '200': { description: ok } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
const WS: [string, string] = ['security: [{ key: [] }],', 'security: [{ key: [] }], x-gateway: { websocket: true },'];

const text = (f: { class: string; rule: string; key: string; undoes?: string; old?: string; new?: string }) => `${f.class} ${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}: ${f.old ?? ''} -> ${f.new ?? ''}`;

/** A finding about the Upgrade or Connection request header itself (Facts.requestHeaders' words). */
const UPGRADE_HEADER = /(set or removed by the gateway|as the client sent): [^>]*\b(upgrade|connection)\b/;

async function findings(from: string, to: string, target = 'nginx') {
  return diffStates(await diffState(from, target), await diffState(to, target)).findings.map(text);
}

/** The built state with the /admin route location's text edited by hand (the deployed copy). */
async function handEdited(spec: string, change: (location: string) => string): Promise<{ built: State; edited: State }> {
  const built = await diffState(spec, 'nginx');
  const files = built.files!.map((f) => {
    if (!f.path.endsWith('.conf') || !f.path.startsWith('conf.d/')) return f;
    const at = f.contents.search(/location = \/_gwc_internal\/r\/\d+ \{\n(?:(?!\n    \}).)*?proxy_pass/s);
    if (at < 0) throw new Error('no route location');
    const end = f.contents.indexOf('\n    }', at);
    return { ...f, contents: f.contents.slice(0, at) + change(f.contents.slice(at, end)) + f.contents.slice(end) };
  });
  const edited = readerOf('nginx').reader!.normalise(files, 'edited').state!;
  return { built, edited };
}
const both = ({ built, edited }: { built: State; edited: State }) => ({ weaker: diffStates(built, edited).findings.map(text), back: diffStates(edited, built).findings.map(text) });
const once = (s: string, from: string | RegExp, to: string) => {
  const next = s.replace(from, to);
  if (next === s) throw new Error(`no ${String(from)}`);
  return next;
};

describe('red team 18, gwc diff nginx: Upgrade is hop-by-hop (nginx never passes it unless set)', () => {
  it('control: the same spec on both sides has no finding', async () => {
    expect(await findings(BASE, BASE)).toEqual([]);
  });

  it('making a keyed route a WebSocket route is never reported as tightened: it is connection-upgraded (security)', async () => {
    const f = await findings(BASE, edit(BASE, [WS]));
    expect(f.filter((x) => /tightened/.test(x) && UPGRADE_HEADER.test(x))).toEqual([]);
    expect(f.filter((x) => /request-header-passed/.test(x) && UPGRADE_HEADER.test(x))).toEqual([]);
    expect(f.filter((x) => x.startsWith('security') && /upgrade/i.test(x) && !/origin/.test(x))).toEqual(['security connection-upgraded route admin: plain requests, each checked -> upgraded connections, checked once each; auth key']);
  });

  it('dropping websocket from a route is not a request-header-passed security finding for Upgrade (tightened undoes connection-upgraded)', async () => {
    const f = await findings(edit(BASE, [WS]), BASE);
    // (A websocket route's Origin guard going with it is a header guard of its own: not this reading.)
    expect(f.filter((x) => /^security/.test(x) && UPGRADE_HEADER.test(x))).toEqual([]);
    expect(f.filter((x) => /connection-upgraded/.test(x))).toEqual(['breaking tightened undoes connection-upgraded route admin: upgraded connections, checked once each; auth key -> plain requests, each checked']);
  });

  it('a new keyed WebSocket route is connection-upgraded; a new public one is route-public only', async () => {
    const feed = "  /feed: { get: { operationId: feed, security: [{ key: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }\n";
    const open = "  /open: { get: { operationId: open, security: [], x-gateway: { public: true, websocket: true }, responses: { '101': { description: upgraded } } } }\n";
    const f = await findings(BASE, edit(BASE, [['components:', `${feed}${open}components:`]]));
    expect(f.filter((x) => x.startsWith('security')).map((x) => x.split(':')[0])).toEqual(['security connection-upgraded route feed', 'security route-public route open']);
  });

  it('hand edit: the client\'s Upgrade and Connection passed ($http_upgrade): request-header-passed and connection-upgraded; the release puts them back (tightened)', async () => {
    const r = both(await handEdited(BASE, (l) => once(l, 'proxy_set_header Connection "";', 'proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_connection;')));
    expect(r.weaker.filter((x) => x.startsWith('security')).map((x) => x.split(':')[0]).sort()).toEqual(['security connection-upgraded route admin', 'security request-header-passed route admin', 'security unread-changed route admin']);
    expect(r.weaker.find((x) => /request-header-passed/.test(x))).toMatch(/set or removed by the gateway: connection, upgrade; checked: an upgrade from a page of another origin: refused \(403\) or none passed ->/);
    expect(r.back.filter((x) => x.startsWith('security'))).toEqual(['security unread-changed route admin: route: proxy_set_header Connection $http_connection; route: proxy_set_header Upgrade $http_upgrade -> none']);
    expect(r.back.filter((x) => /tightened/.test(x)).map((x) => x.split(':')[0]).sort()).toEqual(['breaking tightened undoes connection-upgraded route admin', 'breaking tightened undoes request-header-passed route admin']);
  });

  it('hand edit: Upgrade set to a literal (websocket) on a keyed route: connection-upgraded, never request-header-passed', async () => {
    const r = both(await handEdited(BASE, (l) => once(l, 'proxy_set_header Connection "";', 'proxy_set_header Upgrade websocket;\n        proxy_set_header Connection upgrade;')));
    expect(r.weaker.filter((x) => x.startsWith('security')).map((x) => x.split(':')[0])).toContain('security connection-upgraded route admin');
    // WS3: the Upgrade header itself is the gateway's; what is lost is the Origin check an upgrading keyed route needs.
    expect(r.weaker.filter((x) => /request-header-passed/.test(x)).map((x) => x.split(' -> ')[0])).toEqual(['security request-header-passed route admin: checked: an upgrade from a page of another origin: refused (403) or none passed']);
    expect(r.back.filter((x) => /request-header-passed/.test(x) && !/another origin/.test(x))).toEqual([]);
  });

  it('hand edit: Connection "" removed (nginx then sends Connection: close, its own): no request-header-passed either way', async () => {
    const r = both(await handEdited(BASE, (l) => once(l, /\n\s*proxy_set_header Connection "";/, '')));
    expect([...r.weaker, ...r.back].filter((x) => /request-header-passed|connection-upgraded/.test(x))).toEqual([]);
  });

  it('hand edit: the client\'s TE or Keep-Alive passed: request-header-passed (nginx drops them unless set)', async () => {
    for (const [h, v] of [['TE', '$http_te'], ['Keep-Alive', '$http_keep_alive']] as const) {
      const r = both(await handEdited(BASE, (l) => once(l, 'proxy_set_header Connection "";', `proxy_set_header Connection "";\n        proxy_set_header ${h} ${v};`)));
      expect(r.weaker.find((x) => /request-header-passed/.test(x)), h).toMatch(new RegExp(`set or removed by the gateway: ${h.toLowerCase()} ->`));
    }
  });

  it("hand edit: the websocket map's default hands on the client's Upgrade (h2c): request-header-passed both ways (the map is one guard)", async () => {
    const built = await diffState(edit(BASE, [WS]), 'nginx');
    const files = built.files!.map((f) => (f.path.startsWith('conf.d/') ? { ...f, contents: once(f.contents, /(map \$http_upgrade \$\w+_ws_upgrade \{[^}]*default )"";/, '$1$http_upgrade;') } : f));
    const edited = readerOf('nginx').reader!.normalise(files, 'edited').state!;
    const r = both({ built, edited });
    expect(r.weaker.filter((x) => x.startsWith('security')).map((x) => x.split(':')[0])).toContain('security request-header-passed $gwc_rt18d_ws_upgrade');
    expect(r.back.filter((x) => x.startsWith('security')).map((x) => x.split(':')[0])).toContain('security request-header-passed $gwc_rt18d_ws_upgrade');
  });

  it('Traefik and Kong upgrade on every route (no hop-by-hop name read): websocket added or dropped reads as no upgrade finding', async () => {
    for (const target of ['traefik', 'kong']) {
      const spec = target === 'traefik' ? edit(BASE, [["key: { type: apiKey, in: header, name: X-Api-Key }", "key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'https://auth.internal/key' } } }"]]) : BASE;
      const f = [...(await findings(spec, edit(spec, [WS]), target)), ...(await findings(edit(spec, [WS]), spec, target))];
      expect(f.filter((x) => /upgrade|connection/i.test(x)), target).toEqual([]);
    }
  });
});
