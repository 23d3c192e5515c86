/**
 * Who a route lets in, compared: security (alternatives, schemes, scopes or roles) and the IP rule
 * (DESIGN.md 4 and 7.8: both say who can call what). Used by the model's ambiguous-pair check
 * (route-ambiguous-unprotected) and by the targets' same-backend checks (body-override.ts,
 * param-variants.ts, ...), so that they all mean the same thing by "admits fewer callers".
 */
import type { Route } from './types.js';

/**
 * True when every caller `route` admits is admitted by `other` too: same or no IP rule on other,
 * and each security alternative of route satisfies some alternative of other (its schemes, with at
 * least its scopes or roles). A route other admits anonymously (public or optional auth) admits
 * everyone.
 */
export function admitsAll(other: Route, route: Route): boolean {
  const ip = other.policy.ipRule;
  const ours = route.policy.ipRule;
  if (ip && JSON.stringify([ip.allow, ip.deny]) !== JSON.stringify(ours ? [ours.allow, ours.deny] : null)) return false;
  if (other.security.length === 0 || other.optionalAuth) return true;
  if (route.security.length === 0 || route.optionalAuth) return false;
  return route.security.every((alt) =>
    other.security.some((theirs) => theirs.every((need) => alt.some((have) => have.scheme === need.scheme && need.scopes.every((s) => have.scopes.includes(s))))),
  );
}
