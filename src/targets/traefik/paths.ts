/**
 * The path the backend receives (DESIGN.md section 3, rule 5): the operation path with the base
 * path stripped, or the upstreamPath with the parameters substituted, after the backend URL's
 * path. One replacePathRegex per route does it
 * (https://doc.traefik.io/traefik/middlewares/http/replacepathregex/).
 *
 * That middleware matches the *escaped* path (RawPath), while Traefik 3.0 to 3.4.0 route on the
 * decoded one, where `%2F` is a `/`. So a literal segment is matched as itself, written as Go
 * escapes it (after the entry point's normalizePath, https://doc.traefik.io/traefik/security/request-path/),
 * never as "any segment": `[^/]*` let `/v1%2Fpublic/admin` (routed as the public
 * `/v1/public/{name}`) lose `v1%2Fpublic` as if it were the base path and reach the backend as the
 * protected `/admin`. A parameter is `([^/]+)`: one escaped segment is one decoded segment once
 * the literals around it are exact. A path the regex misses (a literal spelled with an encoded
 * reserved character) is forwarded unrewritten, which decodes to the public path the router
 * matched, never to another operation's backend path.
 */
import type { PathSegment, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { reEscape } from './rule.js';

/** Go's Regexp.Expand reads `$`: a literal one is `$$`. */
const expandLiteral = (s: string) => s.replace(/\$/g, '$$$$');

/**
 * A literal as it appears in Traefik's escaped path: unreserved characters and the sub-delimiters
 * raw (normalizePath decodes `%41`, keeps `%3A` and upper-cases it), every other byte `%XX`.
 */
export function escapedLiteral(text: string): string {
  let done = ESCAPED.get(text);
  if (done === undefined) {
    if (ESCAPED.size >= 100_000) ESCAPED.clear();
    ESCAPED.set(text, (done = escapeLiteral(text)));
  }
  return done;
}

/** escapedLiteral's answers by text: the base path's literals recur in every route's rewrite (#18); bounded. */
const ESCAPED = new Map<string, string>();

function escapeLiteral(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~!$&'()*+,;=:@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return reEscape(out);
}

function structureRegex(segments: PathSegment[], upTo = segments.length): { regex: string; params: string[] } {
  const params: string[] = [];
  const seg = (s: PathSegment): string => {
    if (s.kind === 'literal') return escapedLiteral(s.value);
    if (s.kind === 'param') {
      params.push(s.name);
      return '([^/]+)';
    }
    return s.parts
      .map((x) => {
        if ('literal' in x) return escapedLiteral(x.literal);
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

/**
 * Every `%2F` of the escaped path as the `/` it decodes to, before the route's own rewrite: Traefik
 * 3.0 to 3.4.0 route on the decoded path (`/v1/items/x%2Fy` is the public `/items/{a}/{b}`) and
 * forward the escaped one, which Express, Koa, Go 1.22's ServeMux and Rails match segment by segment
 * and decode after matching: `/items/x%2Fy` was the keyed `/items/{id}` with id `x/y`, reached with
 * no credential (red team 10, test/security/redteam10-traefik-encoded-slash.test.ts). So the
 * backend gets the path the router matched. replacePathRegex replaces every match
 * (regexp.ReplaceAllString), on RawPath, and sets Path to its unescaping. From 3.4.1 a `%2F`
 * reaches no router of a templated path (rule.ts keeps `%` out of a value) and no literal one.
 * One middleware for the gateway; the diff reader skips it as a path mapping (deployed-paths.ts).
 */
export const ENCODED_SLASH = { regex: '%2[Ff]', replacement: '/' } as const;

const encodedSlashByCtx = new WeakMap<Ctx, string>();
export function encodedSlashMiddleware(ctx: Ctx): string {
  let name = encodedSlashByCtx.get(ctx);
  if (name === undefined) encodedSlashByCtx.set(ctx, (name = ctx.addMiddleware(['encoded-slash'], { replacePathRegex: { ...ENCODED_SLASH } })));
  return name;
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
          ctx.report('traefik-upstream-path-param', { route: route.id, param, path: route.path }, route.upstreamPath!.loc);
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
