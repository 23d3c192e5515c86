/**
 * Main-thread CPU beside whole-process CPU, for A/B runs on a loaded machine (#18): a preload
 * that appends, at exit, one JSON line { tag, main, total, wall } to $THREADCPU_OUT, where `main` is
 * the main thread's user + system CPU (Linux /proc/self/task/<pid>/stat, 10 ms ticks) and `total`
 * the process's (GC helper threads, JIT compiler threads, libuv's pool and any worker thread). The
 * main thread's CPU is a run's critical path when it never waits; what the other threads do runs
 * beside it on a second core only while one is free. Linux only; worker threads log nothing.
 *
 *   THREADCPU_OUT=/tmp/tc.jsonl THREADCPU_TAG=a node -r ./bench/thread-cpu.cjs /tmp/a/bin/run.js build spec.json --target kong
 *
 * PERF21 measured with it (build GitHub --target kong, load ~20): main 1085 ms, total 1905 ms, so
 * ~0.8 s of every build already runs on other threads; OpenAPI validation moved to a worker thread
 * left the main thread's CPU where it was (1105 ms) and added ~0.7 s in total.
 */
'use strict';
const { readFileSync, appendFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const started = Date.now();
/** User + system CPU in ms of a /proc stat file (fields 14 and 15, counted after the command name). */
function cpu(file) {
  const text = readFileSync(file, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
if (isMainThread && process.env.THREADCPU_OUT) {
  process.on('exit', () => {
    const line = { tag: process.env.THREADCPU_TAG ?? '', main: cpu(`/proc/self/task/${process.pid}/stat`), total: cpu('/proc/self/stat'), wall: Date.now() - started };
    appendFileSync(process.env.THREADCPU_OUT, `${JSON.stringify(line)}\n`);
  });
}
