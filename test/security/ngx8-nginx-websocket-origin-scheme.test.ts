/**
 * NGX8, nginx (real requests, a plain and a TLS listener, a WebSocket backend on loopback): the
 * own-origin upgrade check (templates.ts `<gw>_xsite`, websocket-origin.ts `same`) compared the
 * Origin's host[:port] with the Host line and ignored the scheme.
 *   1. A network attacker's forged page `http://api.test` (any plain-HTTP answer it can spoof)
 *      opens `wss://api.test/v1/feed`: the handshake carries alice's cookie and Origin
 *      `http://api.test`, another origin than `https://api.test` (RFC 6454): 101, frames read.
 *      Kong closed the same hole (a3b8555, get_forwarded_scheme); nginx compares `$scheme` (gwc
 *      declares no trusted forwarded scheme: nginx is the TLS edge, it sets X-Forwarded-Proto $scheme).
 *   2. A legitimate page whose request names the scheme's default port in Host (`api.test:443` on
 *      TLS, `api.test:80` on plain; Origin never does, RFC 6454 6.2) was refused (403), and the reverse.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { freePort, fullOptions, NGINX, opensslAvailable, pointAt, prefixDir, startNginx, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';

const HOST = 'api.test';
const SID = 'alice-session-0123456789';

/** An upgrade over TLS: 101 when nginx switches, else its status. */
function upgradeTls(port: number, path: string, headers: Record<string, string>, host = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path, servername: HOST, rejectUnauthorized: false, agent: false,
      headers: { host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), ...headers },
    });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!NGINX || !opensslAvailable())('NGX8, nginx: the own-origin upgrade check compares the scheme and reads default ports', () => {
  let ng: RunningNginx;
  let backend: Stub;
  let tlsPort: number;
  beforeAll(async () => {
    const dir = prefixDir();
    const cert = join(dir, 'api.crt');
    const key = join(dir, 'api.key');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
    backend = await startUpgradeBackend('echo');
    const loaded = await gatewayOf(`openapi: 3.1.0
info: { title: ngx8 origin scheme, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: ngx8
  tls: { certificate: "${cert}", key: "\${file:${key}}" }
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { sid: "\${env:ALICE_SID}" } }
paths:
  /feed:
    get: { operationId: feed, security: [{ sid: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
components:
  securitySchemes:
    sid: { type: apiKey, in: cookie, name: sid }
`);
    if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    pointAt(loaded.gateway, { echo: backend });
    const port = await freePort();
    tlsPort = await freePort();
    const r = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', { ...fullOptions(dir, port), tlsListen: `127.0.0.1:${tlsPort}` });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, r.files);
    ng = await startNginx(dir, port, { ALICE_SID: SID });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });
  const cookie = `sid=${SID}`;
  const tls = async (origin: string, host = HOST) => {
    const before = backend.hits.length;
    const status = await upgradeTls(tlsPort, '/v1/feed', { cookie, origin }, host);
    return { status, reached: backend.hits.length > before };
  };
  const plain = async (origin: string, host = HOST) => {
    const before = backend.hits.length;
    const { status } = await upgrade(ng.port, '/v1/feed', { cookie, origin }, host);
    return { status, reached: backend.hits.length > before };
  };
  const OPEN = { status: 101, reached: true };
  const REFUSED = { status: 403, reached: false };

  it('controls: the own origin of each listener upgrades, any letter case; no Origin upgrades on both', async () => {
    for (const o of ['https://api.test', 'https://API.test', 'HTTPS://api.test']) expect(await tls(o), o).toEqual(OPEN);
    for (const o of ['http://api.test', 'http://Api.Test']) expect(await plain(o), o).toEqual(OPEN);
    expect(await upgradeTls(tlsPort, '/v1/feed', { cookie })).toBe(101);
    expect((await upgrade(ng.port, '/v1/feed', { cookie }, HOST)).status).toBe(101);
  });

  it("an http page's handshake on the TLS listener (a network attacker's forged origin) is refused (403) and never reaches the backend; the reverse too", async () => {
    for (const o of ['http://api.test', 'http://api.test:443', 'ws://api.test', 'wss://api.test']) expect(await tls(o), `tls ${o}`).toEqual(REFUSED);
    for (const o of ['https://api.test', 'https://api.test:80', 'ws://api.test', 'wss://api.test']) expect(await plain(o), `plain ${o}`).toEqual(REFUSED);
    expect(await tls('http://api.test:80', 'api.test:80')).toEqual(REFUSED);
    expect(await plain('https://api.test:443', 'api.test:443')).toEqual(REFUSED);
  });

  it("a Host naming the scheme's default port is the same origin as an Origin without one (and the reverse); another port is not", async () => {
    expect(await tls('https://api.test', 'api.test:443')).toEqual(OPEN);
    expect(await tls('https://api.test:443', HOST)).toEqual(OPEN);
    expect(await plain('http://api.test', 'api.test:80')).toEqual(OPEN);
    expect(await plain('http://api.test:80', HOST)).toEqual(OPEN);
    expect(await tls('https://api.test', 'api.test:80')).toEqual(REFUSED);
    expect(await tls('https://api.test:80', HOST)).toEqual(REFUSED);
    expect(await plain('http://api.test', 'api.test:443')).toEqual(REFUSED);
    expect(await plain('http://api.test', 'api.test:8080')).toEqual(REFUSED);
    expect(await tls('https://api.test', 'api.test:4430')).toEqual(REFUSED);
  });
});

describe('NGX8, nginx: the generated own-origin map', () => {
  const SPEC = `openapi: 3.1.0
info: { title: ngx8 map, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway: { name: ngx8m, backends: { echo: { url: "http://echo.internal:8080" } }, defaults: { backend: echo } }
paths:
  /feed:
    get: { operationId: feed, security: [{ sid: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } }
components: { securitySchemes: { sid: { type: apiKey, in: cookie, name: sid } } }
`;
  it('is pinned: the key names $scheme, each entry as written', async () => {
    const loaded = await gatewayOf(SPEC);
    const files = compileGateway(unsecuredPublic(loaded.gateway!), 'nginx', {}).files;
    const text = files.map((f) => f.contents).join('\n');
    const map = /map "\$scheme\|\$http_origin\|\$http_host" \$gwc_ngx8m_xsite \{\n([^}]*)\}/.exec(text)?.[1];
    expect(map).toBe([
      '    "~^[a-z]+[|][|]" "";',
      '    "~*^([a-z]+)[|]\\1://([^/|@]+)[|]\\2$" "";',
      '    "~*^https[|]https://([^/|@:]+|\\[[^/|@\\]]+\\])(?::443)?[|]\\1(?::443)?$" "";',
      '    "~*^http[|]http://([^/|@:]+|\\[[^/|@\\]]+\\])(?::80)?[|]\\1(?::80)?$" "";',
      '    default 1;',
      '',
    ].join('\n'));
    // Read as PCRE reads it (these entries use nothing JavaScript reads otherwise): IPv6 literals.
    const res = [...map!.matchAll(/"~(\*?)([^"]*)" ""/g)].map((m) => new RegExp(m[2]!, m[1] ? 'i' : ''));
    const own = (key: string) => res.some((re) => re.test(key));
    for (const k of ['https|https://[::1]|[::1]:443', 'https|https://[::1]:443|[::1]', 'http|http://[::1]|[::1]:80', 'https|https://[::1]:8443|[::1]:8443', 'http||api.test']) expect(own(k), k).toBe(true);
    for (const k of ['https|https://[::1]|[::2]:443', 'https|http://[::1]|[::1]', 'http|http://[::1]|[::1]:443', 'https|https://[::1]:80|[::1]', 'https|https://api.test:443|api.test:4430']) expect(own(k), k).toBe(false);
  });
});
