/**
 * A WebSocket route with a bearer scheme on nginx (red team 2, body token): since the form-body
 * access_token check (njs bodyCheck, redteam2-nginx-body-token) runs on every method of a bearer
 * route, the upgrade GET passes through it (js_content, then an internal redirect) before the auth
 * check: the upgrade still works with a verified token, and a token-less or forged one is refused
 * before the backend sees it. Real nginx, a WebSocket echo backend on loopback.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../helpers/spec.js';
import { now, token } from '../targets/nginx/jwt.js';
import { freePort, fullOptions, NGINX, pointAt, prefixDir, startNginx, writeFiles, type Echo, type RunningNginx, type Stub } from '../targets/nginx/harness.js';

const HOST = 'api.test';
const HS = 'ws-bearer-hmac-secret-0123456789ab';
const SPEC = `openapi: 3.1.0
info: { title: ws bearer lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: wsb
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
paths:
  /chat:
    get:
      operationId: chat
      security: [{ jwt: [] }]
      x-gateway: { websocket: true }
      responses: { "101": { description: upgraded } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const jwt = (key: string) => token('HS256', { iss: 'https://id.example/', sub: 'u1', exp: now() + 300 }, key);

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

describe.skipIf(!NGINX)('a WebSocket route with a bearer scheme passes the body check', () => {
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
    expect(result.files.some((f) => f.contents.includes('js_content wsb.bodyCheck') || f.contents.includes('.bodyCheck;'))).toBe(true);
    writeFiles(dir, result.files);
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, 'keys/hs.key'), HS);
    ng = await startNginx(dir, port, {});
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('with a verified token: 101, one frame each way, the token stripped', async () => {
    const r = await upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt(HS)}` });
    expect(r).toEqual({ status: 101, echo: 'echo:hello' });
    const hit = backend.hits.at(-1)!;
    expect([hit.path, hit.headers.upgrade, hit.headers.authorization]).toEqual(['/chat', 'websocket', undefined]);
  });

  it('without a token or with a forged one: 401, the backend never sees the upgrade', async () => {
    const before = backend.hits.length;
    expect((await upgrade(ng.port, '/v1/chat', {})).status).toBe(401);
    expect((await upgrade(ng.port, '/v1/chat', { authorization: `Bearer ${jwt('not-the-key')}` })).status).toBe(401);
    expect(backend.hits.length).toBe(before);
  });
});
