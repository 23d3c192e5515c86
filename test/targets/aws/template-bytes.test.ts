/**
 * emit.ts serialisedBytes (#18): lint counts the JSON template's bytes instead of writing it, and
 * the count must be the written text's, byte for byte (the size findings print it): arbitrary JSON
 * data with every kind of string (escapes, astral, lone surrogates), values JSON.stringify drops or
 * writes as null, and the templates of real compiles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticSpec } from '../../../bench/synthetic.js';
import { runPipeline } from '../../../src/pipeline.js';
import { jsonBytes, serialise, serialisedBytes } from '../../../src/targets/aws/emit.js';
import { buildTemplate } from '../../../src/targets/aws/template.js';
import { Ctx } from '../../../src/targets/aws/context.js';
import { parseOptions } from '../../../src/targets/aws/options.js';
import { awsTarget } from '../../../src/targets/aws/index.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import type { Cfn } from '../../../src/targets/aws/context.js';
import { writeSpec } from '../../helpers/spec.js';

const written = (v: unknown) => Buffer.byteLength(`${JSON.stringify(v, null, 2)}\n`, 'utf8');

describe('serialisedBytes is the written template’s byte length', () => {
  it('arbitrary JSON values, strings of any code unit', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }));
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0)),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(text, tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        if (v === undefined) return;
        expect(serialisedBytes(v as Cfn, 'json')).toBe(written(v));
      }),
      { numRuns: 500 },
    );
  });

  it('members JSON.stringify leaves out or writes as null; non-plain data is written instead', () => {
    const f = () => 1;
    const cases: unknown[] = [
      { a: undefined, b: f, c: Symbol('s'), d: 1 },
      { a: undefined },
      [undefined, f, Symbol('s')],
      [],
      {},
      { a: [{}, [], [[]]], b: { c: {} } },
      [1, , 3], // eslint-disable-line no-sparse-arrays
      { n: [NaN, Infinity, -Infinity, 1e21, 1e-7, -0] },
      Object.assign(Object.create(null) as object, { x: 'y' }),
    ];
    for (const v of cases) expect(serialisedBytes(v as Cfn, 'json'), JSON.stringify(v)).toBe(written(v));
    // Written and measured, not counted: a toJSON method, a Date, a Map.
    for (const v of [{ a: { toJSON: () => 'x' } }, { d: new Date(0) }, { m: new Map([[1, 2]]) }]) {
      expect(jsonBytes(v, 0)).toBeUndefined();
      expect(serialisedBytes(v as Cfn, 'json')).toBe(written(v));
    }
  });

  it('real templates: synthetic specs and YAML', async () => {
    for (const n of [3, 150]) {
      const file = writeSpec(syntheticSpec(n), `synthetic-bytes-${n}.yaml`);
      const gateway = (await runPipeline(file, { keepModel: true })).gateway!;
      const { options } = parseOptions({}, gateway.basePath);
      const template = buildTemplate(new Ctx(gateway, checkCapabilities(gateway, awsTarget).plan, options), false);
      expect(serialisedBytes(template, 'json')).toBe(Buffer.byteLength(serialise(template, 'json'), 'utf8'));
      expect(serialisedBytes(template, 'yaml')).toBe(Buffer.byteLength(serialise(template, 'yaml'), 'utf8'));
    }
  }, 60_000);
});
