/**
 * npm run bench: wall time and peak memory of gwc against its floor (node start-up, a bare parse)
 * and its peers, on GitHub's REST description and synthetic specs. Prints a table with ratios and
 * writes bench/results/latest.json. Options: --runs N (default 3), --quick (1 run, no 10k spec),
 * --peers (also the slow peers: spectral ~140 s, redocly).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { measure, type Measured } from './measure.js';
import { syntheticSpec } from './synthetic.js';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = quick ? 1 : Number(args[args.indexOf('--runs') + 1] || 3) || 3;
const peers = args.includes('--peers');
const node = process.execPath;
const gwc = [node, path.join(repo, 'bin/run.js')];
const github = path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json');
const cache = path.join(repo, 'bench/.cache');
mkdirSync(cache, { recursive: true });

const results: Measured[] = [];
const run = async (name: string, command: string[]) => {
  const m = await measure(name, command, repo, runs);
  results.push(m);
  const flag = m.exitCode === 0 ? '' : ` (exit ${m.exitCode})`;
  console.log(`${name.padEnd(44)} ${m.medianMs.toFixed(0).padStart(8)} ms [${m.minMs.toFixed(0)}-${m.maxMs.toFixed(0)}]  ${m.medianPeakMb.toFixed(0).padStart(6)} MB${flag}`);
  return m;
};

console.log(`gwc bench: ${runs} run(s) each, median [min-max] wall time, peak RSS\n`);
const floor = await run('floor: node -e 0', [node, '-e', '0']);
const parse = await run('floor: JSON.parse github', [node, '-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(github)},'utf8'))`]);
await run('gwc --version', [...gwc, '--version']);
const synth: Record<number, string> = {};
for (const n of quick ? [100, 1000] : [100, 1000, 10000]) {
  synth[n] = path.join(cache, `synthetic-${n}.yaml`);
  writeFileSync(synth[n]!, syntheticSpec(n));
}
await run('gwc validate tiny (minimal fixture)', [...gwc, 'validate', 'fixtures/minimal/gateway.yaml']);
const validate = await run('gwc validate github', [...gwc, 'validate', github]);
const builds: Record<string, Measured> = {};
for (const target of ['aws', 'kong', 'nginx', 'traefik']) {
  builds[target] = await run(`gwc build github --target ${target}`, [...gwc, 'build', github, '--target', target, '--out', path.join(cache, 'out')]);
}
const kongPeer = await run('peer: openapi-2-kong github', [node, path.join(repo, 'bench/peers/openapi-2-kong.cjs'), github]);
const scale: Record<number, Measured> = {};
for (const n of Object.keys(synth).map(Number)) {
  await run(`gwc validate synthetic ${n}`, [...gwc, 'validate', synth[n]!]);
  scale[n] = await run(`gwc build synthetic ${n} --target all`, [...gwc, 'build', synth[n]!, '--target', 'all', '--out', path.join(cache, 'out')]);
}
if (peers) {
  await run('peer: spectral lint spectral:oas github', [path.join(repo, 'node_modules/.bin/spectral'), 'lint', '-r', path.join(repo, 'bench/peers/spectral-oas.yaml'), github, '--quiet']);
  await run('peer: redocly lint github', [path.join(repo, 'node_modules/.bin/redocly'), 'lint', github, '--format', 'summary']);
}

const ratio = (a: Measured, b: Measured) => (a.medianMs / b.medianMs).toFixed(2);
console.log('\nratios (median wall time)');
console.log(`  gwc validate github / node -e 0: ${ratio(validate, floor)}; / JSON.parse: ${ratio(validate, parse)}`);
console.log(`  gwc build github --target kong / openapi-2-kong: ${ratio(builds.kong!, kongPeer)}`);
if (scale[10000] && scale[1000]) console.log(`  build 10,000 ops / 1,000 ops: ${ratio(scale[10000], scale[1000])} (goal: about 10 or less)`);
mkdirSync(path.join(repo, 'bench/results'), { recursive: true });
writeFileSync(path.join(repo, 'bench/results/latest.json'), `${JSON.stringify({ node: process.version, runs, results }, null, 2)}\n`);
console.log('\nwritten: bench/results/latest.json');
