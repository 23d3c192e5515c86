/**
 * Red team of nginx WebSocket routes (issue #20.3) through a real nginx, raw sockets on both sides.
 * The backend answers 101 to ANY upgrade (as an h2c-capable server would): an upgrade nginx lets
 * through becomes a tunnel past every later per-route check, so only `Upgrade: websocket` on a
 * websocket route may reach it. Also: hop-by-hop tricks never reach the backend, and the access
 * phase (key, ipDeny, rate limit) applies to the upgrade request itself.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend } from '../targets/nginx/websocket.js';

const HOST = 'api.test';
const KEY = 'ws-key-0001';
const SPEC = `openapi: 3.1.0
info: { title: ws red team, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: wsred
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
  /open:
    get:
      operationId: open
      security: []
      x-gateway: { websocket: true, public: true, rateLimit: { requests: 2, per: minute } }
      responses: { "101": { description: upgraded } }
  /denied:
    get:
      operationId: denied
      security: []
      x-gateway: { websocket: true, public: true, ipDeny: ["127.0.0.0/8"] }
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
`;

/** Sends a raw request head; returns the status line's code and whatever the connection said within 1s. */
function raw(port: number, path: string, headers: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write([`GET ${path} HTTP/1.1`, `Host: ${HOST}`, ...headers, '', ''].join('\r\n'));
    });
    let text = '';
    let probed = false;
    s.on('data', (d: Buffer) => {
      text += d.toString();
      // Through a tunnel the bytes after the 101 reach the backend as they are.
      if (!probed && /^HTTP\/1\.1 101/.test(text) && text.includes('\r\n\r\n')) {
        probed = true;
        s.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      }
    });
    const done = () => { s.destroy(); resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }); };
    const t = setTimeout(done, 1_000);
    s.on('end', () => { clearTimeout(t); done(); });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

const WS = ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];

describe.skipIf(!NGINX)('red team: nginx WebSocket routes', () => {
  let ng: RunningNginx;
  let backend: Stub;

  beforeAll(async () => {
    backend = await startUpgradeBackend('any');
    ng = await startGateway(SPEC, backend, { WS_KEY: KEY });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('the baseline: a websocket upgrade with the key is tunnelled (101)', async () => {
    const r = await raw(ng.port, '/v1/chat', [...WS, `x-api-key: ${KEY}`]);
    expect(r.status).toBe(101);
    expect(backend.hits.at(-1)!.headers.upgrade).toBe('websocket');
  });

  it('h2c smuggling: Upgrade h2c on a websocket route never reaches the backend as an upgrade (no 101, no tunnel)', async () => {
    for (const upgrade of ['h2c', 'H2C', 'h2c, websocket', 'websocket, h2c', 'websocket2', 'TLS/1.2']) {
      const before = backend.hits.length;
      const r = await raw(ng.port, '/v1/chat', ['Connection: Upgrade, HTTP2-Settings', `Upgrade: ${upgrade}`, 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA', `x-api-key: ${KEY}`]);
      expect(r.status, upgrade).not.toBe(101);
      expect(r.text, upgrade).not.toContain('tunnel:');
      for (const h of backend.hits.slice(before)) {
        expect(h.headers.upgrade, upgrade).toBeUndefined();
        expect(String(h.headers.connection ?? ''), upgrade).not.toMatch(/upgrade/i);
      }
    }
  });

  it('WebSocket spelled in any case still upgrades (RFC 6455 section 4.2.1: case-insensitive)', async () => {
    const r = await raw(ng.port, '/v1/chat', ['Connection: Upgrade', 'Upgrade: WebSocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `x-api-key: ${KEY}`]);
    expect(r.status).toBe(101);
  });

  it('a plain route never upgrades, whatever Connection says', async () => {
    for (const conn of ['Upgrade', 'keep-alive, Upgrade', 'Upgrade, HTTP2-Settings']) {
      for (const upgrade of ['websocket', 'h2c']) {
        const before = backend.hits.length;
        const r = await raw(ng.port, '/v1/plain', [`Connection: ${conn}`, `Upgrade: ${upgrade}`, 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA', `x-api-key: ${KEY}`]);
        expect(r.status, `${conn} / ${upgrade}`).toBe(200);
        const h = backend.hits.slice(before);
        expect(h.length).toBe(1);
        expect(h[0]!.headers.upgrade).toBeUndefined();
        expect(String(h[0]!.headers.connection ?? '')).not.toMatch(/upgrade/i);
      }
    }
  });

  it('hop-by-hop names in the client Connection header never reach the backend (no identity header dropped downstream)', async () => {
    for (const path of ['/v1/chat', '/v1/plain']) {
      const before = backend.hits.length;
      await raw(ng.port, path, [...WS.filter((h) => !h.startsWith('Connection')), 'Connection: Upgrade, X-Consumer, X-Forwarded-For', `x-api-key: ${KEY}`]);
      const h = backend.hits.slice(before);
      expect(h.length, path).toBe(1);
      expect(String(h[0]!.headers.connection ?? ''), path).not.toMatch(/x-consumer|x-forwarded-for/i);
    }
  });

  it('identity headers on an upgrade are the gateway\'s, never the client\'s', async () => {
    const before = backend.hits.length;
    // The headers README says a backend behind nginx may trust, in the spellings a backend reads alike.
    const r = await raw(ng.port, '/v1/chat', [...WS, `x-api-key: ${KEY}`, 'X-Consumer: admin', 'X-Authenticated-Scheme: admin', 'X_Consumer: admin']);
    expect(r.status).toBe(101);
    const h = backend.hits.slice(before);
    expect(h.length).toBe(1);
    for (const name of ['x-consumer', 'x-authenticated-scheme', 'x_consumer']) expect(String(h[0]!.headers[name] ?? ''), name).not.toMatch(/admin/);
  });

  it('the access phase applies to the upgrade: no key 401, ipDeny 403, rate limit 429, the backend never sees them', async () => {
    const before = backend.hits.length;
    expect((await raw(ng.port, '/v1/chat', WS)).status).toBe(401);
    expect((await raw(ng.port, '/v1/chat', [...WS, 'x-api-key: guess'])).status).toBe(401);
    expect((await raw(ng.port, '/v1/denied', WS)).status).toBe(403);
    expect(backend.hits.length).toBe(before);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(ng.port, '/v1/open', WS)).status);
    expect(statuses.filter((s) => s === 101).length).toBeLessThanOrEqual(2);
    expect(statuses).toContain(429);
  });
});
