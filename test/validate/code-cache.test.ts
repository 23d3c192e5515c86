/**
 * src/validate/code-cache.ts (#18): a generated module loads with the same exports with V8's code
 * cache, without it, with a cache made from other bytes (ignored: V8 itself compares lengths only)
 * and with a corrupt cache (rejected by V8), so a stale or foreign .v8 file never changes a result.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';
import Module from 'node:module';
import { describe, expect, it } from 'vitest';
import { requireWithCodeCache, sourceDigest } from '../../src/validate/code-cache.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gwc-code-cache-'));
const moduleText = (answer: number) =>
  `"use strict";module.exports = function validate(x) { return x === ${answer}; };module.exports.default = module.exports;module.exports.dir = __dirname;module.exports.equal = typeof require('node:util').isDeepStrictEqual;`;
/** A .v8 file as scripts/code-cache.mjs writes it: the source's digest, then V8's cache of `cacheOf`. */
function writeCache(file: string, digestOf: string, cacheOf: string) {
  const script = new Script(Module.wrap(cacheOf), { filename: file });
  script.runInThisContext();
  writeFileSync(`${file}.v8`, Buffer.concat([sourceDigest(digestOf), script.createCachedData()]));
}
type Mod = ((x: unknown) => boolean) & { default: unknown; dir: string; equal: string };

describe('requireWithCodeCache', () => {
  it('gives the exports require gives, with and without a cache', () => {
    const file = path.join(dir, 'a.cjs');
    writeFileSync(file, moduleText(1));
    const plain = requireWithCodeCache(file) as Mod;
    writeCache(file, moduleText(1), moduleText(1));
    const cached = requireWithCodeCache(file) as Mod;
    for (const m of [plain, cached]) {
      expect([m(1), m(2), m.default === m, m.dir, m.equal]).toEqual([true, false, true, dir, 'function']);
    }
  });

  it('ignores a cache made from other bytes of the same length (the source was edited)', () => {
    const file = path.join(dir, 'b.cjs');
    writeFileSync(file, moduleText(2));
    writeCache(file, moduleText(3), moduleText(3));
    expect(readFileSync(file, 'utf8').length).toBe(moduleText(3).length);
    const m = requireWithCodeCache(file) as Mod;
    expect([m(2), m(3)]).toEqual([true, false]);
  });

  it('survives a corrupt cache with the right digest (V8 rejects it and compiles the source)', () => {
    const file = path.join(dir, 'c.cjs');
    writeFileSync(file, moduleText(4));
    writeFileSync(`${file}.v8`, Buffer.concat([sourceDigest(moduleText(4)), Buffer.alloc(512, 7)]));
    const m = requireWithCodeCache(file) as Mod;
    expect([m(4), m(5)]).toEqual([true, false]);
  });

  it('throws when the module is missing, as require does (precompiled() then compiles the schema)', () => {
    expect(() => requireWithCodeCache(path.join(dir, 'missing.cjs'))).toThrow();
  });
});
