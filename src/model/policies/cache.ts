/**
 * Policy unit `cache` (the unit contract is ./unit.ts): responses to `methods` (GET and HEAD by
 * default) are kept for `ttl`, keyed on method, host, path, the query (`keyQuery`, default on) and
 * the `keyHeaders`. Feature `cache`.
 */
import { isObj } from '../normalise/node.js';
import { parseDuration } from '../normalise/units.js';
import { HTTP_METHODS, type HttpMethod } from '../types.js';
import { POLICY_FEATURE } from './ids.js';
import type { BundledPolicyUnit } from './unit.js';

export const cachePolicy = {
  id: 'cache',
  kind: 'bundled',
  feature: POLICY_FEATURE.cache,
  schema: {
    properties: { cache: { $ref: '#/definitions/cache' } },
    definitions: {
      cache: {
        description: 'Cache responses for `ttl`. false switches an inherited cache off.',
        anyOf: [
          { const: false },
          {
            type: 'object',
            additionalProperties: false,
            required: ['ttl'],
            properties: {
              ttl: { $ref: '#/definitions/duration' },
              methods: { description: 'Methods whose responses are cached (default: GET, HEAD).', type: 'array', items: { type: 'string', enum: ['GET', 'HEAD'] } },
              keyHeaders: { description: 'Request headers that are part of the cache key.', type: 'array', items: { $ref: '#/definitions/headerName' } },
              keyQuery: { type: 'boolean', description: 'Include the query string in the key (default true).' },
            },
          },
        ],
      },
    },
  },
  keys: ['cache', 'cache.ttl', 'cache.methods', 'cache.keyHeaders', 'cache.keyQuery'] as const,

  apply(w, node, into, out) {
    const v = (node.value as Record<string, unknown>).cache;
    if (v === false) delete into.cache;
    else if (isObj(v)) {
      const c = v as { ttl: string; methods?: HttpMethod[]; keyHeaders?: string[]; keyQuery?: boolean };
      const loc = w.child(node, 'cache').loc;
      const methods = c.methods ?? ['GET', 'HEAD'];
      into.cache = {
        ttlMs: parseDuration(c.ttl, loc, out) ?? 0,
        methods: HTTP_METHODS.filter((m) => methods.includes(m)),
        keyHeaders: [...(c.keyHeaders ?? [])].sort(),
        keyQuery: c.keyQuery ?? true,
        loc,
      };
    }
  },

  use: (route) => route.policy.cache?.loc,
  describe: (route) => (route.policy.cache ? `cache ${route.policy.cache.ttlMs / 1000}s` : undefined),
} satisfies BundledPolicyUnit<'cache'>;
