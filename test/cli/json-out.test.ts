/**
 * emitJson: its chunks, each printed with a line break, are JSON.stringify(value, null, 2) and one.
 * writeJson: its byte chunks are that text as UTF-8 (`printed` checks both on every case). A
 * JsonList prints as the array of its shaped items.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitJson, JsonList, writeJson } from '../../src/cli/json-out.js';

const printed = (value: unknown, depth?: number) => {
  const chunks: string[] = [];
  emitJson(value, (c) => chunks.push(c), depth);
  const text = chunks.map((c) => `${c}\n`).join('');
  // Kept by the writer (a new chunk each time), and copied then given back (the next in the same memory).
  for (const giveBack of [false, true]) {
    const bytes: Buffer[] = [];
    writeJson(value, (b) => (bytes.push(Buffer.from(b)), giveBack), depth);
    expect(Buffer.concat(bytes).toString('utf8')).toBe(text);
    for (const b of bytes) expect(b.length).toBeLessThanOrEqual(1 << 16);
  }
  return { text, chunks };
};

describe('emitJson', () => {
  it.each([
    ['empty object', {}],
    ['empty array', []],
    ['nested empties', { a: {}, b: [], c: [[], {}] }],
    ['undefined, functions and symbols dropped from objects, null in arrays', { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('t'), 1] }],
    ['only undefined keys', { a: undefined }],
    ['line breaks and U+2028 inside strings', { 'a\nb': 'x\ny\u2028z', d: [{ m: 'p\r\nq' }] }],
    ['a Date and a class instance below the root', { when: new Date(0), m: new Map([[1, 2]]), n: [new Date(1)] }],
    ['numbers', { n: [0, -0, 1e21, 1.5, Number.NaN, Number.POSITIVE_INFINITY] }],
    ['null-prototype object', Object.assign(Object.create(null) as object, { a: 1, b: { c: [1, 2] } })],
    ['array holes', { a: [1, , 3] }],
    ['a top-level array', [{ a: 1 }, [2, [3, { b: 4 }]]]],
    ['a string', 'x'],
    ['index-like keys', { '2': 1, '1': { '10': 2, x: 3 } }],
  ])('%s', (_name, value) => {
    for (const depth of [0, 1, 2, 3, 8]) expect(printed(value, depth).text).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('generated values, every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), fc.integer({ min: 0, max: 4 }), (json, any, depth) => {
        expect(printed(json, depth).text).toBe(`${JSON.stringify(json, null, 2)}\n`);
        const text = JSON.stringify(any, null, 2) as string | undefined;
        if (text !== undefined) expect(printed(any, depth).text).toBe(`${text}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it('leaf arrays longer than one batch, at every level and depth', () => {
    const items = Array.from({ length: 600 }, (_, i) => (i % 7 === 0 ? [i, { s: `x\n${i}` }] : i % 5 === 0 ? undefined : { i, when: new Date(i), a: [] }));
    const value = { top: items, deeper: { list: items, nested: [items, [], [items.slice(0, 257)]] } };
    for (const depth of [0, 1, 2, 3, 4, 5]) {
      expect(printed(value, depth).text).toBe(`${JSON.stringify(value, null, 2)}\n`);
      expect(printed(items, depth).text).toBe(`${JSON.stringify(items, null, 2)}\n`);
    }
  });

  it('a large result comes out in several chunks of whole lines', () => {
    const value = { ok: false, diagnostics: Array.from({ length: 5000 }, (_, i) => ({ code: 'c', message: `m${i}\nsecond`, params: { i } })), result: { n: 1 } };
    const { text, chunks } = printed(value);
    expect(chunks.length).toBeGreaterThan(3);
    expect(text).toBe(`${JSON.stringify(value, null, 2)}\n`);
    for (const c of chunks) expect(c.endsWith('\n')).toBe(false);
  });

  it('non-ASCII text across chunk and batch boundaries', () => {
    const value = { ok: true, diagnostics: Array.from({ length: 3000 }, (_, i) => ({ message: `é ${'€'.repeat(i % 40)} 𝄞 ${i}\u2028`, params: { i } })) };
    for (const depth of [1, 2, 3]) expect(printed(value, depth).text).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('a JsonList prints as the array of its shaped items, at every depth, and JSON.stringify reads it alike', () => {
    const items = Array.from({ length: 2500 }, (_, i) => i);
    const shape = (i: number) => (i % 11 === 0 ? undefined : { i, s: `x\n${i}`, a: i % 3 === 0 ? [] : [i, { j: i }] });
    const value = { ok: false, diagnostics: new JsonList(items, shape), result: { n: new JsonList([1, 2], (x) => x * 2) }, none: new JsonList([], shape) };
    const plainValue = { ok: false, diagnostics: items.map(shape), result: { n: [2, 4] }, none: [] };
    expect(JSON.stringify(value, null, 2)).toBe(JSON.stringify(plainValue, null, 2));
    for (const depth of [0, 1, 2, 3, 4]) expect(printed(value, depth).text).toBe(`${JSON.stringify(plainValue, null, 2)}\n`);
  });
});
