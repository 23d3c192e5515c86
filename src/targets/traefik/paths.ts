/**
 * The path the backend receives (DESIGN.md section 3, rule 5): the operation path with the base
 * path stripped, or the upstreamPath with the parameters substituted, after the backend URL's
 * path. One replacePathRegex per route does it
 * (https://doc.traefik.io/traefik/middlewares/http/replacepathregex/).
 *
 * That middleware matches the *escaped* path (RawPath), while the router matched the decoded
 * one, so the regex only re-reads the structure the router already checked: a literal segment
 * is `[^/]*`, a parameter `([^/]+)`, and it cannot miss on a percent-encoded literal.
 */
import type { PathSegment, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { reEscape } from './rule.js';

/** Go's Regexp.Expand reads `$`: a literal one is `$$`. */
const expandLiteral = (s: string) => s.replace(/\$/g, '$$$$');

function structureRegex(segments: PathSegment[], upTo = segments.length): { regex: string; params: string[] } {
  const params: string[] = [];
  const seg = (s: PathSegment): string => {
    if (s.kind === 'literal') return '[^/]*';
    if (s.kind === 'param') {
      params.push(s.name);
      return '([^/]+)';
    }
    return s.parts
      .map((x) => {
        if ('literal' in x) return reEscape(x.literal);
        params.push(x.param);
        return '([^/]+)';
      })
      .join('');
  };
  return { regex: segments.slice(0, upTo).map((s) => `/${seg(s)}`).join(''), params };
}

/** Number of leading segments that are the gateway's base path. */
function baseSegments(ctx: Ctx): number {
  const base = ctx.gateway.basePath.replace(/\/+$/, '');
  return base === '' ? 0 : base.split('/').length - 1;
}

/** `$1`, or `${1}` when a name character follows (Expand reads `$1x` as the group "1x"). */
function group(n: number, after: string): string {
  return /^[A-Za-z0-9_]/.test(after) ? `\${${n}}` : `$${n}`;
}

export function rewriteMiddleware(ctx: Ctx, route: Route, prefix: string): string | undefined {
  const k = baseSegments(ctx);
  let regex: string;
  let replacement: string;
  if (route.upstreamPath && ctx.plan.enforced(route.id, 'upstreamPath')) {
    const { regex: r, params } = structureRegex(route.segments);
    regex = `^${r}$`;
    replacement =
      expandLiteral(prefix) +
      route.upstreamPath.template.replace(/\{([^{}]*)\}|([^{]+|\{)/g, (_all, param: string | undefined, text: string | undefined, offset: number, rest: string) => {
        if (param === undefined) return expandLiteral(text ?? '');
        const i = params.indexOf(param);
        if (i < 0) {
          ctx.error(`route ${route.id}: upstreamPath uses {${param}}, which is not a parameter of ${route.path}`, route.upstreamPath!.loc);
          return '';
        }
        return group(i + 1, rest.slice(offset + param.length + 2));
      });
  } else {
    if (k === 0 && prefix === '') return undefined;
    const { regex: r } = structureRegex(route.segments, k);
    regex = `^${r}(/.*)$`;
    replacement = `${expandLiteral(prefix)}$1`;
  }
  if (replacement === '') replacement = '/';
  return ctx.addMiddleware([route.id, 'path'], { replacePathRegex: { regex, replacement } });
}
