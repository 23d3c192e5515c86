/** extend: the object `{ ...base, ...more }` makes (same own keys, order, values, prototype), a `__proto__` key included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extend } from '../../src/lint/rule.js';

const same = (a: object, b: object) => {
  expect(Reflect.ownKeys(a)).toEqual(Reflect.ownKeys(b));
  for (const k of Reflect.ownKeys(b)) expect(Object.getOwnPropertyDescriptor(a, k)).toEqual(Object.getOwnPropertyDescriptor(b, k));
  expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
};

describe('extend', () => {
  it.each([
    ['more keys after', { route: 'r', code: 'c' }, { messageId: 'm' }],
    ['a key of both keeps its first place, takes the later value', { messageId: 'a', x: 1 }, { messageId: 'b' }],
    ['index-like keys', { b: 1, 2: 'two', 1: 'one' }, { 0: 'zero', a: 2 }],
    ['a __proto__ key of its own stays a key', JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object, { m: 1 }],
    ['in more too', { a: 1 }, JSON.parse('{"__proto__": 5}') as object],
    ['empty', {}, {}],
  ])('%s', (_name, base, more) => same(extend(base, more), { ...base, ...more }));

  it('generated params', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())), fc.dictionary(fc.string(), fc.string()), (base, more) => same(extend(base, more), { ...base, ...more })),
      { numRuns: 300 },
    );
  });
});
