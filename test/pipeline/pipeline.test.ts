/**
 * The pipeline written once (#17 item 1): one load, validate and model per run, every target
 * compiled from that one model, line:col resolved at the exit, option problems before any compile.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/model/types.js';
import { runPipeline } from '../../src/pipeline.js';
import { loadSpec } from '../../src/spec/loader.js';
import { compileWith } from '../../src/targets/compile.js';
import { validateOpenApi } from '../../src/validate/openapi.js';
import { TARGETS } from '../../src/targets/index.js';
import type { Target } from '../../src/targets/target.js';
import { writeSpec } from '../helpers/spec.js';

const PORTABLE = path.resolve(__dirname, '../../fixtures/portable/gateway.yaml');

/** Each registered target, recording the model it is asked to compile. */
function spies(): { targets: Target[]; seen: Gateway[] } {
  const seen: Gateway[] = [];
  const targets = TARGETS.map((t): Target => ({ ...t, compile: (g, plan, o) => (seen.push(g), t.compile(g, plan, o)) }));
  return { targets, seen };
}

describe('runPipeline', () => {
  it('compiles every target from the one model it made (build --target all models once)', async () => {
    const { targets, seen } = spies();
    const run = await runPipeline(PORTABLE, { targets });
    expect(run.builds.map((b) => b.target)).toEqual(TARGETS.map((t) => t.name));
    expect(seen).toHaveLength(TARGETS.length);
    for (const g of seen) expect(g).toBe(run.gateway);
  });

  it('resolves line:col at its exit for the spec and every target, each list sorted', async () => {
    const run = await runPipeline(PORTABLE, { targets: 'all' });
    const all = [...run.diagnostics, ...run.builds.flatMap((b) => b.diagnostics)].filter((d) => d.loc?.file === PORTABLE);
    expect(all.length).toBeGreaterThan(0);
    for (const d of all) expect(d.position?.line, `${d.code} ${d.loc!.pointer}`).toBeGreaterThan(0);
    for (const list of [run.diagnostics, ...run.builds.map((b) => b.diagnostics)]) {
      const lines = list.filter((d) => d.loc?.file === PORTABLE).map((d) => d.position!.line);
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    }
  });

  it('stops before any compile when a target option is wrong (usage)', async () => {
    const { targets, seen } = spies();
    const bad = { code: 'option-malformed', severity: 'error' as const, message: 'bad', params: {} };
    const run = await runPipeline(PORTABLE, { targets, options: () => ({ byTarget: new Map(), diagnostics: [bad] }) });
    expect(run.usage).toBe(true);
    expect(run.builds).toEqual([]);
    expect(seen).toEqual([]);
    expect(run.diagnostics.at(-1)).toBe(bad);
  });

  it('names an unknown target instead of compiling it', async () => {
    const run = await runPipeline(PORTABLE, { targets: ['nope'] });
    expect(run.builds.map((b) => [b.target, b.diagnostics.map((d) => d.code)])).toEqual([['nope', ['unknown-target']]]);
  });

  it('loads to the model only when no target is asked for', async () => {
    const { seen } = spies();
    const run = await runPipeline(PORTABLE);
    expect(run.gateway?.routes.length).toBeGreaterThan(0);
    expect(run.builds).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('phases keep pointers only: line:col come from the exit, once', async () => {
    // An info without its version: the validator's error, at info.
    const file = writeSpec('openapi: 3.1.0\ninfo: { title: t }\npaths: {}\n');
    const { spec, diagnostics } = await loadSpec(file);
    const structural = await validateOpenApi(spec!);
    expect(structural.map((d) => d.code)).toEqual(['openapi-missing-key']);
    expect((await runPipeline(file)).diagnostics.map((d) => [d.code, d.position])).toEqual([['openapi-missing-key', { line: 2, column: 1 }]]);
    const run = await runPipeline(PORTABLE, { targets: ['aws'] });
    const compiled = compileWith(run.builds[0]!.compiler!, run.gateway!, {}, run.spec);
    for (const d of [...diagnostics, ...structural, ...compiled.diagnostics]) expect(d.position, String(d.code)).toBeUndefined();
    expect(compiled.diagnostics.length).toBeGreaterThan(0);
    expect(run.builds[0]!.diagnostics.every((d) => !d.loc || d.position)).toBe(true);
  });
});
