/**
 * #18: collectRefsAndKeys walks with a token path instead of a pointer per object. Its answer
 * must stay the stack walk's it replaced, order included (the loader reports refs, and the
 * first cycle, in that order): held equal to that walk, written out here, on a table and on
 * seeded random documents (escaped keys, arrays, `$ref` beside other keys, deep nesting), and
 * each ref's `tail` is its pointer's last three tokens.
 */
import { describe, expect, it } from 'vitest';
import { splitPointer } from '../../src/spec/pointer.js';
import { collectRefsAndKeys } from '../../src/spec/refs.js';

/** The walk before #18's change: pre-order from a stack, a pointer per object, reversed at the end. */
function stackWalk(root: unknown) {
  const out: Array<{ ref: string; pointer: string; alone: boolean }> = [];
  let count = 0;
  let proto = false;
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${pointer}/${i}`]);
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      const keys = Object.keys(obj);
      count += keys.length;
      if (keys.includes('__proto__')) proto = true;
      if (typeof obj.$ref === 'string') out.push({ ref: obj.$ref, pointer, alone: keys.length === 1 });
      for (const key of keys) {
        const v = obj[key];
        if (v !== null && typeof v === 'object') stack.push([v, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
    }
  }
  return { refs: out.reverse(), keys: count, protoKey: proto };
}

function check(doc: unknown) {
  const got = collectRefsAndKeys(doc);
  expect({ refs: got.refs.map(({ tail: _tail, ...r }) => r), keys: got.keys, protoKey: got.protoKey }).toEqual(stackWalk(doc));
  for (const r of got.refs) expect(r.tail).toEqual(splitPointer(r.pointer).slice(-3));
}

describe('collectRefsAndKeys (#18)', () => {
  it('keeps the stack walk order and gives each ref its last tokens', () => {
    check({ $ref: '#/root' });
    check({ a: [{ $ref: '#/1' }, { $ref: '#/2', x: 1 }, [{ $ref: '#/3' }]], 'b/c': { 'd~e': { $ref: '#/4' } }, z: { $ref: 5 } });
    check([[{ $ref: 'a' }], { k: { $ref: 'b' } }, null, 'x']);
    for (const v of [null, 1, 'x', [], {}]) check(v);
  });

  it('holds on seeded random documents', () => {
    let seed = 18;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const keys = ['$ref', 'a', 'b/c', 'd~e', '0', '__proto__', 'x'];
    const gen = (depth: number): unknown => {
      const r = rnd(10);
      if (depth > 5 || r < 2) return rnd(2) ? `r${rnd(5)}` : null;
      if (r < 5) return Array.from({ length: rnd(4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(4); i > 0; i--) {
        const k = keys[rnd(keys.length)]!;
        Object.defineProperty(o, k, { value: k === '$ref' && rnd(5) < 4 ? `#/x${i}` : gen(depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return o;
    };
    for (let i = 0; i < 3000; i++) check(gen(0));
  });

  it('walks nesting deeper than the call stack', () => {
    let deep: unknown = { $ref: '#/' };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const { refs } = collectRefsAndKeys(deep);
    expect(refs).toHaveLength(1);
    expect(refs[0]!.tail).toEqual(['0', '0', '0']);
  });
});
