/**
 * hoist.ts compares route plugins member by member (sameData) instead of writing each out
 * (sameness, #18): wherever sameData answers, its answer is the comparison of the two texts, on
 * generated plugin-like values (shared and rebuilt members, key order, DeckTemplates beside strings
 * of the same text, -0, NaN, undefined and function members, non-plain objects, ids and tags).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeckTemplate, type Entity } from '../../../src/targets/kong/context.js';
import { sameData, sameness } from '../../../src/targets/kong/hoist.js';

const leaf = fc.oneof(
  fc.constantFrom<unknown>('a', 'b', '', '0', 'null', 'true', '\u0000deck-template', 0, -0, 1, 1.5, NaN, Infinity, true, false, null, undefined),
  fc.constantFrom<unknown>(() => 1, Symbol.for('s'), new Date(0), new Map()),
  fc.constantFrom('a', 'b', '${{ env "DECK_X" }}').map((t) => new DeckTemplate(t)),
  fc.constantFrom('a', 'b').map((t) => ({ '\u0000deck-template': t })),
);
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'id', 'tags'), tie('v'), { maxKeys: 3 })),
})).v;
const plugin = fc.dictionary(fc.constantFrom('name', 'config', 'id', 'tags', 'enabled', 'protocols'), value, { maxKeys: 5 }) as fc.Arbitrary<Entity>;

/** `p` again with some members rebuilt, reordered or changed, so that pairs are often equal. */
const variant = (p: Entity) =>
  fc.constantFrom('same', 'rebuilt', 'reordered', 'id').map((how): Entity => {
    if (how === 'same') return p;
    if (how === 'rebuilt') return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (v instanceof DeckTemplate ? undefined : v))) as Entity;
    if (how === 'reordered') return Object.fromEntries(Object.entries(p).reverse()) as Entity;
    return { ...p, id: 'other', tags: ['t'] };
  });

const answer = (a: Entity, b: Entity): boolean | 'throws' => {
  try {
    return sameness(a) === sameness(b);
  } catch {
    return 'throws';
  }
};

describe('kong hoist: sameData agrees with sameness', () => {
  it('answers as the texts compare, wherever it answers', () => {
    fc.assert(
      fc.property(
        plugin.chain((a) => fc.tuple(fc.constant(a), fc.oneof(variant(a), plugin))),
        ([a, b]) => {
          const got = sameData(a, b, true);
          const want = answer(a, b);
          if (got !== undefined && want !== 'throws') expect(got).toBe(want);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('answers for plain plugin data (the common case)', () => {
    const a: Entity = { name: 'pre-function', id: '1', tags: ['x'], config: { access: ['return 1', new DeckTemplate('t')], n: 0 } };
    expect(sameData(a, { ...a, id: '2', config: { access: ['return 1', new DeckTemplate('t')], n: -0 } }, true)).toBe(true);
    expect(sameData(a, { ...a, config: { access: ['return 1', 't'], n: 0 } }, true)).not.toBe(true); // a template beside its text: unsure
    expect(sameData(a, { ...a, config: { n: 0, access: ['return 1', new DeckTemplate('t')] } }, true)).toBe(false);
  });
});
