/**
 * The core's capability check (DESIGN.md section 4): before a target compiles, every feature a
 * route uses is resolved against the target's table. Security and traffic features the target
 * cannot express are errors naming the route and the feature (fail closed); observability gaps
 * are warnings. The result, the plan, tells the compiler which mode each feature runs in.
 */
import { diag, type Diagnostic, type Loc } from '../diagnostics/diagnostic.js';
import { failsClosed, fallbackHint, featureInfo, type FeatureId } from '../model/features.js';
import { routeFeatures, type FeatureUse } from '../model/route-features.js';
import type { Gateway, Route } from '../model/types.js';
import type { CapabilityPlan, Resolution, Target } from './target.js';

// The plan is part of the target contract (a target's compile receives it); it is defined in
// target.ts so that the contract does not import its checker (no import cycle), and re-exported here.
export type { CapabilityPlan, Resolution } from './target.js';

export interface CheckResult {
  plan: CapabilityPlan;
  diagnostics: Diagnostic[];
}

/**
 * `features`: each route's feature uses, `routeFeatures(gateway, route)` by default; lint passes
 * them read once per run for its four targets (#18), the same values.
 */
export function checkCapabilities(gateway: Gateway, target: Target, features: (route: Route) => readonly FeatureUse[] = (r) => routeFeatures(gateway, r)): CheckResult {
  const diagnostics: Diagnostic[] = [...gatewayRefusals(gateway)];
  const modes = new Map<string, Map<FeatureId, Resolution>>();
  // Routes whose features resolve alike share one map (#18: lint keeps four plans of 10,000 routes
  // for its whole run, 3.5 MB each with a map per route); each is keyed by its entries, in order.
  // A route's entries are resolved into two scratch lists, not a map of its own: a map is made
  // only for a resolution no route before had (#18: a map per route and per target, made and
  // dropped, was 70 MB of lint's allocation on the synthetic 10,000-operation spec).
  const shared = new Map<string, Resolved>();
  let previous: Resolved | undefined;
  // The route's first `count` entries (the lists are kept at their longest, never shrunk).
  const routeFeatureIds: FeatureId[] = [];
  const routeModes: Resolution[] = [];
  let count = 0;
  // Map.set's order and values: a feature seen again keeps its place and takes the later mode.
  const put = (feature: FeatureId, mode: Resolution) => {
    let at = 0;
    while (at < count && routeFeatureIds[at] !== feature) at++;
    if (at === count) routeFeatureIds[count++] = feature;
    routeModes[at] = mode;
  };
  const acceptedSeen = new Set<string>();
  // Each acceptance's key, made once, not once per route it covers (#18).
  const acceptedKeys = new Map<object, string>();
  for (const route of gateway.routes) {
    count = 0;
    // Indexed: the array iterator's results were 10 MB of lint's allocation at 10,000 routes (#18).
    const uses = features(route);
    for (let i = 0; i < uses.length; i++) {
      const use = uses[i]!;
      const cap = target.capabilities[use.feature];
      if (cap.support === 'native') {
        put(use.feature, 'native');
        continue;
      }
      if (cap.support === 'emulated') {
        put(use.feature, 'emulated');
        continue;
      }
      // Only the kind the target names helps: a forwardAuth service is no use to a target that can
      // call a Lambda authorizer and nothing else, and the other way round.
      if (cap.fallback && use.fallbacks?.[cap.fallback]) {
        put(use.feature, 'fallback');
        continue;
      }
      // Made only for a diagnostic: most often an acceptance seen on a route before, which makes none.
      const params = () => ({ route: route.id, feature: use.feature, target: target.name });
      const why = () => (cap.fallback ? `${cap.why}; ${fallbackHint(cap.fallback)}` : cap.why);
      const accepted = gateway.accepted.find((a) => a.target === target.name && a.feature === use.feature);
      if (accepted && featureInfo(use.feature).class === 'security' && !cap.partial) {
        // Fail closed even against the spec's own word: an accepted auth gap would compile the route open.
        put(use.feature, 'dropped');
        diagnostics.push(diag('accept-opens-route', { ...params(), why: why() }, accepted.loc, { target: target.name }));
        continue;
      }
      if (accepted) {
        put(use.feature, 'accepted');
        // One warning per (feature, acceptance), not one per route: a repeat is not made at all
        // (#18: 10,000 made and dropped on the synthetic spec); the first stays where it was.
        let key = acceptedKeys.get(accepted);
        if (key === undefined) acceptedKeys.set(accepted, (key = acceptedKey(use.feature, accepted.loc)));
        if (!acceptedSeen.has(key)) {
          acceptedSeen.add(key);
          diagnostics.push(diag('capability-accepted', { ...params(), reason: accepted.reason }, accepted.loc, { target: target.name }));
        }
        continue;
      }
      put(use.feature, 'dropped');
      const code = failsClosed(use.feature) ? 'capability-unsupported' : 'capability-dropped';
      diagnostics.push(diag(code, { ...params(), why: why() }, use.loc, { target: target.name }));
    }
    // Most often the same as the route before it: compared first, no key made.
    if (!previous || !sameEntries(previous, routeFeatureIds, routeModes, count)) {
      let key = '';
      for (let i = 0; i < count; i++) key += routeFeatureIds[i] + '\0' + routeModes[i] + '\0';
      let same = shared.get(key);
      if (!same) {
        const fs = routeFeatureIds.slice(0, count);
        const ms = routeModes.slice(0, count);
        same = { map: new Map(fs.map((f, i) => [f, ms[i]!])), features: fs, modes: ms };
        shared.set(key, same);
      }
      previous = same;
    }
    modes.set(route.id, previous.map);
  }
  // A compile asks about one route many times in a row: its map is kept at hand (#18).
  let lastId: string | undefined;
  let last: Map<FeatureId, Resolution> | undefined;
  const modeOf = (routeId: string, feature: FeatureId) => {
    if (routeId !== lastId) {
      lastId = routeId;
      last = modes.get(routeId);
    }
    return last?.get(feature);
  };
  const plan: CapabilityPlan = {
    mode: modeOf,
    enforced: (routeId, feature) => {
      const m = modeOf(routeId, feature);
      return m === 'native' || m === 'emulated' || m === 'fallback';
    },
  };
  return { plan, diagnostics };
}

/** One resolution of a route's features, shared by the routes that resolve alike: its map and its entries in order. */
interface Resolved {
  map: Map<FeatureId, Resolution>;
  features: readonly FeatureId[];
  modes: readonly Resolution[];
}

/** The same entries in the same order as the first `count` of `features` and `modes`. */
function sameEntries(a: Resolved, features: readonly FeatureId[], modes: readonly Resolution[], count: number): boolean {
  if (a.features.length !== count) return false;
  for (let i = 0; i < count; i++) if (a.features[i] !== features[i] || a.modes[i] !== modes[i]) return false;
  return true;
}

/**
 * Refusals that hold on every target, made here so no target can build past them: a route nobody
 * decided to open (DESIGN.md section 7.1: no security and no `public: true` would compile open),
 * and a gateway with no route at all (API Gateway will not deploy a REST API without methods; an
 * empty nginx, Kong or Traefik configuration is never what a spec with only webhooks meant).
 */
export function gatewayRefusals(gateway: Gateway): Diagnostic[] {
  if (gateway.routes.length === 0) return [diag('no-routes', {}, gateway.loc)];
  return gateway.routes
    .filter((r) => r.security.length === 0 && !r.declaredPublic)
    .map((r) => diag('security-undecided', { route: r.id }, r.securityLoc ?? r.loc));
}

/** What makes capability-accepted warnings one: the feature and the place of the acceptance. */
function acceptedKey(feature: FeatureId, loc: Loc | undefined): string {
  return `${feature}|${loc?.file}|${loc?.pointer}`;
}
