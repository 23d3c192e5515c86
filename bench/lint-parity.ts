/**
 * Lint output parity between two built copies (#18): `gwc lint SPEC --format json`, and with each
 * `--target`, over the fixtures, the test specs, a sample of the APIs.guru corpus test/corpus.test.ts
 * reads (--corpus N, default 60) and, with --big, the synthetic 10,000-operation spec and GitHub's
 * description; stdout, stderr and the exit code of each run are written to one file per run, so
 * two runs compare byte for byte. Every run's cwd is this repository (paths print relative to it).
 * A lint speed-up must leave every byte alone: run it on the copy before and after, then --compare.
 *
 *   npx tsx bench/lint-parity.ts --dir /tmp/gwc-a --out /tmp/parity-a [--big] [--corpus 60]
 *   npx tsx bench/lint-parity.ts --compare /tmp/parity-a /tmp/parity-b
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { corpusFiles, sample } from './corpus-lib.js';
import { writeAtomic } from './measure.js';
import { syntheticSpec } from './synthetic.js';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

if (args.includes('--compare')) {
  const [a, b] = [args[args.indexOf('--compare') + 1]!, args[args.indexOf('--compare') + 2]!];
  const names = [...new Set([...readdirSync(a), ...readdirSync(b)])].sort();
  const differ = names.filter((n) => !existsSync(path.join(a, n)) || !existsSync(path.join(b, n)) || !readFileSync(path.join(a, n)).equals(readFileSync(path.join(b, n))));
  for (const n of differ) console.log(`differs: ${n}`);
  console.log(`${names.length} runs compared, ${differ.length} differ`);
  process.exit(differ.length > 0 ? 1 : 0);
}

const dir = path.resolve(value('--dir') ?? repo);
const out = path.resolve(value('--out') ?? path.join(repo, 'bench/.cache/lint-parity'));
const specs: string[] = [];
const walk = (d: string, take: (p: string) => boolean) => {
  for (const f of readdirSync(d).sort()) {
    const p = path.join(d, f);
    if (statSync(p).isDirectory()) walk(p, take);
    else if (take(p)) specs.push(p);
  }
};
walk(path.join(repo, 'fixtures'), (p) => /\.(ya?ml|json)$/.test(p) && !/\/(expected|deployed)\//.test(p) && !p.endsWith('.gwc.yaml'));
walk(path.join(repo, 'test'), (p) => /\/specs\/[^/]+\.ya?ml$/.test(p) || /\/test\/cli\/(init|locale)\/[^/]+\.yaml$/.test(p));
specs.push(...sample(corpusFiles(), Number(value('--corpus') ?? 60)));
if (args.includes('--big')) {
  const synthetic = path.join(repo, 'bench/.cache/synthetic-10000.yaml');
  mkdirSync(path.dirname(synthetic), { recursive: true });
  writeAtomic(synthetic, syntheticSpec(10000));
  specs.push(synthetic, path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json'));
}
mkdirSync(out, { recursive: true });
const jobs = specs.flatMap((s) => ['', 'aws', 'kong', 'nginx', 'traefik'].map((t) => ({ s, t })));
let next = 0;
const one = () =>
  new Promise<boolean>((done) => {
    const job = jobs[next++];
    if (!job) return done(false);
    const cmd = [path.join(dir, 'bin/run.js'), 'lint', job.s, '--format', 'json', ...(job.t ? ['--target', job.t] : [])];
    const p = spawn(process.execPath, cmd, { cwd: repo });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => stdout.push(c));
    p.stderr.on('data', (c: Buffer) => stderr.push(c));
    p.on('close', (code) => {
      const name = `${path.relative(repo, job.s).replace(/[/\\]/g, '_')}${job.t ? `.${job.t}` : ''}.out`;
      writeFileSync(path.join(out, name), Buffer.concat([Buffer.from(`exit ${code}\n`), ...stdout, Buffer.from('\n--stderr--\n'), ...stderr]));
      done(true);
    });
  });
// Two at a time: the machine is shared (notes/TEAM.md).
await Promise.all([0, 1].map(async () => {
  while (await one());
}));
console.log(`${jobs.length} runs of ${specs.length} specs written to ${out}`);
