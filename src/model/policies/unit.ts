/**
 * A policy as one unit (issue #17 item 5): the x-gateway key, its JSON Schema fragment, its key
 * ids, its feature, its normaliser and its lint hint live in one file, `model/policies/<key>.ts`,
 * and the shared places (the schema, `model/keys.ts`, `normalise/routes.ts`, `route-features.ts`,
 * the lint rule) read them from there instead of each restating the policy.
 *
 * What still lives elsewhere, and why: the feature id must also be listed in `model/features.ts`
 * (the `as const` list every target's capability table is checked against), and the schema
 * fragment is copied into `schemas/x-gateway.schema.json` (the JSON file editors and the
 * precompiled validator read); test/model/policies.test.ts fails when the copy differs.
 */
import type { Diagnostic, Loc } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../../spec/loaded-spec.js';
import type { FeatureId } from '../features.js';
import type { Walker } from '../normalise/node.js';
import type { Route } from '../types.js';

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
 * The contract of a policy unit. `K` is its x-gateway key under route settings (`defaults`, path
 * item and operation `x-gateway`); its key ids are `defaults.<K>...` and `route.<K>...`.
 */
export interface PolicyUnit<K extends string> {
  /** The x-gateway key. */
  key: K;
  /** The feature every target answers for in its capability table. */
  feature: FeatureId;
  /** The key's JSON Schema, exactly as the `routeSettings` definition of the schema file holds it. */
  schema: Record<string, unknown>;
  /** The key and its sub-keys, relative to route settings (`validate`, `validate.body`). */
  keys: readonly string[];
  /** Reads the route's setting from its levels onto the route (and reports what is wrong). */
  normalise(route: Route, at: RouteLevels): void;
  /** Where the route asks for the feature, when it does (the capability check's FeatureUse). */
  use(route: Route): Loc | undefined;
  /** The lint hint: the routes that would want the policy and lack it, each with where to say so. */
  hint?: { rule: string; find(spec: LoadedSpec, routes: readonly Route[]): Array<{ route: Route; loc: Loc }> };
}
