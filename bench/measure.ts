/**
 * Runs a command several times and reports wall time and peak memory (median, min, max).
 * Peak memory is the maximum resident set size from GNU time when present, else sampled from /proc.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface Sample {
  ms: number;
  peakKb: number;
  /**
   * User + system CPU time of the process and its children (GNU time %U + %S), when known: on a
   * machine shared by many processes wall time mostly measures the others, CPU time much less so.
   */
  cpuMs?: number;
  code: number | null;
}

export interface Measured {
  name: string;
  command: string[];
  runs: Sample[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  medianPeakMb: number;
  exitCode: number | null;
}

const GNU_TIME = '/usr/bin/time';

export function runOnce(command: string[], cwd: string): Promise<Sample> {
  if (existsSync(GNU_TIME)) {
    const start = process.hrtime.bigint();
    const r = spawnSync(GNU_TIME, ['-f', 'GWC_PEAK_KB=%M GWC_CPU_S=%U+%S', ...command], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const m = /GWC_PEAK_KB=(\d+)/.exec(r.stderr ?? '');
    const cpu = /GWC_CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
    const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined;
    return Promise.resolve({ ms, peakKb: m ? Number(m[1]) : 0, code: r.status, ...(cpuMs !== undefined ? { cpuMs } : {}) });
  }
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(command[0]!, command.slice(1), { cwd, stdio: 'ignore' });
    let peakKb = 0;
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, peakKb, code });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function measure(name: string, command: string[], cwd: string, runs: number): Promise<Measured> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(command, cwd));
  const ms = samples.map((s) => s.ms);
  return {
    name,
    command,
    runs: samples,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    medianPeakMb: median(samples.map((s) => s.peakKb)) / 1024,
    exitCode: samples[0]?.code ?? null,
  };
}

/**
 * Writes a bench input through a temporary file and a rename, so a bench started at the same
 * time in another shell (ab.ts, phases.ts and run.ts all write bench/.cache/github-public.json
 * and the synthetic specs) reads the old or the new file, never a half-written one.
 */
export function writeAtomic(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
