/**
 * npm run corpus [-- --sample N] [-- --no-validate]: every API of the APIs.guru directory through
 * validate and build for every target, and every output built through the gateway's own checker.
 * Prints counts per stage, target and checker, every crash and the first failures of each
 * checker; exits non-zero on any crash or checker failure (both must be zero).
 */
import path from 'node:path';
import { CORPUS_DIR, corpusFiles, runSpec, sample } from './corpus-lib.js';
import { TARGET_NAMES } from '../src/targets/index.js';

const args = process.argv.slice(2);
const n = args.includes('--sample') ? Number(args[args.indexOf('--sample') + 1]) : Infinity;
const validate = !args.includes('--no-validate');
const files = sample(corpusFiles(), n);
const counts = { accepted: 0, refused: 0, crashed: 0 };
const perTarget = Object.fromEntries(TARGET_NAMES.map((t) => [t, { built: 0, refused: 0, crashed: 0 }]));
const checks = new Map<string, { pass: number; fail: number; skipped: number; failures: string[] }>();
const reasons = new Map<string, number>();
const targetReasons = new Map<string, number>();
const crashes: string[] = [];
const rel = (f: string) => path.relative(CORPUS_DIR, f);
const start = Date.now();
for (const [i, f] of files.entries()) {
  const o = await runSpec(f, { validate });
  counts[o.status]++;
  if (o.status === 'crashed') crashes.push(`${rel(f)}: ${o.detail}`);
  if (o.status === 'refused') {
    const code = o.detail?.split(' ')[0] ?? '?';
    reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  for (const [t, r] of Object.entries(o.targets)) {
    perTarget[t]![r.status]++;
    if (r.status === 'crashed') crashes.push(`${rel(f)} [${t}]: ${r.detail}`);
    if (r.status === 'refused') {
      const key = `${t} ${r.detail?.split(' ')[0] ?? '?'}`;
      targetReasons.set(key, (targetReasons.get(key) ?? 0) + 1);
    }
    for (const c of r.checks) {
      const key = `${t}: ${c.validator}`;
      const k = checks.get(key) ?? { pass: 0, fail: 0, skipped: 0, failures: [] };
      k[c.status]++;
      if (c.status === 'fail') {
        k.failures.push(`${rel(f)}: ${c.detail ?? ''}`);
        console.error(`FAIL ${key} ${rel(f)}: ${(c.detail ?? '').split('\n').slice(0, 3).join(' | ').slice(0, 400)}`);
      }
      checks.set(key, k);
    }
  }
  if ((i + 1) % 100 === 0) console.error(`${i + 1}/${files.length}… ${((Date.now() - start) / 1000).toFixed(0)} s`);
}
const failures = [...checks.values()].reduce((a, c) => a + c.fail, 0);
const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, k]) => `${c} ${k}`).join(', ');
console.log(`corpus: ${files.length} specs in ${((Date.now() - start) / 1000).toFixed(0)} s`);
console.log(`  accepted ${counts.accepted}, refused with a diagnostic ${counts.refused}, crashed ${counts.crashed}`);
console.log(`  refusals by code: ${byCount(reasons)}`);
for (const [t, c] of Object.entries(perTarget)) console.log(`  ${t}: built ${c.built}, refused ${c.refused}, crashed ${c.crashed}`);
console.log(`  target refusals by code: ${byCount(targetReasons)}`);
if (!validate) console.log('  external checkers not run (--no-validate)');
for (const [name, c] of [...checks].sort()) {
  console.log(`  ${name}: pass ${c.pass}, fail ${c.fail}${c.skipped ? `, skipped ${c.skipped} (tool missing)` : ''}`);
  for (const m of c.failures.slice(0, 5)) console.log(`    FAIL ${m.split('\n').slice(0, 4).join(' | ').slice(0, 600)}`);
}
for (const c of crashes.slice(0, 20)) console.log(`CRASH ${c.split('\n').slice(0, 3).join(' | ')}`);
process.exitCode = crashes.length > 0 || failures > 0 ? 1 : 0;
