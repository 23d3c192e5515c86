/**
 * Lint output parity between two built copies (#18): `gwc lint SPEC --format json`, and with each
 * `--target`, over the fixtures, the test specs, a sample of the APIs.guru corpus test/corpus.test.ts
 * reads (--corpus N, default 60) and, with --big, the synthetic 10,000-operation spec and GitHub's
 * description; stdout, stderr and the exit code of each run are written to one file per run, so
 * two runs compare byte for byte. Every run's cwd is this repository (paths print relative to it).
 * A lint speed-up must leave every byte alone: run it on the copy before and after, then --compare.
 *
 *   npx tsx bench/lint-parity.ts --dir /tmp/gwc-a --out /tmp/parity-a [--big] [--corpus 60] [--in-process]
 *   npx tsx bench/lint-parity.ts --compare /tmp/parity-a /tmp/parity-b [--subset]
 *
 * --in-process runs every job in this process through the copy's own oclif entry (bin/entry.js,
 * as bin/run.js does), its writes to stdout and stderr captured and process.exitCode read as the
 * exit code: no process start and no module loading per run (on this shared machine a spawned run
 * of a small spec is mostly start-up). A job that exits through process.exit (oclif's error
 * handling: a usage error) is run again as a process, so every file has the same form either way.
 * What one process would print once (a Node warning) could differ: confirm a difference it finds
 * without --in-process before chasing it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { corpusFiles, sample } from './corpus-lib.js';
import { writeAtomic } from './measure.js';
import { syntheticSpec } from './synthetic.js';

const repo = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

if (args.includes('--compare')) {
  const [a, b] = [args[args.indexOf('--compare') + 1]!, args[args.indexOf('--compare') + 2]!];
  // --subset: only the runs B has (a small --corpus sample against a full baseline A).
  const names = args.includes('--subset') ? readdirSync(b).sort() : [...new Set([...readdirSync(a), ...readdirSync(b)])].sort();
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
type Job = (typeof jobs)[number];
const argvOf = (job: Job) => ['lint', job.s, '--format', 'json', ...(job.t ? ['--target', job.t] : [])];
const save = (job: Job, code: number | null, stdout: Buffer[], stderr: Buffer[]) => {
  const name = `${path.relative(repo, job.s).replace(/[/\\]/g, '_')}${job.t ? `.${job.t}` : ''}.out`;
  writeFileSync(path.join(out, name), Buffer.concat([Buffer.from(`exit ${code}\n`), ...stdout, Buffer.from('\n--stderr--\n'), ...stderr]));
};
const spawned = (job: Job) =>
  new Promise<void>((done) => {
    const p = spawn(process.execPath, [path.join(dir, 'bin/run.js'), ...argvOf(job)], { cwd: repo });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => stdout.push(c));
    p.stderr.on('data', (c: Buffer) => stderr.push(c));
    p.on('close', (code) => {
      save(job, code, stdout, stderr);
      done();
    });
  });

if (args.includes('--in-process')) {
  await inProcess();
} else {
  let next = 0;
  // Two at a time: the machine is shared (notes/TEAM.md).
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = jobs[next++]; job; job = jobs[next++]) await spawned(job);
    }),
  );
}
console.log(`${jobs.length} runs of ${specs.length} specs written to ${out}`);

/** Each job through the copy's oclif entry in this process (see the header); process.exit ones again as processes. */
async function inProcess(): Promise<void> {
  process.chdir(repo);
  // As bin/run.js runs one of gwc's own commands: oclif's engine check skipped, no plugins read.
  process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
  const { execute } = (await import(pathToFileURL(path.join(dir, 'bin/entry.js')).href)) as { execute: (o: object) => Promise<unknown> };
  delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
  const pjson = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { oclif: object };
  const loadOptions = { root: dir, pjson: { ...pjson, oclif: { ...pjson.oclif, plugins: [] } } };
  const writes = { out: process.stdout.write, err: process.stderr.write, exit: process.exit };
  const again: Job[] = [];
  for (const job of jobs) {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const capture = (into: Buffer[]) =>
      ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
        into.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk));
        const done = typeof encoding === 'function' ? encoding : cb;
        if (typeof done === 'function') process.nextTick(done as () => void);
        return true;
      }) as typeof process.stdout.write;
    let exited = false;
    const drains = process.stdout.listeners('drain');
    process.stdout.write = capture(stdout);
    process.stderr.write = capture(stderr);
    process.exit = ((): never => {
      exited = true;
      throw new Error('process.exit in an in-process lint run');
    }) as typeof process.exit;
    process.exitCode = undefined;
    try {
      await execute({ args: argvOf(job), loadOptions });
    } catch {
      exited = true;
    } finally {
      // oclif's flush waits for a 'drain' the captured write never needs: its listener is dropped.
      for (const l of process.stdout.listeners('drain')) if (!drains.includes(l)) process.stdout.removeListener('drain', l as () => void);
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
      process.exit = writes.exit;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    if (exited) again.push(job);
    else save(job, code, stdout, stderr);
  }
  for (const job of again) await spawned(job);
  if (again.length > 0) console.log(`${again.length} runs exited through process.exit: run as processes`);
}
