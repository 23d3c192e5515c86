/**
 * npm run fuzz: GWC_FUZZ_SPECS hostile specs (default 10,000) through the four targets, with the
 * counts issue 14 asks for. GWC_FUZZ_SEED (default 14), GWC_FUZZ_REAL (one spec in N meets the
 * real checkers, default 50), GWC_FUZZ_LIVE (one in N runs in a real nginx, default 10), GWC_FUZZ_ONLY=<index> replays one spec. Exit 1 on any finding.
 */
import { runFuzz, type Tally } from './run.js';

const specs = Number(process.env.GWC_FUZZ_SPECS ?? 10_000);
const seed = Number(process.env.GWC_FUZZ_SEED ?? 14);
const realEvery = Number(process.env.GWC_FUZZ_REAL ?? 50);
const liveEvery = Number(process.env.GWC_FUZZ_LIVE ?? 10);
const only = process.env.GWC_FUZZ_ONLY !== undefined ? Number(process.env.GWC_FUZZ_ONLY) : undefined;

const line = (t: Tally) =>
  `specs ${t.specs} (loaded ${t.loaded}, refused at load ${t.refusedAtLoad}) builds ${JSON.stringify(t.builds)} real checks ${JSON.stringify(t.realChecks)} real-nginx credential-less requests ${t.liveRequests} crashes ${t.crashes} checker failures ${t.checkerFailures} escapes ${t.escapes} open routes ${t.openRoutes} (${(t.ms / 1000).toFixed(0)} s)`;

const t = await runFuzz({ specs: only !== undefined ? 1 : specs, seed, realEvery: only !== undefined ? 1 : realEvery, liveEvery: only !== undefined ? 1 : liveEvery, only, onProgress: (p) => console.log(line(p)) });
console.log(`\ngwc fuzz, seed ${seed}\n${line(t)}`);
console.log('refusals per code:');
for (const [k, v] of Object.entries(t.refusals).sort()) console.log(`  ${k}: ${v}`);
const seen = new Map<string, number>();
for (const f of t.findings) {
  const key = `${f.kind} ${f.target} ${f.detail.replace(/\d+/g, 'N').slice(0, 120)}`;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  if (seen.get(key)! <= 2) console.log(`FINDING spec ${f.spec} [${f.kind}/${f.target}] ${f.detail}`);
}
if (t.findings.length > 0) {
  console.log('\nfindings by class:');
  for (const [k, v] of [...seen].sort((a, b) => b[1] - a[1])) console.log(`  ${v} x ${k}`);
}
process.exit(t.crashes + t.checkerFailures + t.escapes + t.openRoutes > 0 ? 1 : 0);
