#!/usr/bin/env node
/**
 * Writes V8's code cache of each precompiled validator (dist/validate/precompiled/<name>.cjs.v8,
 * read by src/validate/code-cache.ts, #18): the validators are compiled and run here over every
 * fixture's spec, and GitHub's description when installed (a devDependency), so the cache holds
 * the functions real specs reach, then `script.createCachedData()` is written after the SHA-256
 * of the source it was made from. Run by `npm run build` after the precompiled schemas and before
 * the bundle, which copies the folder. A cache V8 rejects (another node) costs nothing but itself.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const { recordScripts, recorded, sourceDigest } = await import(path.join(root, 'dist/validate/code-cache.js'));
recordScripts();
const { runPipeline } = await import(path.join(root, 'dist/pipeline.js'));
const fixtures = path.join(root, 'fixtures');
const specs = readdirSync(fixtures)
  .sort()
  .map((d) => path.join(fixtures, d, 'gateway.yaml'))
  .filter((f) => existsSync(f));
const github = path.join(root, 'node_modules/@octokit/openapi/generated/api.github.com.json');
if (existsSync(github)) specs.push(github);
// Warm-up only: a spec gwc cannot read is no reason to fail the build (its tests say so).
for (const spec of specs) await runPipeline(spec).catch(() => undefined);
for (const [file, script] of [...recorded].sort(([a], [b]) => (a < b ? -1 : 1))) {
  writeFileSync(`${file}.v8`, Buffer.concat([sourceDigest(readFileSync(file, 'utf8')), script.createCachedData()]));
}
console.log(`code cache: ${recorded.size} precompiled validators, warmed on ${specs.length} specs`);
