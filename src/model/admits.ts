/**
 * Whether one route is stricter than another, compared ONCE for every check of two routes a
 * backend may read as one handler (PV21): the model's ambiguous-pair check
 * (route-ambiguous-unprotected) and the targets' same-backend checks (param-variants.ts,
 * body-override.ts, upstream-reach.ts, head-get.ts, declared-override.ts, aws confusable.ts). A
 * request the gateway answers through `route` whose backend runs `other`'s handler passes only
 * `route`'s checks: every check `other` has and `route` lacks (or has looser) is escaped.
 * Who may call (security: alternatives, schemes, scopes or roles; the IP rule) is `admitsAll`;
 * every other route policy answers in `STRICTER` (a new policy id fails to compile until it does).
 */
import type { PolicyId } from './policies/ids.js';
import type { ProtectionGap } from './protection-gap.js';
import type { RequestParam, RequestSchema, Route } from './types.js';

export type { ProtectionGap } from './protection-gap.js';

/**
 * True when every caller `route` admits is admitted by `other` too: same or no IP rule on other,
 * and each security alternative of route satisfies some alternative of other (its schemes, with at
 * least its scopes or roles). A route other admits anonymously (public or optional auth) admits
 * everyone.
 */
export function admitsAll(other: Route, route: Route): boolean {
  if (other.policy.ipRule && ipKey(other) !== ipKey(route)) return false;
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

const ipKey = (r: Route) => (r.policy.ipRule ? JSON.stringify([r.policy.ipRule.allow, r.policy.ipRule.deny]) : '');

/** A schema as the validator reads it (its places in the spec aside). */
const schemaKey = (s: RequestSchema | undefined) =>
  s ? [s.schema, Object.entries(s.definitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, d]) => [k, d.ref, d.schema])] : null;
const paramKey = (p: RequestParam) => JSON.stringify([p.in, p.name, p.required, schemaKey(p.schema), p.mediaType ?? null, p.style ?? null, p.explode ?? null]);
const bodyKey = (r: Route) => {
  const b = r.request?.body;
  return JSON.stringify(b ? [b.required, b.mediaTypes, b.json ? [b.json.mediaType, schemaKey(b.json.schema)] : null] : null);
};

/**
 * True when `route` checks every request against all `other` validates: its body flag with the same
 * body, its parameters flag with each parameter of other's, alike (name, place, schema). A path
 * parameter named differently is not the same check (a conservative reading: refused, not missed).
 */
function validatesAll(route: Route, other: Route): boolean {
  const o = other.validate;
  if (!o) return true;
  const r = route.validate;
  if (!r) return false;
  if (o.body && (!r.body || bodyKey(route) !== bodyKey(other))) return false;
  if (!o.parameters) return true;
  if (!r.parameters) return false;
  const ours = new Set((route.request?.params ?? []).map(paramKey));
  return (other.request?.params ?? []).every((p) => ours.has(paramKey(p)));
}

type Stricter = (other: Route, route: Route) => boolean;

/**
 * For each route policy, whether `other`'s makes it stricter than `route` (a request of route that
 * runs other's handler escapes it), or, as a string, why that policy says nothing of who gets
 * through or how often. Every counted answer is false when `other` lacks the policy
 * (neverProtectedMore relies on it).
 */
export const STRICTER = {
  // A limit other does not count alike: the request is counted in route's bucket (or none), never
  // in other's. The other way round it was counted under the route's own limit.
  rateLimit: (other, route) => limitOf(other) !== '' && limitOf(other) !== limitOf(route),
  // Who may call: admitsAll reads it beside security (a public route with an IP rule is restricted too).
  ipRule: (other, route) => other.policy.ipRule !== undefined && ipKey(other) !== ipKey(route),
  bodyLimit: (other, route) => other.policy.bodyLimit !== undefined && (route.policy.bodyLimit?.bytes ?? Infinity) > other.policy.bodyLimit.bytes,
  validate: (other, route) => other.validate !== undefined && !validatesAll(route, other),
  cors: 'no CORS is a browser refusing every other origin, so any CORS of route reads wider: open (pv21-stricter-policies it.fails, credentialed origins)',
  cache: 'a cache keeps answers, it refuses no request',
  requestHeaders: 'a header set or removed is the route\'s own rewriting, not a check a request passes',
  responseHeaders: 'rewrites the answer, not a check a request passes',
  accessLog: 'records requests, refuses none',
} as const satisfies Record<PolicyId, Stricter | string>;

type Counted = { [K in PolicyId]: (typeof STRICTER)[K] extends string ? never : K }[PolicyId];
const COUNTED = (Object.keys(STRICTER) as PolicyId[]).filter((id): id is Counted => typeof STRICTER[id] !== 'string');


/**
 * What `other` checks that a request of `route` running other's handler escapes: 'callers'
 * (security or IP rule), else the first counted policy; undefined when none.
 */
export function protectionGap(other: Route, route: Route): ProtectionGap | undefined {
  if (!admitsAll(other, route)) return 'callers';
  for (const id of COUNTED) if (id !== 'ipRule' && (STRICTER[id] as Stricter)(other, route)) return id === 'rateLimit' ? 'limit' : id;
  return undefined;
}

/** True when `other` is stricter than `route` in any way a request of route running other's handler escapes (protectionGap). */
export const protectedMore = (other: Route, route: Route): boolean => protectionGap(other, route) !== undefined;

const present = (r: Route, id: Counted): boolean => (id === 'validate' ? r.validate !== undefined : r.policy[id] !== undefined);

/**
 * True when `protectedMore(other, route)` is false whatever `route` is: anyone admitted (public or
 * optional auth: admitsAll's early answers) and no counted policy. A check comparing each route
 * with many others (aws confusable.ts) leaves these out up front (#18); written beside
 * protectedMore so the two change together (test/targets/aws/confusable-index.test.ts holds them).
 */
export const neverProtectedMore = (other: Route): boolean =>
  (other.security.length === 0 || other.optionalAuth === true) && COUNTED.every((id) => !present(other, id));

/**
 * A route's protection as one string: routes with the same one are never protectedMore than one
 * another (a check may skip a gateway whose routes all share one, #18).
 */
export const protectionProfile = (r: Route): string =>
  JSON.stringify([
    r.security.map((alt) => alt.map((i) => `${i.scheme}[${i.scopes.join(',')}]`)),
    r.optionalAuth === true,
    ipKey(r),
    limitOf(r),
    r.policy.bodyLimit?.bytes ?? null,
    r.validate ? [r.validate.body, r.validate.parameters, bodyKey(r), (r.request?.params ?? []).map(paramKey)] : null,
  ]);
