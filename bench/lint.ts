/**
 * `gwc lint` on GitHub's REST description (@octokit/openapi, 13 MB, 1,223 operations) with the
 * default ruleset; with --peers, also `spectral lint` (spectral:oas) and `redocly lint` on the same
 * file. Prints wall time and peak RSS (VmHWM, polled from /proc) for each. Not a timed test.
 *   npx tsx bench/lint.ts [--peers] [--spectral] [--redocly]
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const spec = path.join(repo, 'node_modules/@octokit/openapi/generated/api.github.com.json');
const bin = (name: string) => path.join(repo, 'node_modules/.bin', name);

interface Measure {
  name: string;
  seconds: number;
  peakMb: number;
  exit: number | null;
}

/** Peak RSS of the process tree's largest member: tools that fork (npx) keep the work in a child. */
function treePeakKb(pid: number): number {
  let peak = 0;
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      for (const child of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(child));
    } catch {
      /* gone */
    }
  };
  visit(pid);
  return peak;
}

function measure(name: string, cmd: string, args: string[]): Promise<Measure> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'ignore', 'ignore'] });
    let peakKb = 0;
    const poll = setInterval(() => (peakKb = Math.max(peakKb, treePeakKb(child.pid!))), 50);
    child.on('exit', (exit) => {
      clearInterval(poll);
      resolve({ name, seconds: Number(process.hrtime.bigint() - start) / 1e9, peakMb: Math.round(peakKb / 1024), exit });
    });
  });
}

const argv = process.argv.slice(2);
const all = argv.includes('--peers');
const results: Measure[] = [];
results.push(await measure('gwc lint (default ruleset)', process.execPath, [path.join(repo, 'bin/run.js'), 'lint', spec, '--format', 'json']));
if (all || argv.includes('--redocly')) results.push(await measure('redocly lint (recommended)', bin('redocly'), ['lint', spec, '--format', 'summary']));
if (all || argv.includes('--spectral')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-bench-'));
  const ruleset = path.join(dir, '.spectral.yaml');
  writeFileSync(ruleset, 'extends: ["spectral:oas"]\n');
  results.push(await measure('spectral lint (spectral:oas)', bin('spectral'), ['lint', spec, '--ruleset', ruleset, '--format', 'text', '--quiet']));
}
const gwc = results[0]!;
for (const r of results) {
  const ratio = r === gwc ? '' : `  gwc/peer: time ${(gwc.seconds / r.seconds).toFixed(2)}, memory ${(gwc.peakMb / r.peakMb).toFixed(2)}`;
  console.log(`${r.name.padEnd(30)} ${r.seconds.toFixed(1).padStart(6)} s  ${String(r.peakMb).padStart(5)} MB  exit ${r.exit}${ratio}`);
}
