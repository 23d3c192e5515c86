/**
 * Before and after on a shared, noisy machine: issue #18's rows for two built copies of gwc (A and
 * B, each a folder with bin/ and dist/, e.g. `git archive` of two commits after `npm run build`)
 * and the peers, interleaved run by run (A, B, peer, A, B, peer, ...) so that all three see the
 * same load; median of --runs. Prints each row and the ratios B/A and B/peer.
 *
 *   npx tsx bench/ab.ts --a /tmp/before --b /tmp/after [--runs 3] [--rows version,lint-github,...]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { runOnce, writeAtomic, type Sample } from './measure.js';
import { githubYaml } from './github-yaml.js';
import { syntheticSpec } from './synthetic.js';

const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const A = path.resolve(value('--a') ?? '.');
const B = path.resolve(value('--b') ?? '.');
const runs = Number(value('--runs') ?? 3) || 3;
const only = value('--rows')?.split(',');
const repo = path.resolve(import.meta.dirname, '..');
const node = process.execPath;
const cache = path.join(repo, 'bench/.cache');
mkdirSync(cache, { recursive: true });
const github = path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json');
const githubPublic = path.join(cache, 'github-public.json');
{
  const doc = JSON.parse(readFileSync(github, 'utf8')) as Record<string, unknown>;
  doc['x-gateway'] = { defaults: { public: true } };
  writeAtomic(githubPublic, JSON.stringify(doc, null, 2));
}
const synth = (n: number) => {
  const f = path.join(cache, `synthetic-${n}.yaml`);
  writeAtomic(f, syntheticSpec(n));
  return f;
};
const s1k = synth(1000);
const s10k = synth(10000);
const out = path.join(cache, 'ab-out');
const o2k = (f: string) => [node, path.join(repo, 'bench/peers/openapi-2-kong.cjs'), f];
const redocly = (f: string) => [path.join(repo, 'node_modules/.bin/redocly'), 'lint', f, '--format', 'summary'];

interface Row {
  id: string;
  gwc: string[];
  peer?: { name: string; command: string[] };
}
const rows: Row[] = [
  { id: 'version', gwc: ['--version'], peer: { name: 'node -e 0', command: [node, '-e', '0'] } },
  // Start-up of a real command (#18): oclif, the bundle and the command's chunk, on tiny inputs.
  { id: 'validate-tiny', gwc: ['validate', path.join(repo, 'fixtures/minimal/gateway.yaml')], peer: { name: 'node -e 0', command: [node, '-e', '0'] } },
  { id: 'lint-shop', gwc: ['lint', path.join(repo, 'fixtures/shop/gateway.yaml')] },
  { id: 'validate-github', gwc: ['validate', github] },
  // The same spec as YAML; its "peer" is B reading the JSON (YAML as fast as JSON, #18).
  { id: 'validate-github-yaml', gwc: ['validate', githubYaml(github, path.join(cache, 'github.yaml'))], peer: { name: 'B: validate github JSON', command: [node, path.join(B, 'bin/run.js'), 'validate', github] } },
  { id: 'lint-github', gwc: ['lint', github, '--format', 'json'], peer: { name: 'redocly lint', command: redocly(github) } },
  { id: 'build-github-kong', gwc: ['build', githubPublic, '--target', 'kong', '--out', out], peer: { name: 'openapi-2-kong', command: o2k(github) } },
  { id: 'build-github-all', gwc: ['build', githubPublic, '--target', 'all', '--out', out], peer: { name: 'openapi-2-kong (one target)', command: o2k(github) } },
  { id: 'validate-1k', gwc: ['validate', s1k] },
  { id: 'validate-10k', gwc: ['validate', s10k] },
  { id: 'lint-1k', gwc: ['lint', s1k, '--format', 'json'] },
  { id: 'lint-10k', gwc: ['lint', s10k, '--format', 'json'], peer: { name: 'redocly lint', command: redocly(s10k) } },
  { id: 'build-1k-kong', gwc: ['build', s1k, '--target', 'kong', '--out', out], peer: { name: 'openapi-2-kong', command: o2k(s1k) } },
  { id: 'build-10k-kong', gwc: ['build', s10k, '--target', 'kong', '--out', out], peer: { name: 'openapi-2-kong', command: o2k(s10k) } },
  ...(['aws', 'nginx', 'traefik'] as const).flatMap((t) => [
    { id: `build-1k-${t}`, gwc: ['build', s1k, '--target', t, '--out', out] },
    { id: `build-10k-${t}`, gwc: ['build', s10k, '--target', t, '--out', out] },
  ]),
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (s: Sample[]) => `${(median(s.map((x) => x.ms)) / 1000).toFixed(2).padStart(7)} s ${(median(s.map((x) => x.peakKb)) / 1024).toFixed(0).padStart(5)} MB`;
/** Median CPU time (user + system), which a loaded machine disturbs far less than wall time. */
const cpu = (s: Sample[]) => (s.every((x) => x.cpuMs !== undefined) && s.length ? median(s.map((x) => x.cpuMs!)) : NaN);
const results: Record<string, { a: Sample[]; b: Sample[]; peer: Sample[] }> = {};
console.log(`A = ${A}\nB = ${B}\n${runs} interleaved runs per row, median wall time and peak RSS\n`);
console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`${'row'.padEnd(20)} ${'A'.padStart(16)} ${'B'.padStart(16)} ${'peer'.padStart(16)}   B/A time  B/peer time  B/peer mem   CPU s A / B / peer   B/A cpu  B/peer cpu`);
for (const row of rows) {
  if (only && !only.includes(row.id)) continue;
  const r = (results[row.id] = { a: [] as Sample[], b: [] as Sample[], peer: [] as Sample[] });
  for (let i = 0; i < runs; i++) {
    r.a.push(await runOnce([node, path.join(A, 'bin/run.js'), ...row.gwc], A));
    r.b.push(await runOnce([node, path.join(B, 'bin/run.js'), ...row.gwc], B));
    if (row.peer) r.peer.push(await runOnce(row.peer.command, repo));
  }
  const t = (s: Sample[]) => median(s.map((x) => x.ms));
  const m = (s: Sample[]) => median(s.map((x) => x.peakKb));
  const peer = row.peer ? `${fmt(r.peer)}   ` : ''.padStart(19);
  const vsPeer = row.peer ? `${(t(r.b) / t(r.peer)).toFixed(2).padStart(11)} ${(m(r.b) / m(r.peer)).toFixed(2).padStart(11)}  (${row.peer.name})` : '';
  const c = (s: Sample[]) => (Number.isNaN(cpu(s)) ? '   -' : (cpu(s) / 1000).toFixed(2));
  const cpus = `   ${c(r.a)} / ${c(r.b)} / ${row.peer ? c(r.peer) : '-'}   ${(cpu(r.b) / cpu(r.a)).toFixed(2).padStart(6)}   ${row.peer ? (cpu(r.b) / cpu(r.peer)).toFixed(2).padStart(6) : ''}`;
  console.log(`${row.id.padEnd(20)} ${fmt(r.a)} ${fmt(r.b)} ${peer}${(t(r.b) / t(r.a)).toFixed(2).padStart(6)}${vsPeer}${cpus}`);
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const scale = (x: string, y: string, k: 'a' | 'b') => {
  const a = results[x]?.[k];
  const b = results[y]?.[k];
  return a?.length && b?.length ? (median(a.map((s) => s.ms)) / median(b.map((s) => s.ms))).toFixed(2) : '-';
};
console.log('\nscale 10,000 / 1,000 operations (A, B)');
for (const w of ['validate', 'lint', 'build-*-kong', 'build-*-aws', 'build-*-nginx', 'build-*-traefik']) {
  const big = w.includes('*') ? w.replace('*', '10k') : `${w}-10k`;
  const small = w.includes('*') ? w.replace('*', '1k') : `${w}-1k`;
  console.log(`  ${w.padEnd(18)} ${scale(big, small, 'a').padStart(6)} ${scale(big, small, 'b').padStart(6)}`);
}
writeFileSync(path.join(cache, 'ab-latest.json'), `${JSON.stringify({ A, B, runs, date: new Date().toISOString(), results }, null, 2)}\n`);
