/**
 * Harness for the nginx policy attack catalogue (test/security/nginx-policies*.test.ts): like
 * nginx-auth.ts, an inline spec compiled and run by a real nginx on loopback, but the backend stub
 * answers per path (Cache-Control, Set-Cookie, who it served) and requests can come from any
 * loopback address (127.0.0.0/8), so per-address and per-consumer buckets can be told apart.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { compileGateway } from '../../../src/api.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { gatewayOf, unsecuredPublic } from '../../helpers/spec.js';
import { freePort, fullOptions, pointAt, prefixDir, startNginx, startStub, writeFiles, type Echo, type RunningNginx, type Stub } from '../../targets/nginx/harness.js';

export { NGINX } from '../../targets/nginx/harness.js';
export const HOST = 'api.test';

export interface PolicyReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface PolicyLab {
  ng: RunningNginx;
  backend: Stub;
  auth: Record<string, Stub>;
  /** A request with Host set, from `from` (a loopback address); the reply and the backend hits it caused. */
  call(method: string, path: string, headers?: Record<string, string>, from?: string, body?: string): Promise<{ r: PolicyReply; hits: Echo[] }>;
  stop(): Promise<void>;
}

export interface PolicyLabOptions {
  files?: Record<string, string>;
  env?: Record<string, string>;
  forward?: Record<string, (echo: Echo) => { status: number; headers?: Record<string, string> }>;
  /** Extra response headers of the backend, chosen from what it received. */
  answer?: (echo: Echo) => Record<string, string> | undefined;
  /**
   * Text appended to the generated conf.d file (http context) before nginx starts, given the
   * listen address: what a user's own configuration beside gwc's adds (another server on the same
   * address:port, an http-level directive gwc's locations inherit).
   */
  confAppend?: (listen: string) => string;
  /** The generated conf.d file edited before nginx starts: a hand edit, or a future regression of gwc's own output. */
  confEdit?: (conf: string) => string;
  /** Any generated file edited before nginx starts (after confEdit): the njs module's CFG changed by hand. */
  fileEdit?: (path: string, contents: string) => string;
}

function request(port: number, method: string, path: string, headers: Record<string, string>, from: string, body?: string): Promise<PolicyReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false, localAddress: from }, (res) => {
      let data = '';
      res.on('data', (d) => (data += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Compiles `spec` for nginx and returns every diagnostic (for refusal tests). */
export async function diagnosticsOf(spec: string): Promise<Diagnostic[]> {
  const loaded = await gatewayOf(spec);
  if (!loaded.gateway) return loaded.diagnostics;
  return compileGateway(unsecuredPublic(loaded.gateway), 'nginx', {}).diagnostics;
}

export async function startPolicyLab(spec: string, opts: PolicyLabOptions = {}): Promise<PolicyLab> {
  const backend = await startStub('echo', (_req, echo) => ({ status: 200, headers: opts.answer?.(echo) ?? {} }));
  const auth: Record<string, Stub> = {};
  for (const [name, decide] of Object.entries(opts.forward ?? {})) auth[`auth:${name}`] = await startStub(`auth:${name}`, (_req, echo) => decide(echo));
  const loaded = await gatewayOf(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d: Diagnostic) => d.message).join('\n'));
  pointAt(loaded.gateway, { echo: backend, ...auth });
  const dir = prefixDir();
  const port = await freePort();
  const result = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', fullOptions(dir, port));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code}: ${d.message}`).join('\n'));
  if (opts.confAppend) {
    const conf = result.files.find((f) => f.path.startsWith('conf.d/') && f.path.endsWith('.conf'))!;
    result.files = result.files.map((f) => (f === conf ? { ...f, contents: `${f.contents}\n${opts.confAppend!(`127.0.0.1:${port}`)}\n` } : f));
  }
  if (opts.confEdit) {
    const conf = result.files.find((f) => f.path.startsWith('conf.d/') && f.path.endsWith('.conf'))!;
    result.files = result.files.map((f) => (f === conf ? { ...f, contents: opts.confEdit!(f.contents) } : f));
  }
  if (opts.fileEdit) result.files = result.files.map((f) => ({ ...f, contents: opts.fileEdit!(f.path, f.contents) }));
  writeFiles(dir, result.files);
  for (const [path, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const ng = await startNginx(dir, port, opts.env ?? {});
  return {
    ng,
    backend,
    auth,
    async call(method, path, headers = {}, from = '127.0.0.1', body) {
      const before = backend.hits.length;
      const r = await request(port, method, path, { host: HOST, ...headers }, from, body);
      return { r, hits: backend.hits.slice(before) };
    },
    async stop() {
      await ng.stop();
      await backend.close();
      for (const s of Object.values(auth)) await s.close();
    },
  };
}

export const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
export const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
