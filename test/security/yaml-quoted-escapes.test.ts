/**
 * User text in a decK or Traefik file is a double-quoted YAML scalar (src/targets/yaml-scalar.ts),
 * and what decK's and Traefik's readers (go-yaml, a YAML 1.1 reader after libyaml) read back must
 * be that text, on the fast writer's path and on yaml's fallback alike. Two holes this closes:
 *
 * - yaml's folding escaped a line of one space between two line breaks twice (`\\ `): every reader
 *   read a backslash in place of the space. A Kong mock body `{\n \n  "k": ...}` reached Kong as
 *   `{\n\\\n  "k": ...}` (not JSON any more).
 * - DEL, C1 controls and U+FFFE/FFFF went into the file raw, and go-yaml refuses a file holding one
 *   ("control characters are not allowed"): a path holding U+FFFF compiled to a decK file that
 *   `deck validate` refused whole. They are escapes now (\x7f, \N, \L, \P, \ufeff, \uffff).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTarget } from '../../src/api.js';
import { fastYamlStringify, yamlStringify } from '../../src/targets/yaml-out.js';
import { deckValidate } from '../helpers/checkers.js';
import { writeSpec } from '../helpers/spec.js';

const long = 'x'.repeat(40);
const ATTACKS = [
  `{\n \n  "k": "a mock body long enough to be folded"\n}`,
  `${long}\n \n`,
  `${long} \n \n `,
  `${long}\n\n\n \n`,
  `${long}\n \n \n \n`,
  `${long}\n\\ \n`,
  `${long}\n \\\n`,
  `\n \n${long}`,
  'a\u007fb',
  'a\u0080\u0085\u009fb',
  'a\u2028b\u2029c',
  '\ufeffa',
  'a\ufffe\uffffb',
  `${long}\n\u2028---\n...`,
  `${long}\u0085--- a: b`,
];

/** The strings of `data` as a reader gets them back, by path (sorted: the file's keys are). */
const strings = (v: unknown, at = '', out: string[] = []): string[] => {
  if (typeof v === 'string') out.push(`${at}=${JSON.stringify(v)}`);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${at}/${i}`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) strings(x, `${at}/${k}`, out);
  return out.sort();
};

describe('double-quoted user text reads back as written (yaml-scalar.ts)', () => {
  it('on the fast path and on the fallback, for every attack string, in a decK file deck reads', () => {
    const services = ATTACKS.map((s, i) => ({ name: `s${i}`, url: 'http://app.test', tags: [s], routes: [{ name: `r${i}`, paths: ['/a'], tags: [s] }] }));
    const doc = { _format_version: '1.1', services };
    const fast = fastYamlStringify(doc, { sortKeys: true });
    expect(fast).toBeDefined();
    // The fallback (a key the fast writer leaves to yaml) writes the same strings.
    const slow = yamlStringify({ ...doc, 'x-key!': 1 }, { sortKeys: true });
    expect(slow).toBe(`${fast!}x-key!: 1\n`);
    for (const text of [fast!, slow]) {
      expect(strings(parse(text))).toEqual(strings({ ...doc, ...(text === slow ? { 'x-key!': 1 } : {}) }));
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/);
    }
    const check = deckValidate(fast!);
    if (check) expect(check.ok, check.output).toBe(true);
  });

  it('kong: a mock body with a line of one space reaches decK as written', async () => {
    const body = '{\n \n  "k": "a mock body long enough to be folded"\n}';
    const spec = writeSpec(`openapi: 3.0.3
info: { title: t, version: "1" }
x-gateway:
  name: t
  backends:
    docs: { mock: { status: 200, body: ${JSON.stringify(body)} } }
paths:
  /docs:
    get:
      operationId: docs
      security: []
      x-gateway: { public: true, backend: docs }
      responses: { '200': { description: ok } }
`);
    const built = await buildTarget(spec, { target: 'kong' });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = built.files[0]!.contents;
    expect(strings(parse(text)).filter((s) => s.includes('mock body'))).toEqual([expect.stringContaining(`=${JSON.stringify(body)}`)]);
    const check = deckValidate(text);
    if (check) expect(check.ok, check.output).toBe(true);
  });

  it('kong: a path holding U+FFFF compiles to a file deck reads, the path as written', async () => {
    const gateway = readFileSync(new URL('../../fixtures/minimal/gateway.yaml', import.meta.url), 'utf8').replace('/health:', '"/health\\uffffx":');
    const built = await buildTarget(writeSpec(gateway), { target: 'kong' });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = built.files[0]!.contents;
    expect(text).not.toContain('\uffff');
    expect(strings(parse(text)).some((s) => s.includes('/health\uffffx'))).toBe(true);
    const check = deckValidate(text);
    if (check) expect(check.ok, check.output).toBe(true);
  });
});
