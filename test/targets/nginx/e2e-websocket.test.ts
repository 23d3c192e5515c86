/**
 * WebSocket routes (issue #20.3) through a real nginx: a `websocket: true` GET behind an API key
 * upgrades (101) to a WebSocket echo backend on loopback and carries a frame each way; without the
 * key the upgrade is refused (401) before the backend sees it; a plain route still never passes
 * `Upgrade`. The other targets: Kong and Traefik proxy upgrades natively (the build is clean),
 * AWS REST refuses the route, and `websocket` on a POST is refused at the key.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../../helpers/spec.js';
import { freePort, fullOptions, NGINX, pointAt, prefixDir, startNginx, writeFiles, type Echo, type RunningNginx, type Stub } from './harness.js';

const HOST = 'api.test';
const KEY = 'ws-key-0001';
const SPEC = `openapi: 3.1.0
info: { title: ws lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: wslab
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:WS_KEY}" } }
paths:
  /chat:
    get:
      operationId: chat
      security: [{ key: [] }]
      x-gateway: { websocket: true }
      responses: { "101": { description: upgraded } }
  /plain:
    get:
      operationId: plain
      security: [{ key: [] }]
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    key:
      type: apiKey
      in: header
      name: x-api-key
      # Traefik checks keys through a service; nginx and Kong check them themselves.
      x-gateway: { forwardAuth: { url: "http://keys.internal:9100/check" } }
`;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key: string) => createHash('sha1').update(key + GUID).digest('base64');

/** One unfragmented text frame; masked as a client must (RFC 6455 section 5.3). */
function frame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.from([0x81, (mask ? 0x80 : 0) | payload.length]);
  if (!mask) return Buffer.concat([head, payload]);
  const m = randomBytes(4);
  return Buffer.concat([head, m, Buffer.from(payload.map((b, i) => b ^ m[i % 4]!))]);
}

function unframe(buf: Buffer): string {
  const len = buf[1]! & 0x7f;
  const masked = (buf[1]! & 0x80) !== 0;
  const data = buf.subarray(masked ? 6 : 2, (masked ? 6 : 2) + len);
  return masked ? Buffer.from(data.map((b, i) => b ^ buf[2 + (i % 4)]!)).toString() : data.toString();
}

/** A WebSocket echo backend; a plain request is answered with what it received, as the stubs do. */
async function startWsEcho(): Promise<Stub> {
  const hits: Echo[] = [];
  const upgraded = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    hits.push({ backend: 'echo', method: req.method ?? '', path: req.url ?? '', headers: req.headers as Record<string, string>, body: '' });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ headers: req.headers }));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    hits.push({ backend: 'echo', method: req.method ?? '', path: req.url ?? '', headers: req.headers as Record<string, string>, body: '' });
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(String(req.headers['sec-websocket-key']))}\r\n\r\n`);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('data', (d: Buffer) => socket.write(frame(`echo:${unframe(d)}`, false)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { name: 'echo', port, hits, close: () => new Promise((resolve) => { for (const s of upgraded) s.destroy(); server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** Asks nginx to upgrade `path`; sends one frame when it does and returns the answer frame. */
function upgrade(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; echo?: string; upgradeHeader?: string }> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, agent: false,
      headers: { host: HOST, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key, ...headers },
    });
    req.on('upgrade', (res, socket) => {
      if (res.headers['sec-websocket-accept'] !== accept(key)) reject(new Error('bad Sec-WebSocket-Accept'));
      socket.once('data', (d: Buffer) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, echo: unframe(d) }); });
      socket.write(frame('hello', true));
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => {
        const seen = res.statusCode === 200 ? (JSON.parse(body) as { headers: Record<string, string> }).headers.upgrade : undefined;
        resolve({ status: res.statusCode ?? 0, ...(seen !== undefined ? { upgradeHeader: seen } : {}) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!NGINX)('WebSocket routes through a real nginx', () => {
  let ng: RunningNginx;
  let backend: Stub;

  beforeAll(async () => {
    backend = await startWsEcho();
    const loaded = await gatewayOf(SPEC);
    if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    pointAt(loaded.gateway, { echo: backend });
    const dir = prefixDir();
    const port = await freePort();
    const result = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', fullOptions(dir, port));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    writeFiles(dir, result.files);
    ng = await startNginx(dir, port, { WS_KEY: KEY });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('with the key: 101, one frame each way', async () => {
    const r = await upgrade(ng.port, '/v1/chat', { 'x-api-key': KEY });
    expect(r).toEqual({ status: 101, echo: 'echo:hello' });
    const hit = backend.hits.at(-1)!;
    expect(hit.path).toBe('/chat');
    expect(hit.headers.upgrade).toBe('websocket');
    expect(String(hit.headers.connection).toLowerCase()).toBe('upgrade');
    expect(hit.headers['x-api-key']).toBeUndefined(); // the credential is hidden as on any route
  });

  it('without the key, or with another: 401 and the backend never sees the upgrade', async () => {
    const before = backend.hits.length;
    expect((await upgrade(ng.port, '/v1/chat', {})).status).toBe(401);
    expect((await upgrade(ng.port, '/v1/chat', { 'x-api-key': 'guess' })).status).toBe(401);
    expect(backend.hits.length).toBe(before);
  });

  it('a plain route never passes Upgrade: the backend sees an ordinary GET', async () => {
    const r = await upgrade(ng.port, '/v1/plain', { 'x-api-key': KEY });
    expect(r.status).toBe(200);
    expect(r.upgradeHeader).toBeUndefined();
    expect(backend.hits.at(-1)!.headers.connection ?? '').not.toMatch(/upgrade/i);
  });
});

describe('WebSocket routes on the other targets', () => {
  it('Kong and Traefik proxy the upgrade natively; AWS REST refuses the route at the key', async () => {
    const loaded = await gatewayOf(SPEC);
    const gateway = unsecuredPublic(loaded.gateway!);
    for (const target of ['kong', 'traefik']) {
      const r = compileGateway(gateway, target, {});
      expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), target).toEqual([]);
      expect(r.files.length, target).toBeGreaterThan(0);
    }
    const aws = compileGateway(gateway, 'aws', {});
    const refused = aws.diagnostics.filter((d) => d.code === 'capability-unsupported' && /websocket/.test(d.message));
    expect(refused.map((d) => d.loc?.pointer)).toEqual(['/paths/~1chat/get/x-gateway/websocket']);
    expect(aws.files).toEqual([]);
  });

  it('websocket on a POST is refused at the key (only a GET upgrades)', async () => {
    const loaded = await gatewayOf(SPEC.replace('  /chat:\n    get:', '  /chat:\n    post:'));
    const d = loaded.diagnostics.filter((x) => x.code === 'websocket-not-get');
    expect(d.map((x) => [x.params, x.loc?.pointer])).toEqual([[{ route: 'chat', method: 'POST' }, '/paths/~1chat/post/x-gateway/websocket']]);
  });
});
