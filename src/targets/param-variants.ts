/**
 * DESIGN.md 7.5, the case and suffix readings: a route beside a more protected route of the same
 * backend server and method whose backend path a folding backend reads as the other's (public
 * `/users/{id}` beside keyed `/users/me`; a public literal `/Admin`, `/admin.json`, `/admin/`,
 * `/admin.` or `/admin;x` beside keyed `/admin`; an upstreamPath `/{x};v=1`, `/{x}.json`, `/{x}%2e`
 * or `/{p}/` whose value `admin` is forwarded as such a variant). Every gateway gwc targets matches
 * paths case-sensitively and literally (nginx locations, Kong and Traefik path regexes, API
 * Gateway resources), so the variant is the first route's and reaches the backend as sent. A
 * backend that routes case-blind (ASP.NET Core, IIS, case-insensitive Spring), by suffix (Spring's
 * suffix patterns, Rails formats, an IIS trailing dot), drops `;` path parameters (Tomcat/Spring)
 * or takes a trailing slash as the same route (Express non-strict, Spring before 6) serves it from
 * the other route's handler: a caller the protected route refuses reads it.
 * The reading is symmetric (red team 20): two templates are one handler when a reading of a path
 * one forwards is a reading of the other's (a public `/files/{id}` beside a keyed
 * `/files/{id}.json`: Rails and Spring serve `/files/42` as the same resource, its JSON on `Accept:
 * application/json`; `{name}.json` beside `{id}.xml`; `/admin` beside `/admin.json`; `/files/V7`
 * of `/files/v{n}`), unless ours, folded, is still the more specific template (its own handler).
 * "More protected" is model/admits.ts protectedMore, the one comparison every pair check shares
 * (PV21): auth and IP rules, and a rate limit, body limit or request validation the other route
 * does not apply alike (`/users/ME` sent through a public `/users/{id}` at 100 a second runs the
 * handler `/users/me` limits to 1 a minute).
 * A forwarded path identical to the other's backend path is upstream-reach.ts's (or the gateway's
 * own literal-before-parameter order); these are the paths only a folding reading joins, refused
 * on every target alike (like head-get.ts), unless every backend name of that server says it
 * matches paths exactly (`pathMatching: exact`).
 * Was lint's path-param-shadows-protected warning only (red team:
 * test/security/redteam-param-variants.test.ts, redteam3-literal-variants, redteam3-upstream-suffix).
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { matchPath } from '../model/paths.js';
import { serverKey } from '../model/normalise/units.js';
import type { Gateway, Route } from '../model/types.js';
import { protectedMore, protectionGap, protectionProfile } from '../model/admits.js';

/** The values a backend reading case-blind or by suffix takes for the literal `lit`, in this order. */
export function variantsOf(lit: string): string[] {
  const swapped = lit.toUpperCase() === lit ? lit.toLowerCase() : lit.toUpperCase();
  return [...(swapped !== lit ? [swapped] : []), `${lit}.json`, `${lit}.`];
}

/** `%2E` is `.` (RFC 3986 2.3: an unreserved character, decoded by every normaliser); a `;` path parameter is dropped (Tomcat). */
const unescapedSegment = (s: string): string => {
  const d = s.replace(/%2e/gi, '.');
  const semi = d.indexOf(';');
  return semi >= 0 ? d.slice(0, semi) : d;
};

/**
 * The texts a folding backend may read one request segment as (lower case): as sent with `;...`
 * dropped and `%2E` decoded; and, on the last segment, without trailing dots (IIS) and without a
 * format suffix (`.json`, Spring suffix patterns, Rails `(.:format)`).
 */
export function readingsOf(segment: string, last: boolean): string[] {
  const plain = unescapedSegment(segment).toLowerCase();
  if (!last) return [plain];
  const undotted = plain.replace(/\.+$/, '');
  const unsuffixed = undotted.replace(/^(.+?)\.[^.]*$/, '$1');
  return [...new Set([plain, undotted, unsuffixed])].filter((s) => s !== '');
}

/** A segment of a backend path template as the index files it: the fullest folding (a template's `{x};v=1` or `{x}.json` is `{x}`), a parameter any. */
const indexKey = (segment: string, last: boolean): string | undefined => {
  const r = readingsOf(segment, last);
  const folded = r[r.length - 1] ?? '';
  return folded.includes('{') ? undefined : folded;
};

/** A backend path's segments: the target URL path, then the route's upstreamPath (else its operation path), empty segments (`//`, a trailing slash) kept. */
const segmentsOf = (prefix: string, r: Route): string[] => {
  const lead = prefix.split('/').filter((s) => s !== '');
  const tail = (r.upstreamPath?.template ?? r.path).split('/').slice(1);
  return [...lead, ...tail];
};
/** As a folding backend compares it: `//` merged, a trailing slash dropped. */
const read = (segs: string[]): string[] => segs.filter((s) => s !== '');
const wholeParam = (seg: string): string | undefined => /^\{([^{}+]+)\}$/.exec(seg)?.[1];
const sharesHost = (a: Route, b: Route): boolean => a.hosts.length === 0 || b.hosts.length === 0 || a.hosts.some((h) => b.hosts.includes(h));

/** A template segment as a regex over one reading (lower case, unless `caseBlind` is false): its parameters any non-empty text. */
const patternOf = (tpl: string, caseBlind = true): RegExp =>
  new RegExp(`^${tpl.split(/(\{[^{}]*\})/).filter((x) => x !== '').map((x) => (/^\{[^{}]*\}$/.test(x) ? '[^/]+?' : (caseBlind ? x.toLowerCase() : x).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`);

/**
 * Whether a folding backend may read the forwarded path `sent` (concrete text) and a path of the
 * template `theirs` as one: some reading of each segment is a reading of theirs (a literal of
 * theirs folded too: `admin` and `admin.json` are one, so are `report.csv` and `report.pdf`), a
 * parameter of theirs any non-empty text.
 */
function readsAs(sent: string[], theirs: string[]): boolean {
  if (sent.length !== theirs.length) return false;
  return sent.every((s, i) => {
    const last = i === sent.length - 1;
    const mine = readingsOf(s, last);
    const t = theirs[i]!;
    if (mine.length === 0) return false;
    if (!t.includes('{')) return readingsOf(t, last).some((r) => mine.includes(r));
    return bareParam(t, last) !== undefined || readingsOf(t, last).some((r) => mine.some((m) => patternOf(r).test(m)));
  });
}

/** How a backend ranks a template segment (model/paths.ts's order): literal 2, mixed 1, whole parameter 0. */
const rank = (seg: string): string => (!seg.includes('{') ? '2' : wholeParam(seg) ? '0' : '1');
const ranks = (segs: string[], fold: boolean): string =>
  segs.map((s, i) => rank(fold ? (readingsOf(s, i === segs.length - 1).at(-1) ?? s) : s)).join('');

/** The text a template segment gives with every parameter `x` (its `;...` dropped, `%2E` decoded). */
const sampleOf = (seg: string): string => unescapedSegment(seg).replace(/\{[^{}]*\}/g, 'x');

/**
 * The values of `tpl` that make its forwarded path one a folding backend reads as a path of the
 * more protected `theirs` (literal or template), while the backend's own exact reading would not
 * run theirs for it (that is upstream-reach.ts's, or the gateway's own precedence): `name=value`
 * pairs, or the public path when any value does. Undefined when none does (or the route a value
 * gives is another's), and when ours, folded, is still the more specific template (a literal of
 * ours facing a parameter of theirs: ours' own handler).
 */
function variantValues(gateway: Gateway, tpl: Route, ours: string[], lit: Route, theirs: string[]): string | undefined {
  const oursRead = read(ours);
  const theirsRead = read(theirs);
  if (oursRead.length !== theirsRead.length || ranks(oursRead, true) > ranks(theirsRead, true)) return undefined;
  // The segment of ours whose parameter (whole, or a mixed one folding to it: `{name}.json`) faces
  // a segment of theirs that is not a bare parameter once folded (a literal, `v{n}`): one, as
  // before; its values come from that segment's text, readings and variants. Elsewhere any value.
  let hit: { param: string; text: string; last: boolean } | undefined;
  for (let i = 0; i < oursRead.length; i++) {
    const x = oursRead[i]!;
    const y = theirsRead[i]!;
    const last = i === oursRead.length - 1;
    const p = bareParam(x, last);
    if (y.includes('{') && !x.includes('{')) return undefined;
    if (!x.includes('{') || (y.includes('{') && (bareParam(y, last) !== undefined || !p))) continue;
    if (p && !hit) hit = { param: p, text: sampleOf(y), last };
    else return undefined;
  }
  const fill = (value: string | undefined) => (s: string) => s.replace(/\{([^{}]+)\}/g, (_, n: string) => (hit && n === hit.param ? value! : 'x'));
  // The exact reading (a trailing slash or `//` kept): theirs matches what is sent as written, and ranks no lower than ours.
  const exactly = theirs.length === ours.length && ranks(theirs, false) >= ranks(ours, false);
  const identical = (sent: string[]) =>
    exactly && sent.every((s, i) => (theirs[i]!.includes('{') ? s !== '' && patternOf(theirs[i]!, false).test(s) : s === theirs[i]));
  const candidates = hit
    ? [...new Set([hit.text, ...readingsOf(hit.text, hit.last).filter((r) => r !== hit!.text.toLowerCase())].flatMap((b) => [b, ...variantsOf(b)]))]
    : [undefined];
  const values = candidates.filter((v) => {
    const sent = ours.map(fill(v));
    if (identical(sent) || !readsAs(read(sent), theirsRead)) return false;
    return routedTo(gateway, tpl, publicPathWith(tpl, hit?.param, v));
  });
  if (values.length === 0) return undefined;
  return hit ? values.map((v) => `${hit.param}=${v}`).join(', ') : `the path ${tpl.publicPath}`;
}

/** `{x}.json`, `{x}%2e` (last segment) and `{x};v=1` are the bare parameter `x` to a folding backend. */
function bareParam(seg: string, last: boolean): string | undefined {
  const bare = unescapedSegment(seg);
  return wholeParam(last ? bare.replace(/\}(?:\.+|\.[^.{}]*)$/, '}') : bare);
}

/** The public path `r` answers with `param` = `value` (other parameters a plain sample). */
function publicPathWith(r: Route, param: string | undefined, value: string | undefined): string {
  return `/${r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? (s.name === param ? value : 'x') : s.parts.map((p) => ('literal' in p ? p.literal : p.param === param ? value : 'x')).join(''))).join('/')}`;
}

/** Whether the gateway sends `path` to `r` (the first route in precedence order whose template matches, on a host `r` answers). */
function routedTo(gateway: Gateway, r: Route, path: string): boolean {
  const first = gateway.routes.find((x) => sharesHost(x, r) && matchPath(x.segments, path) !== undefined);
  return first !== undefined && first.publicPath === r.publicPath && first.hosts.join(',') === r.hosts.join(',');
}

/** A trie of folded backend paths per server; a templated segment is `any`. */
interface Node {
  lit: Map<string, Node>;
  any?: Node;
  here: Array<{ route: Route; segs: string[] }>;
}
const node = (): Node => ({ lit: new Map(), here: [] });
const keysOf = (segs: string[]): Array<string | undefined> => {
  const r = read(segs);
  return r.map((s, i) => indexKey(s, i === r.length - 1));
};

function collect(n: Node, keys: Array<string | undefined>, i: number, out: Array<{ route: Route; segs: string[] }>): void {
  if (i === keys.length) {
    out.push(...n.here);
    return;
  }
  const k = keys[i];
  if (k === undefined) for (const c of n.lit.values()) collect(c, keys, i + 1, out);
  else {
    const c = n.lit.get(k);
    if (c) collect(c, keys, i + 1, out);
  }
  if (n.any) collect(n.any, keys, i + 1, out);
}

const memo = new WeakMap<Gateway, Diagnostic[]>();

/** One `param-variant-reaches-protected` error per route, naming the first more protected route it reaches. */
export function paramVariantRefusals(gateway: Gateway): Diagnostic[] {
  let out = memo.get(gateway);
  if (out) return out.map((d) => ({ ...d, params: { ...d.params } }));
  out = [];
  const exact = new Set(gateway.backends.filter((b) => b.pathMatching?.value === 'exact').map((b) => b.name));
  // Routes that all share one protection cannot be stricter than one another: no index to build (#18).
  const first = gateway.routes[0] ? protectionProfile(gateway.routes[0]) : '';
  if (gateway.routes.some((r) => protectionProfile(r) !== first)) {
    // The backend is the server, whatever name it is given; a mock reaches none.
    const addresses = new Map(gateway.backends.filter((b) => b.kind !== 'mock').map((b) => [b.name, b.targets.map((t) => ({ server: serverKey(t.url), prefix: t.url.path }))]));
    const tries = new Map<string, Node>();
    for (const r of gateway.routes) {
      for (const a of addresses.get(r.backend) ?? []) {
        if (!tries.has(a.server)) tries.set(a.server, node());
        let n = tries.get(a.server)!;
        const segs = segmentsOf(a.prefix, r);
        for (const k of keysOf(segs)) n = k === undefined ? (n.any ??= node()) : n.lit.get(k) ?? (n.lit.set(k, node()), n.lit.get(k)!);
        n.here.push({ route: r, segs });
      }
    }
    for (const tpl of gateway.routes) {
      let found: Diagnostic | undefined;
      for (const a of addresses.get(tpl.backend) ?? []) {
        const ours = segmentsOf(a.prefix, tpl);
        const near: Array<{ route: Route; segs: string[] }> = [];
        collect(tries.get(a.server)!, keysOf(ours), 0, near);
        const others = near
          .filter(({ route: o }) => o !== tpl && o.method === tpl.method && sharesHost(o, tpl) && protectedMore(o, tpl) && !(exact.has(o.backend) && exact.has(tpl.backend)))
          .sort((x, y) => (x.route.id < y.route.id ? -1 : x.route.id > y.route.id ? 1 : 0));
        for (const o of others) {
          const values = variantValues(gateway, tpl, ours, o.route, o.segs);
          if (values === undefined) continue;
          const by = protectionGap(o.route, tpl)!;
          // `by` only when it is not who may call (the params the check had before PV21).
          found = diag('param-variant-reaches-protected', { route: tpl.id, other: o.route.id, values, ...(by === 'callers' ? {} : { by }) }, tpl.loc);
          break;
        }
        if (found) break;
      }
      if (found) out.push(found);
    }
  }
  memo.set(gateway, out);
  return out.map((d) => ({ ...d, params: { ...d.params } }));
}
