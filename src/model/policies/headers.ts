/**
 * Policy units `requestHeaders` and `responseHeaders` (the unit contract is ./unit.ts): headers the
 * gateway sets (replacing any sent) and removes, on the request before the backend and on the
 * response before the client. One shape, `headerOps`, two features. A level that sets the key
 * replaces the farther level's operations whole; there is no `false` (an empty object clears).
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import { sortRecord } from '../normalise/backends.js';
import { isObj } from '../normalise/node.js';
import type { HeaderOps } from '../types.js';
import { POLICY_FEATURE } from './ids.js';
import type { BundledPolicyUnit } from './unit.js';

const headerOps = {
  description: 'Headers to set (name: value) and to remove.',
  type: 'object',
  additionalProperties: false,
  properties: {
    set: {
      description: 'Headers to set (replacing any sent), name: value.',
      type: 'object',
      propertyNames: { $ref: '#/definitions/headerName' },
      additionalProperties: { type: 'string' },
    },
    remove: { description: 'Header names to remove.', type: 'array', items: { $ref: '#/definitions/headerName' }, uniqueItems: true },
  },
};

function read(h: { set?: Record<string, string>; remove?: string[] }, loc: Loc): HeaderOps {
  return { set: sortRecord(h.set ?? {}), remove: [...(h.remove ?? [])], loc };
}

function headersUnit<K extends 'requestHeaders' | 'responseHeaders'>(key: K, short: string) {
  return {
    id: key,
    kind: 'bundled',
    feature: POLICY_FEATURE[key],
    schema: { properties: { [key]: { $ref: '#/definitions/headerOps' } }, definitions: { headerOps } },
    keys: [key, `${key}.set`, `${key}.remove`] as const,
    apply(w, node, into) {
      const v = (node.value as Record<string, unknown>)[key];
      if (isObj(v)) into[key] = read(v as { set?: Record<string, string>; remove?: string[] }, w.child(node, key).loc);
    },
    use: (route) => route.policy[key]?.loc,
    describe: (route) => (route.policy[key] ? short : undefined),
  } satisfies BundledPolicyUnit<K>;
}

export const requestHeadersPolicy = headersUnit('requestHeaders', 'req-headers');
export const responseHeadersPolicy = headersUnit('responseHeaders', 'resp-headers');
