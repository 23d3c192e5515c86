/**
 * Who a route lets in, compared: security (alternatives, schemes, scopes or roles) and the IP rule
 * (DESIGN.md 4 and 7.8: both say who can call what), and how often (the rate limit: protectedMore).
 * Used by the model's ambiguous-pair check (route-ambiguous-unprotected) and by the targets'
 * same-backend checks (body-override.ts, param-variants.ts, upstream-reach.ts, head-get.ts, ...), so
 * that they all mean the same thing by "admits fewer callers" and "protected more".
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

/** The rate limit as it counts callers (its place in the spec aside); '' for none. */
export const limitOf = (r: Route): string => {
  const l = r.policy.rateLimit;
  return l ? JSON.stringify([l.requests, l.per, l.by, l.burst]) : '';
};

/**
 * True when `other` is closed to a caller `route` admits, or counts them under a limit `route`
 * does not count alike (a request of `route` that runs `other` bypasses it). The other way round
 * the request was counted under the route's own limit.
 */
export const protectedMore = (other: Route, route: Route): boolean => !admitsAll(other, route) || (limitOf(other) !== '' && limitOf(other) !== limitOf(route));

/**
 * True when `protectedMore(other, route)` is false whatever `route` is: no IP rule, anyone admitted
 * (public or optional auth: admitsAll's early answers), no rate limit. A check comparing each
 * route with many others (aws confusable.ts) leaves these out up front (#18); written beside
 * protectedMore so the two change together (test/targets/aws/confusable-index.test.ts holds them).
 */
export const neverProtectedMore = (other: Route): boolean =>
  !other.policy.ipRule && (other.security.length === 0 || other.optionalAuth === true) && limitOf(other) === '';
