import { describe, expect, it } from 'vitest';
import { unique } from '../../src/cli/render.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

/** unique as it was before #18's change: one JSON text per diagnostic as its key. */
function reference(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, string | Set<string>>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.loc?.file, d.loc?.pointer, d.target]);
    const had = seen.get(key);
    if (had === undefined) seen.set(key, d.message);
    else if (had === d.message || (typeof had !== 'string' && had.has(d.message))) return false;
    else if (typeof had === 'string') seen.set(key, new Set([had, d.message]));
    else had.add(d.message);
    return true;
  });
}

describe('unique', () => {
  it('keeps exactly the diagnostics the JSON key kept, on 30,000 generated ones', () => {
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const codes = ['a', 'b', 'null', '', 7 as unknown as string];
    const files = [undefined, 'f', 'g', 'null', ''];
    const pointers = [undefined, '', '/a', '/b', '/null', 'null'];
    const targets = [undefined, 'kong', 'aws', 'null', '', null as unknown as string];
    const messages = ['m1', 'm2', 'm3'];
    const list: Diagnostic[] = Array.from({ length: 30000 }, () => {
      const file = pick(files);
      const pointer = pick(pointers);
      const target = pick(targets);
      const d: Diagnostic = { code: pick(codes), severity: 'warn', message: pick(messages), params: {} };
      if (file !== undefined || pointer !== undefined) (d as { loc?: unknown }).loc = { file, pointer };
      if (target !== undefined) d.target = target;
      return d;
    });
    const got = unique(list);
    expect(got.length).toBeLessThan(list.length);
    const want = reference(list);
    expect(got.length).toBe(want.length);
    expect(got.every((d, i) => d === want[i])).toBe(true);
  });
});
