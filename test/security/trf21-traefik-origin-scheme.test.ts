/**
 * TRF21, Traefik (request oracle): an operation served by `http://ws.example.com` on a gateway
 * whose document servers are https. Every router then answers TLS only (routes.ts `tls`: one https
 * document server makes every router `tls`), so the operation's pages are https pages; 74ee1bf7 took
 * the own origin from the operation's server as written, `http://ws.example.com`: the https pages
 * were refused (availability) and an `http://ws.example.com` page, one a network attacker can forge
 * on any plain-HTTP answer, upgraded `wss://ws.example.com` with the user's cached basic credentials.
 * Now (upgrade.ts ownOriginsByHost) the own origin follows the scheme the routers serve: https, the
 * server's port kept unless a default one, and build and lint warn traefik-websocket-origin-scheme at
 * the operation. An https server under http routers keeps https (REV20: an http page is never own).
 */
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/index.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const spec = (docServers: string, opServer: string) => `${HEAD}servers: [${docServers}]
x-gateway:
  name: trf21s
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /room:
    get:
      operationId: room
      servers: [${opServer}]
      security: [{ basic: [] }]
      x-gateway: { websocket: true }
      responses: { '101': { description: upgraded } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;
const ALICE = `Basic ${Buffer.from('alice:pw-alice').toString('base64')}`;

async function gateway(docServers: string, opServer: string) {
  const file = writeSpec(spec(docServers, opServer));
  const { built } = await compileCase(file);
  const config = built!.config as TraefikConfig;
  const e: OracleEnv = { files: htpasswdFiles(built!.result.files[0]!.contents, (n) => SECRETS[n]!) };
  const tlsOnly = Object.values(config.http.routers).every((r) => r.tls !== undefined);
  // The oracle does not model router TLS: a request the routers cannot answer is sent nowhere.
  const call = (host: string, origin: string, tls = true) => {
    if (tls !== tlsOnly) return { backend: undefined };
    return send(config, { method: 'GET', host, target: '/v1/room', tls, remoteAddr: '10.1.2.3', headers: { upgrade: 'websocket', connection: 'Upgrade', authorization: ALICE, origin } }, e);
  };
  const warned = (r: { diagnostics: Array<{ code: string; severity: string; loc?: { pointer: string } }> }) =>
    r.diagnostics.filter((d) => d.code === 'traefik-websocket-origin-scheme').map((d) => `${d.severity} ${d.loc?.pointer}`);
  return { file, built: built!, call, tlsOnly, warned };
}

describe('TRF21, traefik: the own origin follows the scheme the routers serve', () => {
  it('ATTACK: an http operation server under https document servers: an http:// page (forgeable) upgrades wss:// with alice\'s credentials', async () => {
    const g = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'http://ws.example.com/v1' }");
    expect(g.tlsOnly).toBe(true);
    expect(g.call('ws.example.com', 'http://ws.example.com').backend).toBeUndefined();
  });

  it('ATTACK (availability): the same route\'s own https pages are refused', async () => {
    const g = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'http://ws.example.com/v1' }");
    expect(g.call('ws.example.com', 'https://ws.example.com').backend).toBeDefined();
  });

  it('a port on the http server is kept (https://host:8080), a default one is not; other origins stay refused', async () => {
    const g = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'http://ws.example.com:8080/v1' }");
    expect(g.call('ws.example.com', 'https://ws.example.com:8080').backend).toBeDefined();
    for (const origin of ['http://ws.example.com:8080', 'https://ws.example.com', 'http://ws.example.com', 'https://api.example.com']) expect(g.call('ws.example.com', origin).backend, origin).toBeUndefined();
    const d = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'http://ws.example.com:80/v1' }");
    expect(d.call('ws.example.com', 'https://ws.example.com').backend).toBeDefined();
    expect(d.call('ws.example.com', 'https://ws.example.com:80').backend).toBeUndefined();
  });

  it('warned by build and lint at the operation (lint parity); not where the server is https', async () => {
    const g = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'http://ws.example.com/v1' }");
    const built = g.warned(g.built.result);
    expect(built).toEqual(['warn /paths/~1room/get']);
    const l = await lint(g.file, { target: 'traefik' });
    const linted = l.diagnostics.filter((d) => (d.params as { code?: string } | undefined)?.code === 'traefik-websocket-origin-scheme').map((d) => `${d.severity} ${d.loc?.pointer}`);
    expect(linted).toEqual(built);
    const ok = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'https://ws.example.com/v1' }");
    expect(ok.warned(ok.built.result)).toEqual([]);
  });

  it('document servers alike: an http host beside an https one is served as https (warned)', async () => {
    const g = await gateway("{ url: 'https://api.example.com/v1' }, { url: 'http://old.example.com/v1' }", "{ url: '/v1' }");
    expect(g.call('old.example.com', 'https://old.example.com').backend).toBeDefined();
    expect(g.call('old.example.com', 'http://old.example.com').backend).toBeUndefined();
    expect(g.call('old.example.com', 'https://api.example.com').backend).toBeUndefined();
    expect(g.warned(g.built.result)).toEqual(['warn /paths/~1room/get']);
  });

  it('control (REV20): an https operation server under http document servers keeps https; an http page is refused; no warning', async () => {
    const g = await gateway("{ url: 'http://api.example.com/v1' }", "{ url: 'https://ws.example.com/v1' }");
    expect(g.tlsOnly).toBe(false);
    expect(g.call('ws.example.com', 'https://ws.example.com', false).backend).toBeDefined();
    expect(g.call('ws.example.com', 'http://ws.example.com', false).backend).toBeUndefined();
    expect(g.warned(g.built.result)).toEqual([]);
  });
});
