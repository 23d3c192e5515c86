/**
 * nginx's upstream keepalive pool and the backend's idle timeout (closing13, found as a flaky test:
 * 974ccf9). nginx keeps an idle upstream connection for `keepalive_timeout` (60 s when not said);
 * backends close idle ones much sooner: gunicorn's `keepalive` 2 s, Node's
 * `server.keepAliveTimeout` 5 s, uvicorn's `--timeout-keep-alive` 5 s, Apache's KeepAliveTimeout 5 s.
 * A request nginx writes on a pooled connection just as the backend closes it gets no answer
 * ("upstream prematurely closed connection"): a 502, and a POST is never retried (not idempotent,
 * https://nginx.org/r/proxy_next_upstream). gwc now closes pooled connections after 1 s, before any
 * of those: the backend never closes a connection nginx may still write on.
 *
 * The backend here is that race made certain: a raw HTTP/1.1 server with a 2 s idle timeout
 * (gunicorn's) that closes, unanswered, a connection whose next request comes after it (as a
 * backend whose timer fired while the request was in flight). The assertion is the status only.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../../src/api.js';
import { gatewayOf } from '../../helpers/spec.js';
import { freePort, fullOptions, NGINX, pointAt, prefixDir, send, startNginx, writeFiles, type RunningNginx, type Stub } from './harness.js';

const IDLE_MS = 2000;
const SPEC = `openapi: 3.1.0
info: { title: upstream idle, version: "1" }
servers: [{ url: "http://api.test/v1" }]
x-gateway:
  name: idle
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
paths:
  /orders: { post: { operationId: createOrder, x-gateway: { public: true }, responses: { "201": { description: created } } } }
`;

/** A keep-alive HTTP/1.1 backend closing a connection idle for IDLE_MS; a request after that is dropped unanswered. */
async function racingBackend(): Promise<Stub & { dropped: number }> {
  const hits: Stub['hits'] = [];
  const self = { name: 'app', port: 0, hits, dropped: 0, close: async () => {} };
  const server = net.createServer((socket) => {
    let last = Date.now();
    let buf = '';
    socket.on('data', (d) => {
      if (buf === '' && Date.now() - last >= IDLE_MS) {
        self.dropped++;
        socket.destroy();
        return;
      }
      buf += String(d);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      hits.push({ backend: 'app', method: buf.split(' ')[0]!, path: buf.split(' ')[1]!, headers: {}, body: buf.slice(end + 4) });
      buf = '';
      socket.write('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}');
      last = Date.now();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.port = (server.address() as net.AddressInfo).port;
  self.close = () => new Promise((resolve) => server.close(() => resolve()));
  return self;
}

describe.skipIf(!NGINX)('nginx: a pooled upstream connection is closed before the backend closes it', () => {
  let ng: RunningNginx;
  let backend: Awaited<ReturnType<typeof racingBackend>>;
  let conf = '';
  beforeAll(async () => {
    backend = await racingBackend();
    const loaded = await gatewayOf(SPEC);
    pointAt(loaded.gateway!, { app: backend });
    const dir = prefixDir();
    const port = await freePort();
    const r = compileGateway(loaded.gateway!, 'nginx', fullOptions(dir, port));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    conf = r.files.find((f) => f.path === 'conf.d/idle.conf')!.contents;
    writeFiles(dir, r.files);
    ng = await startNginx(dir, port);
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('every upstream block says keepalive_timeout 1s (below gunicorn 2 s, Node/uvicorn/Apache 5 s)', () => {
    const upstreams = conf.split('\nupstream ').slice(1).map((b) => b.slice(0, b.indexOf('\n}')));
    expect(upstreams.length).toBeGreaterThan(0);
    for (const u of upstreams) expect(u).toMatch(/\n\s*keepalive_timeout 1s;/);
  });

  it('a POST after the backend\'s idle timeout is answered (no 502 on a connection the backend closed)', async () => {
    const body = '{"item":1}';
    const headers = { host: 'api.test', 'content-type': 'application/json', 'content-length': String(body.length) };
    expect((await send(ng.port, 'POST', '/v1/orders', headers, body)).status).toBe(201);
    await new Promise((r) => setTimeout(r, IDLE_MS + 500));
    const second = await send(ng.port, 'POST', '/v1/orders', headers, body);
    expect(second.status, ng.errorLog().split('\n').filter((l) => /prematurely|upstream/.test(l)).slice(-2).join('\n')).toBe(201);
    expect(backend.dropped).toBe(0);
  });
});
