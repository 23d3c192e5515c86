/**
 * Policy unit `accessLog` (the unit contract is ./unit.ts): one JSON access log line per request
 * (`true`, or `{ format: json }`). Feature `accessLog`, observability: a target that cannot write
 * it warns instead of refusing (DESIGN.md section 4).
 */
import { isObj } from '../normalise/node.js';
import { POLICY_FEATURE } from './ids.js';
import type { BundledPolicyUnit } from './unit.js';

export const accessLogPolicy = {
  id: 'accessLog',
  kind: 'bundled',
  feature: POLICY_FEATURE.accessLog,
  schema: {
    properties: {
      accessLog: {
        description: 'true writes a JSON access log line per request.',
        anyOf: [
          { type: 'boolean' },
          {
            type: 'object',
            additionalProperties: false,
            properties: { format: { description: 'The access log format (json).', const: 'json' } },
          },
        ],
      },
    },
  },
  keys: ['accessLog', 'accessLog.format'] as const,

  apply(w, node, into) {
    const v = (node.value as Record<string, unknown>).accessLog;
    if (v === false) delete into.accessLog;
    else if (v === true || isObj(v)) into.accessLog = { format: 'json', loc: w.child(node, 'accessLog').loc };
  },

  use: (route) => route.policy.accessLog?.loc,
  describe: (route) => (route.policy.accessLog ? 'log' : undefined),
} satisfies BundledPolicyUnit<'accessLog'>;
