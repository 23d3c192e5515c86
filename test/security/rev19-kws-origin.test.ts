/**
 * REV19 (review of KWS 0cc9869d, and WS3's nginx same-origin check it mirrors): the "own origin"
 * test of Kong's websocket-guard chunk compares the Origin's host[:port] with the Host line only,
 * never its scheme. Origin `http://api.test` passes an upgrade to a route the spec serves on
 * `https://api.test` only (Kong route protocols [https]).
 *
 * Class: Cross-Site WebSocket Hijacking, origin compared without its scheme.
 * Attack: an active network attacker (open Wi-Fi) answers any plain-http request for
 * http://api.test (it need not exist: the attacker forges it; a redirect from any http page sends
 * the victim there) with a page that opens `new WebSocket("wss://api.test/v1/live")`. The browser
 * sends `Origin: http://api.test`, `Host: api.test`, and the ambient credential for the secure
 * URL: cached basic credentials (and client certificate, SameSite=None cookies). The chunk reads
 * host == host and lets it through to basic-auth: the attacker's page reads alice's stream.
 * http://api.test and https://api.test are different origins (RFC 6454) and cross-site under
 * schemeful same-site. (nginx's `<gw>_xsite` map does the same: ws3-nginx-websocket-same-origin
 * pins "http or https" as a control; the nginx harness has no TLS listener, so pinned here on Kong.)
 * Closed on Kong (websocket-guard.ts `allowed`: the Origin's scheme must be
 * kong.request.get_forwarded_scheme()'s; the oracle's requests are https unless they say).
 * Suggested fix (as given): 'own' allows only the Origin whose scheme is the request's (https <-> Kong's
 * kong.request.get_forwarded_scheme() / nginx $scheme, or the spec's server schemes: http only
 * where a server url is http), in websocket-guard.ts `allowed` and templates.ts `_xsite`.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const SPEC = `openapi: 3.1.0
info: { title: rev19 kws origin, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rev19ko
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:ALICE_PW}" } } }
paths:
  /live: { get: { operationId: live, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

describe('REV19 KWS: the own-origin check of the Kong websocket guard ignores the scheme', async () => {
  const r = compileGateway((await gatewayOf(SPEC)).gateway!, 'kong', {});
  const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const ENV = { DECK_ALICE_PW: 'alice-password-0123' };
  const auth = { authorization: `Basic ${Buffer.from(`alice:${ENV.DECK_ALICE_PW}`).toString('base64')}` };
  const call = (origin: string) => evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/live', headers: { upgrade: 'websocket', connection: 'Upgrade', origin, ...auth } }, ENV);

  it('control: the route is served on https only; its own https origin upgrades, another site is 403', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(JSON.stringify(doc)).toMatch(/"protocols":\["https"\]/);
    expect(call('https://api.test').status).toBe(200);
    expect(call('https://evil.test').status).toBe(403);
  });

  it('an upgrade from the plain-http origin of the same host (a network attacker\'s page) is refused', () => {
    for (const origin of ['http://api.test', 'HTTP://API.TEST', 'ws://api.test']) {
      const o = call(origin);
      expect([o.status, o.upstream], origin).toEqual([403, undefined]);
    }
  });
});
