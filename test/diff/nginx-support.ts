/**
 * Real nginx for the diff tests: the compiled config in full mode inside a temporary prefix, read
 * back with `nginx -T`. Copied in small from test/targets/nginx/harness.ts (which is in flux):
 * upstream hosts must resolve for nginx to load the config, so it runs in a private mount
 * namespace whose /etc/hosts maps them to loopback.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileGateway, loadGateway } from '../../src/api.js';
import type { OutputFile } from '../../src/targets/target.js';

export const NJS_MODULE = ['/usr/lib/nginx/modules/ngx_http_js_module.so', '/usr/lib/x86_64-linux-gnu/nginx/modules/ngx_http_js_module.so'].find(existsSync) ?? '/usr/lib/nginx/modules/ngx_http_js_module.so';

export function prefixDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gwc-diff-nginx-'));
  for (const d of ['tmp', 'logs', 'cache']) mkdirSync(join(dir, d), { recursive: true });
  return dir;
}

export function fullOptions(dir: string): Record<string, string> {
  return { mode: 'full', listen: '127.0.0.1:18080', pidFile: join(dir, 'nginx.pid'), tempPath: join(dir, 'tmp'), cachePath: join(dir, 'cache'), logPath: join(dir, 'logs'), user: 'root', njsModule: NJS_MODULE };
}

export async function compileNginx(spec: string, options: Record<string, string>): Promise<{ files: OutputFile[]; hosts: string[] }> {
  const loaded = await loadGateway(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const r = compileGateway(loaded.gateway, 'nginx', options);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  const hosts = new Set<string>();
  for (const b of loaded.gateway.backends) for (const t of b.targets) hosts.add(t.url.host);
  for (const s of loaded.gateway.securitySchemes) if (s.forwardAuth) hosts.add(s.forwardAuth.url.host);
  return { files: r.files, hosts: [...hosts].filter((h) => !/^[\d.]+$/.test(h)).sort() };
}

/** `nginx -T` of the files written in `dir`; undefined when no private mount namespace is allowed. */
export function nginxDump(nginx: string, dir: string, files: OutputFile[], hosts: string[]): { status: number | null; stdout: string; stderr: string } | undefined {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.contents);
  }
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, `127.0.0.1 localhost\n127.0.0.1 ${hosts.join(' ')}\n`);
  if (spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind ${hostsFile} /etc/hosts`]).status !== 0) return undefined;
  const args = ['-T', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log')];
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$1" /etc/hosts && shift && exec "$@"', 'sh', hostsFile, nginx, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
