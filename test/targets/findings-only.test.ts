/**
 * `CompileOptions.findingsOnly` (#18): lint's compile skips rendering the output text, and must say
 * exactly what a full compile says. For every fixture, every target's own spec, a synthetic spec
 * past AWS's inline-template size, hostile specs (decK `${{`, control characters: lint compiles a
 * model even when the spec has errors, so the emitters' own locks are reached) and the option
 * sets that change the emit (nginx full mode, AWS YAML, AWS HTTP APIs), each target's diagnostics
 * with and without findingsOnly are equal: code, severity, params, message, pointer and target.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticSpec } from '../../bench/synthetic.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { Gateway } from '../../src/model/types.js';
import { runPipeline } from '../../src/pipeline.js';
import { checkCapabilities } from '../../src/targets/capability-check.js';
import { resolveFlavour } from '../../src/targets/flavour.js';
import { TARGETS } from '../../src/targets/index.js';
import { renderMayRefuse } from '../../src/targets/nginx/emit.js';
import type { Target } from '../../src/targets/target.js';
import { hostileSpec } from '../fuzz/hostile.js';
import { FIXTURES } from '../helpers/golden.js';
import { writeSpec } from '../helpers/spec.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Every YAML spec below fixtures/ (cases and real/), and test/targets/<t>/specs/*.yaml. */
function specFiles(): string[] {
  const fixtures = readdirSync(FIXTURES, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.parentPath.includes('expected'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => f.endsWith('gateway.yaml') || /fixtures\/real\/[^/]+\/[^/]+\.yaml$/.test(f));
  const own = ['aws', 'kong', 'nginx', 'traefik'].flatMap((t) => {
    const dir = join(ROOT, 'test/targets', t, 'specs');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f)) : [];
  });
  return [...fixtures, ...own].sort();
}

/** The model as lint has it: kept even when the spec has errors. Fresh per call (a compile may not share state). */
async function model(file: string): Promise<Gateway | undefined> {
  return (await runPipeline(file, { keepModel: true })).gateway;
}

type Outcome = { diagnostics: Diagnostic[] } | { crash: string };

function compile(target: Target, gateway: Gateway, options: Record<string, string>, findingsOnly: boolean): Outcome {
  try {
    const r = target.compile(gateway, checkCapabilities(gateway, target).plan, findingsOnly ? { options, findingsOnly } : { options });
    if (findingsOnly) expect(r.files).toEqual([]);
    return { diagnostics: r.diagnostics };
  } catch (e) {
    return { crash: e instanceof Error ? e.message : String(e) };
  }
}

const shape = (o: Outcome) =>
  'crash' in o ? o : o.diagnostics.map((d) => ({ code: d.code, severity: d.severity, params: d.params, message: d.message, pointer: d.loc?.pointer, file: d.loc?.file, target: d.target }));

/** Each target, plus the option sets whose emit differs (lint compiles with the defaults, build with any). */
const RUNS: Array<{ target: string; options: Record<string, string> }> = [
  ...TARGETS.map((t) => ({ target: t.name, options: {} })),
  { target: 'nginx', options: { mode: 'full' } },
  { target: 'aws', options: { format: 'yaml' } },
  { target: 'aws', options: { api: 'http' } },
];

async function expectSame(file: string): Promise<number> {
  let compared = 0;
  for (const run of RUNS) {
    const target = resolveFlavour(TARGETS.find((t) => t.name === run.target)!, run.options);
    const full = await model(file);
    const lint = await model(file);
    if (!full || !lint) return compared;
    const label = `${file} ${run.target} ${JSON.stringify(run.options)}`;
    expect(shape(compile(target, lint, run.options, true)), label).toEqual(shape(compile(target, full, run.options, false)));
    compared++;
  }
  return compared;
}

describe('findingsOnly compiles say what a full compile says', () => {
  const files = specFiles();
  it('finds the fixtures and the targets’ own specs', () => {
    expect(files.length).toBeGreaterThan(15);
  });
  for (const file of files) {
    it(file.replace(ROOT, ''), async () => {
      await expectSame(file);
    });
  }

  it('a synthetic spec past AWS’s inline template size (the size checks read the text)', async () => {
    const file = writeSpec(syntheticSpec(150), 'synthetic-150.yaml');
    expect(await expectSame(file)).toBe(RUNS.length);
  }, 60_000);

  it('hostile specs: decK template openings and control characters in every text slot', async () => {
    let compared = 0;
    for (let i = 0; i < 40; i++) compared += await expectSame(writeSpec(hostileSpec(18, i).yaml, `hostile-${i}.yaml`));
    expect(compared).toBeGreaterThan(100);
  }, 120_000);

  it('a Kong value holding ${{ and an nginx value with a control character (both locks reached through lint)', async () => {
    const file = writeSpec(
      [
        'openapi: 3.0.3',
        'info: { title: t, version: "1" }',
        'servers: [{ url: "https://api.example.com" }]',
        'x-gateway:',
        '  backends:',
        `    m: { mock: { status: 200, contentType: 'text/\${{ env "DECK_X" }}', body: ok } }`,
        '  defaults: { responseHeaders: { set: { X-A: "a\\u0001b" } } }',
        'paths:',
        '  /a:',
        '    get: { operationId: a, x-gateway: { public: true }, responses: { "200": { description: ok } } }',
        '',
      ].join('\n'),
    );
    await expectSame(file);
    const kong = compile(TARGETS.find((t) => t.name === 'kong')!, (await model(file))!, {}, true);
    expect('diagnostics' in kong && kong.diagnostics.filter((d) => d.code === 'text-template-syntax').length).toBe(2);
  });
});

describe('renderMayRefuse (nginx renders under findingsOnly only when a helper could refuse)', () => {
  it.each([
    ['plain text', { a: ['x', { b: 'y $z' }] }, false],
    ['tab, CR and LF (written as escapes)', { a: 'x\t\r\ny' }, false],
    ['a NUL deep down', { a: [{ b: ['x', 'y\u0000'] }] }, true],
    ['DEL', 'a\u007f', true],
    ['a line separator', { a: 'a\u2028' }, true],
    ['a generated variable part', { v: [{ lit: '/a' }, { var: 'gwc_p0' }] }, false],
    ['a variable part that is no variable name', { v: [{ var: 'a-b' }] }, true],
  ])('%s', (_name, view, expected) => expect(renderMayRefuse(view)).toBe(expected));

  it('a cycle (no view has one) says yes rather than recursing forever', () => {
    const shared: Record<string, unknown> = { s: 'ok' };
    expect(renderMayRefuse({ a: shared, b: [shared, shared] })).toBe(false);
    shared.self = shared;
    expect(renderMayRefuse({ a: shared })).toBe(true);
  });
});
