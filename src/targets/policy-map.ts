/**
 * Each target's answer for every route policy (model/policies/ids.ts): the function of the
 * target's compiler that emits it, or `UNSUPPORTED` where the target's capability table refuses
 * the policy's feature (the capability check refuses the route before anything compiles). The map
 * is what the compiler calls, so a new policy fails to compile until every target names its code
 * for it; test/targets/policy-map.test.ts checks each map against the capability table.
 *
 * `F` is the target's own shape of a policy compiler (a Kong plugin, a Traefik middleware, nginx
 * directives, AWS method settings).
 */
import type { PolicyId } from '../model/policies/ids.js';

export const UNSUPPORTED = 'unsupported' as const;

export type PolicyMap<F> = { readonly [K in PolicyId]: F | typeof UNSUPPORTED };
