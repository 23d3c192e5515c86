/**
 * Route paths as API Gateway writes them in its different places. API Gateway resources are a
 * tree of whole segments and the most specific resource wins (a literal child beats a `{param}`
 * sibling), which is DESIGN.md section 3 rule 3 by construction:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html
 */
import type { AwsPathProblem } from '../../diagnostics/codes-aws.js';
import { parsedPath } from '../../model/paths.js';
import type { PathSegment, Route } from '../../model/types.js';

/**
 * The segments of the OpenAPI path, without the base path: `route.segments` is the public path
 * (base path included), while API Gateway serves the base path as the stage or the base path
 * mapping.
 */
export function segmentsOf(route: Route): PathSegment[] {
  return route.path === '/' ? [] : parsedPath(route.path).segments;
}

/** API Gateway's CreateResource rule: a path part is [a-zA-Z0-9._-] or a whole `{param}`. */
const PATH_PART = /^[A-Za-z0-9._-]+$/;

/**
 * Why API Gateway cannot take the route's path (the params of aws-path-unsupported: a segment
 * mixing text and parameters, an empty segment, or a part with other characters), or undefined.
 */
export function pathProblem(route: Route): { problem: AwsPathProblem; part: string } | undefined {
  for (const seg of segmentsOf(route)) {
    if (seg.kind === 'mixed') return { problem: 'mixed', part: '' };
    const text = seg.kind === 'literal' ? seg.value : seg.name;
    if (text === '') return { problem: 'empty', part: '' };
    if (!PATH_PART.test(text)) return { problem: 'characters', part: text };
  }
  return undefined;
}

/** `/users/{id}` for the Body's `paths` and the usage plan throttle key. */
export function resourcePath(route: Route): string {
  const parts = segmentsOf(route).map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? `{${s.name}}` : ''));
  return `/${parts.join('/')}`;
}

/** Stage MethodSetting ResourcePath: every `/` encoded as `~1` (`/users/{id}` -> `/~1users~1{id}`). */
export function methodSettingsPath(route: Route): string {
  const path = resourcePath(route);
  // The root resource is written as a plain slash.
  return path === '/' ? '/' : `/${path.replace(/\//g, '~1')}`;
}

/**
 * The execute-api resource of a route in a resource policy, `execute-api:/STAGE/METHOD/path`, with
 * `*` for each parameter. IAM's `*` spans `/` too, so `/users/*` also covers `/users/me`: callers
 * check for such overlaps (see policy.ts).
 */
export function policyResourcePath(route: Route): string {
  const parts = segmentsOf(route).map((s) => (s.kind === 'literal' ? s.value : '*'));
  return `/${parts.join('/')}`;
}
