/**
 * The fast YAML reader (src/spec/yaml-fast.ts) against the `yaml` package it stands in for: on
 * every file it accepts, the same data and, for every key and item, the same offset (so the same
 * line:col in every diagnostic); on every file `yaml` finds an error in, it gives up. Checked on
 * the repository's YAML files, on documents yaml writes in its various styles, and on mutants
 * of those (characters inserted and deleted where YAML is most sensitive).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { yamlOffsetOf } from '../../src/spec/source.js';
import { collectRefs } from '../../src/spec/refs.js';
import { readFastYaml } from '../../src/spec/yaml-fast.js';

const repo = path.resolve(import.meta.dirname, '../..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(p)) out.push(p);
  }
  return out;
}

/** Every pointer into the data (as tokens), plus a missing key under each container. */
function pointers(data: unknown, at: string[] = [], out: string[][] = []): string[][] {
  out.push(at);
  if (Array.isArray(data)) {
    data.forEach((v, i) => pointers(v, [...at, String(i)], out));
    out.push([...at, String(data.length)]);
  } else if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) pointers(v, [...at, k], out);
    out.push([...at, 'no such key'], [...at, 'null']);
  } else out.push([...at, '0']);
  return out;
}

type Verdict = 'fast' | 'bailed' | 'yaml-error';

/** Compares the two readers on one text; throws on a disagreement. */
function compare(text: string): Verdict {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false });
  const fast = readFastYaml(text);
  if (doc.errors.length > 0) {
    if (fast) throw new Error(`fast reader accepted a document yaml refuses (${doc.errors[0]!.code}):\n${text}`);
    return 'yaml-error';
  }
  if (!fast) return 'bailed';
  let expected: unknown;
  try {
    expected = doc.toJS({ maxAliasCount: 10_000 });
  } catch {
    throw new Error(`fast reader accepted a document yaml cannot convert:\n${text}`);
  }
  if (!isDeepStrictEqual(fast.data, expected) || JSON.stringify(fast.data) !== JSON.stringify(expected)) {
    throw new Error(`data differs:\n${text}\nfast: ${JSON.stringify(fast.data)}\nyaml: ${JSON.stringify(expected)}`);
  }
  // No `$ref` key seen means no reference for the loader to find (it then skips collectRefs).
  if (!fast.refKeys && collectRefs(fast.data).length > 0) throw new Error(`refKeys false on a document with a $ref:\n${text}`);
  for (const tokens of pointers(expected)) {
    const a = fast.offsetOf(tokens);
    const b = yamlOffsetOf(doc, tokens);
    if (a !== b) throw new Error(`offset of /${tokens.join('/')} differs: fast ${a}, yaml ${b}:\n${text}`);
  }
  return 'fast';
}

const files = [...yamlFiles(path.join(repo, 'fixtures')), ...yamlFiles(path.join(repo, 'test'))];

describe('fast YAML reader', () => {
  it('reads the repository YAML files as yaml does (data and every position), most of them on the fast path', () => {
    const verdicts = files.map((f) => compare(readFileSync(f, 'utf8')));
    const fast = verdicts.filter((v) => v === 'fast').length;
    expect(files.length).toBeGreaterThan(20);
    // Most hand-written specs are plain block YAML; a drop here means the fast path lost coverage.
    expect(fast / files.length).toBeGreaterThan(0.7);
  });

  it('reads the bench synthetic spec on the fast path', async () => {
    const { syntheticSpec } = await import('../../bench/synthetic.js');
    expect(compare(syntheticSpec(50))).toBe('fast');
  });

  const cases: Record<string, string> = {
    comments: '# head\na: 1 # one\n# mid\nb:\n  # inside\n  c: "x" # two\n  d: [1, 2] # three\n',
    'core schema scalars': 'a: [~, null, Null, NULL, true, True, FALSE, 0o17, 017, 0x1F, -12, +3, 1.5, .5, 1., 1e3, -.inf, .NaN, 1_000, 0b1, yes, on, 2020-01-01]\n',
    'keys through String()': '1.0: a\n0x10: b\n~: c\ntrue: d\n"200": e\n',
    'block scalars': 'a: |\n  one\n\n  two\n\n\nb: |-\n  x\nc: |+\n  y\n\nd: >\n  folded\n  text\n\n  para\ne: >-\n  z\nf: >+\n  w\n\n',
    'seq forms': 'a:\n- x\n- y: 1\n  z: 2\n-\n  k: v\nb:\n  - [1, 2]\n  - {c: d}\n  - "q"\n',
    'flow forms': 'a: { url: http://app:80, b: [x, "y, z", \'w\'] }\nb: {}\nc: []\n',
    'keys with colons': 'a:b: c\n"a: b": d\n/x/{id}: e\n',
    'plain with hashes': 'a: b#c\nd: e # f\ng: "#h"\n',
    escapes: 'a: "x\\ny\\t\\u00e9\\"\\\\"\nb: \'it\'\'s\'\nc: "\\x41"\n',
    'multi-line plain': 'a: one\n  two\nb: c\n',
    'multi-line plain, folded': 'a: one two\n  three\n\n  four\n\n\n  five   \n     six\nb:\n  - x y\n    z\n  - k: v\n      w\n    m: n\n',
    'multi-line plain, spaces-only lines': 'a: one\n      \n  two\n \nb: c\n',
    'multi-line plain, blank lines after': 'a: one\n  two\n\n\nb: c\n',
    'multi-line plain, comment after': 'a: one\n  two\n  # note\nb: c\n',
    'multi-line plain, comment between': 'a: one\n  # note\n  two\n',
    'multi-line plain, comment on the first line': 'a: one # note\n  two\n',
    'multi-line plain, indicator continuation': 'a: one\n  - two\nb: x\n  [y]\nc: x\n  "y"\nd: x\n  #y\ne: x\n  y: z\n',
    'multi-line plain, continuation lines starting with indicators': 'a: one\n  [two] {x} `y` "q" \'s\' &a *b !t |p >f %d @e ,c -1 ?q :c\n  -x\n  ?y\n  :z\n  * w\n  & v\n  ! u\nb: c\n',
    'multi-line plain, dash and question continuations': 'a: one\n  - two\n  -\n  ? three\n  -- four\nb:\n  - one\n    - two\n',
    'multi-line plain, colon continuation': 'a: one\n  : two\nb: 1\n',
    'multi-line plain, key-looking continuation': 'a: one\n  two:\nb: one\n  two: three\n',
    'multi-line plain, top level seq item and numbers': 'a:\n- 1\n  2\n- true\n  false\n- ~\n  x\n',
    'multi-line plain at end without newline': 'a: one\n  two',
    'multi-line plain, shallower line': 'a:\n  b: one\n two\n',
    'multi-line quoted': 'a: "one\n  two"\n',
    'multi-line double quoted, escaped break before an empty line': 'a: "four\\\n    five\\\n\n  six"\n',
    'multi-line double quoted, folded': 'a: "one two  \n   three\n\n  four\\\n    five\\\n  six \\x41\\u00e9\\N\\_\\e\\ \n  seven\\t"\nb:\n  - "x\n    y" # c\n  - k: "v\n      w"\n',
    'multi-line double quoted, escaped spaces at the end': 'a: "x\\ \n  y\\  \n  z\\\\ \n  w"\n',
    'multi-line double quoted, escapes at the ends': 'a: "x\\\\\n  y\\\\\\\n  z\\"\n  w"\nb: "\n  lead"\nc: "trail\n  "\n',
    'multi-line single quoted': "a: 'one  \n  it''s\n\n  two'\nb: 'x\n  ''y'''\n",
    'multi-line quoted, shallow line': 'a:\n  b: "one\n two"\n',
    'multi-line quoted, unclosed': 'a: "one\n  two\nb: c\n',
    'multi-line quoted, text after': 'a: "one\n  two" x\nb: "one\n  two": c\n',
    'multi-line quoted key': '"a\n  b": c\n',
    'folded with more-indented lines': 'a: >\n  one\n  two\n    spaced\n    more\n  three\n\n    after empty\n\n  four\nb: >-\n  text\n    spaced\n\n\n    spaced again\n  text\n',
    'folded, spaces past the indent on an empty line': 'c: >\n  x\n   \n  y\n',
    'literal, spaces past the indent on empty lines': 'a: |\n  x\n     \n  y\n\n   \nb: |-\n  z\n    \nc: |+\n  w\n   \n\nd: 1\n',
    'block scalars with an indentation indicator': 'a: |2\n   lead\n  x\nb: |2-\n\n     \n    deep\n  y\nc: >1+\n  spaced\n text\n\nd:\n  - |-2\n      z\n     w\n  - k: >3\n         m\n        n\n',
    'block scalars with a bad indentation indicator': 'a: |0\n  x\nb: |10\n  y\nc: |2\n x\nd: |--\n  z\ne: |22\n  w\n',
    'block scalars, a leading empty line deeper than the text': 'b: |\n   \n  y\n',
    'block scalars, leading empty lines': 'a: |\n\n \n  x\nc: >\n\n  z\nd: >-\n\n\n  text\n    spaced\n  more\n',
    'tabs in block scalar text': 'a: |\n  | col\t | col |\n  |\t\tx |\n  \tlead\nb: >\n  x\ty\n  z\n',
    'tabs elsewhere': 'a:\tb\nc: "d\te"\nf: |\n  \t\ng: >\n  \tx\nh: [1,\t2]\n',
    'a tab line after a block scalar': 'a: |\n  x\n\tb: 1\n',
    'anchors and aliases': 'a: &x { b: 1 }\nc: *x\n',
    'duplicate keys': 'a: 1\na: 2\n',
    'nested mapping on one line': 'a: b: c\n',
    tabs: 'a:\n\tb: 1\n',
    'document markers': '---\na: 1\n...\n',
    'compact nested sequences': 'a:\n- - 1\n  - 2\n',
    'compact nested sequences, deeper': 'a:\n  - - 123\n    - asc\n  - - - x\n      - y: 1\n        z: 2\n    -   - w\n  - -\n      k: v\n',
    'compact nested sequences, bad': 'a:\n  - - 1\n   - 2\n  - - 3\n     - 4\n',
    'bad indentation': 'a:\n    b: 1\n  c: 2\n',
    'key without space': 'a:1\nb: 2\n',
    'explicit keys': '? a\n: 1\n',
    'null items': 'a:\n-\n- 1\n',
    'empty values': 'a:\nb: \nc: # nothing\nd: 1\n',
    'block scalar at end without newline': 'a: |\n  x',
    'unicode and lone quotes': "a: é ü 日本\nb: don't\nc: say \"hi\"\n",
    'deep seq of maps': 'a:\n  - b:\n      - c: 1\n        d:\n          - 2\n    e: 3\n',
    'merge key': 'a: { x: 1 }\nb:\n  <<: { y: 2 }\n',
    'proto key': '__proto__: { polluted: 1 }\n',
    'trailing comma': 'a: [1, 2,]\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`agrees with yaml: ${name}`, () => {
      compare(text);
    });
  }

  // Wrapped scalars are how writers fold long strings (yaml's lineWidth 80): most real YAML specs
  // hold them, so these stay on the fast path (#18), with the data and positions yaml gives.
  const FAST = [
    'multi-line plain',
    'multi-line plain, folded',
    'multi-line plain, continuation lines starting with indicators',
    'multi-line plain, spaces-only lines',
    'multi-line plain, blank lines after',
    'multi-line plain, comment after',
    'multi-line plain, top level seq item and numbers',
    'multi-line plain at end without newline',
    'multi-line quoted',
    'multi-line double quoted, folded',
    'multi-line double quoted, escapes at the ends',
    'multi-line double quoted, escaped spaces at the end',
    'multi-line single quoted',
    'folded with more-indented lines',
    'literal, spaces past the indent on empty lines',
    'tabs in block scalar text',
    'compact nested sequences',
    'block scalars with an indentation indicator',
    'multi-line plain, dash and question continuations',
    'compact nested sequences, deeper',
    'block scalars, leading empty lines',
    'escapes',
  ];
  for (const name of FAST) {
    it(`reads on the fast path: ${name}`, () => {
      expect(compare(cases[name]!)).toBe('fast');
    });
  }

  // refKeys false lets the loader skip its walk for references (#18): it must see every way a
  // `$ref` key is written, and a `$ref` that is only text is no key.
  it.each([
    ['a:\n  $ref: "#/b"\nb: 1\n', true],
    ['a:\n  - x: 1\n    $ref: y\n', true],
    ['a: { $ref: "#/b" }\nb: 1\n', true],
    ['a: [1, { c: { $ref: z } }]\n', true],
    ['a:\n  "$ref": x\n', true],
    ["a:\n  '$ref': x\n", true],
    ['a:\n  "\\x24ref": x\n', true],
    ['a:\n  "\\u0024ref": x\n', true],
    ['a: $ref\nb: "$ref"\nc: [$ref]\nd: |\n  $ref: x\n', false],
    ['$refs: 1\nx$ref: 2\n', false],
  ])('refKeys: %j', (text, refKeys) => {
    const fast = readFastYaml(text);
    expect(fast?.refKeys).toBe(refKeys);
    expect(collectRefs(fast!.data).length > 0).toBe(refKeys);
  });

  it('agrees with yaml on documents yaml writes in every style', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b-c', 'x_y', '/p/{id}', '200', 'null', 'true', '1.5', 'a:b', 'k k', '#h', '- d', 'é'), fc.string({ maxLength: 6 }));
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', ' ', 'a: b', 'x #y', '-', '- a', '|', '>', '[a]', '{', 'http://h:80/p', 'line\nbreak', 'tail\n', '\n\nlead', 'a  \n  b', "it's", 'say "x"', '~', '0o17', '.inf', '1e3', 'é', '\t'),
      fc.integer(),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
      arr: fc.array(tie('node'), { maxLength: 4 }),
      obj: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).node;
    const options = fc.record({
      indent: fc.constantFrom(2, 4),
      indentSeq: fc.boolean(),
      lineWidth: fc.constantFrom(0, 20, 80),
      flowCollectionPadding: fc.boolean(),
      defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
      defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
      collectionStyle: fc.constantFrom('any', 'block', 'flow'),
    });
    let fast = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), options, (data, opts) => {
        const text = stringify(data, opts as never);
        if (compare(text) === 'fast') fast++;
      }),
      { numRuns: 600 },
    );
    expect(fast).toBeGreaterThan(100); // the comparison is not vacuous
  });

  it('gives up on every mutant yaml refuses, and agrees on the rest', () => {
    const seeds = files.map((f) => readFileSync(f, 'utf8')).filter((t) => readFastYaml(t) !== undefined && t.length < 4000);
    expect(seeds.length).toBeGreaterThan(10);
    const counts = { fast: 0, bailed: 0, 'yaml-error': 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '  ', ':', ': ', '-', '- ', '#', ' #', '\n', '"', "'", '|', '>', '[', ']', '{', '}', ',', 'a', '1', '~', '&', '*', '!', '?', '')), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (seed, edits, del) => {
          let text = seed;
          for (const [at, ins] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + ins + text.slice(del ? i + 1 : i);
          }
          counts[compare(text)]++;
        },
      ),
      { numRuns: 1500 },
    );
    expect(counts.fast).toBeGreaterThan(100);
    expect(counts['yaml-error']).toBeGreaterThan(100);
  });
});
