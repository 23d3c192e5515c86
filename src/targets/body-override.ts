/**
 * `_method` in a request body, for the targets that cannot read one (Traefik, AWS REST).
 *
 * Rails (Rack::MethodOverride), Laravel, Symfony (http_method_override) and Express
 * method-override run the method a `_method` field of a form, multipart or JSON body names, so a
 * request the gateway admitted as `POST /items` runs the backend's `DELETE /items` handler (DESIGN.md
 * section 7.5). nginx refuses such a body (njs bodyCheck) and Kong removes the field
 * (request-transformer remove.body); a gateway that can neither read nor rewrite a body can only
 * refuse the build where the override would matter: an operation whose request may carry a body
 * reaches a backend that also serves another operation of the same path (same backend, same
 * upstream path) with a different method, and that operation admits fewer callers (security
 * alternatives, roles, an IP rule) or counts them under a rate limit this one does not have. An operation that
 * declares `_method` itself (Route.declaredOverrides) says its backend reads it on purpose, and is
 * left alone, as is a mock (no backend reads the body), and a backend the user declares
 * `methodOverride: none` (Backend.methodOverride: stated once, for the whole backend; the default,
 * `possible`, refuses). The declaration is the user's word about their framework, so `gwc diff`
 * flags it as a security change when it appears (src/diff/trust.ts).
 */
import type { Gateway, Route } from '../model/types.js';

/**
 * The one method whose body frameworks read `_method` from: Rack::MethodOverride (ALLOWED_METHODS
 * = POST), Laravel and Symfony (`getMethod()` reads the override only when the real method is POST),
 * ASP.NET Core's HttpMethodOverride and Express method-override (default `methods: ['POST']`). A
 * PUT, PATCH or DELETE body's `_method` runs nothing else, so refusing those would only refuse
 * ordinary APIs (nginx, which can read the body, still answers 400 to any of them).
 */
const OVERRIDABLE = 'POST';

export interface BodyOverride {
  /** The operation a caller is admitted to. */
  route: Route;
  /** The operation its backend would run instead. */
  other: Route;
  /** The backend both reach: where `methodOverride: none` would be declared. */
  backend: string;
}

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

/** The rate limit as it counts callers (its place in the spec aside). */
const limitOf = (r: Route): string => {
  const l = r.policy.rateLimit;
  return l ? JSON.stringify([l.requests, l.per, l.by, l.burst]) : '';
};

/** The backend request path the route's backend sees (DESIGN.md section 3 rule 5). */
const upstreamOf = (r: Route): string => r.upstreamPath?.template ?? r.path;

const declaresMethodField = (r: Route): boolean => (r.declaredOverrides ?? []).some((d) => d.in === 'query' && d.name === '_method');

/**
 * Each operation of `routes` (the ones the target builds) whose body's `_method` would run a
 * differently protected operation of `routes`, with the first such operation (by method). One per
 * operation; none where `_method` is declared.
 */
export function bodyOverrides(gateway: Gateway, routes: readonly Route[]): BodyOverride[] {
  const out: BodyOverride[] = [];
  // A mock reads no body; a backend declared `methodOverride: none` runs no body `_method`.
  const unread = new Set(gateway.backends.filter((b) => b.kind === 'mock' || b.methodOverride?.value === 'none').map((b) => b.name));
  // The backend sees its own path, not the public host or path: that is what it dispatches on.
  // Grouped once, so a spec of many routes is not compared pair by pair.
  const same = new Map<string, Route[]>();
  for (const r of routes) {
    const key = JSON.stringify([r.backend, upstreamOf(r)]);
    same.set(key, [...(same.get(key) ?? []), r]);
  }
  for (const route of routes) {
    if (route.method !== OVERRIDABLE || declaresMethodField(route) || unread.has(route.backend)) continue;
    const others = same
      .get(JSON.stringify([route.backend, upstreamOf(route)]))!
      .filter((o) => o !== route && o.method !== route.method)
      // A limit on the other operation that this one does not count the same way is bypassed; the
      // other way round the request was counted under this operation's own limit.
      .filter((o) => !admitsAll(o, route) || (limitOf(o) !== '' && limitOf(o) !== limitOf(route)))
      .sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
    const other = others[0];
    if (other) out.push({ route, other, backend: route.backend });
  }
  return out;
}
