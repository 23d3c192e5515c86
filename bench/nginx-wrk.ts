/**
 * Issue #9: throughput through the nginx configuration gwc generates for GitHub's REST description
 * against a single catch-all `proxy_pass` location on the same nginx, same upstream block, same
 * stub backend. Goal: the route whose request scans the most regexes serves at least 0.9 of the
 * catch-all's requests per second.
 *
 *   npx tsx bench/nginx-wrk.ts [--rounds N] [--duration S] [--connections C] [--quick] [--keep] [--scan-only]
 *
 * Each wrk run also samples nginx's worker CPU time (bench/nginx-cpu.ts): "cpu ratio" is the
 * catch-all's CPU per request over the route's. On a loaded machine req/s medians of one unchanged
 * configuration moved 0.83-1.01 between runs; the CPU figures moved about 2%.
 *
 * Writes bench/results/nginx-wrk.json. `benchNginx(opts)` returns the same figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileGateway, loadGateway } from '../src/api.js';
import { matchRoute } from '../src/model/paths.js';
import type { Gateway } from '../src/model/types.js';
import { parseConf, type Directive } from '../test/targets/nginx/conf-parse.js';
import { freePort, startNginx } from '../test/targets/nginx/harness.js';
import { perRequest, workerTicks } from './nginx-cpu.js';
import { routeName, routeNames, sampleUris, trace, type Trace } from '../test/targets/nginx/location-sim.js';

const repo = path.resolve(import.meta.dirname, '..');
const GITHUB = path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json');
const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

export interface BenchOptions {
  spec?: string;
  rounds?: number;
  durationS?: number;
  connections?: number;
  threads?: number;
  /** Leave the prefix directory (configuration, logs) in place and log its path. */
  keep?: boolean;
  /** Compile, check with nginx -t and choose the probes, but run no wrk (rounds = 0). */
  scanOnly?: boolean;
  log?: (line: string) => void;
}

export interface Probe {
  label: string;
  method: string;
  uri: string;
  operation: string;
  why: string;
  trace: Trace;
}

export interface RunStats {
  rps: number[];
  medianRps: number;
  /** Median nginx worker CPU per request, user part and user + system, microseconds. */
  userUs: number;
  totalUs: number;
}

export interface Figures {
  spec: string;
  operations: number;
  nginx: string;
  wrk: string;
  rounds: number;
  durationS: number;
  connections: number;
  probes: Array<Probe & RunStats & { ratio: number; cpuRatio: number }>;
  catchAll: RunStats;
  /** The goal's figure: the worst-case route's median over the catch-all's median. */
  ratio: number;
  /**
   * The same from nginx's CPU time per request (catch-all's over the worst route's): what the
   * req/s ratio is when nginx has the CPU to itself; on a shared machine it varies far less.
   */
  cpuRatio: number;
  goal: number;
  notes: string[];
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The generated server block and, per route index, its operation. */
function serverOf(conf: string): Directive {
  const server = parseConf(conf).find((d) => d.name === 'server');
  if (!server) throw new Error('no server block in the generated configuration');
  return server;
}

/**
 * The proxy directives of a route (in its internal location, or inline in its path location),
 * without what routes: internal, set, rewrite, and the method check before them.
 */
function proxyDirectives(conf: string, routeIndex: string): string {
  const lines = conf.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s*set \\$\\w+_route ${routeIndex};$`).test(l));
  if (at < 0) throw new Error(`no location for route ${routeIndex}`);
  const indent = /^\s*/.exec(lines[at]!)![0];
  const end = lines.findIndex((l, i) => i > at && !l.startsWith(indent));
  return lines
    .slice(at, end)
    .filter((l) => !/^\s*(internal|set|rewrite)\b/.test(l))
    .map((l) => `        ${l.slice(indent.length)}`)
    .join('\n');
}

function choose(gateway: Gateway, server: Directive, names: Map<string, string>): Probe[] {
  // A sample that reaches a path without GET (405) is left out: the probes must succeed.
  const results = sampleUris(gateway).flatMap((uri) => {
    const ref = matchRoute(gateway, 'GET', uri);
    if (!('route' in ref)) return [];
    const t = trace(server, 'GET', uri);
    const want = routeName(ref.route);
    if (names.get(t.route ?? '') !== want) throw new Error(`${uri}: nginx would serve ${names.get(t.route ?? '')}, OpenAPI precedence ${want}`);
    return [{ route: ref.route, uri, t }];
  });
  // Ties: the plainest request (fewest literal parameter values), then by text.
  const plain = (uri: string) => (uri.match(/v1/g) ?? []).length;
  const byScans = [...results].sort((a, b) => b.t.regexScans - a.t.regexScans || plain(b.uri) - plain(a.uri) || (a.uri < b.uri ? -1 : 1));
  const worst = byScans[0]!;
  const templated = results.filter((r) => r.route.segments.some((s) => s.kind !== 'literal')).sort((a, b) => a.t.regexScans - b.t.regexScans);
  const mid = templated[templated.length >> 1]!;
  const exact = results.find((r) => r.route.publicPath === '/rate_limit') ?? results.find((r) => r.t.regexScans === 0)!;
  const describe = (r: (typeof results)[number], label: string, why: string): Probe => ({
    label,
    method: 'GET',
    uri: r.uri,
    operation: `${r.route.method} ${r.route.publicPath} (${r.route.id})`,
    why,
    trace: r.t,
  });
  return [
    describe(worst, 'worst', `scans the most location regexes of ${results.length} sampled GET requests (${worst.t.regexScans}; next: ${byScans.slice(1, 4).map((r) => `${r.uri} ${r.t.regexScans}`).join(', ')})`),
    describe(mid, 'mid', `median regex scans among templated GET paths (${mid.t.regexScans})`),
    describe(exact, 'exact', `a concrete path: an exact location, ${exact.t.regexScans} regexes`),
  ];
}

interface Run {
  rps: number;
  /** nginx worker CPU per request (bench/nginx-cpu.ts). */
  userUs: number;
  totalUs: number;
}

async function measure(masterPid: number, url: string, o: { threads: number; connections: number; durationS: number }): Promise<Run> {
  const before = workerTicks(masterPid);
  const { rps, requests } = await wrk(url, o);
  return { rps, ...perRequest(before, workerTicks(masterPid), requests) };
}

function wrk(url: string, o: { threads: number; connections: number; durationS: number }): Promise<{ rps: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`, url], { stdio: ['ignore', 'pipe', 'pipe'] });
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

function fetchText(port: number, uri: string): Promise<{ status: number; body: string }> {
  return fetch(`http://127.0.0.1:${port}${uri}`).then(async (r) => ({ status: r.status, body: await r.text() }));
}

export async function benchNginx(opts: BenchOptions = {}): Promise<Figures> {
  const o = { rounds: opts.rounds ?? 5, durationS: opts.durationS ?? 10, connections: opts.connections ?? 32, threads: opts.threads ?? 1 };
  const log = opts.log ?? (() => {});
  const spec = opts.spec ?? GITHUB;
  const notes: string[] = [];
  const loaded = await loadGateway(spec);
  if (!loaded.gateway) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const gateway = loaded.gateway;
  const operations = gateway.routes.length;
  const secured = gateway.routes.filter((r) => r.security.length > 0).length;
  notes.push(`${secured} of ${operations} operations require credentials in the model (GitHub's description declares no securitySchemes): requests need none.`);
  const [gwPort, allPort, backendPort] = [await freePort(), await freePort(), await freePort()];
  // The backend URLs (api.github.com:443, uploads.github.com:443) are pointed at a loopback stub,
  // as the e2e tests do: nginx resolves upstream hosts at start-up and nothing here may leave the machine.
  for (const b of gateway.backends) {
    for (const t of b.targets) t.url = { ...t.url, scheme: 'http', host: '127.0.0.1', port: backendPort, raw: `http://127.0.0.1:${backendPort}${t.url.path}` };
    delete b.tls;
  }
  notes.push(`backends ${gateway.backends.length} pointed at one loopback stub (plain HTTP) on port ${backendPort}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-bench-nginx-'));
  for (const d of ['tmp', 'logs', 'cache']) mkdirSync(path.join(dir, d), { recursive: true });
  const built = compileGateway(gateway, 'nginx', {
    mode: 'full',
    listen: `127.0.0.1:${gwPort}`,
    pidFile: path.join(dir, 'nginx.pid'),
    tempPath: path.join(dir, 'tmp'),
    cachePath: path.join(dir, 'cache'),
    logPath: path.join(dir, 'logs'),
    user: 'root',
    njsModule: NJS_MODULE,
  });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  for (const f of built.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  const confFile = built.files.find((f) => f.path.startsWith('conf.d/'))!;
  const conf = confFile.contents;
  const server = serverOf(conf);
  const probes = choose(gateway, server, routeNames(conf));
  for (const p of probes) log(`${p.label.padEnd(6)} ${p.method} ${p.uri}\n       ${p.operation}: ${p.why}`);

  // Catch-all and stub: same nginx, same upstream block and proxy settings as the worst route.
  const upstream = /proxy_pass http:\/\/(\w+);/.exec(conf)?.[1];
  const proxy = proxyDirectives(conf, probes[0]!.trace.route!);
  writeFileSync(
    path.join(dir, 'bench.conf'),
    `server {\n    listen 127.0.0.1:${allPort};\n    location / {\n${proxy}\n    }\n}\n\n` +
      `server {\n    listen 127.0.0.1:${backendPort};\n    keepalive_requests 1000000;\n    default_type text/plain;\n` +
      `    location / {\n        return 200 "$request_method $request_uri\\n";\n    }\n}\n`,
  );
  const mainConf = path.join(dir, 'nginx.conf');
  writeFileSync(mainConf, readFileSync(mainConf, 'utf8').replace(/\n}\n$/, `\n    include ${path.join(dir, 'bench.conf')};\n}\n`));
  const check = spawnSync('nginx', ['-t', '-p', dir, '-c', mainConf, '-e', path.join(dir, 'logs', 'error.log')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed:\n${check.stderr}`);
  log(`nginx -t: ok (${conf.split('\n').length} lines, upstream ${upstream})`);
  const nginx = await startNginx(dir, gwPort);
  try {
    for (const p of probes) {
      const [via, direct] = [await fetchText(gwPort, p.uri), await fetchText(allPort, p.uri)];
      const expected = `GET ${p.trace.upstreamUri}\n`;
      if (via.status !== 200 || via.body !== expected) throw new Error(`${p.uri} through gwc: ${via.status} ${via.body} (expected ${expected})`);
      if (direct.status !== 200) throw new Error(`${p.uri} through the catch-all: ${direct.status}`);
    }
    log('every probe reaches the backend through both servers with the upstream path the route defines');
    if (opts.scanOnly) o.rounds = 0;
    const url = (port: number, uri: string) => `http://127.0.0.1:${port}${uri}`;
    const warm = { ...o, durationS: 2 };
    if (o.rounds > 0) {
      for (const p of probes) await wrk(url(gwPort, p.uri), warm);
      await wrk(url(allPort, probes[0]!.uri), warm);
    }
    const master = Number(readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
    const runs = new Map<string, Run[]>([...probes.map((p) => [p.label, []] as [string, Run[]]), ['catch-all', []]]);
    for (let round = 0; round < o.rounds; round++) {
      // Alternate: catch-all, then each probe, so drift from other load on the machine hits all alike.
      const all = await measure(master, url(allPort, probes[0]!.uri), o);
      runs.get('catch-all')!.push(all);
      const line = [`round ${round + 1}: catch-all ${all.rps.toFixed(0)} (${all.userUs.toFixed(2)} us)`];
      for (const p of probes) {
        const v = await measure(master, url(gwPort, p.uri), o);
        runs.get(p.label)!.push(v);
        line.push(`${p.label} ${v.rps.toFixed(0)} (${v.userUs.toFixed(2)} us)`);
      }
      log(line.join(', '));
    }
    const stats = (label: string) => {
      const xs = runs.get(label)!;
      return { rps: xs.map((x) => x.rps), medianRps: median(xs.map((x) => x.rps)), userUs: median(xs.map((x) => x.userUs)), totalUs: median(xs.map((x) => x.totalUs)) };
    };
    const all = stats('catch-all');
    const allMedian = all.medianRps;
    const figures: Figures = {
      spec: path.relative(repo, spec),
      operations,
      nginx: spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim(),
      wrk: spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim(),
      ...o,
      probes: probes.map((p) => {
        const s = stats(p.label);
        return { ...p, ...s, ratio: s.medianRps / allMedian, cpuRatio: all.totalUs / s.totalUs };
      }),
      catchAll: all,
      ratio: stats('worst').medianRps / allMedian,
      cpuRatio: all.totalUs / stats('worst').totalUs,
      goal: 0.9,
      notes,
    };
    return figures;
  } finally {
    await nginx.stop();
    if (opts.keep) log(`kept: ${dir} (gwc :${gwPort}, catch-all :${allPort}, backend :${backendPort})`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function table(f: Figures): string {
  const rows = [
    ['', 'request', 'regexes', 'lookups', 'median req/s', 'min-max', 'ratio', 'user us/req', 'cpu us/req', 'cpu ratio'],
    ['catch-all', 'location / (same upstream)', '0', '1', f.catchAll.medianRps.toFixed(0), `${Math.min(...f.catchAll.rps).toFixed(0)}-${Math.max(...f.catchAll.rps).toFixed(0)}`, '1.00', f.catchAll.userUs.toFixed(2), f.catchAll.totalUs.toFixed(2), '1.00'],
    ...f.probes.map((p) => [p.label, p.uri, String(p.trace.regexScans), String(p.trace.lookups), p.medianRps.toFixed(0), `${Math.min(...p.rps).toFixed(0)}-${Math.max(...p.rps).toFixed(0)}`, p.ratio.toFixed(2), p.userUs.toFixed(2), p.totalUs.toFixed(2), p.cpuRatio.toFixed(2)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const num = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const quick = args.includes('--quick');
  const figures = await benchNginx({
    rounds: num('--rounds', quick ? 3 : 5),
    durationS: num('--duration', quick ? 5 : 10),
    connections: num('--connections', 32),
    keep: args.includes('--keep'),
    scanOnly: args.includes('--scan-only'),
    log: (l) => console.log(l),
  });
  console.log(`\n${figures.nginx}, ${figures.wrk}; wrk -t1 -c${figures.connections} -d${figures.durationS}s, ${figures.rounds} alternating rounds\n`);
  console.log(table(figures));
  console.log(`\nworst route / catch-all: ${figures.ratio.toFixed(2)} req/s, ${figures.cpuRatio.toFixed(2)} by nginx CPU per request (goal ${figures.goal})`);
  for (const n of figures.notes) console.log(`note: ${n}`);
  if (figures.rounds > 0) {
    mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
    writeFileSync(path.join(repo, 'bench/results/nginx-wrk.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log('written: bench/results/nginx-wrk.json');
  }
}
