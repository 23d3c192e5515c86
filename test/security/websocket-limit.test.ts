/**
 * A rate limit on a WebSocket route counts upgrade requests; an upgraded connection then stays open
 * (nginx: up to an hour idle) and is never counted again. A client under `2 per second` could so
 * hold 7,200 connections after an hour: the limit bounded nothing once upgraded. nginx now caps the
 * connections open at once per limit key with `limit_conn` (the most one window admits: requests +
 * burst; https://nginx.org/en/docs/http/ngx_http_limit_conn_module.html); Kong OSS and Traefik
 * (as gwc compiles them) count requests only, so a limited WebSocket route is refused there at the
 * rateLimit node (websocket-limit-connections), by build and lint; AWS refuses WebSocket routes.
 * nginx through real traffic, raw sockets, a backend that keeps each upgraded connection open.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';
import { freePort, fullOptions, NGINX, pointAt, prefixDir, startNginx, writeFiles, type RunningNginx } from '../targets/nginx/harness.js';

const HOST = 'api.test';
const ok = '{ "101": { description: upgraded } }';
const SPEC = `openapi: 3.1.0
info: { title: ws limits, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: wslim
  backends: { echo: { url: "https://echo.example.com" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { basic: { username: alice, password: "\${env:WS_PW}" } } }
paths:
  /live: { get: { operationId: live, x-gateway: { websocket: true, public: true, rateLimit: { requests: 2, per: second } }, responses: ${ok} } }
  /mine: { get: { operationId: mine, security: [{ basic: [] }], x-gateway: { websocket: true, rateLimit: { requests: 2, per: second, by: consumer } }, responses: ${ok} } }
  /plain: { get: { operationId: plain, x-gateway: { public: true, rateLimit: { requests: 2, per: second } }, responses: { "200": { description: ok } } } }
  /free: { get: { operationId: free, x-gateway: { websocket: true, public: true }, responses: ${ok} } }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
`;

describe('a rate limit on a WebSocket route is refused where the target cannot cap open connections', () => {
  for (const target of ['kong', 'traefik']) {
    it(`${target}: refused at each limited WebSocket route's rateLimit node, by build and lint; the plain limited route and the unlimited WebSocket route are not`, async () => {
      const built = compileGateway((await gatewayOf(SPEC)).gateway!, target, {});
      const rows = built.diagnostics.filter((d) => d.code === 'websocket-limit-connections').map((d) => [d.severity, d.params, d.loc?.pointer]);
      expect(rows.sort((a, b) => (String(a[2]) < String(b[2]) ? -1 : 1))).toEqual([
        ['error', { route: 'live', target }, '/paths/~1live/get/x-gateway/rateLimit'],
        ['error', { route: 'mine', target }, '/paths/~1mine/get/x-gateway/rateLimit'],
      ]);
      expect(built.files).toEqual([]);
      const linted = await lint(writeSpec(SPEC), { target });
      const relayed = linted.diagnostics.filter((d) => d.code === 'target-compile' && d.params.code === 'websocket-limit-connections').map((d) => [d.severity, d.loc?.pointer]);
      expect(relayed.sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1))).toEqual([
        ['error', '/paths/~1live/get/x-gateway/rateLimit'],
        ['error', '/paths/~1mine/get/x-gateway/rateLimit'],
      ]);
      const rest = compileGateway((await gatewayOf(SPEC.replace(/  \/(live|mine): .*\n/g, ''))).gateway!, target, {});
      expect(rest.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });
  }

  it('aws: WebSocket routes are refused anyway', async () => {
    const built = compileGateway((await gatewayOf(SPEC)).gateway!, 'aws', {});
    expect(built.diagnostics.some((d) => d.severity === 'error' && d.params && (d.params as Record<string, unknown>).feature === 'websocket')).toBe(true);
    expect(built.files).toEqual([]);
  });
});

/** A backend that switches to WebSocket and keeps every upgraded connection open. */
async function holdingBackend() {
  const sockets = new Set<net.Socket>();
  let upgrades = 0;
  const server = http.createServer((_req, res) => res.end('ok'));
  server.on('upgrade', (_req: http.IncomingMessage, socket: net.Socket) => {
    upgrades++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    upgrades: () => upgrades,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const WS = ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];

/** Opens an upgrade and keeps the socket: resolves with the status once the response head is in. */
function open(port: number, path: string, extra: string[] = []): Promise<{ status: number; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write([`GET ${path} HTTP/1.1`, `Host: ${HOST}`, ...WS, ...extra, '', ''].join('\r\n')));
    let text = '';
    s.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\r\n\r\n')) resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), socket: s });
    });
    s.on('error', reject);
    setTimeout(() => resolve({ status: 0, socket: s }), 2_000);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!NGINX)('nginx: a limited WebSocket route caps the connections open at once (real nginx)', () => {
  let ng: RunningNginx;
  let backend: Awaited<ReturnType<typeof holdingBackend>>;
  const held: net.Socket[] = [];

  beforeAll(async () => {
    backend = await holdingBackend();
    const loaded = await gatewayOf(SPEC);
    pointAt(loaded.gateway!, { echo: { port: backend.port } as never });
    const dir = prefixDir();
    const port = await freePort();
    const result = compileGateway(loaded.gateway!, 'nginx', fullOptions(dir, port));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, result.files);
    ng = await startNginx(dir, port, { WS_PW: 'ws-pw-1' });
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await ng?.stop();
    await backend?.close();
  });

  for (const [path, extra] of [['/v1/live', []], ['/v1/mine', [`Authorization: Basic ${Buffer.from('alice:ws-pw-1').toString('base64')}`]]] as Array<[string, string[]]>) {
    it(`attack (${path}): connections opened within the rate pile up no further than one window admits (429), and a closed one frees its place`, async () => {
      const first = [await open(ng.port, path, extra), await open(ng.port, path, extra)];
      held.push(...first.map((c) => c.socket));
      expect(first.map((c) => c.status)).toEqual([101, 101]);
      // The rate allows another upgrade by now; the two connections are still open.
      await sleep(1_200);
      const third = await open(ng.port, path, extra);
      held.push(third.socket);
      expect(third.status).toBe(429);
      first[0]!.socket.destroy();
      await sleep(1_200);
      const fourth = await open(ng.port, path, extra);
      held.push(fourth.socket);
      expect(fourth.status).toBe(101);
      for (const s of held.splice(0)) s.destroy();
      await sleep(300);
    });
  }

  it('an unlimited WebSocket route is not capped', async () => {
    const conns = [];
    for (let i = 0; i < 5; i++) conns.push(await open(ng.port, '/v1/free'));
    held.push(...conns.map((c) => c.socket));
    expect(conns.map((c) => c.status)).toEqual([101, 101, 101, 101, 101]);
  });
});
