/**
 * NGX3: nginx worker CPU per request of the `_` header refusal (server-level `if` on the njs
 * `underscoreHeader` js_set) on a keyed route, and of loading njs at all for it on a public route
 * of a gateway that otherwise loads none. Four nginx instances (same worker count, same stub
 * backend: a separate nginx answering 200), wrk runs interleaved A/B, medians of CPU per request
 * (bench/nginx-cpu.ts: user+sys ticks of the workers over the requests wrk counted).
 *
 *   npx tsx bench/nginx-underscore-cost.ts [--rounds N] [--duration S]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileGateway, loadGateway } from '../src/api.js';
import { NJS_RUNTIME } from '../src/targets/nginx/njs-runtime.js';
import { freePort, startNginx, type RunningNginx } from '../test/targets/nginx/harness.js';
import { perRequest, workerTicks } from './nginx-cpu.js';

const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';
const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const rounds = arg('rounds', 7);
const durationS = arg('duration', 4);
const KEY = 'key-alice-0123456789';

const spec = (secured: boolean) => `openapi: 3.1.0
info: { title: underscore cost, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: uc
  backends: { echo: { url: "http://127.0.0.1:BACKEND" } }
  defaults: { backend: echo }
${secured ? '  consumers:\n    alice: { credentials: { key: "${env:KEY}" } }\n' : ''}paths:
  /items/list:
    get:
      operationId: items
${secured ? '      security: [{ key: [] }]\n' : '      x-gateway: { public: true }\n'}      responses: { "200": { description: ok } }
${secured ? 'components:\n  securitySchemes:\n    key: { type: apiKey, in: header, name: X-Api-Key }\n' : ''}`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Every nginx started, stopped however the run ends. */
const started: RunningNginx[] = [];

/** nginx writes its pid file after it opens its sockets: wait for it. */
async function pidOf(dir: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      return Number(readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`no pid file in ${dir}`);
}

async function instance(text: string, backendPort: number, edit: (conf: string, js: string) => { conf: string; js?: string }, mode: 'full' | 'include' = 'full'): Promise<RunningNginx & { pid: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-ngx3-'));
  for (const d of ['tmp', 'logs', 'cache']) mkdirSync(path.join(dir, d), { recursive: true });
  const port = await freePort();
  const file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, text.replace('BACKEND', String(backendPort)));
  const loaded = await loadGateway(file);
  const built = compileGateway(loaded.gateway!, 'nginx', { mode, listen: `127.0.0.1:${port}`, pidFile: path.join(dir, 'nginx.pid'), tempPath: path.join(dir, 'tmp'), cachePath: path.join(dir, 'cache'), logPath: path.join(dir, 'logs'), user: 'root', njsModule: NJS_MODULE });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  let js = '';
  for (const f of built.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
    if (f.path.endsWith('uc.js')) js = f.contents;
  }
  const confPath = path.join(dir, 'conf.d/uc.conf');
  const out = edit(readFileSync(confPath, 'utf8'), js);
  writeFileSync(confPath, out.conf);
  if (out.js !== undefined) writeFileSync(path.join(dir, 'gwc/uc.js'), out.js);
  // One worker: the CPU per request is one process's.
  const main = path.join(dir, 'nginx.conf');
  // Include mode: gwc's conf.d file inside a minimal nginx.conf of the operator's (no other server).
  if (mode === 'include') {
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${path.join(dir, 'tmp', t)};\n`).join('');
    writeFileSync(main, `worker_processes 1;\npid ${path.join(dir, 'nginx.pid')};\ninclude gwc/uc.main.conf;\nevents { worker_connections 1024; }\nhttp {\n${temp}    access_log off;\n    include conf.d/*.conf;\n}\n`);
  }
  let mainText = readFileSync(main, 'utf8').replace(/worker_processes [^;]+;/, 'worker_processes 1;');
  if (out.conf.includes('js_import') && !mainText.includes('load_module')) mainText = `load_module "${NJS_MODULE}";\n${mainText}`;
  writeFileSync(main, mainText);
  const ng = await startNginx(dir, port, { KEY });
  started.push(ng);
  return { ...ng, pid: await pidOf(dir) };
}

function wrk(port: number, headers: string[]): Promise<{ rps: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', '-c16', `-d${durationS}s`, ...headers.flatMap((h) => ['-H', h]), `http://127.0.0.1:${port}/v1/items/list`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.on('error', reject);
    child.on('exit', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const requests = /(\d+) requests in/.exec(out);
      if (!rps || !requests || /Non-2xx|Socket errors/.test(out)) return reject(new Error(`wrk:\n${out}`));
      resolve({ rps: Number(rps[1]), requests: Number(requests[1]) });
    });
  });
}

/** The whole runtime in place of njs/headers.js (what include mode loaded before it was split off). */
const RUNTIME = `// Generated by gwc - do not edit.${NJS_RUNTIME.replace('/*CFG*/null', () => JSON.stringify({ consumers: [], routeVar: 'uc_route', routes: {}, schemes: {} }))}`;
const dropCheck = (conf: string) => conf.replace(/\n\s*if \(\$\w+_underscore\) \{\n\s*return 400;\n\s*\}/, '');

async function main() {
  // The backend: a bare nginx answering 200 (its CPU is not counted).
  const bdir = mkdtempSync(path.join(tmpdir(), 'gwc-ngx3-b-'));
  mkdirSync(path.join(bdir, 'logs'));
  const bport = await freePort();
  writeFileSync(path.join(bdir, 'nginx.conf'), `worker_processes 1; pid ${bdir}/nginx.pid; events {} http { access_log off; server { listen 127.0.0.1:${bport}; location / { return 200 "ok"; } } }\n`);
  started.push(await startNginx(bdir, bport));
  const keyed = spec(true);
  const pub = spec(false);
  const variants = {
    'keyed, with the _ check': await instance(keyed, bport, (c) => ({ conf: c })),
    'keyed, without it': await instance(keyed, bport, (c) => ({ conf: dropCheck(c) })),
    'public, no njs (full mode)': await instance(pub, bport, (c) => ({ conf: c })),
    'public, include (njs/headers.js)': await instance(pub, bport, (c) => ({ conf: c }), 'include'),
    'public, include, whole runtime': await instance(pub, bport, (c) => ({ conf: c, js: RUNTIME }), 'include'),
  };
  const headers: Record<string, string[]> = { keyed: ['Host: api.test', `X-Api-Key: ${KEY}`], public: ['Host: api.test'] };
  const cpu: Record<string, number[]> = {};
  const rps: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, ng] of Object.entries(variants)) {
      const before = workerTicks(ng.pid);
      const w = await wrk(ng.port, headers[name.split(',')[0]!]!);
      const per = perRequest(before, workerTicks(ng.pid), w.requests);
      (cpu[name] ??= []).push(per.totalUs);
      (rps[name] ??= []).push(w.rps);
    }
  }
  // Paired: each round's difference to its baseline, run back to back (load moves both alike).
  const pairs: Array<[string, string]> = [['keyed, with the _ check', 'keyed, without it'], ['public, include (njs/headers.js)', 'public, no njs (full mode)'], ['public, include, whole runtime', 'public, no njs (full mode)']];
  for (const [a, b] of pairs) if (cpu[a] && cpu[b]) console.log(`${a} - ${b}: median of paired differences ${median(cpu[a]!.map((x, i) => x - cpu[b]![i]!)).toFixed(1)} us`);
  for (const name of Object.keys(variants)) console.log(`${name.padEnd(32)} cpu/request median ${median(cpu[name]!).toFixed(1)} us [${cpu[name]!.map((x) => x.toFixed(0)).join(' ')}]  rps median ${median(rps[name]!).toFixed(0)}`);
}

try {
  await main();
} finally {
  for (const ng of started) await ng.stop();
}
