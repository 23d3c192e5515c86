#!/usr/bin/env node
/**
 * Writes V8's code cache of the bundled CLI (dist/bundle/gwc.cjs.v8, read by bin/entry.js through
 * src/validate/code-cache.ts, #18): Node 20 compiles every function of gwc the first time a run
 * calls it; here the bundle runs validate, lint and build on fixtures (and GitHub's description
 * when installed, a devDependency) so the functions real runs reach are in the cache, then
 * `script.createCachedData()` is written after the SHA-256 of the script. Run last by
 * `npm run build` (the CLI needs oclif.manifest.json). A cache V8 rejects costs only itself.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const file = path.join(root, 'dist/bundle/gwc.cjs');
const { recordScripts, recorded, sourceDigest } = await import(path.join(root, 'dist/validate/code-cache.js'));
recordScripts();
rmSync(`${file}.v8`, { force: true });
const { execute } = await import(path.join(root, 'bin/entry.js'));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gwc-cache-'));
const specs = ['minimal', 'shop', 'real', 'kong-input'].map((d) => path.join(root, 'fixtures', d, 'gateway.yaml'));
const github = path.join(root, 'node_modules/@octokit/openapi/generated/api.github.com.json');
if (existsSync(github)) {
  // Public, as bench/run.ts builds it: otherwise every route is refused before any target compiles.
  const doc = JSON.parse(readFileSync(github, 'utf8'));
  doc['x-gateway'] = { defaults: { public: true } };
  specs.push(path.join(tmp, 'github.json'));
  writeFileSync(specs.at(-1), JSON.stringify(doc));
}
const runs = specs.flatMap((s) => [['validate', s], ['lint', s, '--format', 'json'], ['lint', s], ['build', s, '--target', 'all', '--out', tmp, '--force']]);
// Warm-up only: what a command prints (or refuses) is no concern here, its tests say so.
const { write } = process.stdout;
const errWrite = process.stderr.write;
for (const args of runs) {
  process.stdout.write = process.stderr.write = () => true;
  await execute({ args, dir: path.join(root, 'bin/entry.js') }).catch(() => undefined);
  [process.stdout.write, process.stderr.write] = [write, errWrite];
}
process.exitCode = 0;
rmSync(tmp, { recursive: true, force: true });
const script = recorded.get(file);
if (!script) throw new Error(`${file} was not loaded: no code cache written`);
writeFileSync(`${file}.v8`, Buffer.concat([sourceDigest(readFileSync(file, 'utf8')), script.createCachedData()]));
console.log(`code cache: dist/bundle/gwc.cjs, warmed on ${runs.length} runs`);
