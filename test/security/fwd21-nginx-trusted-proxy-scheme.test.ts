/**
 * FWD21, nginx (real requests, a WebSocket backend on loopback): the own-origin upgrade check
 * (templates.ts `<gw>_xsite`, NGX8) compares the Origin's scheme with the request's. Behind a
 * TLS-terminating load balancer nginx's `$scheme` is http, so every legitimate https page was
 * refused (403). `x-gateway.trustedProxies` names the proxies whose X-Forwarded-Proto nginx
 * believes, by the connection's own address (`$realip_remote_addr`, before any realip rewrite).
 * The attacks: a client's own `X-Forwarded-Proto: https` from any other address must not make an
 * https page own on the plain listener (nor `http` make an http page own where the proxy said
 * https), and a trusted proxy's value is read as one exact scheme, never a list or another word.
 * Loopback: the trusted proxy connects from 127.0.0.2, every other client from 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { freePort, fullOptions, NGINX, pointAt, prefixDir, startNginx, writeFiles, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startUpgradeBackend } from '../targets/nginx/websocket.js';

const HOST = 'api.test';
const SID = 'alice-session-0123456789';
const PROXY = '127.0.0.2';
const CLIENT = '127.0.0.1';

const spec = (trusted: string) => `openapi: 3.1.0
info: { title: fwd21 trusted proxy scheme, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: fwd21
${trusted}
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
`;

/** An upgrade on the plain listener from `from`: 101 when nginx switches, else its status. */
function upgradeFrom(port: number, from: string, headers: Record<string, string | string[]>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/v1/feed', localAddress: from, agent: false,
      headers: { host: HOST, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), cookie: `sid=${SID}`, ...headers },
    });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end();
  });
}

async function start(trusted: string, backend: Stub): Promise<RunningNginx> {
  const dir = prefixDir();
  const loaded = await gatewayOf(spec(trusted));
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  pointAt(loaded.gateway, { echo: backend });
  const port = await freePort();
  const r = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', { ...fullOptions(dir, port), listen: `127.0.0.1:${port}` });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  writeFiles(dir, r.files);
  return startNginx(dir, port, { ALICE_SID: SID });
}

describe.skipIf(!NGINX)('FWD21, nginx: X-Forwarded-Proto is believed only from x-gateway.trustedProxies', () => {
  let backend: Stub;
  let trusting: RunningNginx;
  let plain: RunningNginx;
  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    trusting = await start(`  trustedProxies: ["${PROXY}/32", "10.0.0.0/8"]`, backend);
    plain = await start('', backend);
  });
  afterAll(async () => {
    await trusting?.stop();
    await plain?.stop();
    await backend?.close();
  });
  const at = async (ng: RunningNginx, from: string, headers: Record<string, string | string[]>) => {
    const before = backend.hits.length;
    const status = await upgradeFrom(ng.port, from, headers);
    return { status, reached: backend.hits.length > before };
  };
  const OPEN = { status: 101, reached: true };
  const REFUSED = { status: 403, reached: false };

  it('attack: a client-sent X-Forwarded-Proto: https from an untrusted address does not make an https page own on the http listener', async () => {
    for (const xfp of ['https', 'HTTPS', 'https, https']) {
      expect(await at(trusting, CLIENT, { origin: `https://${HOST}`, 'x-forwarded-proto': xfp }), xfp).toEqual(REFUSED);
      expect(await at(plain, CLIENT, { origin: `https://${HOST}`, 'x-forwarded-proto': xfp }), `no trustedProxies: ${xfp}`).toEqual(REFUSED);
    }
    // Without trustedProxies nobody is trusted, the proxy's address included.
    expect(await at(plain, PROXY, { origin: `https://${HOST}`, 'x-forwarded-proto': 'https' })).toEqual(REFUSED);
    // Forwarded is not read either (gwc reads X-Forwarded-Proto only).
    expect(await at(trusting, PROXY, { origin: `https://${HOST}`, forwarded: 'proto=https' })).toEqual(REFUSED);
  });

  it('attack: from the trusted proxy, an http page is not own when the proxy says https; a value that is not one exact scheme is not read', async () => {
    expect(await at(trusting, PROXY, { origin: `http://${HOST}`, 'x-forwarded-proto': 'https' })).toEqual(REFUSED);
    for (const xfp of ['https, http', 'http, https', 'wss', 'httpsx', 'xhttps', 'ftp']) {
      expect(await at(trusting, PROXY, { origin: `https://${HOST}`, 'x-forwarded-proto': xfp }), xfp).toEqual(REFUSED);
    }
    expect(await at(trusting, PROXY, { origin: `https://${HOST}`, 'x-forwarded-proto': 'http' })).toEqual(REFUSED);
  });

  it("the trusted proxy's X-Forwarded-Proto: https makes the legitimate https page own (101), any letter case, default port either side", async () => {
    for (const o of [`https://${HOST}`, `HTTPS://API.test`, `https://${HOST}:443`]) {
      expect(await at(trusting, PROXY, { origin: o, 'x-forwarded-proto': 'https' }), o).toEqual(OPEN);
    }
    expect(await at(trusting, PROXY, { origin: `https://${HOST}`, 'x-forwarded-proto': 'HTTPS' })).toEqual(OPEN);
    // The proxy says http (its plain listener): the http page is own, as before.
    expect(await at(trusting, PROXY, { origin: `http://${HOST}`, 'x-forwarded-proto': 'http' })).toEqual(OPEN);
    // No X-Forwarded-Proto from the proxy: the connection's scheme, as without the setting.
    expect(await at(trusting, PROXY, { origin: `http://${HOST}` })).toEqual(OPEN);
    expect(await at(trusting, PROXY, { origin: `https://${HOST}` })).toEqual(REFUSED);
  });

  it('controls: untrusted clients keep the connection scheme (the http page own, the https page not); no Origin upgrades', async () => {
    expect(await at(trusting, CLIENT, { origin: `http://${HOST}` })).toEqual(OPEN);
    expect(await at(trusting, CLIENT, { origin: `http://${HOST}`, 'x-forwarded-proto': 'https' })).toEqual(OPEN);
    expect(await at(trusting, CLIENT, { origin: `https://${HOST}` })).toEqual(REFUSED);
    expect(await at(trusting, CLIENT, {})).toEqual(OPEN);
    expect(await at(plain, CLIENT, { origin: `http://${HOST}` })).toEqual(OPEN);
  });
});
