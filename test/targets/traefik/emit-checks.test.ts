/**
 * configChecks (the unsafe-string and empty-container checks Traefik's compile runs on its
 * configuration before writing it, in one walk) joins a pointer only where it finds something
 * (#18): the same pointers, in the same order, as the two recursive walks it replaced (kept here
 * as the oracle), on generated data with
 * control characters, lone surrogates, `~` and `/` in keys, and empty maps and lists at any depth.
 */
import { describe, expect, it } from 'vitest';
import { configChecks, mayFind } from '../../../src/targets/traefik/emit.js';
import { UNSAFE_TEXT } from '../../../src/targets/traefik/rule.js';
import { rng } from '../../fuzz/hostile.js';

function unsafeBefore(data: unknown, at = ''): string[] {
  if (typeof data === 'string') return UNSAFE_TEXT.test(data) ? [at || '/'] : [];
  if (Array.isArray(data)) return data.flatMap((x, i) => unsafeBefore(x, `${at}/${i}`));
  if (data && typeof data === 'object') {
    return Object.entries(data).flatMap(([k, v]) => [
      ...(UNSAFE_TEXT.test(k) ? [`${at}/${k}`] : []),
      ...unsafeBefore(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
    ]);
  }
  return [];
}

function emptyBefore(data: unknown, at = ''): string[] {
  if (Array.isArray(data)) return data.length === 0 ? [at] : data.flatMap((x, i) => emptyBefore(x, `${at}/${i}`));
  if (data && typeof data === 'object') {
    const entries = Object.entries(data);
    return entries.length === 0 ? [at] : entries.flatMap(([k, v]) => emptyBefore(v, `${at}/${k}`));
  }
  return [];
}

const TEXT = ['a', 'b/c', 'x~y', '~1', '', ' ', '\u0000', '\n', '\u007f', '\u2028', '\ufeff', '\ud800', '\udc00', '\ud83d\ude00', 'é'];

function generate(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const roll = r();
  if (depth > 4 || roll < 0.35) return pick([...TEXT, 1, true, null]);
  if (roll < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => generate(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) o[pick(TEXT) + pick(TEXT)] = generate(r, depth + 1);
  return o;
}

describe('traefik configuration checks', () => {
  it('find the same pointers as before, in the same order, on 2,000 generated values', () => {
    const r = rng(18);
    let unsafe = 0;
    let empty = 0;
    for (let i = 0; i < 2000; i++) {
      const data = generate(r, 0);
      expect(configChecks(data)).toEqual({ unsafe: unsafeBefore(data), empty: emptyBefore(data) });
      unsafe += unsafeBefore(data).length;
      empty += emptyBefore(data).length;
    }
    // The table exercised both checks, not only their empty answers.
    expect(unsafe).toBeGreaterThan(500);
    expect(empty).toBeGreaterThan(500);
  });

  it('mayFind (the lean compile’s check of each router and middleware, #18) says whether configChecks finds anything, on 2,000 generated values', () => {
    const r = rng(1818);
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const data = generate(r, 0);
      const { unsafe, empty } = configChecks(data);
      expect(mayFind(data)).toBe(unsafe.length + empty.length > 0);
      if (unsafe.length + empty.length > 0) found++;
    }
    // Both answers were exercised.
    expect(found).toBeGreaterThan(200);
    expect(found).toBeLessThan(1800);
  });

  it.each([
    ['a bad string at the root', '\u0000', ['/'], []],
    ['an empty map at the root', {}, [], ['']],
    ['a bad key and a bad value under it', { 'a/\u0001': { b: ['ok', 'x\u2028'] } }, ['/a/\u0001', '/a~1\u0001/b/1'], []],
    ['empty containers under a key with a slash (not escaped, as before)', { 'a/b': { c: [], d: {} } }, [], ['/a/b/c', '/a/b/d']],
  ])('%s', (_name, data, unsafe, empty) => {
    expect(configChecks(data)).toEqual({ unsafe, empty });
  });
});
