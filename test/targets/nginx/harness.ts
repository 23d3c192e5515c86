/**
 * Real-nginx helpers for the nginx target's tests: write a compiled configuration into its own
 * prefix, check it with `nginx -t`, run it on a loopback port, and stub backends that echo what
 * they received.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { compileGateway, loadGateway } from '../../../src/api.js';
import type { Gateway } from '../../../src/model/types.js';
import type { OutputFile } from '../../../src/targets/target.js';
import { nginxBinary } from '../../helpers/checkers.js';

// `nginx -t` and the prefix helpers live in test/helpers/checkers.ts, shared with the corpus.
export { fullOptions, gatewayHosts, NJS_MODULE, nginxTest, prefixDir, writeFiles } from '../../helpers/checkers.js';
export const NGINX = nginxBinary();

export async function loadFixture(name: string): Promise<Gateway> {
  const loaded = await loadGateway(new URL(`../../../fixtures/${name}/gateway.yaml`, import.meta.url).pathname);
  if (!loaded.gateway) throw new Error(`fixture ${name}: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  return loaded.gateway;
}

export function compileOrThrow(gateway: Gateway, options: Record<string, string>): OutputFile[] {
  const r = compileGateway(gateway, 'nginx', options);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  return r.files;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RunningNginx {
  port: number;
  dir: string;
  stop(): Promise<void>;
  errorLog(): string;
}

export async function startNginx(dir: string, port: number, env: Record<string, string> = {}): Promise<RunningNginx> {
  const child: ChildProcess = spawn(
    NGINX!,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log'), '-g', 'daemon off;'],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'logs', 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}\n${errorLog()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    errorLog,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}

export interface Echo {
  backend: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Stub {
  name: string;
  port: number;
  hits: Echo[];
  close(): Promise<void>;
}

/** A backend that answers every request with what it received, as JSON. */
export async function startStub(name: string, answer?: (req: http.IncomingMessage, echo: Echo) => { status: number; headers?: Record<string, string> } | undefined): Promise<Stub> {
  const hits: Echo[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      const echo: Echo = { backend: name, method: req.method ?? '', path: req.url ?? '', headers: req.headers as Record<string, string>, body };
      hits.push(echo);
      const custom = answer?.(req, echo);
      res.writeHead(custom?.status ?? 200, { 'content-type': 'application/json', ...(custom?.headers ?? {}) });
      res.end(JSON.stringify(echo));
    });
  });
  // nginx keeps upstream connections open for its keepalive_timeout (60 s); Node closes an idle one
  // after 5 s, and a POST nginx sends on a connection Node is closing fails with 502 (not retried:
  // not idempotent). A backend keeps connections longer than its proxy, as in production.
  // gwc's upstreams now close idle connections after 1 s (e2e-upstream-idle.test.ts), yet with
  // Node's 5 s redteam-nginx-policies 'a form too large' still got a 502 on a FRESH connection
  // (1.1 MB POST, 15 s under load): another Node timeout than the idle race; kept at 75 s.
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 76_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { name, port, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): Echo & Record<string, unknown>;
}

export function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let data = '';
      res.on('data', (d) => (data += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: () => JSON.parse(data) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Points every target of every backend (and forward-auth URL) at the stub of the same name. */
export function pointAt(gateway: Gateway, stubs: Record<string, Stub>): void {
  for (const b of gateway.backends) {
    b.targets.forEach((t, i) => {
      const stub = stubs[`${b.name}${b.targets.length > 1 ? `-${i}` : ''}`] ?? stubs[b.name];
      if (!stub) return;
      t.url = { ...t.url, scheme: 'http', host: '127.0.0.1', port: stub.port, raw: `http://127.0.0.1:${stub.port}${t.url.path}` };
    });
    if (b.tls) delete b.tls;
  }
  for (const s of gateway.securitySchemes) {
    const stub = s.forwardAuth && stubs[`auth:${s.name}`];
    if (s.forwardAuth && stub) s.forwardAuth.url = { ...s.forwardAuth.url, host: '127.0.0.1', port: stub.port };
  }
}

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}
