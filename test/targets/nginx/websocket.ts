/**
 * WebSocket test parts for the real-nginx suites: an echo backend on loopback that upgrades (or one
 * that switches to any protocol it is asked for), RFC 6455 frames, a client upgrade, and one call
 * that compiles a spec for nginx and starts it in front of a backend.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { expect } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { gatewayOf, unsecuredPublic } from '../../helpers/spec.js';
import { freePort, fullOptions, pointAt, prefixDir, startNginx, writeFiles, type Echo, type RunningNginx, type Stub } from './harness.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key: string) => createHash('sha1').update(key + GUID).digest('base64');

/** One unfragmented text frame; masked as a client must (RFC 6455 section 5.3). */
export function frame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.from([0x81, (mask ? 0x80 : 0) | payload.length]);
  if (!mask) return Buffer.concat([head, payload]);
  const m = randomBytes(4);
  return Buffer.concat([head, m, Buffer.from(payload.map((b, i) => b ^ m[i % 4]!))]);
}

export function unframe(buf: Buffer): string {
  const len = buf[1]! & 0x7f;
  const masked = (buf[1]! & 0x80) !== 0;
  const data = buf.subarray(masked ? 6 : 2, (masked ? 6 : 2) + len);
  return masked ? Buffer.from(data.map((b, i) => b ^ buf[2 + (i % 4)]!)).toString() : data.toString();
}

/**
 * A backend that records every request and answers a plain one with the headers it received, as
 * the stubs do. `echo`: upgrades to WebSocket only and echoes each frame; `any`: switches to any
 * protocol it is asked for (as an h2c-capable server would) and echoes raw bytes as `tunnel:...`.
 */
export async function startUpgradeBackend(kind: 'echo' | 'any'): Promise<Stub> {
  const hits: Echo[] = [];
  const upgraded = new Set<net.Socket>();
  const record = (req: http.IncomingMessage) => hits.push({ backend: 'echo', method: req.method ?? '', path: req.url ?? '', headers: req.headers as Record<string, string>, body: '' });
  const server = http.createServer((req, res) => {
    record(req);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ headers: req.headers }));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    record(req);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    if (kind === 'echo') {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(String(req.headers['sec-websocket-key']))}\r\n\r\n`);
      socket.on('data', (d: Buffer) => socket.write(frame(`echo:${unframe(d)}`, false)));
    } else {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${String(req.headers.upgrade)}\r\nConnection: Upgrade\r\n\r\n`);
      socket.on('data', (d: Buffer) => socket.write(`tunnel:${d.toString()}`));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { name: 'echo', port, hits, close: () => new Promise((resolve) => { for (const s of upgraded) s.destroy(); server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** Asks nginx to upgrade `path`; sends one frame when it does and returns the answer frame. */
export function upgrade(port: number, path: string, headers: Record<string, string>, host = 'api.test'): Promise<{ status: number; echo?: string; upgradeHeader?: string }> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, agent: false,
      headers: { host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key, ...headers },
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

/**
 * Compiles `spec` for nginx with every backend pointed at `backend`, refuses any error, lets
 * `prepare` check the files and write beside them (keys, say), and starts nginx with `env`.
 */
export async function startGateway(spec: string, backend: Stub, env: Record<string, string>, prepare?: (dir: string, files: { contents: string }[]) => void): Promise<RunningNginx> {
  const loaded = await gatewayOf(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  pointAt(loaded.gateway, { echo: backend });
  const dir = prefixDir();
  const port = await freePort();
  const result = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', fullOptions(dir, port));
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  writeFiles(dir, result.files);
  prepare?.(dir, result.files);
  return startNginx(dir, port, env);
}
