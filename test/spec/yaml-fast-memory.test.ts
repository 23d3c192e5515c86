/**
 * The fast YAML reader builds its maps and sequences with smaller V8 backing stores
 * (src/spec/yaml-fast-memory.ts, #18): maps with status-code keys ('200', '404') in dictionary
 * elements, sequences of exactly their length. That must be invisible: these hold the data to
 * what JSON.parse and yaml give for the same document, on everything a consumer can observe
 * (own keys and their order, for-in, descriptors, prototype, JSON text) and after the same
 * mutations.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFastYaml } from '../../src/spec/yaml-fast.js';
import { isSparseIndex, StringPool } from '../../src/spec/yaml-fast-memory.js';

/** Everything about an object a consumer can see, in order, recursively. */
function observe(v: unknown): unknown {
  if (Array.isArray(v)) return { array: v.length, items: v.map(observe) };
  if (v === null || typeof v !== 'object') return v;
  const forIn: string[] = [];
  for (const k in v) forIn.push(k);
  return {
    proto: Object.getPrototypeOf(v) === Object.prototype,
    extensible: Object.isExtensible(v),
    own: Reflect.ownKeys(v),
    forIn,
    entries: Object.entries(Object.getOwnPropertyDescriptors(v)).map(([k, d]) => [k, { ...d, value: observe(d.value) }]),
  };
}

const docs: Record<string, string> = {
  'status codes, block': 'responses:\n  "404":\n    description: missing\n  default:\n    description: other\n  "200":\n    description: ok\n  201: created\n',
  'status codes, flow': 'responses: { "404": a, default: b, "200": c, 201: d }\n',
  'small and large indexes mixed': 'm:\n  x: 1\n  "10": a\n  "0": b\n  "999999999": c\n  "1000000000": d\n  "4294967294": e\n  "4294967295": f\n  "100": g\n  "01": h\n  "-1": i\n  1e3: j\n  "1.5": k\n',
  'index only after names': 'm:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  "500": x\n',
  // Wide maps: V8 makes a map of more than 16 assigned keys a dictionary-mode object; sparse elements across that.
  'wide map': `m:\n${Array.from({ length: 40 }, (_, i) => `  k${(i * 7) % 40}: ${i}\n`).join('')}`,
  'very wide map': `m:\n${Array.from({ length: 140 }, (_, i) => `  key-${i}: v${i}\n`).join('')}`,
  'wide map, index keys before and after the 17th': `m:\n${Array.from({ length: 30 }, (_, i) => `  ${i === 3 ? '"7"' : i === 10 ? '"404"' : i === 20 ? '"200"' : i === 25 ? '"3"' : `n${i}`}: ${i}\n`).join('')}`,
  'wide map, first index key after the 17th': `m:\n${Array.from({ length: 30 }, (_, i) => `  ${i === 18 ? '"500"' : i === 22 ? '"201"' : `n${i}`}: ${i}\n`).join('')}`,
  'exactly 16 and 17 keys': `a:\n${Array.from({ length: 16 }, (_, i) => `  a${i}: ${i}\n`).join('')}b:\n${Array.from({ length: 17 }, (_, i) => `  b${i}: ${i}\n`).join('')}`,
  'sequences': 'a:\n  - 1\nb:\n  - x\n  - y: 1\n  - [1, 2]\nc: []\nd: [1]\ne:\n  - - 1\n    - 2\n',
};

describe('fast YAML reader: smaller backing stores, the same data', () => {
  for (const [name, text] of Object.entries(docs)) {
    it(`is what JSON.parse and yaml give: ${name}`, () => {
      const fast = readFastYaml(text);
      expect(fast).toBeDefined();
      const fromYaml = parse(text) as unknown;
      const fromJson = JSON.parse(JSON.stringify(fromYaml)) as unknown;
      expect(observe(fast!.data)).toEqual(observe(fromJson));
      expect(observe(fast!.data)).toEqual(observe(fromYaml));
      expect(JSON.stringify(fast!.data)).toBe(JSON.stringify(fromJson));
      expect(isDeepStrictEqual(fast!.data, fromJson)).toBe(true);
    });
  }

  it.each(['status codes, block', 'wide map, index keys before and after the 17th', 'very wide map'])('behaves as a plain object under the same mutations: %s', (name) => {
    const text = docs[name]!.replace(/^m:/, 'responses:');
    const a = (readFastYaml(text)!.data as { responses: Record<string, unknown> }).responses;
    const b = (JSON.parse(JSON.stringify(parse(text))) as { responses: Record<string, unknown> }).responses;
    for (const o of [a, b]) {
      o['300'] = 'added';
      delete o['200'];
      o['5'] = 'small';
      o.x = 'name';
      o['4294967294'] = 'far';
      delete o['4294967294'];
      Object.defineProperty(o, '700', { value: 'hidden', enumerable: false, configurable: true, writable: true });
    }
    expect(observe(a)).toEqual(observe(b));
    if (name === 'status codes, block') expect(Object.keys(a)).toEqual(['5', '201', '300', '404', 'default', 'x']);
  });

  it('sequences are exactly what they hold', () => {
    const data = readFastYaml(docs.sequences!)!.data as Record<string, unknown[]>;
    expect(data.b!.length).toBe(3);
    data.b!.push('z');
    expect(data.b).toEqual(['x', { y: 1 }, [1, 2], 'z']);
    expect(data.c).toEqual([]);
  });

  it('shares short values without changing them (values that share a pool slot included)', () => {
    // 'abxa' and 'abya' have one length, first, middle and last character: one slot of the pool.
    const values = ['string', 'abxa', 'abya', 'a', '', 'x'.repeat(10), 'y'.repeat(11), 'é', '日本', 'null', 'true', '"q"', "'s'"];
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`k${i}: ${JSON.stringify(values[(i * 7) % values.length])}`);
    for (let i = 0; i < 3000; i++) lines.push(`p${i}: ${values[(i * 5) % values.length]!.replace(/^$/, '""')}`);
    const text = `${lines.join('\n')}\n`;
    const fast = readFastYaml(text);
    expect(fast).toBeDefined();
    const fromYaml = parse(text) as unknown;
    expect(JSON.stringify(fast!.data)).toBe(JSON.stringify(fromYaml));
    expect(isDeepStrictEqual(fast!.data, fromYaml)).toBe(true);
  });

  it('StringPool answers the string it is given, by value', () => {
    const pool = new StringPool();
    for (const s of ['abxa', 'abya', 'abxa', '', 'long string here', 'abya']) expect(pool.share(s.slice(0))).toBe(s);
  });

  it.each([
    ['100', true],
    ['200', true],
    ['999999999', true],
    ['99', false],
    ['0', false],
    ['0100', false],
    ['1000000000', false],
    ['1e3', false],
    ['20a', false],
    ['-200', false],
    ['', false],
  ])('isSparseIndex(%j) is %j', (key, expected) => {
    expect(isSparseIndex(key)).toBe(expected);
  });
});
