/**
 * Policy unit `cors` (the unit contract is ./unit.ts): the gateway answers the preflight and adds
 * the CORS headers to every response, errors included, for the listed origins. Feature `cors`,
 * traffic: a target that cannot enforce it refuses the build (DESIGN.md section 4).
 */
import { isObj } from '../normalise/node.js';
import { HTTP_METHODS, type HttpMethod } from '../types.js';
import { POLICY_FEATURE } from './ids.js';
import type { BundledPolicyUnit } from './unit.js';

export const corsPolicy = {
  id: 'cors',
  kind: 'bundled',
  feature: POLICY_FEATURE.cors,
  schema: {
    properties: { cors: { $ref: '#/definitions/cors' } },
    definitions: {
      cors: {
        description: 'CORS: answered preflight, and headers on every response, errors included. false switches inherited CORS off.',
        anyOf: [
          { const: false },
          {
            type: 'object',
            additionalProperties: false,
            required: ['origins'],
            properties: {
              origins: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Allowed origins (scheme://host[:port]) or "*".' },
              methods: { description: "Methods allowed cross-origin (default: the route's methods).", type: 'array', items: { $ref: '#/definitions/method' } },
              headers: { description: 'Request headers allowed cross-origin (Access-Control-Allow-Headers).', type: 'array', items: { $ref: '#/definitions/headerName' } },
              exposeHeaders: { description: 'Response headers the browser may read (Access-Control-Expose-Headers).', type: 'array', items: { $ref: '#/definitions/headerName' } },
              credentials: { description: 'Allow cookies and Authorization cross-origin (Access-Control-Allow-Credentials); never with origin *.', type: 'boolean' },
              maxAge: { type: 'integer', minimum: 0, description: 'Seconds a preflight answer may be cached.' },
            },
          },
        ],
      },
    },
  },
  keys: ['cors', 'cors.origins', 'cors.methods', 'cors.headers', 'cors.exposeHeaders', 'cors.credentials', 'cors.maxAge'] as const,

  apply(w, node, into) {
    const v = (node.value as Record<string, unknown>).cors;
    if (v === false) delete into.cors;
    else if (isObj(v)) {
      const c = v as { origins: string[]; methods?: HttpMethod[]; headers?: string[]; exposeHeaders?: string[]; credentials?: boolean; maxAge?: number };
      const methods = c.methods;
      into.cors = {
        origins: [...c.origins],
        // The listed methods in HTTP_METHODS order (duplicates dropped); none listed: the route's.
        methods: methods ? HTTP_METHODS.filter((m) => methods.includes(m)) : [],
        headers: [...(c.headers ?? [])],
        exposeHeaders: [...(c.exposeHeaders ?? [])],
        credentials: c.credentials ?? false,
        loc: w.child(node, 'cors').loc,
        ...(c.maxAge !== undefined ? { maxAgeSeconds: c.maxAge } : {}),
      };
    }
  },

  use: (route) => route.policy.cors?.loc,
  describe: (route) => (route.policy.cors ? 'cors' : undefined),

  hint: {
    rule: 'cors-credentials-wildcard',
    /**
     * Browsers refuse `Access-Control-Allow-Origin: *` with credentials, and a gateway that "fixes"
     * it by echoing the Origin opens every user's session to every site. Once per cors node.
     */
    find(_spec, routes) {
      const seen = new Set<string>();
      const found = [];
      for (const route of routes) {
        const c = route.policy.cors;
        if (!c || !c.credentials || !c.origins.includes('*')) continue;
        const key = `${c.loc.file}#${c.loc.pointer}`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.push({ route, loc: c.loc });
      }
      return found;
    },
  },
} satisfies BundledPolicyUnit<'cors'>;
