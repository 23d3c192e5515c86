/**
 * REV20 on 0f4d4c94 (Traefik CSWSH, WS3): ownOrigins (upgrade.ts) reads the route's hosts from the
 * route (its operation- or path-level servers when it has them) but their ports and the scheme only
 * from the DOCUMENT servers (ctx.gateway.servers): a route served by an operation-level
 * `https://ws.example.com:8443` gets the own origin `https://ws.example.com` (port 443, another
 * origin: RFC 6454), so a page on ws.example.com:443 (another service of that host) upgrades with
 * the user's cached basic credentials, while the route's real pages (`:8443`) are refused. Likewise
 * the scheme is the document's (any https document server makes every route's origin https).
 * Request oracle (traefik-oracle.ts send), as ws3-traefik-websocket-same-origin.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send, type OracleEnv } from '../targets/traefik/traefik-oracle.js';

const SECRETS: Record<string, string> = { ALICE_PW: 'pw-alice' };
const spec = (docServer: string, opServer: string) => `${HEAD}servers: [${docServer}]
x-gateway:
  name: rev20t
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

async function gateway(docServer: string, opServer: string) {
  const { built } = await compileCase(writeSpec(spec(docServer, opServer)));
  const config = built!.config as TraefikConfig;
  const e: OracleEnv = { files: htpasswdFiles(built!.result.files[0]!.contents, (n) => SECRETS[n]!) };
  return (host: string, origin: string, tls = true) =>
    send(config, { method: 'GET', host, target: '/v1/room', tls, remoteAddr: '10.1.2.3', headers: { upgrade: 'websocket', connection: 'Upgrade', authorization: ALICE, origin } }, e);
}

describe('REV20, traefik: the own origin of a route served by its own servers', () => {
  it('control: a document server with a port: only that port is own', async () => {
    const call = await gateway("{ url: 'https://ws.example.com:8443/v1' }", "{ url: 'https://ws.example.com:8443/v1' }");
    expect(call('ws.example.com', 'https://ws.example.com:8443').backend).toBeDefined();
    expect(call('ws.example.com', 'https://ws.example.com').backend).toBeUndefined();
  });

  it('BREAK (closed): an operation-level server with a port: a page on the default port (another origin) upgrades with alice\'s credentials', async () => {
    const call = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'https://ws.example.com:8443/v1' }");
    const o = call('ws.example.com', 'https://ws.example.com');
    expect(o.backend).toBeUndefined();
  });

  it('BREAK (closed) (availability): the same route\'s own pages (https://ws.example.com:8443) are refused', async () => {
    const call = await gateway("{ url: 'https://api.example.com/v1' }", "{ url: 'https://ws.example.com:8443/v1' }");
    expect(call('ws.example.com', 'https://ws.example.com:8443').backend).toBeDefined();
  });

  it('BREAK (closed): an http document server and an operation-level https server: an http:// page of that host (a network attacker\'s forged origin) upgrades', async () => {
    const call = await gateway("{ url: 'http://api.example.com/v1' }", "{ url: 'https://ws.example.com/v1' }");
    for (const tls of [true, false]) expect(call('ws.example.com', 'http://ws.example.com', tls).backend, String(tls)).toBeUndefined();
  });
});
