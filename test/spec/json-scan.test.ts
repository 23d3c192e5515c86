/**
 * hasNoDuplicateKeys (src/spec/json-scan.ts) decides whether the JSON duplicate-key scan runs at
 * all (#18): it must say "none" exactly when findDuplicateKeys finds none, or a duplicate key in
 * a JSON spec would go unreported. Checked on a table of the texts that could fool a count
 * (quotes and colons inside strings, escapes, keys equal only once unescaped) and on generated
 * documents with keys repeated at random places, in two layouts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateKeys, hasNoDuplicateKeys } from '../../src/spec/json-scan.js';
import { collectRefsAndKeys } from '../../src/spec/refs.js';

const agrees = (text: string) => {
  const { keys } = collectRefsAndKeys(JSON.parse(text));
  expect(hasNoDuplicateKeys(text, keys), text).toBe(findDuplicateKeys(text).length === 0);
  return hasNoDuplicateKeys(text, keys);
};

describe('hasNoDuplicateKeys', () => {
  it.each([
    ['{}', true],
    ['[]', true],
    ['"a:"', true],
    ['1', true],
    ['{"a": 1, "b": 2}', true],
    ['{"a": 1, "a": 2}', false],
    ['{"a": {"b": 1, "b": 1}}', false],
    ['[{"a": 1}, {"a": 1}]', true],
    ['[{"a": 1, "a": 1}]', false],
    ['{"a": "x\\": 1", "b": "\\\\"}', true],
    ['{"a\\"": 1, "a": 2}', true],
    ['{"a\\\\": 1, "a\\\\": 2}', false],
    ['{"\\u0061": 1, "a": 2}', false],
    ['{"a" : "b" , "c" :"d"}', true],
    ['{"a"\n:\t1,\r\n"a"  :  2}', false],
    ['{"__proto__": 1, "b": 2}', true],
    ['{"__proto__": 1, "__proto__": 2}', false],
    ['{"k": "\\":", "v": ["\\"", ":", "a\\\\", {"x": ":"}]}', true],
  ])('%s', (text, none) => {
    expect(agrees(text)).toBe(none);
  });

  it('agrees with findDuplicateKeys on generated documents with repeated keys', () => {
    const key = fc.constantFrom('a', 'b', 'a"', 'a\\', ':', '"', '', 'x:y', '\u0061');
    const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.constantFrom('":', '\\"', '\\', '": "'));
    // A node is [isObject, value]; an object is written from its [key, node] pairs by hand, so a key may repeat.
    const tagged = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf.map((l) => [false, l] as const), tie('arr'), tie('obj')),
      arr: fc.array(tie('node'), { maxLength: 4 }).map((xs) => [false, xs] as const),
      obj: fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map((xs) => [true, xs] as const),
    })).node;
    const text = (n: readonly [boolean, unknown], indent: string | undefined, depth = 0): string => {
      const [isObj, v] = n;
      if (!Array.isArray(v)) return JSON.stringify(v);
      const nl = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
      const end = v.length && indent !== undefined ? `\n${indent.repeat(depth)}` : '';
      if (isObj) return `{${(v as Array<[string, readonly [boolean, unknown]]>).map(([k, x]) => `${nl}${JSON.stringify(k)}: ${text(x, indent, depth + 1)}`).join(',')}${end}}`;
      return `[${(v as Array<readonly [boolean, unknown]>).map((x) => nl + text(x, indent, depth + 1)).join(',')}${end}]`;
    };
    let duplicates = 0;
    fc.assert(
      fc.property(tagged, (n) => {
        for (const indent of [undefined, '  ']) if (!agrees(text(n as readonly [boolean, unknown], indent))) duplicates++;
      }),
      { numRuns: 1500 },
    );
    expect(duplicates).toBeGreaterThan(50); // the generator does repeat keys
  });
});
