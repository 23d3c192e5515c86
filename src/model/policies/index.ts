/**
 * The policy registry (issue #17 item 5): one unit per policy id (./ids.ts), each in its own file
 * (contract ./unit.ts). `POLICIES` fails to compile until it holds exactly one unit per `PolicyId`,
 * of that id. Everything that used to restate a policy reads it from here: the merge of bundles and
 * levels (`normalise/policies.ts`, `normalise/routes.ts`), the key ids (`model/keys.ts`), the route's
 * feature uses (`route-features.ts`), the route summary (`describe.ts`) and the policies' lint rules.
 *
 * Order carries meaning and is kept from before the units, so output stays byte-identical:
 * `POLICY_IDS` is the order bundled policies are merged in (and report what they read, e.g. a bad
 * duration before a bad size), described in, and their keys are listed in `model/keys.ts`.
 */
import { accessLogPolicy } from './access-log.js';
import { bodyLimitPolicy } from './body-limit.js';
import { cachePolicy } from './cache.js';
import { corsPolicy } from './cors.js';
import { requestHeadersPolicy, responseHeadersPolicy } from './headers.js';
import { POLICY_IDS, type PolicyId } from './ids.js';
import { ipRulePolicy } from './ip-rule.js';
import { rateLimitPolicy } from './rate-limit.js';
import type { BundledPolicyUnit, PolicyUnit, RoutePolicyUnit } from './unit.js';
import { validatePolicy } from './validate.js';

export { POLICY_IDS, type PolicyId } from './ids.js';
export type { BundledPolicyUnit, PolicyUnit, RoutePolicyUnit } from './unit.js';

export const POLICIES = {
  rateLimit: rateLimitPolicy,
  cors: corsPolicy,
  cache: cachePolicy,
  ipRule: ipRulePolicy,
  bodyLimit: bodyLimitPolicy,
  requestHeaders: requestHeadersPolicy,
  responseHeaders: responseHeadersPolicy,
  accessLog: accessLogPolicy,
  validate: validatePolicy,
} as const satisfies { [K in PolicyId]: PolicyUnit<K> };

/** The units in `POLICY_IDS` order. */
export const POLICY_UNITS: readonly PolicyUnit[] = POLICY_IDS.map((id) => POLICIES[id]);

/** The bundled units (`policyBody` keys) in `POLICY_IDS` order: the order they are merged in. */
export const BUNDLED_POLICIES: readonly BundledPolicyUnit[] = POLICY_UNITS.filter((u): u is BundledPolicyUnit => u.kind === 'bundled');

/** The route-setting units (`routeSettings` only: validate), in `POLICY_IDS` order. */
export const ROUTE_POLICIES: readonly RoutePolicyUnit[] = POLICY_UNITS.filter((u): u is RoutePolicyUnit => u.kind === 'route');

type Units = (typeof POLICIES)[PolicyId];
/** The bundled units' key ids, relative to the policy body (`rateLimit.by.header`): `model/keys.ts` types its ids with them. */
export type BundledKey = Extract<Units, { kind: 'bundled' }>['keys'][number];
/** The route-setting units' key ids, relative to route settings (`validate.body`). */
export type RouteSettingKey = Extract<Units, { kind: 'route' }>['keys'][number];

/**
 * The order `routeFeatures` lists policy uses in (the capability check's diagnostics and the
 * lint's portability findings come out in it before they are sorted), kept from before the units:
 * these first, then the route's own upstreamPath and websocket, then `USES_AFTER_ROUTE`: every other
 * policy, in `POLICY_IDS` order, so a new policy's use is never left out.
 */
export const USES_FIRST = ['rateLimit', 'cors', 'ipRule', 'bodyLimit', 'cache', 'requestHeaders', 'responseHeaders', 'accessLog'] as const satisfies readonly PolicyId[];
export const USES_AFTER_ROUTE: readonly PolicyId[] = POLICY_IDS.filter((id) => !(USES_FIRST as readonly PolicyId[]).includes(id));
