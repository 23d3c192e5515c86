/**
 * Policy unit `bodyLimit` (the unit contract is ./unit.ts): the largest request body the gateway
 * accepts, in bytes or with a unit (k, m, g; 1k = 1024). Feature `bodyLimit`, traffic: a target
 * that cannot enforce it refuses the build (DESIGN.md section 4).
 */
import { parseSize } from '../normalise/units.js';
import { POLICY_FEATURE } from './ids.js';
import type { BundledPolicyUnit } from './unit.js';

export const bodyLimitPolicy = {
  id: 'bodyLimit',
  kind: 'bundled',
  feature: POLICY_FEATURE.bodyLimit,
  schema: {
    properties: {
      bodyLimit: { anyOf: [{ const: false }, { $ref: '#/definitions/size' }], description: 'Largest request body accepted.' },
    },
    definitions: {
      size: {
        description: 'A size in bytes, or with a unit k, m, g (kb, mb, gb also read; 1k = 1024 bytes).',
        anyOf: [
          { type: 'integer', minimum: 0 },
          { type: 'string', pattern: '^[0-9]+([kKmMgG][bB]?|[bB])?$' },
        ],
      },
    },
  },
  keys: ['bodyLimit'] as const,

  apply(w, node, into, out) {
    const v = (node.value as Record<string, unknown>).bodyLimit;
    if (v === false) delete into.bodyLimit;
    else if (v !== undefined) {
      const loc = w.child(node, 'bodyLimit').loc;
      // A size that does not parse is reported and leaves the farther level's limit in place.
      const bytes = parseSize(v, loc, out);
      if (bytes !== undefined) into.bodyLimit = { bytes, loc };
    }
  },

  use: (route) => route.policy.bodyLimit?.loc,
  describe: (route) => (route.policy.bodyLimit ? `body<=${route.policy.bodyLimit.bytes}` : undefined),
} satisfies BundledPolicyUnit<'bodyLimit'>;
