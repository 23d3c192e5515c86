/**
 * Harness for the nginx auth attack catalogue (test/security/nginx-auth*.test.ts): one spec written
 * inline, compiled, run by a real nginx on loopback with its backend and forward-auth service as
 * stubs that record what they received, so each case asserts the status AND what the backend saw.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileGateway } from '../../../src/api.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import type { Gateway } from '../../../src/model/types.js';
import { gatewayOf, unsecuredPublic } from '../../helpers/spec.js';
import { freePort, fullOptions, pointAt, prefixDir, send, startNginx, startStub, writeFiles, type Echo, type Reply, type RunningNginx, type Stub } from '../../targets/nginx/harness.js';

export { NGINX } from '../../targets/nginx/harness.js';

export const HOST = 'api.test';

export interface AuthLab {
  ng: RunningNginx;
  backend: Stub;
  auth: Record<string, Stub>;
  /** A request with Host set; returns the reply and the backend hits it caused. */
  call(method: string, path: string, headers?: Record<string, string>): Promise<{ r: Reply; hits: Echo[] }>;
  stop(): Promise<void>;
}

export interface LabOptions {
  /** Files written beside nginx.conf (keys). */
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** Forward-auth stubs per scheme name: decide from what the service received. */
  forward?: Record<string, (echo: Echo) => { status: number; headers?: Record<string, string> }>;
  /** Changes the model before it is compiled (an attack on a build past a model refusal). */
  edit?: (gateway: Gateway) => void;
}

/** Compiles `spec` for nginx; throws with the diagnostics when it does not build. */
export async function compileSpec(spec: string, options: Record<string, string>) {
  const loaded = await gatewayOf(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d: Diagnostic) => d.message).join('\n'));
  return { gateway: loaded.gateway, result: compileGateway(unsecuredPublic(loaded.gateway), 'nginx', options) };
}

export async function startLab(spec: string, opts: LabOptions = {}): Promise<AuthLab> {
  const backend = await startStub('echo');
  const auth: Record<string, Stub> = {};
  for (const [name, decide] of Object.entries(opts.forward ?? {})) auth[`auth:${name}`] = await startStub(`auth:${name}`, (_req, echo) => decide(echo));
  const loaded = await gatewayOf(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d: Diagnostic) => d.message).join('\n'));
  pointAt(loaded.gateway, { echo: backend, ...auth });
  opts.edit?.(loaded.gateway);
  const dir = prefixDir();
  const port = await freePort();
  const result = compileGateway(unsecuredPublic(loaded.gateway), 'nginx', fullOptions(dir, port));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code}: ${d.message}`).join('\n'));
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
    async call(method, path, headers = {}) {
      const before = backend.hits.length;
      const r = await send(port, method, path, { host: HOST, ...headers });
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
