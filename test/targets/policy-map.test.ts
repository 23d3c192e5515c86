/**
 * Every target and flavour answers every route policy (issue #17 item 5, src/targets/policy-map.ts):
 * `Target.policies` holds one entry per PolicyId, `UNSUPPORTED` exactly where the capability table
 * refuses the policy's feature. The per-target tests (test/targets/<t>/policy-map.test.ts) show that
 * each compile calls through its map.
 */
import { describe, expect, it } from 'vitest';
import { POLICY_FEATURE, POLICY_IDS } from '../../src/model/policies/ids.js';
import { flavourColumns } from '../../src/targets/flavour.js';
import { TARGETS } from '../../src/targets/index.js';
import { UNSUPPORTED } from '../../src/targets/policy-map.js';

describe.each(flavourColumns(TARGETS))('$label: policy map', ({ target }) => {
  it('answers exactly the policy ids', () => {
    expect(Object.keys(target.policies ?? {}).sort()).toEqual([...POLICY_IDS].sort());
  });

  it.each(POLICY_IDS)('%s: UNSUPPORTED exactly where the capability table says unsupported', (id) => {
    const unsupported = target.capabilities[POLICY_FEATURE[id]].support === 'unsupported';
    expect(target.policies?.[id] === UNSUPPORTED, `${id} (feature ${POLICY_FEATURE[id]})`).toBe(unsupported);
  });
});
