/**
 * A policy as one unit (issue #17 item 5): the x-gateway key(s), the JSON Schema fragment, the key
 * ids, the feature, the normaliser, the feature use, the summary and the lint hint live in one file,
 * `model/policies/<policy>.ts`, registered once in `POLICIES` (./index.ts, one unit per `PolicyId`),
 * and the shared places (`model/keys.ts`, `normalise/policies.ts`, `normalise/routes.ts`,
 * `route-features.ts`, `describe.ts`, the lint rules) read them from there instead of each
 * restating the policy.
 *
 * Two kinds, by how the spec sets them:
 * - `bundled` (rateLimit, cors, ...): a key of the schema's `policyBody`, so it can be set in a named
 *   bundle (`policies.*`), `defaults`, a path item or an operation; `apply` merges one such node
 *   into the route's `Policy`, called bundle by bundle, then level by level, later overriding.
 * - `route` (validate): a key of `routeSettings` only (not in bundles), read from the route's levels
 *   at once by `normalise`.
 *
 * What still lives elsewhere, and why: the feature id is also listed in `model/features.ts` (the
 * `as const` list every target's capability table is checked against) and the policy in
 * `model/policies/ids.ts` (the ids every target's `PolicyMap` answers); the model type of the
 * policy is in `model/types.ts` (`Policy`; a unit importing it back would be an import cycle); the
 * schema fragment is copied into `schemas/x-gateway.schema.json` (the JSON file editors and the
 * precompiled validator read): test/model/policy-units.test.ts fails when the copy differs.
 */
import type { Diagnostic, Loc } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../../spec/loaded-spec.js';
import type { Walker } from '../normalise/node.js';
import type { Policy, Route } from '../types.js';
import type { POLICY_FEATURE, PolicyId } from './ids.js';

/** The levels a route setting is read from, farthest first: root `defaults`, path item, operation. */
export interface RouteLevels {
  w: Walker;
  /** `x-gateway` of the root defaults, the path item and the operation, farthest first. */
  levels: readonly Located[];
  /** The path item and the operation themselves (for the OpenAPI they declare). */
  item: Located;
  op: Located;
  out: Diagnostic[];
}

/**
 * A lint rule that belongs to the policy (its id in rules/gwc.yaml; the rule file in
 * src/lint/rules/ reports what `find` returns): the routes that would want the policy and lack it,
 * or that set it in a way that defeats it, each with where to say so.
 */
export interface PolicyHint {
  rule: string;
  find(spec: LoadedSpec, routes: readonly Route[]): Array<{ route: Route; loc: Loc }>;
}

/** What every unit says. `Id` is its policy id (model/policies/ids.ts). */
interface UnitBase<Id extends PolicyId> {
  id: Id;
  /** The feature every target answers for in its capability table (`POLICY_FEATURE[id]`). */
  feature: (typeof POLICY_FEATURE)[Id];
  /**
   * The unit's key ids relative to route settings (`rateLimit`, `rateLimit.by.header`), parents
   * before children, in the order `model/keys.ts` lists them; under `policies.*` (bundled only),
   * `defaults` and `route` they are the ids of `model/keys.ts`.
   */
  keys: readonly string[];
  /** Where the route asks for the feature, when it does (the capability check's FeatureUse). */
  use(route: Route): Loc | undefined;
  /** The short words `gwc routes` and the diff renderers print for the route's policy, if any. */
  describe?(route: Route): string | undefined;
  hint?: PolicyHint;
}

/** A policy of the schema's `policyBody`: set in named bundles, `defaults`, path items, operations. */
export interface BundledPolicyUnit<Id extends PolicyId = PolicyId> extends UnitBase<Id> {
  kind: 'bundled';
  schema: {
    /** The unit's entries of `definitions.policyBody.properties`, exactly as the schema file holds them. */
    properties: Record<string, Record<string, unknown>>;
    /**
     * The definitions only this unit refers to (`definitions.rateLimit`), exactly as the schema
     * file holds them. `routeSettings` and `policy` list each key again with its description only
     * (an `additionalProperties: false` object must name what its `allOf` admits); the test derives
     * those from these.
     */
    definitions?: Record<string, Record<string, unknown>>;
  };
  /**
   * Merges the unit's keys of one settings object (`node.value` is an object: a named bundle, or
   * the `x-gateway` of defaults, a path item or an operation) into `into`: the unit's own key
   * absent leaves `into` alone, `false` removes the setting, a value overrides.
   */
  apply(w: Walker, node: Located, into: Policy, out: Diagnostic[]): void;
}

/** A route setting outside bundles (`routeSettings` only), read from all the route's levels at once. */
export interface RoutePolicyUnit<Id extends PolicyId = PolicyId> extends UnitBase<Id> {
  kind: 'route';
  /** The x-gateway key. */
  key: string;
  /** The key's JSON Schema, exactly as the `routeSettings` definition of the schema file holds it. */
  schema: Record<string, unknown>;
  /** Reads the route's setting from its levels onto the route (and reports what is wrong). */
  normalise(route: Route, at: RouteLevels): void;
}

export type PolicyUnit<Id extends PolicyId = PolicyId> = BundledPolicyUnit<Id> | RoutePolicyUnit<Id>;
