/**
 * Issue #15, real nginx deployments: gwc diff compares only what gwc wrote. A user's nginx.conf
 * that includes gwc's files beside its own servers and settings, read with a real `nginx -T`,
 * shows no foreign deletes; `--deployed` takes a build folder; a `mode=full` build diffed as an
 * include build says why instead of listing deletes; the njs module beside a dump is read (or
 * said missing, with both sides read without it).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import { requireBinary } from '../helpers/binaries.js';
import { baseSpec } from './helpers.js';
import { compileNginx, NJS_MODULE, nginxDump, prefixDir } from './nginx-support.js';
import { SECURITY_CASES, securitySpec } from './security-cases.js';

/**
 * The diagnostics about the deployed side: diff-base's apiKey scheme names a forwardAuth nginx
 * verifies without calling, so every compile of it also warns forward-auth-not-called (f69f73c).
 */
// The diff-base and vault specs hold an IP rule and name a host: their include-mode compile also
// warns nginx-no-default-server (DIFF20), a warning about the build, not the deployed state.
const COMPILE_WARNINGS = new Set(['forward-auth-not-called', 'nginx-no-default-server']);
const aboutDeployed = <D extends { code: string }>(r: { diagnostics: D[] }): D[] => r.diagnostics.filter((d) => !COMPILE_WARNINGS.has(d.code));

const NGINX = requireBinary('nginx', ['/usr/sbin/nginx']);

/** A user's own nginx.conf around gwc's include-mode files: its settings and a status server are not gwc's. */
const userConf = (dir: string, name: string) => `user root;
worker_processes 2;
pid ${dir}/nginx.pid;
load_module ${NJS_MODULE};
include gwc/${name}.main.conf;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    access_log off;
    server {
        listen 127.0.0.1:18099;
        server_name status.local;
        location = /status { return 200 "ok"; }
    }
    include conf.d/*.conf;
}
`;

async function userDump(spec: string, name: string) {
  const dir = prefixDir();
  const { files, hosts } = await compileNginx(spec, { cachePath: path.join(dir, 'cache'), logPath: path.join(dir, 'logs') });
  const all = [...files, { path: 'nginx.conf', contents: userConf(dir, name) }];
  const dump = nginxDump(NGINX!, dir, all, hosts);
  return { dir, dump, options: { cachePath: path.join(dir, 'cache'), logPath: path.join(dir, 'logs') } };
}

describe('nginx: only what gwc owns is compared', () => {
  it.skipIf(!NGINX)("nginx -T of a user's nginx.conf including gwc's files beside its own servers: no change, no foreign delete", async () => {
    const { dir, dump, options } = await userDump(baseSpec, 'storefront');
    if (!dump) return console.warn('*** SKIPPING: no private mount namespace for /etc/hosts ***');
    expect(dump.status, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('worker_connections 768');
    const file = path.join(dir, 'nginx-T.txt');
    writeFileSync(file, dump.stdout);
    const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: file, options });
    expect(aboutDeployed(r).filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.plan?.changes).toEqual([]);
    expect(r.plan?.findings).toEqual([]);
    const keys = r.from!.entities.map((e) => `${e.kind} ${e.key}`).join('\n');
    for (const foreign of ['sendfile', 'worker_connections', 'status.local', 'keepalive_timeout']) expect(keys).not.toContain(foreign);
  });

  it.skipIf(!NGINX)('the same dump without the njs module on disk warns and compares the rest; with --deployed MODULE, a JWT change is found', async () => {
    const spec = securitySpec([]);
    const { dir, dump, options } = await userDump(spec, 'vault');
    if (!dump) return console.warn('*** SKIPPING: no private mount namespace for /etc/hosts ***');
    expect(dump.status, dump.stderr).toBe(0);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-dump-')), 'nginx-T.txt');
    writeFileSync(file, dump.stdout);
    const module = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-module-')), 'vault.js');
    cpSync(path.join(dir, 'gwc/vault.js'), module);
    rmSync(path.join(dir, 'gwc/vault.js'));
    const skew = SECURITY_CASES.find((c) => c.rule === 'jwt-clock-skew-raised')!;
    const changed = securitySpec([], skew.edits);
    const blind = await diffDeployed(changed, { target: 'nginx', deployed: file, options });
    expect(aboutDeployed(blind).map((d) => d.code)).toEqual(['deployed-part-missing']);
    expect(blind.plan?.findings).toEqual([]);
    const same = await diffDeployed(spec, { target: 'nginx', deployed: file, options, read: { more: [module] } });
    expect(aboutDeployed(same)).toEqual([]);
    expect(same.plan?.changes).toEqual([]);
    const seen = await diffDeployed(changed, { target: 'nginx', deployed: file, options, read: { more: [module] } });
    expect(seen.plan?.findings.map((f) => `${f.class} ${f.rule} ${f.key}`)).toEqual(['security jwt-clock-skew-raised route getTokens']);
  });

  it('--deployed a build folder (gwc build --out) gives no change', async () => {
    const { files } = await compileNginx(baseSpec, {});
    const dir = mkdtempSync(path.join(tmpdir(), 'gwc-build-'));
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, 'nginx', f.path)), { recursive: true });
      writeFileSync(path.join(dir, 'nginx', f.path), f.contents);
    }
    for (const folder of [dir, path.join(dir, 'nginx')]) {
      const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: folder });
      expect(aboutDeployed(r)).toEqual([]);
      expect(r.plan?.changes).toEqual([]);
    }
  });

  it('a mode=full build diffed without --option mode=full says why, not a list of deletes', async () => {
    const dir = prefixDir();
    const { files } = await compileNginx(baseSpec, { mode: 'full', njsModule: NJS_MODULE, pidFile: path.join(dir, 'nginx.pid') });
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.contents);
    }
    const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: dir });
    expect(r.plan).toBeUndefined();
    expect(aboutDeployed(r).map((d) => [d.code, d.params.deployed, d.params.compiled])).toEqual([['deployed-layout-differs', 'full', 'include']]);
    const ok = await diffDeployed(baseSpec, { target: 'nginx', deployed: dir, options: { mode: 'full', njsModule: NJS_MODULE, pidFile: path.join(dir, 'nginx.pid') } });
    expect(ok.plan?.changes).toEqual([]);
  });

  it('a dump with no file gwc wrote is refused, not read as gwc state to delete', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gwc-foreign-'));
    const file = path.join(dir, 'nginx-T.txt');
    writeFileSync(file, '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include conf.d/*.conf; }\n\n# configuration file /etc/nginx/conf.d/site.conf:\nserver { listen 80; location / { return 200; } }\n');
    const r = await diffDeployed(baseSpec, { target: 'nginx', deployed: file });
    expect(aboutDeployed(r).map((d) => [d.code, d.params.files])).toEqual([['deployed-not-gwc', 2]]);
  });
});
