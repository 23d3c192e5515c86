/**
 * Policy unit `rateLimit` (the unit contract is ./unit.ts): at most `requests` per `per` (second,
 * minute, hour, day), counted per client address (`by: ip`, the default), per verified consumer,
 * or per value of a request header, with `burst` requests above the rate. Feature `rateLimit`,
 * traffic: a target that cannot enforce it refuses the build (DESIGN.md section 4).
 */
import { isObj } from '../normalise/node.js';
import type { RateLimit } from '../types.js';
import { POLICY_FEATURE } from './ids.js';
import type { BundledPolicyUnit } from './unit.js';

export const rateLimitPolicy = {
  id: 'rateLimit',
  kind: 'bundled',
  feature: POLICY_FEATURE.rateLimit,
  schema: {
    properties: { rateLimit: { $ref: '#/definitions/rateLimit' } },
    definitions: {
      rateLimit: {
        description: 'Allow `requests` per `per`, counted per client IP (default), per consumer or per header value. false switches an inherited limit off.',
        anyOf: [
          { const: false },
          {
            type: 'object',
            additionalProperties: false,
            required: ['requests', 'per'],
            properties: {
              requests: { description: 'Requests allowed per period.', type: 'integer', minimum: 1 },
              per: { description: 'The period the requests are counted over.', type: 'string', enum: ['second', 'minute', 'hour', 'day'] },
              by: {
                description: 'Who a limit counts separately: ip (client address, the default), consumer (the verified caller), or {header: NAME}.',
                anyOf: [
                  { type: 'string', enum: ['ip', 'consumer'] },
                  {
                    type: 'object',
                    additionalProperties: false,
                    required: ['header'],
                    properties: { header: { description: 'Count per value of this request header.', $ref: '#/definitions/headerName' } },
                  },
                ],
              },
              burst: { type: 'integer', minimum: 0, description: 'Requests allowed above the rate in a burst (default 0).' },
            },
          },
        ],
      },
    },
  },
  keys: ['rateLimit', 'rateLimit.requests', 'rateLimit.per', 'rateLimit.by', 'rateLimit.by.header', 'rateLimit.burst'] as const,

  apply(w, node, into) {
    const v = (node.value as Record<string, unknown>).rateLimit;
    if (v === false) delete into.rateLimit;
    else if (isObj(v)) {
      const r = v as { requests: number; per: RateLimit['per']; by?: RateLimit['by']; burst?: number };
      into.rateLimit = { requests: r.requests, per: r.per, by: r.by ?? 'ip', burst: r.burst ?? 0, loc: w.child(node, 'rateLimit').loc };
    }
  },

  use: (route) => route.policy.rateLimit?.loc,

  describe(route) {
    const r = route.policy.rateLimit;
    if (!r) return undefined;
    return `rate ${r.requests}/${r.per}${r.by === 'ip' ? '' : ` by ${typeof r.by === 'string' ? r.by : r.by.header}`}`;
  },

  hint: {
    rule: 'public-no-rate-limit',
    /** A route anyone may call with no limit is an open door for scraping and for denial of service. */
    find: (_spec, routes) => routes.filter((r) => r.security.length === 0 && !r.policy.rateLimit).map((route) => ({ route, loc: route.loc })),
  },
} satisfies BundledPolicyUnit<'rateLimit'>;
