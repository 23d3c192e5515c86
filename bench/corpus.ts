/**
 * npm run corpus [-- --sample N]: every API of the APIs.guru directory through validate and
 * build for every target; prints counts per stage and target, and every crash (must be none).
 */
import { corpusFiles, runSpec, sample } from './corpus-lib.js';
import { TARGET_NAMES } from '../src/targets/index.js';

const args = process.argv.slice(2);
const n = args.includes('--sample') ? Number(args[args.indexOf('--sample') + 1]) : Infinity;
const files = sample(corpusFiles(), n);
const counts = { accepted: 0, refused: 0, crashed: 0 };
const perTarget = Object.fromEntries(TARGET_NAMES.map((t) => [t, { built: 0, refused: 0, crashed: 0 }]));
const reasons = new Map<string, number>();
const crashes: string[] = [];
const start = Date.now();
for (const [i, f] of files.entries()) {
  const o = await runSpec(f);
  counts[o.status]++;
  if (o.status === 'crashed') crashes.push(`${f}: ${o.detail}`);
  if (o.status === 'refused') {
    const code = o.detail?.split(' ')[0] ?? '?';
    reasons.set(code, (reasons.get(code) ?? 0) + 1);
  }
  for (const [t, r] of Object.entries(o.targets)) {
    perTarget[t]![r.status]++;
    if (r.status === 'crashed') crashes.push(`${f} [${t}]: ${r.detail}`);
  }
  if ((i + 1) % 200 === 0) console.error(`${i + 1}/${files.length}…`);
}
console.log(`corpus: ${files.length} specs in ${((Date.now() - start) / 1000).toFixed(0)} s`);
console.log(`  accepted ${counts.accepted}, refused with a diagnostic ${counts.refused}, crashed ${counts.crashed}`);
console.log(`  refusals by code: ${[...reasons].sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c} ${k}`).join(', ')}`);
for (const [t, c] of Object.entries(perTarget)) console.log(`  ${t}: built ${c.built}, refused ${c.refused}, crashed ${c.crashed}`);
for (const c of crashes.slice(0, 20)) console.log(`CRASH ${c.split('\n').slice(0, 3).join(' | ')}`);
process.exitCode = crashes.length > 0 ? 1 : 0;
