/**
 * DESIGN.md 7.5: what the gateway forwards must not be read by the backend as a different,
 * protected route. API Gateway matches `/users/{id}` on one path segment and substitutes the
 * segment into the http_proxy URI; it cannot restrict the value (request validation checks that a
 * parameter is present, never its pattern), and many backends do not read the segment the way API
 * Gateway matched it: Tomcat/Spring drop a `;matrix` suffix (`me;` is `me`), and a `..` or `..;`
 * segment removes the one before it. So a value can land on another route's backend path. That
 * is harmless when the other route admits everyone this one admits; when it is protected more or
 * differently (security or IP rule), the build is refused.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';

/** A backend path segment: text, or a placeholder `{name}`. */
type Seg = { text: string } | { param: string };
/** A segment after the attacker chose the placeholder values: text, any one segment, or one or more segments of any text. */
type Out = { text: string } | { any: true } | { run: true };

/**
 * What a placeholder's value can become at the backend.
 * - `slashes`: the value can hold `/` (an HTTP API decodes a path parameter once more after
 *   matching: /files/..%252Fadmin%252Fusers gives name = ../admin/users).
 * - `dots`: the backend may resolve a `.` or `..` segment (the default; a backend declared
 *   `dotSegments: rejected` refuses them or reads them as text).
 */
interface ValueReach {
  slashes: boolean;
  dots: boolean;
}

function segments(path: string): Seg[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^\{([^{}]+)\}$/.exec(s);
      return m ? { param: m[1] as string } : { text: s };
    });
}

/** Every backend path a request to `tpl` can be read as, one per choice of each placeholder. */
function readings(tpl: Seg[], reach: ValueReach): Array<{ out: Out[]; param?: string }> {
  const results: Array<{ out: Out[]; param?: string }> = [];
  const walk = (i: number, out: Out[], param?: string) => {
    if (results.length > 512) return; // bounded: a handful of parameters at most in practice
    if (i === tpl.length) {
      results.push(param === undefined ? { out } : { out, param });
      return;
    }
    const seg = tpl[i] as Seg;
    if ('text' in seg) return walk(i + 1, [...out, seg], param);
    // Any single segment (a `;suffix` the backend drops lets it equal any literal), or, when the
    // value can hold '/', any run of segments.
    walk(i + 1, [...out, reach.slashes ? { run: true } : { any: true }], param ?? seg.param);
    if (reach.dots) {
      // `.` (gone) or `..` (takes the previous segment with it).
      walk(i + 1, out, seg.param);
      walk(i + 1, out.slice(0, -1), seg.param);
    }
  };
  walk(0, []);
  return results;
}

function matches(out: Out[], target: Seg[], i = 0, j = 0): boolean {
  if (i === out.length) return j === target.length;
  const o = out[i] as Out;
  if ('run' in o) {
    for (let k = 1; j + k <= target.length; k++) if (matches(out, target, i + 1, j + k)) return true;
    return false;
  }
  if (j === target.length) return false;
  const t = target[j] as Seg;
  return ('any' in o || 'param' in t || t.text === o.text) && matches(out, target, i + 1, j + 1);
}

/**
 * True when every caller `route` admits is admitted by `other` too, so reaching other's backend
 * path through route gives no one more than they have: same or no IP rule on other, and each
 * security alternative of route satisfies some alternative of other (its schemes, with at least
 * its scopes). A route other admits anonymously (public or optional auth) admits everyone.
 */
function admitsAll(other: Route, route: Route): boolean {
  const ip = other.policy.ipRule;
  const ours = route.policy.ipRule;
  if (ip && JSON.stringify([ip.allow, ip.deny]) !== JSON.stringify(ours ? [ours.allow, ours.deny] : null)) return false;
  if (other.security.length === 0 || other.optionalAuth) return true;
  if (route.security.length === 0 || route.optionalAuth) return false;
  return route.security.every((alt) =>
    other.security.some((theirs) =>
      theirs.every((need) => alt.some((have) => have.scheme === need.scheme && need.scopes.every((s) => have.scopes.includes(s)))),
    ),
  );
}

/**
 * `upstream` maps each compiled http_proxy route to its backend origin and path template, and each
 * Lambda proxy route to its function and resource path.
 * Refuses each route with a path parameter that can be read as a differently protected route of
 * the same backend origin and method (the method is fixed by the integration; override headers
 * are neutralised in backends.ts). With `slashes` (HTTP APIs) a value can span segments, and where
 * the route's backend may also resolve `..` (not declared `dotSegments: rejected`), a value can
 * climb to the origin's root: then any differently protected route of the same method is reachable.
 */
export function checkConfusablePaths(ctx: Ctx, upstream: Map<Route, { origin: string; path: string }>, opts: { slashes?: boolean } = {}): void {
  for (const [route, up] of upstream) {
    if (route.params.length === 0) continue;
    const tpl = segments(up.path);
    const first = tpl.find((s): s is { param: string } => 'param' in s);
    if (!first) continue;
    const backend = ctx.gateway.backends.find((b) => b.name === route.backend);
    const reach: ValueReach = { slashes: opts.slashes === true, dots: backend?.dotSegments?.value !== 'rejected' };
    // '/' and '..' together: ../ up to the root, then any path (a '?' ends what follows).
    const anywhere = reach.slashes && reach.dots;
    const reads = anywhere ? [] : readings(tpl, reach);
    for (const [other, theirs] of upstream) {
      // The integration fixes the method; a HEAD reaches GET handlers on most backends.
      const sameMethod = other.method === route.method || (route.method === 'HEAD' && other.method === 'GET');
      if (other === route || !sameMethod || theirs.origin !== up.origin) continue;
      if (admitsAll(other, route)) continue;
      const target = segments(theirs.path);
      const hit = anywhere ? { param: first.param } : reads.find((r) => r.param !== undefined && matches(r.out, target));
      if (hit) {
        const value = reach.slashes ? (reach.dots ? '"..%252F"' : '"x%252Fy"') : reach.dots ? '"x;" or "..;"' : '"x;"';
        ctx.report('aws-path-param-confusable', { route: route.id, param: hit.param as string, other: other.id, upstream: up.path, value, backend: route.backend }, route.loc);
        break;
      }
    }
  }
}
