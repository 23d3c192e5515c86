/**
 * CPU time of nginx's worker processes, from /proc (Linux): what a request costs nginx itself,
 * which other load on a shared machine disturbs far less than requests per second do. The user
 * part is nginx's own work (location search, rewrites, proxy setup: what the generated
 * configuration controls); the system part is mostly the network stack, the same for every request.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuTicks {
  user: number;
  system: number;
}

let tick: number | undefined;
/** Seconds per clock tick (`getconf CLK_TCK`, 100 almost everywhere). */
export function tickSeconds(): number {
  tick ??= 1 / (Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100);
  return tick;
}

/** Fields after the command name in /proc/PID/stat (the name may hold spaces and parentheses). */
function statFields(pid: string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** User and system ticks of every child of `masterPid` (nginx's workers), summed. */
export function workerTicks(masterPid: number): CpuTicks {
  const out = { user: 0, system: 0 };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const f = statFields(pid);
    // After the name: state(0) ppid(1) ... utime(11) stime(12), see proc(5).
    if (!f || Number(f[1]) !== masterPid) continue;
    out.user += Number(f[11]);
    out.system += Number(f[12]);
  }
  return out;
}

/** Microseconds of worker CPU per request between two samples. */
export function perRequest(before: CpuTicks, after: CpuTicks, requests: number): { userUs: number; totalUs: number } {
  const us = (ticks: number) => (ticks * tickSeconds() * 1e6) / Math.max(1, requests);
  return { userUs: us(after.user - before.user), totalUs: us(after.user - before.user + after.system - before.system) };
}
