/**
 * Issue #19: the cost of request validation on nginx. The same route of fixtures/validate (rate
 * limit removed) compiled twice, with x-gateway validate on and off, each on its own nginx, both
 * proxying to one loopback nginx that answers 200; wrk alternates between them. Two requests: a
 * PUT with a JSON body (nested object, enum, formats, oneOf, a recursive array) and a GET with
 * typed path, query and header parameters. Reports median req/s and nginx worker CPU per request.
 *
 *   npx tsx bench/nginx-validate.ts [--rounds N] [--duration S] [--connections C]
 *
 * Writes bench/results/nginx-validate.json. `benchValidation(opts)` returns the same figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileGateway, loadGateway } from '../src/api.js';
import type { Gateway } from '../src/model/types.js';
import { freePort, startNginx, type RunningNginx } from '../test/targets/nginx/harness.js';
import { perRequest, workerTicks } from './nginx-cpu.js';

const repo = path.resolve(import.meta.dirname, '..');
const FIXTURE = path.join(repo, 'fixtures/validate/gateway.yaml');
const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';
const HOST = 'api.example.com';
const BODY = JSON.stringify({
  name: 'ab',
  kind: 'book',
  price: 12.5,
  owner: { email: 'a@b.co', since: '2024-02-29' },
  shipping: { address: '1 Main St' },
  parts: [{ label: 'a', parts: [{ label: 'b' }] }, { label: 'c' }],
});

interface Probe {
  label: string;
  method: string;
  uri: string;
  headers: Record<string, string>;
  body?: string;
}

const PROBES: Probe[] = [
  { label: 'PUT JSON body', method: 'PUT', uri: '/v1/items/5', headers: { 'Content-Type': 'application/json' }, body: BODY },
  { label: 'GET parameters', method: 'GET', uri: '/v1/items/5?sort=asc&limit=10&tags=ab&tags=cd', headers: { 'X-Request-Id': '123e4567-e89b-12d3-a456-426614174000' } },
];

export interface ValidationFigures {
  nginx: string;
  rounds: number;
  durationS: number;
  connections: number;
  probes: Array<{ label: string; on: number; off: number; ratio: number; onUs: number; offUs: number; rpsOn: number[]; rpsOff: number[] }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function wrkScript(dir: string, p: Probe): string {
  const file = path.join(dir, `${p.label.replace(/\W+/g, '-')}.lua`);
  const lines = [`wrk.method = ${JSON.stringify(p.method)}`, `wrk.headers["Host"] = ${JSON.stringify(HOST)}`];
  for (const [k, v] of Object.entries(p.headers)) lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  if (p.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(p.body)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function wrk(url: string, script: string, o: { connections: number; durationS: number }): Promise<{ rps: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${o.connections}`, `-d${o.durationS}s`, '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('error', reject);
    child.on('exit', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const requests = /(\d+) requests in/.exec(out);
      if (!rps || !requests || /Non-2xx|Socket errors/.test(out)) return reject(new Error(`wrk ${url}:\n${out}`));
      resolve({ rps: Number(rps[1]), requests: Number(requests[1]) });
    });
  });
}

async function start(gateway: Gateway, port: number, backendPort: number, extra = ''): Promise<{ ng: RunningNginx; dir: string }> {
  for (const b of gateway.backends) for (const t of b.targets) t.url = { ...t.url, host: '127.0.0.1', port: backendPort, raw: `http://127.0.0.1:${backendPort}` };
  for (const r of gateway.routes) delete r.policy.rateLimit;
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-bench-validate-'));
  for (const d of ['tmp', 'logs', 'cache']) mkdirSync(path.join(dir, d), { recursive: true });
  const built = compileGateway(gateway, 'nginx', { mode: 'full', listen: `127.0.0.1:${port}`, pidFile: path.join(dir, 'nginx.pid'), tempPath: path.join(dir, 'tmp'), cachePath: path.join(dir, 'cache'), logPath: path.join(dir, 'logs'), user: 'root', njsModule: NJS_MODULE });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  for (const f of built.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  if (extra) {
    const main = path.join(dir, 'nginx.conf');
    writeFileSync(path.join(dir, 'bench.conf'), extra);
    writeFileSync(main, readFileSync(main, 'utf8').replace(/\n}\n$/, `\n    include ${path.join(dir, 'bench.conf')};\n}\n`));
  }
  return { ng: await startNginx(dir, port), dir };
}

export async function benchValidation(opts: { rounds?: number; durationS?: number; connections?: number; log?: (l: string) => void } = {}): Promise<ValidationFigures> {
  const o = { rounds: opts.rounds ?? 5, durationS: opts.durationS ?? 5, connections: opts.connections ?? 32 };
  const log = opts.log ?? (() => {});
  const load = async () => {
    const loaded = await loadGateway(FIXTURE);
    if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    return loaded.gateway;
  };
  const [onPort, offPort, backendPort] = [await freePort(), await freePort(), await freePort()];
  const backend = `server {\n    listen 127.0.0.1:${backendPort};\n    keepalive_requests 1000000;\n    default_type text/plain;\n    location / {\n        return 200 "ok\\n";\n    }\n}\n`;
  const on = await start(await load(), onPort, backendPort, backend);
  const offGateway = await load();
  for (const r of offGateway.routes) {
    delete r.validate;
    delete r.request;
  }
  const off = await start(offGateway, offPort, backendPort);
  const figures: ValidationFigures = { nginx: spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim(), ...o, probes: [] };
  try {
    for (const p of PROBES) {
      const script = wrkScript(on.dir, p);
      for (const port of [onPort, offPort]) await wrk(`http://127.0.0.1:${port}${p.uri}`, script, { ...o, durationS: 1 });
      const masters = [on, off].map((x) => Number(readFileSync(path.join(x.dir, 'nginx.pid'), 'utf8').trim()));
      const runs = { on: [] as Array<{ rps: number; us: number }>, off: [] as Array<{ rps: number; us: number }> };
      for (let round = 0; round < o.rounds; round++) {
        for (const [key, port, master] of [['on', onPort, masters[0]!], ['off', offPort, masters[1]!]] as const) {
          const before = workerTicks(master);
          const r = await wrk(`http://127.0.0.1:${port}${p.uri}`, script, o);
          runs[key].push({ rps: r.rps, us: perRequest(before, workerTicks(master), r.requests).totalUs });
        }
        log(`${p.label} round ${round + 1}: on ${runs.on.at(-1)!.rps.toFixed(0)} req/s, off ${runs.off.at(-1)!.rps.toFixed(0)} req/s`);
      }
      const row = {
        label: p.label,
        on: median(runs.on.map((r) => r.rps)),
        off: median(runs.off.map((r) => r.rps)),
        onUs: median(runs.on.map((r) => r.us)),
        offUs: median(runs.off.map((r) => r.us)),
        rpsOn: runs.on.map((r) => r.rps),
        rpsOff: runs.off.map((r) => r.rps),
        ratio: 0,
      };
      row.ratio = row.on / row.off;
      figures.probes.push(row);
    }
  } finally {
    await on.ng.stop();
    await off.ng.stop();
  }
  return figures;
}

export function validationTable(f: ValidationFigures): string {
  const head = `${'nginx validation (wrk, same route)'.padEnd(36)} ${'on req/s'.padStart(10)} ${'off req/s'.padStart(10)} ${'on/off'.padStart(7)} ${'on us/req'.padStart(10)} ${'off us/req'.padStart(11)}`;
  return [head, ...f.probes.map((p) => `${p.label.padEnd(36)} ${p.on.toFixed(0).padStart(10)} ${p.off.toFixed(0).padStart(10)} ${p.ratio.toFixed(2).padStart(7)} ${p.onUs.toFixed(1).padStart(10)} ${p.offUs.toFixed(1).padStart(11)}`)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (n: string) => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : undefined);
  const figures = await benchValidation({ rounds: value('--rounds'), durationS: value('--duration'), connections: value('--connections'), log: (l) => console.log(l) });
  console.log(`\n${figures.nginx}; wrk -t1 -c${figures.connections} -d${figures.durationS}s, ${figures.rounds} alternating rounds\n`);
  console.log(validationTable(figures));
  mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
  writeFileSync(path.join(repo, 'bench/results/nginx-validate.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log('written: bench/results/nginx-validate.json');
}
