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
  const shared = new Map<string, Map<FeatureId, Resolution>>();
  let previous: Map<FeatureId, Resolution> | undefined;
  const acceptedSeen = new Set<string>();
  for (const route of gateway.routes) {
    const perRoute = new Map<FeatureId, Resolution>();
    modes.set(route.id, perRoute);
    for (const use of features(route)) {
      const cap = target.capabilities[use.feature];
      if (cap.support === 'native') {
        perRoute.set(use.feature, 'native');
        continue;
      }
      if (cap.support === 'emulated') {
        perRoute.set(use.feature, 'emulated');
        continue;
      }
      // Only the kind the target names helps: a forwardAuth service is no use to a target that can
      // call a Lambda authorizer and nothing else, and the other way round.
      if (cap.fallback && use.fallbacks?.[cap.fallback]) {
        perRoute.set(use.feature, 'fallback');
        continue;
      }
      const params = { route: route.id, feature: use.feature, target: target.name };
      const why = cap.fallback ? `${cap.why}; ${fallbackHint(cap.fallback)}` : cap.why;
      const accepted = gateway.accepted.find((a) => a.target === target.name && a.feature === use.feature);
      if (accepted && featureInfo(use.feature).class === 'security' && !cap.partial) {
        // Fail closed even against the spec's own word: an accepted auth gap would compile the route open.
        perRoute.set(use.feature, 'dropped');
        diagnostics.push(diag('accept-opens-route', { ...params, why }, accepted.loc, { target: target.name }));
        continue;
      }
      if (accepted) {
        perRoute.set(use.feature, 'accepted');
        // One warning per (feature, acceptance), not one per route: a repeat is not made at all
        // (#18: 10,000 made and dropped on the synthetic spec); the first stays where it was.
        const key = acceptedKey(use.feature, accepted.loc);
        if (!acceptedSeen.has(key)) {
          acceptedSeen.add(key);
          diagnostics.push(diag('capability-accepted', { ...params, reason: accepted.reason }, accepted.loc, { target: target.name }));
        }
        continue;
      }
      perRoute.set(use.feature, 'dropped');
      const code = failsClosed(use.feature) ? 'capability-unsupported' : 'capability-dropped';
      diagnostics.push(diag(code, { ...params, why }, use.loc, { target: target.name }));
    }
    // Most often the same as the route before it: compared first, no key made.
    if (previous && sameEntries(previous, perRoute)) {
      modes.set(route.id, previous);
      continue;
    }
    let key = '';
    for (const [feature, mode] of perRoute) key += feature + '\0' + mode + '\0';
    const same = shared.get(key);
    if (same) modes.set(route.id, same);
    else shared.set(key, perRoute);
    previous = same ?? perRoute;
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

/** The same entries in the same order. */
function sameEntries(a: ReadonlyMap<FeatureId, Resolution>, b: ReadonlyMap<FeatureId, Resolution>): boolean {
  if (a.size !== b.size) return false;
  const ai = a.entries();
  for (const [feature, mode] of b) {
    const [f, m] = ai.next().value as [FeatureId, Resolution];
    if (f !== feature || m !== mode) return false;
  }
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
