/**
 * CI's fixed sample of the hostile-spec fuzz (issue 14): 300 specs of seed 14 through the four
 * targets (test/fuzz/run.ts), one in 30 also through `nginx -t`, `deck validate` and
 * @aws/cloudformation-validate, and one in 10 runs in a real nginx with credential-less requests. `npm run fuzz` runs 10,000. A finding prints its spec index:
 * `GWC_FUZZ_ONLY=<index> npm run fuzz` replays it.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from './run.js';

describe('hostile-spec fuzz, CI sample', () => {
  it('300 specs: no crash, every output passes its checker, no escape, no open route', async () => {
    const t = await runFuzz({ specs: 300, seed: 14, realEvery: 30, liveEvery: 10 });
    console.log(`fuzz sample: specs ${t.specs} loaded ${t.loaded} builds ${JSON.stringify(t.builds)} real ${JSON.stringify(t.realChecks)} (${t.ms} ms)`);
    expect(t.findings.slice(0, 20).map((f) => `spec ${f.spec} [${f.kind}/${f.target}] ${f.detail}`)).toEqual([]);
    expect([t.crashes, t.checkerFailures, t.escapes, t.openRoutes]).toEqual([0, 0, 0, 0]);
    // The sample must reach every target's emitter, or it proves little.
    for (const target of ['aws', 'kong', 'nginx', 'traefik']) expect(t.builds[target] ?? 0, target).toBeGreaterThan(10);
  }, 180_000);
});
