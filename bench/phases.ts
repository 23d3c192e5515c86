/**
 * Where a build's CPU goes, phase by phase (#18): load (read, parse, duplicate keys, $refs),
 * OpenAPI validation, x-gateway validation, the model, each target's compile (emit included) and
 * line:col at the edge, each as process CPU time (user + system), which a loaded machine disturbs
 * far less than wall time. Reads a built copy's dist/ (default: this repository's, after
 * `npm run build`), so two commits can be compared as bench/ab.ts does; node start-up and oclif
 * are not in it (ab.ts measures the whole command).
 *
 *   npx tsx bench/phases.ts [--dir /tmp/gwc-a] [--spec file] [--targets kong,nginx] [--runs 3]
 *
 * Each run is a fresh process (the first, cold run of each phase is what a build pays); the
 * median of --runs is printed per phase.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeAtomic } from './measure.js';

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const repo = path.resolve(import.meta.dirname, '..');
const dir = path.resolve(value('--dir') ?? repo);
const targets = value('--targets') ?? 'kong';
const runs = Number(value('--runs') ?? 3) || 3;
const cache = path.join(repo, 'bench/.cache');
mkdirSync(cache, { recursive: true });

/** GitHub's description marked public, as the build rows of run.ts and ab.ts read it. */
function githubPublic(): string {
  const file = path.join(cache, 'github-public.json');
  const doc = JSON.parse(readFileSync(path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Record<string, unknown>;
  doc['x-gateway'] = { defaults: { public: true } };
  writeAtomic(file, JSON.stringify(doc, null, 2));
  return file;
}
const spec = path.resolve(value('--spec') ?? githubPublic());

// One run, in a child process: prints a JSON object of phase -> CPU ms.
const child = `
const dist = ${JSON.stringify(`${dir}/dist/`)};
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = {}; let last = cpu();
const mark = (k) => { const n = cpu(); t[k] = (t[k] ?? 0) + n - last; last = n; };
const { loadSpec } = await import(dist + 'spec/loader.js');
const { validateOpenApi } = await import(dist + 'validate/openapi.js');
const { validateExtensions } = await import(dist + 'validate/extensions.js');
const { modelOf } = await import(dist + 'pipeline.js');
const { compileWith } = await import(dist + 'targets/compile.js');
const { loadTarget } = await import(dist + 'targets/names.js');
const { locateAll } = await import(dist + 'spec/positions.js');
const targets = await Promise.all(${JSON.stringify(targets.split(','))}.map(loadTarget));
mark('imports');
const { spec, diagnostics } = await loadSpec(${JSON.stringify(spec)}); mark('load');
if (!spec) throw new Error('the spec did not load');
const all = [...diagnostics, ...(await validateOpenApi(spec))]; mark('validate openapi');
all.push(...validateExtensions(spec)); mark('validate x-gateway');
const model = modelOf(spec); mark('model');
all.push(...model.diagnostics);
for (const target of targets) { all.push(...compileWith(target, model.gateway, {}, spec).diagnostics); mark('compile ' + target.name); }
locateAll(spec, all); mark('locate');
t.total = Object.values(t).reduce((a, b) => a + b, 0);
t['rss MB'] = process.memoryUsage().rss / 1048576;
console.log(JSON.stringify(t));
`;

const samples: Array<Record<string, number>> = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  samples.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${dir}\n${path.basename(spec)}, targets ${targets}, median of ${runs} runs (CPU ms)`);
for (const phase of Object.keys(samples[0]!)) {
  console.log(`  ${phase.padEnd(20)} ${median(samples.map((s) => s[phase]!)).toFixed(0).padStart(6)}`);
}
