/**
 * DESIGN.md 7.5: what the gateway forwards must not be read by the backend as a different,
 * protected route. API Gateway matches `/users/{id}` on one path segment and substitutes the
 * segment into the http_proxy URI; it cannot restrict the value (request validation checks that a
 * parameter is present, never its pattern), and many backends do not read the segment the way API
 * Gateway matched it: Tomcat/Spring drop a `;matrix` suffix (`me;` is `me`), and a `..` or `..;`
 * segment removes the one before it. So a value can land on another route's backend path. That
 * is harmless when the other route admits everyone this one admits; when it is protected more or
 * differently (security, IP rule or rate limit: model/admits.ts protectedMore), the build is refused.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/setup-http-integrations.html
 */
import type { Route } from '../../model/types.js';
import { neverProtectedMore, protectedMore } from '../../model/admits.js';
import type { Ctx } from './context.js';

/**
 * A backend path segment: text, or a segment holding a placeholder (`{name}`, `v{name}`,
 * `{name}.json`): its literal `prefix` stays in front of the value, whatever follows it can be cut
 * off by a `;suffix` the backend drops (`admin;.json` is `admin`).
 */
type Seg = { text: string } | { param: string; prefix: string };

/**
 * What a placeholder's value can become at the backend.
 * - `slashes`: the value can hold `/` (an HTTP API decodes a path parameter once more after
 *   matching: /files/..%252Fadmin%252Fusers gives name = ../admin/users).
 * - `dots`: the backend may resolve a `.` or `..` segment (the default; every backend of the
 *   origin declared `dotSegments: rejected` refuses them or reads them as text).
 * - `emptied`: what the declaration does not cover, checked in a second pass so that the first
 *   keeps naming the usual value: a segment the value empties (`;x` dropped as a `;suffix`, or
 *   `%252F`), which a backend merging `//` or taking a trailing slash as the same route reads as
 *   no segment at all; and, with `slashes`, a value that ends the path (`%253F` is `?`, `%2523`
 *   is `#`), so the template's tail is never read.
 */
interface ValueReach {
  slashes: boolean;
  dots: boolean;
  emptied: boolean;
  /** With `slashes`: `?` or `#` in the value ends the path (an HTTP API's second decoding); a REST value's `%3F` stays a character of a decoded path. */
  ends?: boolean;
}

function segments(path: string): Seg[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const m = /\{([^{}]+)\}/.exec(s);
      return m ? { param: m[1] as string, prefix: s.slice(0, m.index) } : { text: s };
    });
}

/**
 * Whether a segment the attacker produced (`out`: a literal, or a value behind its prefix) can be
 * read as the target's segment `t`. Case-blind: ASP.NET Core, IIS and case-insensitive Spring
 * routes read /files/admin as /Files/Admin. A target segment holding a placeholder reads any.
 */
function fits(out: Seg, t: Seg): boolean {
  if ('param' in t) return true;
  const text = t.text.toLowerCase();
  return 'text' in out ? out.text.toLowerCase() === text : text.startsWith(out.prefix.toLowerCase());
}

/**
 * Whether some choice of the placeholder values in `tpl` is read by the backend as `target`. A
 * search over (template position, target segments matched, segments above them that a later `..`
 * may remove), memoised: no enumeration of readings, so no bound a template with many
 * placeholders could fall off (readings() stopped at 512 and skipped the rest).
 */
function reaches(tpl: Seg[], target: Seg[], reach: ValueReach): boolean {
  const seen = new Set<string>();
  const go = (i: number, j: number, extra: number): boolean => {
    const key = `${i} ${j} ${extra}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === tpl.length) return j === target.length && extra === 0;
    const seg = tpl[i] as Seg;
    // One segment: read as the target's next one, or (only when a later `..` can take it away) kept above.
    const one = () => (extra === 0 && j < target.length && fits(seg, target[j] as Seg) && go(i + 1, j + 1, 0)) || (reach.dots && go(i + 1, j, extra + 1));
    if ('text' in seg) return one();
    const bare = seg.prefix === '';
    if (reach.slashes) {
      // A run of segments (`dots` is false here: '/' with '..' is read as anywhere by the caller).
      if (extra === 0 && j < target.length && fits(seg, target[j] as Seg)) {
        for (let k = 1; j + k <= target.length; k++) if (go(i + 1, j + k, 0)) return true;
      }
      if (!reach.emptied || extra !== 0) return false;
      if (bare && go(i + 1, j, 0)) return true;
      if (reach.ends === false) return false;
      // `?` or `#` in the value: the path ends here, the rest of the target is the run.
      return bare || (j < target.length && fits(seg, target[j] as Seg));
    }
    // Any single segment (a `;suffix` the backend drops lets it equal any literal).
    if (one()) return true;
    if (!bare) return false;
    // `.` (gone) or `..` (takes the previous segment with it), or `;x` emptying the segment.
    if ((reach.dots || reach.emptied) && go(i + 1, j, extra)) return true;
    return reach.dots && (extra > 0 ? go(i + 1, j, extra - 1) : go(i + 1, Math.max(j - 1, 0), 0));
  };
  return go(0, 0, 0);
}

/** A route whose backend path template holds no parameter: confusable.ts has no value to try, upstream-reach.ts compares it. */
export const literalBackendPath = (r: Route): boolean => !(r.upstreamPath?.template ?? r.path).includes('{');

/**
 * `upstream` maps each compiled http_proxy route to its backend origin and path template, and each
 * Lambda proxy route to its function and resource path.
 * Refuses each route with a path parameter that can be read as a differently protected route of
 * the same backend origin and method (the method is fixed by the integration; override headers
 * are neutralised in backends.ts). With `slashes` (HTTP APIs) a value can span segments, and where
 * the origin may also resolve `..` (some backend name of it not declared `dotSegments: rejected`),
 * a value can climb to the origin's root: then any differently protected route of the same method
 * is reachable. The declaration answers `.` and `..` only: a value that empties its segment or
 * ends the path is still read (ValueReach.emptied), as are case-blind literals.
 */
export function checkConfusablePaths(ctx: Ctx, given: Map<Route, { origin: string; path: string }>, opts: { slashes?: boolean } = {}): void {
  // One server under two spellings is one origin: a host's case and a trailing dot (the FQDN form)
  // name the same server (grouping more is fail closed).
  const upstream = new Map([...given].map(([r, u]) => [r, { ...u, origin: u.origin.toLowerCase().replace(/\.(?=(:\d+)?$)/, '') }]));
  // The origin is one server: its word counts only when every backend name sent to it gives it
  // (one name left at the default says that server may resolve '..').
  const declares = (r: Route) => ctx.gateway.backends.find((b) => b.name === r.backend)?.dotSegments?.value === 'rejected';
  // Origin -> the first backend name of it not declared (the one the refusal asks to declare).
  const resolving = new Map<string, string>();
  for (const [r, u] of upstream) if (!declares(r) && !resolving.has(u.origin)) resolving.set(u.origin, r.backend);
  // The routes of each origin and method, in `upstream`'s order (which names the first match), with
  // their parsed paths: a route is compared with its own origin and method only, not with every
  // route of the API, and never with one no caller is kept from (none is protected more; #18).
  type Entry = { other: Route; theirs: { origin: string; path: string }; order: number; segs?: Seg[] };
  const byOriginMethod = new Map<string, Entry[]>();
  let order = 0;
  for (const [other, theirs] of upstream) {
    if (neverProtectedMore(other)) continue;
    const key = `${theirs.origin}\0${other.method}`;
    const list = byOriginMethod.get(key) ?? [];
    if (list.length === 0) byOriginMethod.set(key, list);
    list.push({ other, theirs, order: order++ });
  }
  for (const [route, up] of upstream) {
    if (route.params.length === 0) continue;
    const tpl = segments(up.path);
    const first = tpl.find((s): s is { param: string; prefix: string } => 'param' in s);
    if (!first) continue;
    const slashes = opts.slashes === true;
    const dots = resolving.has(up.origin);
    // REST, an http_proxy backend: API Gateway matches the decoded path and substitutes the value
    // as it is, so `%5C` (or a raw `\`) reaches the backend as a backslash, which IIS/http.sys and
    // Tomcat with allowBackslash read as '/' before resolving dot segments: `..\admin\1` is
    // /admin/1 (red team 16, test/security/param-value-guard.test.ts). A value sent with `%25`
    // (`%252e%252e%252f`) is `%2e%2e%2f` to a backend that decodes a route value again: '../'.
    // Either way a separator and '..' together, as an HTTP API's second decoding. A Lambda
    // function (its origin an ARN) is handed the path as a string and splits it on '/' only.
    // Checked last, so that a pair the usual values already reach is named by them (`x;`).
    const climbs = !slashes && dots && !up.origin.startsWith('arn:');
    // '/' and '..' together: ../ up to the root, then any path (a '?' ends what follows).
    const anywhere = slashes && dots;
    // The integration fixes the method; a HEAD reaches GET handlers on most backends.
    const same = byOriginMethod.get(`${up.origin}\0${route.method}`) ?? [];
    const candidates = route.method === 'HEAD' ? [...same, ...(byOriginMethod.get(`${up.origin}\0GET`) ?? [])].sort((a, b) => a.order - b.order) : same;
    for (const entry of candidates) {
      const { other, theirs } = entry;
      if (other === route) continue;
      // Protected more: security, IP rule or rate limit (the body `_method` check's own test).
      if (!protectedMore(other, route)) continue;
      const target = (entry.segs ??= segments(theirs.path));
      // First the usual values, then the ones that empty a segment or end the path (named apart).
      const usual = anywhere || reaches(tpl, target, { slashes, dots, emptied: false });
      // REST: API Gateway passes "a%2Fb" on encoded, one segment to Tomcat, but a WSGI server
      // (PATH_INFO is decoded, PEP 3333), Symfony's router (rawurldecode), Go's URL.Path and nginx
      // read it as a/b: a run of segments, as an HTTP API's value (red team, test/security/
      // redteam-aws-dotsegments.test.ts). Not combined with '..' (a backend that decodes %2F and then
      // resolves the '..' it made, nginx itself, reads "..%2F" as anywhere: README "Not covered").
      const encodedRun = !slashes && !usual && reaches(tpl, target, { slashes: true, dots: false, emptied: false, ends: false });
      const emptiedOnly = !usual && !encodedRun && reaches(tpl, target, { slashes, dots, emptied: true });
      // Both in one request: a run in one placeholder, a later one emptied by ';x' (Jetty 9.4's
      // getPathInfo, Spring on Tomcat with encoded slashes decoded: red team 8,
      // test/security/redteam8-aws-paths.test.ts).
      const both = !slashes && !usual && !encodedRun && !emptiedOnly && reaches(tpl, target, { slashes: true, dots: false, emptied: true, ends: false });
      if (!usual && !encodedRun && !emptiedOnly && !both && !climbs) continue;
      const value = !usual && !encodedRun && !emptiedOnly && !both
        ? '"..%5C" (a backslash: IIS and Tomcat read it as "/")'
        : both
        ? '"a%2Fb" beside ";x"'
        : encodedRun
        ? '"a%2Fb"'
        : !usual
          ? slashes
            ? '"%252F" or "x%253F"'
            : '";x"'
          : slashes
            ? dots
              ? '"..%252F"'
              : '"x%252Fy"'
            : dots
              ? '"x;" or "..;"'
              : '"x;"';
      const backend = dots && declares(route) ? (resolving.get(up.origin) as string) : route.backend;
      ctx.report('aws-path-param-confusable', { route: route.id, param: first.param, other: other.id, upstream: up.path, value, backend }, route.loc);
      break;
    }
  }
}
