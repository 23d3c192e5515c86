/**
 * `require` of a generated CommonJS module (the precompiled validators, a few hundred KB of ajv
 * code each) with V8's code cache (#18): Node 20 has no compile cache (module.enableCompileCache
 * is Node 22.1+), so each run compiled the validators' source again, and every validator function
 * lazily as the spec reached it (~20 ms of validating GitHub's description).
 * scripts/code-cache.mjs writes `<file>.v8` at build time, after validating the fixtures (and
 * GitHub's description when installed) so the functions they reach are in it
 * (https://nodejs.org/api/vm.html#scriptcreatecacheddata).
 *
 * Safe by construction: the cache is used only when it was made from these exact bytes (its first
 * 32 bytes are the SHA-256 of the source; V8's own check compares lengths only), and V8 rejects a
 * cache from another V8 version or flags and compiles the source instead. Without a cache the
 * module is compiled as `require` compiles it; the exports are the same either way.
 *
 * bin/entry.js loads the bundled CLI (dist/bundle/gwc.cjs) the same way. A script compiled by vm
 * runs `import()` only through a callback Node 20 calls experimental (a warning on stderr) and
 * loses when V8 accepts the cache, so the bundle calls `IMPORT` instead (scripts/bundle.mjs
 * renames its few `import(` calls): the `dynamicImport` its loader passes in.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** The SHA-256 of the module's source (its text, or the file's bytes: the same digest), which starts its cache file. */
export function sourceDigest(source: string | Buffer): Buffer {
  return createHash('sha256').update(source).digest();
}

/** Scripts compiled in this process when recording (scripts/code-cache.mjs writes their caches). */
export const recorded = new Map<string, Script>();
let recording = false;
export function recordScripts(): void {
  recording = true;
}

/** The name a module loaded with `dynamicImport` calls for `import()`: as long as `import`. */
export const IMPORT = '__gwcI';

/** The module's exports, as `require(file)` gives them; throws when the file cannot be read. */
export function requireWithCodeCache(file: string, dynamicImport?: (specifier: string) => Promise<unknown>): unknown {
  // The bytes are hashed as read (#18): hashing the text encoded it to UTF-8 again first, ~25 ms
  // of every run for the 2.7 MB bundle. Valid UTF-8 (what a cache is ever made from) decodes and
  // encodes back to the same bytes, so the digest is the text's.
  const bytes = readFileSync(file);
  const source = bytes.toString('utf8');
  let cachedData: Buffer | undefined;
  try {
    const cache = readFileSync(`${file}.v8`);
    if (cache.subarray(0, 32).equals(sourceDigest(bytes))) cachedData = cache.subarray(32);
  } catch {
    // No cache (a plain tsc build, tests from src/): compiled from source.
  }
  const wrapped = dynamicImport ? `(function (exports, require, module, __filename, __dirname, ${IMPORT}) {${source}\n});` : Module.wrap(source);
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (recording) recorded.set(file, script);
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), dynamicImport);
  return module.exports;
}
