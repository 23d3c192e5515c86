/**
 * TRF21, Traefik (request oracle): the own origin of a route served on several hosts. 0f4d4c94 /
 * 74ee1bf7 excluded an upgrade whose Origin is none of the route's own origins, but the own
 * origins were one set for all the route's hosts: a Traefik rule matches Host and Origin apart
 * (it cannot compare two headers), so a page of host A upgraded on host B. Browsers keep cookies
 * and cached basic credentials per host, so a page on `shop.example.com` (user content, another
 * team's app) opened `wss://admin.example.com/v1/room` with the user's admin credentials and read
 * every frame. DESIGN.md says nothing of hosts sharing an origin set: each host's own origin is
 * its own (RFC 6454). Now (upgrade.ts sameOriginGuard, per host): an upgrade on host H is excluded
 * unless every Origin value is one of H's own origins (`!Host(H) || <H's complement>` for each
 * host); it falls to the path's 405 router.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const SPEC = `${HEAD}servers: [{ url: 'https://admin.example.com/v1' }, { url: 'https://shop.example.com/v1' }]
x-gateway:
  name: trf21h
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /room: { get: { operationId: room, security: [{ basic: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
  /plain: { get: { operationId: plain, security: [{ basic: [] }], responses: { '200': { description: ok } } } }
  /office: { get: { operationId: office, security: [], x-gateway: { public: true, ipAllow: [10.0.0.0/8], websocket: true }, responses: { '101': { description: upgraded } } } }
  /open: { get: { operationId: open, security: [], x-gateway: { public: true, websocket: true }, responses: { '101': { description: upgraded } } } }
  /ws:
    get:
      operationId: ws
      servers: [{ url: 'https://ws1.example.com:8443/v1' }, { url: 'https://ws2.example.com/v1' }]
      security: [{ basic: [] }]
      x-gateway: { websocket: true }
      responses: { '101': { description: upgraded } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

describe('TRF21, traefik: a page of one of a route\'s hosts upgrades on another of its hosts', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built!.config as TraefikConfig;
  const e: OracleEnv = { files: htpasswdFiles(built!.result.files[0]!.contents, (n) => SECRETS[n]!) };
  const call = (route: string, host: string, origin: string | string[] | undefined) =>
    send(config, {
      method: 'GET', host, target: `/v1/${route}`, tls: true, remoteAddr: '10.1.2.3',
      headers: { upgrade: 'websocket', connection: 'Upgrade', authorization: ALICE, ...(origin === undefined ? {} : { origin }) },
    }, e);
  const SAME = ['room', 'plain', 'office'];
  const refused = (route: string, host: string, origin: string | string[]) => {
    const o = call(route, host, origin);
    expect(o.backend, `${route} on ${host} from ${JSON.stringify(origin)}`).toBeUndefined();
    expect(o.status, `${route} on ${host} from ${JSON.stringify(origin)}`).toBe(405);
  };

  it('controls: each host\'s own page (any letter case) and no Origin upgrade on that host; a public route takes any page', () => {
    expect(built!.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const route of SAME) {
      for (const host of ['admin.example.com', 'shop.example.com']) {
        for (const origin of [undefined, `https://${host}`, `HTTPS://${host.toUpperCase()}`]) expect(call(route, host, origin).backend, `${route} ${host} ${origin}`).toBeDefined();
      }
    }
    expect(call('ws', 'ws1.example.com', 'https://ws1.example.com:8443').backend).toBeDefined();
    expect(call('ws', 'ws2.example.com', 'https://ws2.example.com').backend).toBeDefined();
    expect(call('open', 'admin.example.com', 'https://shop.example.com').backend).toBeDefined();
  });

  it('ATTACK: the other host\'s page upgrades with the user\'s credentials (document servers)', () => {
    for (const route of SAME) {
      refused(route, 'admin.example.com', 'https://shop.example.com');
      refused(route, 'shop.example.com', 'https://admin.example.com');
      refused(route, 'ADMIN.example.com', 'https://shop.example.com');
    }
  });

  it('ATTACK: the other host\'s page upgrades (an operation\'s own servers, each host with its own port)', () => {
    refused('ws', 'ws2.example.com', 'https://ws1.example.com:8443');
    refused('ws', 'ws1.example.com', 'https://ws2.example.com');
    refused('ws', 'ws1.example.com', 'https://ws1.example.com');
    refused('ws', 'ws2.example.com', 'https://ws2.example.com:8443');
  });

  it('ATTACK: a second Origin line, or one line listing both hosts, hides the other host\'s page', () => {
    for (const route of SAME) {
      refused(route, 'admin.example.com', ['https://admin.example.com', 'https://shop.example.com']);
      refused(route, 'admin.example.com', ['https://shop.example.com', 'https://admin.example.com']);
      refused(route, 'admin.example.com', 'https://admin.example.com, https://shop.example.com');
    }
  });

  it('ATTACK: foreign pages stay refused on every host (null, empty, a path, another port or scheme)', () => {
    for (const host of ['admin.example.com', 'shop.example.com']) {
      for (const origin of ['https://evil.test', 'null', '', `https://${host}/`, `https://${host}:8443`, `http://${host}`, `https://${host}.evil.test`]) refused('room', host, origin);
    }
  });
});
