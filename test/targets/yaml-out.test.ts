/**
 * The emitters' fast YAML writer (src/targets/yaml-out.ts) against the `yaml` package with the
 * options Kong's and Traefik's emitters pass it: byte-identical wherever it writes, and it gives
 * up (undefined) rather than guess. The goldens check the real outputs on every fixture.
 */
import { existsSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, parse, Scalar, stringify } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { fastYamlStats, fastYamlStringify, setFastYaml, yamlStringify } from '../../src/targets/yaml-out.js';
import { FIXTURES, fixtureCases } from '../helpers/golden.js';

/**
 * What Kong's emitter wrote before its strings went through yaml-scalar.ts (yaml's own string
 * writer): the same bytes wherever no string holds a character yaml wrote raw or the line of one
 * space yaml escaped twice (`yamlDeviates`).
 */
const kong = (data: unknown) => new Document(data, { sortMapEntries: true, aliasDuplicateObjects: false }).toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
/** What Traefik's emitter wrote so (src/targets/traefik/emit.ts), before its own line-break escapes. */
const traefik = (data: unknown) =>
  stringify(data, { lineWidth: 0, minContentWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', aliasDuplicateObjects: false });
// eslint-disable-next-line no-control-regex
const DEVIATES = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\n \n/;
/** A string of `v` (value or key) where yaml-scalar.ts writes other bytes than yaml did. */
const yamlDeviates = (v: unknown): boolean => {
  if (typeof v === 'string') return DEVIATES.test(v);
  if (v instanceof Scalar) return yamlDeviates(v.value);
  if (Array.isArray(v)) return v.some(yamlDeviates);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => yamlDeviates(k) || yamlDeviates(x));
  return false;
};

const plain = (s: string) => Object.assign(new Scalar(s), { type: Scalar.PLAIN });

/** `v` as a reader gets it back: undefined values of maps left out, a PLAIN Scalar as its text. */
const asRead = (v: unknown): unknown => {
  if (v instanceof Scalar) return v.value;
  if (Array.isArray(v)) return v.map(asRead);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, asRead(x)]));
  return v;
};

const key = fc.oneof(
  fc.constantFrom('name', 'x-kong-name', '_format_version', 'paths', 'a.b', '/p/{id}', 'X-Api-Key', '200', 'true', 'null', '1.5', '0x1', '~', '-a', '- a', 'a:b', 'a: b', 'k k', '#h', '.x', '%d', '...', '', 'é', 'a#b', '<<', '$ref', 'A=B'),
  fc.string({ maxLength: 8 }),
);
const str = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', 'a \nb', `${'x'.repeat(40)}\n \n}`, '\n \n \n \n'.repeat(10), '\u007f\u0080\u009f\ufeff\ufffe\uffff', 'x'.repeat(39) + '\n', 'line one\nline two is longer than forty characters', 'tail \n', '\u0000\u0007\u000b\u001b\u0085\u00a0\u2028\u2029', '\ud800', '"q"', 'back\\slash', '${{ env "X" }}', '{{ "{" }}'),
);
const scalar = fc.oneof(
  str,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 1.5e-7, Number.MAX_SAFE_INTEGER, NaN, Infinity),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom('${{ env "DECK_KEY" }}', '${{ env "DECK_A_B_1" }}', 'a: b', '- x', 'true', '#c', 'x #c', '').map(plain),
);
const data = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
  arr: fc.array(tie('node'), { maxLength: 4 }),
  obj: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).node;

describe('fast YAML writer', () => {
  for (const [name, reference, sortKeys] of [
    ['kong', kong, true],
    ['traefik', traefik, false],
  ] as const) {
    it(`writes what yaml writes with ${name}'s options, or gives up`, () => {
      let written = 0;
      fc.assert(
        fc.property(fc.oneof(fc.dictionary(key, data, { maxKeys: 6 }), fc.array(data, { maxLength: 4 })), (value) => {
          const fast = fastYamlStringify(value, { sortKeys });
          // Where the fast writer gives up, the emitters' fallback writes yaml's text with the same strings.
          const slow = yamlStringify(value, { sortKeys });
          if (!yamlDeviates(value)) expect(slow).toBe(reference(value));
          if (fast === undefined) return;
          written++;
          expect(fast).toBe(slow);
          // What any YAML reader reads back is the data (undefined values left out, as yaml does).
          expect(parse(fast)).toEqual(asRead(value));
        }),
        { numRuns: 3000 },
      );
      expect(written).toBeGreaterThan(500); // not vacuous
    });
  }

  it('writes gateway-shaped documents without giving up', () => {
    const doc = {
      _format_version: '3.0',
      services: [
        { name: 'svc', url: 'http://app:8080/v1', retries: 5, enabled: true, tags: [], routes: [{ name: 'r', paths: ['~/a/(?<id>[^/]+)$'], methods: ['GET'], plugins: [{ name: 'key-auth', config: { key_names: ['X-Api-Key'], hide_credentials: true } }] }] },
      ],
      consumers: [{ username: 'c1', keyauth_credentials: [{ key: plain('${{ env "DECK_C1_KEY" }}') }] }],
    };
    const text = fastYamlStringify(doc, { sortKeys: true });
    expect(text).toBeDefined();
    expect(text).toBe(kong(doc));
  });
});

describe('fast YAML writer: long lists of scalars written once and reused (#18)', () => {
  // Writer.reusedList: lists of 16 or more scalars, written from kept bytes when the same values
  // (Object.is) come again at the same indent, beside near misses that must not be reused.
  const long = fc.array(fc.oneof(str, fc.integer(), fc.constantFrom(0, -0, 1.5, null, true, false)), { minLength: 16, maxLength: 24 });
  for (const [name, reference, sortKeys] of [
    ['kong', kong, true],
    ['traefik', traefik, false],
  ] as const) {
    it(`${name}: the same bytes as yaml for repeated, nested and nearly equal lists`, () => {
      let written = 0;
      fc.assert(
        fc.property(long, fc.nat(15), (list, i) => {
          const near = [...list];
          near[i] = Object.is(near[i], 0) ? -0 : typeof near[i] === 'string' ? `${near[i] as string}x` : 'x';
          const value = {
            a: list,
            b: [{ c: list, d: near }, list, { c: [...list] }],
            e: { f: near, g: list, h: [...list, 'tail'] },
            z: [[list, near], list],
          };
          const fast = fastYamlStringify(value, { sortKeys });
          if (fast === undefined) return;
          written++;
          expect(fast).toBe(yamlStringify(value, { sortKeys }));
          if (!yamlDeviates(value)) expect(fast).toBe(reference(value));
        }),
        { numRuns: 500 },
      );
      expect(written).toBeGreaterThan(100); // not vacuous
    });
  }
});

describe('fast YAML writer on every fixture', () => {
  const own = (t: string) => {
    const dir = new URL(`./${t}/specs/`, import.meta.url).pathname;
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => `${dir}${f}`) : [];
  };
  const specs = [...fixtureCases().map((c) => `${FIXTURES}${c}/gateway.yaml`), ...own('kong'), ...own('traefik')];
  it.each(['kong', 'traefik'])('%s: the same bytes as yaml on every fixture, most through the fast path', async (target) => {
    let built = 0;
    const before = { ...fastYamlStats };
    for (const spec of specs) {
      setFastYaml(false);
      const slow = await buildTarget(spec, { target });
      setFastYaml(true);
      const fast = await buildTarget(spec, { target });
      expect(fast.files, spec).toEqual(slow.files);
      expect(fast.diagnostics, spec).toEqual(slow.diagnostics);
      if (fast.files.length > 0) built++;
    }
    expect(built).toBeGreaterThan(1);
    // Every file written went through the fast path (none fell back to yaml).
    expect(fastYamlStats.gaveUp - before.gaveUp).toBe(0);
    expect(fastYamlStats.written - before.written).toBeGreaterThanOrEqual(built);
  });
});
