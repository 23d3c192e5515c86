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
 * Suggested fix (class: hop-by-hop headers in the nginx reader): src/targets/nginx deployed-route-facts /
 * the request-header facts read Upgrade, Connection (and the other hop-by-hop names nginx drops:
 * Keep-Alive, TE, Trailer, Transfer-Encoding handled by nginx) as removed by the gateway when no
 * proxy_set_header names them, and a route newly holding upgraded connections becomes a finding of
 * its own (arguably security: the credential is checked once per connection).
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
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

async function findings(from: string, to: string) {
  return diffStates(await diffState(from, 'nginx'), await diffState(to, 'nginx')).findings.map((f) => `${f.class} ${f.rule} ${f.key}: ${f.old ?? ''} -> ${f.new ?? ''}`);
}

describe('red team 18, gwc diff nginx: Upgrade is hop-by-hop (nginx never passes it unless set)', () => {
  it('control: the same spec on both sides has no finding', async () => {
    expect(await findings(BASE, BASE)).toEqual([]);
  });

  // Mechanism: the reader reads "no proxy_set_header Upgrade" as "Upgrade passed as sent".
  it.fails('FAILS: making a keyed route a WebSocket route is never reported as tightened', async () => {
    const f = await findings(BASE, edit(BASE, [WS]));
    expect(f.filter((x) => /tightened/.test(x) && /upgrade/i.test(x))).toEqual([]);
  });

  it.fails('FAILS: dropping websocket from a route is not a request-header-passed security finding for Upgrade', async () => {
    const f = await findings(edit(BASE, [WS]), BASE);
    expect(f.filter((x) => /^security/.test(x) && /upgrade/i.test(x))).toEqual([]);
  });
});
