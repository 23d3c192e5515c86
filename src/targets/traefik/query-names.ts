/**
 * Query names Traefik never verifies, in every spelling a backend reads as them (DESIGN.md 7.3, 7.5):
 * `_method` unless the operation declares it, `access_token` on a route with a bearer scheme, a
 * credential header's own name (`?x-api-key=`) on a route with such a header; and a kept query key
 * named more than once (onceQueryNames: its service verifies one value, the backend may read another).
 *
 * Traefik OSS runs no code and cannot remove a query parameter; its `Query`/`QueryRegexp` matchers
 * read one exact decoded name (pkg/muxer/http/matcher.go: `req.URL.Query()[key]`), so the router
 * guards (clears.ts, bearer-query.ts) list a few spellings only. A backend reads far more (the rule
 * table of ../query-names.ts): leading blanks in any run (`%20%20_method`, PHP), any letter case
 * (`ACCESS_TOKEN`, `X-API-KEY`, ASP.NET), the array forms (`access_token[0]`), Rack 2's bracket runs
 * (`[access_token]`, `]access_token`, `access_token]`). No list of exact names
 * holds those, but one regex over the raw request URL does: the `redirectRegex` middleware matches
 * its regex against `scheme://host` + the RequestURI as the client sent it (pkg/middlewares/redirect
 * redirect_regex.go rawURL; %XX and `+` undecoded) and answers a match with a redirect
 * (302 for GET, 307 otherwise, moveHandler) without calling the next handler. So gwc denies such a
 * request with a matching rule: the first middleware of the router redirects it to its own URL
 * without the query; the backend never sees it, and a client following the redirect sends a request
 * without the unverified name, which the routers judge afresh (a refusal at build would have to
 * refuse every route: every route can receive `_method`).
 *
 * The regex is rendered from QUERY_NAME_RULE (each name's characters in both cases and as %XX in
 * either hex case, a letter also as the non-ASCII letters folded to it (unicodeFold), `_` also as each character read as `_`, blanks as `+`/%XX around the name, the
 * array form, a NUL ending the name) with only (capturing) groups, classes, alternation, `*`, `?`, anchors:
 * RE2 and JavaScript read it alike. It matches at least every name the rule reads as one of the
 * names (test/security/redteam4-traefik-name-readings.test.ts: every generated spelling; neighbours
 * pass); a name with a NUL inside an array form may be denied too (the safe direction).
 *
 * The redirect is what holds where the parsed query is blind: over Go's urlmaxqueryparams (10,000
 * parameters, counted as `&`s + 1; net/url since the CVE-2025-61726 fix, Traefik's go 1.26)
 * req.URL.Query() is EMPTY, so every `!QueryRegexp(...)` router guard passes, and the proxy still
 * forwards the whole query to a backend that reads past 10,000 pairs. The raw URL is no parsed
 * query: `&` x 10,000 + `_method=DELETE` is redirected as `_method=DELETE` is
 * (test/security/traefik-query-param-limit.test.ts). A router guard on a query name with no
 * redirect behind it would be blind there: keep every watched name in watchedQueryNames.
 */
import { METHOD_OVERRIDE_QUERY } from '../../model/overrides.js';
import type { Route } from '../../model/types.js';
import { QUERY_NAME_RULE, queryNameAsRead } from '../query-names.js';
import { unverifiedQueryName } from './bearer-query.js';
import type { Ctx } from './context.js';

const hexDigit = (d: string) => (/[A-F]/.test(d) ? `[${d}${d.toLowerCase()}]` : d);
/** `%XX` for one byte, each hex digit in either case. */
const escaped = (code: number) => `%${[...code.toString(16).toUpperCase().padStart(2, '0')].map(hexDigit).join('')}`;
const reChar = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** One decoded character as it may be sent: itself (when it may be sent raw) or %XX; a space also `+`. */
function sent(c: string): string[] {
  const code = c.charCodeAt(0);
  const raw = code > 0x20 && code < 0x7f && !'&=%+#'.includes(c) ? [reChar(c)] : [];
  return [...raw, ...(c === ' ' && QUERY_NAME_RULE.plusIsSpace ? ['\\+'] : []), escaped(code)];
}
const alt = (forms: string[]) => (forms.length === 1 ? forms[0]! : `(${forms.join('|')})`);
const BLANK = alt([...QUERY_NAME_RULE.blanks].flatMap(sent));
/**
 * A raw byte that is no whole UTF-8 character where it stands, as Go's regexp reads it: U+FFFD (its
 * input steps with utf8.DecodeRuneInString, (RuneError, 1) per invalid byte). Written as itself: a
 * `\x{FFFD}` is RE2's syntax only, a `\uFFFD` JavaScript's.
 */
const LONE_BYTE = '\ufffd';

/**
 * QUERY_NAME_RULE.unicodeFold by the ASCII letter: each non-ASCII letter a Unicode case-blind backend
 * reads as it (Echo's EqualFold: `?acce%C5%BFs_token=` is access_token), as sent: the letter raw
 * (RE2 reads raw UTF-8 bytes as the letter; a `\u` escape would be read by JavaScript only, so the
 * letter is written as itself), or its UTF-8 bytes each either %XX (either hex case) or raw. Go's
 * ParseQuery decodes %XX to bytes and copies raw bytes, so `acce%C5` + raw 0xBF + `s_token` is the
 * same name as `acce%C5%BFs_token`; in the raw URL the redirect regex reads, a raw byte beside an
 * escaped one is no whole character, which Go's regexp reads as U+FFFD (LONE_BYTE). That also
 * matches other lone bytes there (a raw overlong 0xC1 0xB3 in place of `s`, which EqualFold does not
 * read as `s`): such a name is denied too, the safe direction (test/security/traefik-query-mixed-bytes.test.ts).
 */
const FOLDED_SENT = new Map<string, string[]>();
for (const [letter, ascii] of Object.entries(QUERY_NAME_RULE.unicodeFold)) {
  const bytes = [...Buffer.from(letter, 'utf8')].map((b) => alt([escaped(b), LONE_BYTE])).join('');
  FOLDED_SENT.set(ascii, [...(FOLDED_SENT.get(ascii) ?? []), bytes, letter]);
}

/**
 * Any raw character of a name (a name ends at the first raw `&`, `;` or `=`). `;` separates pairs as
 * `&` does: Traefik's entry point wraps its handler in Go's http.AllowQuerySemicolons unless
 * `encodeQuerySemicolons` is set (pkg/server/server_entrypoint_tcp.go), which turns every raw `;` of
 * req.URL.RawQuery into `&` for the matchers, the forwardAuth service's X-Forwarded-Uri and the
 * proxy (pkg/proxy/httputil/proxy.go replaces `;` by `&` again), but leaves req.RequestURI, which
 * this regex reads, as sent: `?x=1;%20_method=DELETE` reached the backend as `x=1&%20_method=DELETE`.
 * With encodeQuerySemicolons every `;` is `%3B` in RequestURI too, and `;` never separates.
 */
const ANY = '[^&;=]';
/** One whole pair and its separator, as the backend splits the query. */
const PAIR = '([^&;]*[&;])';

/**
 * The raw spellings of `name` (a name as the rule reads it: lowercase, no blank at either end) with
 * no blank at either end: each `_` any character the rule reads as `_` (not a blank at the ends, not
 * `[` when `noBracket`), each letter in either case.
 */
function core(name: string, noBracket: boolean): string {
  const chars = [...name];
  return chars
    .map((c, i) => {
      if (c === '_') {
        const edge = i === 0 || i === chars.length - 1;
        // A leading `[` is no `_`: the rule's leading bracket run takes it.
        const lead = i === 0 && QUERY_NAME_RULE.leadingBrackets;
        const as = ['_', ...QUERY_NAME_RULE.asUnderscore].filter((u) => !(edge && QUERY_NAME_RULE.blanks.includes(u)) && !((noBracket || lead) && u === '['));
        return alt(as.flatMap(sent));
      }
      const cases = QUERY_NAME_RULE.asciiCaseFold && /[a-z]/.test(c) ? [c, c.toUpperCase()] : [c];
      return alt([...cases.flatMap(sent), ...(FOLDED_SENT.get(c) ?? [])]);
    })
    .join('');
}

/** `[` and `]` as they may be sent (raw, %5B/%5D in either hex case). */
const BRACKET = alt([...sent('['), ...sent(']')]);

/**
 * A regex (no anchors) for one raw query name the rule reads as `name`: the plain form (blanks, the
 * name, blanks, a NUL ending it) and the array form (the name, blanks, a `]` or a `[` a `]` follows,
 * anything: `api_key[]`, `api_key[0]`, Rack 2's `api_key]`, `api_key]x`).
 *
 * QUERY_NAME_RULE.leadingBrackets: before the name, a run of blanks, `[`, `]` (raw or %XX in either
 * hex case) in any order. Rack 2's normalize_params reads `\A[\[\]]*([^\[\]]+)\]*`, so `]api_key`,
 * `[api_key]`, `[[api_key]]`, `%5Dapi_key` are params['api_key'] and qs reads `[api_key]` as
 * api_key: a kept key sent again so passed the once-only redirect to a Rails/Express backend
 * (test/security/redteam17-traefik-bracket-key.test.ts). The name's own leading `_` is then never a
 * `[` (the run took it: `[method` reads as `method`).
 */
export function nameRegex(name: string): string {
  const read = queryNameAsRead(name);
  const nul = QUERY_NAME_RULE.nulEnds ? `(${escaped(0)}${ANY}*)?` : '';
  const lead = QUERY_NAME_RULE.leadingBrackets ? `(${BLANK}|${BRACKET})*` : `${BLANK}*`;
  const plain = `${lead}${core(read, false)}${BLANK}*${nul}`;
  if (!QUERY_NAME_RULE.arrayForm) return plain;
  // The array form: the name, blanks, then `]` or `[` ... `]`, anything (read before any NUL ends it).
  const open = alt(sent('['));
  const close = alt(sent(']'));
  const array = `${lead}${core(read, true)}${BLANK}*(${close}|${open}${ANY}*${close})${ANY}*`;
  return `(${plain}|${array})`;
}

/**
 * The redirectRegex regex matching a raw URL whose query holds a pair named as one of `names` reads,
 * capturing the URL before its query; and its replacement (that URL: the query dropped).
 */
export function queryNamesRedirect(names: readonly string[], once: readonly string[] = []): { regex: string; replacement: string } {
  const read = (ns: readonly string[]) => [...new Set(ns.map((n) => queryNameAsRead(n)))].sort();
  const watched = read(names);
  const forms: string[] = [];
  if (watched.length > 0) forms.push(`${PAIR}*(${watched.map(nameRegex).join('|')})([=&;].*)?`);
  // A name sent twice (in any two spellings the rule reads as it): its pair, then any pairs, then it again.
  for (const n of read(once).filter((x) => !watched.includes(x))) {
    const re = nameRegex(n);
    forms.push(`${PAIR}*(${re})(=[^&;]*)?[&;]${PAIR}*(${re})([=&;].*)?`);
  }
  return { regex: `^([^?]*)\\?(${forms.join('|')})$`, replacement: '$1' };
}

/** The names a route's backend must never receive from the query, as the rule reads them, sorted. */
export function watchedQueryNames(ctx: Ctx, route: Route): string[] {
  const declared = (route.declaredOverrides ?? []).some((d) => d.in === 'query' && d.name === METHOD_OVERRIDE_QUERY);
  const schemes = route.security.flat().flatMap((i) => ctx.gateway.securitySchemes.find((s) => s.name === i.scheme) ?? []);
  const names = [...(declared ? [] : [METHOD_OVERRIDE_QUERY]), ...schemes.flatMap((s) => unverifiedQueryName(s) ?? [])];
  return [...new Set(names.map(queryNameAsRead))].sort();
}

const byCtx = new WeakMap<Ctx, Map<string, string>>();

/**
 * The query keys the route's schemes verify and keep (a query key cannot be hidden on Traefik,
 * traefik-credential-not-hidden), as the rule reads them, sorted: each may come ONCE. Its forwardAuth
 * service reads one value of the URI it is told (Go's url.Values.Get: the first) and Traefik passes the
 * raw query on whole, so `?api_key=<alice's>&api_key=<bob's>` (or `&API_KEY=`, `&api.key=`,
 * `&api_key[]=`, `;api_key=`) reached a backend reading the last value (PHP's $_GET, Django's
 * QueryDict) with a key nobody verified (red team 15, redteam15-traefik-kept-query-cookie). A request
 * naming it twice in any spelling is redirected without its query, as a watched name is.
 */
export function onceQueryNames(ctx: Ctx, route: Route): string[] {
  const schemes = route.security.flat().flatMap((i) => ctx.gateway.securitySchemes.find((s) => s.name === i.scheme) ?? []);
  const keys = schemes.flatMap((s) => (s.kind === 'apiKey' && s.apiKey?.in === 'query' ? [s.apiKey.name] : []));
  return [...new Set(keys.map(queryNameAsRead))].sort();
}

/** The redirectRegex middleware for the route's watched and once-only names (one per set of names), or undefined for none. */
export function queryNamesMiddleware(ctx: Ctx, route: Route): string | undefined {
  const names = watchedQueryNames(ctx, route);
  const once = onceQueryNames(ctx, route).filter((n) => !names.includes(n));
  if (names.length === 0 && once.length === 0) return undefined;
  let made = byCtx.get(ctx);
  if (!made) byCtx.set(ctx, (made = new Map()));
  const key = `${names.join('\n')}\0${once.join('\n')}`;
  let name = made.get(key);
  if (!name) {
    const parts = made.size === 0 ? ['query-names'] : ['query-names', String(made.size + 1)];
    name = ctx.addMiddleware(parts, { redirectRegex: { ...queryNamesRedirect(names, once), permanent: false } });
    made.set(key, name);
  }
  return name;
}
