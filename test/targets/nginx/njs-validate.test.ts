/**
 * The njs request-validation module (src/targets/nginx/njs/validate.js) in node: the duplicate-key
 * scan and the query parser the validator's verdict rests on, and the syntax njs 0.7 lacks.
 * Behaviour through nginx itself: e2e-validate.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NJS_RUNTIME } from '../../../src/targets/nginx/njs-runtime.js';
import { NJS_VALIDATE } from '../../../src/targets/nginx/njs-validate.js';

interface Module {
  duplicateKey(text: string): string | null;
  parseQuery(raw: string | null, semicolons?: boolean): Record<string, string[]> | null;
  coerce(kind: string | null, s: string): unknown;
}
let m: Module;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gwc-njs-validate-')), 'validate.mjs');
  writeFileSync(file, NJS_VALIDATE.replace('/*CFG*/null', '{"routeVar":"r","routes":{}}').replace('/*VALIDATORS*/null', '{}'));
  m = (await import(pathToFileURL(file).href)).default as Module;
});

describe('njs validate: duplicate JSON keys', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"x":{"b":1,"c":{"d":[1,{"e":1,"e":2}]}}}', 'e'],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
    ['{"__proto__":1,"__proto__":2}', '__proto__'],
    ['[{"a":1},{"a":2},{"a":{"a":1}}]', null],
    ['{"a":"{\\"a\\":1,\\"a\\":2}","b":["a","a"]}', null],
    ['{"a":1,"b":{"a":1},"c":[{"b":1}]}', null],
    ['{"constructor":1,"toString":2,"hasOwnProperty":3}', null],
    ['"just a string"', null],
  ])('%s -> %s', (text, dup) => {
    expect(m.duplicateKey(text)).toBe(dup);
  });
});

describe('njs validate: query parsing', () => {
  it('decodes names and values (+ is a space), keeps every occurrence, refuses bad escapes', () => {
    expect(m.parseQuery('a=1&a=2&b=x+y%21&c&=z&&%73ort=q')).toEqual({ $a: ['1', '2'], $b: ['x y!'], $c: [''], $: ['z'], $sort: ['q'] });
    expect(m.parseQuery('a=%zz')).toBeNull();
    expect(m.parseQuery(null)).toEqual({});
    expect(m.parseQuery('a=1;a=2&b=3', true)).toEqual({ $a: ['1', '2'], $b: ['3'] });
    expect(m.parseQuery('a=1;a=2&b=3')).toEqual({ $a: ['1;a=2'], $b: ['3'] });
  });
  it('coerces only text of the type', () => {
    expect([m.coerce('integer', '12'), m.coerce('integer', '1e3'), m.coerce('integer', ' 1'), m.coerce('integer', '0x10'), m.coerce('number', '-0.5')]).toEqual([12, 1000, ' 1', '0x10', -0.5]);
    expect([m.coerce('boolean', 'true'), m.coerce('boolean', 'TRUE'), m.coerce('string', '1')]).toEqual([true, 'TRUE', '1']);
  });
});

describe('njs validate: source', () => {
  it("carries runtime.js's _method body check verbatim", () => {
    const copy = /\/\/ --- copied from runtime\.js ---\n([\s\S]*?)\/\/ --- end of copy ---/.exec(NJS_VALIDATE)![1]!;
    expect(copy.length).toBeGreaterThan(1000);
    expect(NJS_RUNTIME).toContain(copy);
  });
  it('uses no syntax njs 0.7 lacks (optional chaining, ??, spread, classes, destructuring parameters)', () => {
    const code = NJS_VALIDATE.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const bad of [/\?\./, /\?\?/, /\.\.\.[A-Za-z_[{(]/, /\bclass\s/, /function\s*\w*\s*\(\s*\{/]) expect(code).not.toMatch(bad);
  });
});
