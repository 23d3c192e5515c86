/**
 * The checks an nginx route makes for its backend's sake besides auth (Facts.guards), read from
 * what gwc writes for them (templates-route.ts, routes.ts bodyCheckView, policies.ts):
 *
 * - `if ($<gw>_override) { return 400; }` over the `map $args` of `_method` spellings: a query
 *   method override refused (method); `if ($<gw>_ws_token) { return 400; }` over the
 *   `map $http_sec_websocket_protocol`: a bearer token in the subprotocol refused (credential);
 * - the body check: the path location hands a route to `/_gwc_internal/b/N` (njs `bodyCheck`),
 *   which refuses a body naming `_method` (method) and, on a bearer route, a form or multipart
 *   `access_token` (credential; CFG `bodyMethod`, `bodyToken`);
 * - `set $args $<gw>_args` (njs `cleanArgs`) and `proxy_set_header Cookie $<gw>_cookies` (njs
 *   `cleanCookies`): the credential names of CFG `hideQuery` / `hideCookies`, in every spelling a
 *   backend reads, removed (credential);
 * - on an OR route, a kept credential sent on only for the alternative that verified it
 *   (kept-credentials.ts): `proxy_set_header <name> $v` (or `Cookie $v`) with `auth_request_set $v
 *   $sent_http_x_gwc_kept_<i>` (`x_gwc_cookies`), and `auth_request_set $args $sent_http_x_gwc_args`
 *   (credential; CFG `kept`; `cookieHeader`: the alternatives whose forward-auth service read the
 *   whole Cookie header, the others send only their own cookies). Without them a forged key (or
 *   session cookie) of another alternative reached the backend;
 * - the server's `underscores_in_headers off` and `ignore_invalid_headers on` (nginx's defaults,
 *   pinned by gwc): X_Consumer, read as X-Consumer by CGI-style backends, past the clears (header);
 *   and its `if ($<gw>_underscore) { return 400; }` (njs underscoreHeader): such a line kept
 *   before Host, read with another server's `on` (header);
 * - `proxy_ignore_headers X-Accel-Redirect` over the route location, its server and http level
 *   (templates.ts SERVER_TEMPLATE): a backend's X-Accel-Redirect followed hands the request to an
 *   internal location it names, another route's proxy step past that route's checks (credential;
 *   red team 14).
 *
 * Without these facts a deployed route location whose method went straight to `/_gwc_internal/r/N`
 * (no body check), or without the `if`, compared equal to gwc's. Known limit: a route validated by
 * the request-validation module (validate.ts) runs its own body check there, which is not read.
 */
import type { Guards } from '../../diff/entity.js';
import type { Directive } from './deployed-parse.js';
import type { RouteCfg } from './deployed-njs.js';

export interface GuardInput {
  /** The route location's directives, after those of its verify location (templates-limit.ts). */
  checks: Directive[];
  /** The server block's and the http level's directives, innermost first. */
  levels: Directive[][];
  /** `map` and `geo` blocks by their variable. */
  maps: Map<string, Directive>;
  /** njs `js_set` handlers (`module.function`) by variable (`$name`). */
  jsSets: Map<string, string>;
  /** The body-check location the route's method is handed to, when there is one. */
  bodyCheck?: Directive;
  /** The route's CFG entry when the njs module was read. */
  cfg?: RouteCfg;
}

const handler = (jsSets: Map<string, string>, variable: string | undefined, fn: string) => variable !== undefined && (jsSets.get(variable) ?? '').endsWith(`.${fn}`);

/** The `map $args` behind an `if ($v) { return 400; }` refuses something: a regex entry giving a non-empty value. */
function refusesQuery(d: Directive, maps: Map<string, Directive>, source = '$args'): boolean {
  const v = /^\((\$[A-Za-z0-9_]+)\)$/.exec(d.args.join(''))?.[1];
  const map = v ? maps.get(v) : undefined;
  if (!map || map.args[0] !== source || !(d.block ?? []).some((x) => x.name === 'return' && x.args[0] === '400')) return false;
  return (map.block ?? []).some((e) => e.name !== 'default' && e.name.startsWith('~') && (e.args[0] ?? '') !== '' && e.args[0] !== '""' && e.args[0] !== '0');
}

/** `if ($v) { return 400; }` at server level, `$v` the njs underscoreHeader. */
function refusesUnderscore(d: Directive, jsSets: Map<string, string>): boolean {
  const v = /^\((\$[A-Za-z0-9_]+)\)$/.exec(d.args.join(''))?.[1];
  return d.name === 'if' && handler(jsSets, v, 'underscoreHeader') && (d.block ?? []).length === 1 && d.block![0]!.name === 'return' && d.block![0]!.args[0] === '400';
}

/**
 * `if ($v) { return 403; }` over a `map $http_upgrade` whose default is an Origin map: an upgrade
 * from another origin refused (templates-route.ts wsGuard, wsSameOrigin); the maps' entries are
 * read as their own facts (deployed-support.ts mapFacts).
 */
function refusesForeignUpgrade(d: Directive, maps: Map<string, Directive>): boolean {
  const v = /^\((\$[A-Za-z0-9_]+)\)$/.exec(d.args.join(''))?.[1];
  const map = v ? maps.get(v) : undefined;
  if (d.name !== 'if' || !map || map.args[0] !== '$http_upgrade' || !(d.block ?? []).some((x) => x.name === 'return' && x.args[0] === '403')) return false;
  const origin = maps.get((map.block ?? []).find((e) => e.name === 'default')?.args[0] ?? '');
  // `$http_origin` (a cors list) or `"$scheme|$http_origin|$http_host"` (the own origin, NGX8: the scheme
  // compared too); behind trusted proxies `"$<gw>_scheme|..."`, a map of `"$<gw>_proxy|$http_x_forwarded_proto"`
  // (FWD21: both maps' text is a guard of its own, deployed-support.ts mapFacts).
  const key = /^"?(?:(\$scheme|\$[A-Za-z0-9_]+_scheme)\|)?\$http_origin/.exec(origin?.args[0] ?? '');
  if (!key) return false;
  if (key[1] === undefined || key[1] === '$scheme') return true;
  const scheme = maps.get(key[1]);
  return scheme?.name === 'map' && /^"?\$[A-Za-z0-9_]+_proxy\|\$http_x_forwarded_proto"?$/.test(scheme.args[0] ?? '') && (scheme.block ?? []).some((e) => e.name === 'default' && e.args[0] === '$scheme');
}

/**
 * Cross-Site WebSocket Hijacking (../websocket-origin.ts): a route that checks its callers (auth or
 * an IP rule) keeps pages of other origins from opening an upgrade with the user's ambient
 * credentials: it passes no Upgrade at all, or it refuses a foreign Origin first. Read so, making
 * a keyed route a websocket route (with its guard) or dropping websocket changes no guard, and the
 * guard's `if` dropped by hand is one lost (request-header-passed).
 */
function foreignUpgradeGuard(checks: Directive[], maps: Map<string, Directive>): boolean {
  if (!checks.some((d) => d.name === 'auth_request' || d.name === 'allow' || d.name === 'deny')) return false;
  const upgrades = checks.some((d) => d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === 'upgrade' && !/^("")?$/.test(d.args.slice(1).join(' ')));
  return !upgrades || checks.some((d) => refusesForeignUpgrade(d, maps));
}

/** The innermost setting of a directive over `levels`, else nginx's default. */
const setting = (levels: Directive[][], name: string, fallback: string) => levels.map((l) => l.find((d) => d.name === name)?.args[0]).find((v) => v !== undefined) ?? fallback;

export function nginxGuards(input: GuardInput): Guards {
  const { checks, cfg } = input;
  const credential: string[] = [];
  const method: string[] = [];
  const header: string[] = [];
  if (checks.some((d) => d.name === 'if' && refusesQuery(d, input.maps))) method.push('_method in the query: refused (400)');
  if (checks.some((d) => d.name === 'if' && refusesQuery(d, input.maps, '$http_sec_websocket_protocol'))) credential.push('a bearer token in Sec-WebSocket-Protocol: refused (400)');
  // Cross-Site WebSocket Hijacking (../websocket-origin.ts): the upgrade's Origin checked.
  if (foreignUpgradeGuard(checks, input.maps)) header.push('an upgrade from a page of another origin: refused (403) or none passed');
  // The backend gets the one value that map checked (nginx 1.22's $http_ is the first line): without it a later line passed.
  if (checks.some((d) => d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === 'sec-websocket-protocol' && d.args[1] === '$http_sec_websocket_protocol')) credential.push('Sec-WebSocket-Protocol: only the checked value sent');
  if (input.bodyCheck && (input.bodyCheck.block ?? []).some((d) => d.name === 'js_content' && (d.args[0] ?? '').endsWith('.bodyCheck'))) {
    if (!cfg) method.push('body: read by the njs body check');
    else {
      if (cfg.bodyMethod !== false) method.push('_method in a form, multipart or JSON body: refused (400)');
      if (cfg.bodyToken === true) credential.push('access_token in a form or multipart body: refused (400)');
      if ((cfg.bodyKeys ?? []).length > 0) credential.push(`a query API key (${cfg.bodyKeys!.join(', ')}) named in a body: refused (400)`);
      // JSON keys read with `-` as `_` (security.ts bodyKeyPatterns json); without them the runtime reads JSON keys by bodyKeys.
      if ((cfg.jsonKeys ?? []).length > 0) credential.push(`an API key (${cfg.jsonKeys!.join(', ')}) named as a JSON key, - read as _: refused (400)`);
    }
  }
  // A query guard rewrites $args; a proxy_pass sending the client's $request_uri skips it (red team 7).
  const rawQuery = checks.some((d) => d.name === 'proxy_pass' && d.args.some((a) => a.includes('$request_uri')));
  if (!rawQuery && checks.some((d) => d.name === 'set' && d.args[0] === '$args' && handler(input.jsSets, d.args[1], 'cleanArgs'))) {
    credential.push(...(cfg ? (cfg.hideQuery ?? []).map((n) => `query ${n}, in every spelling a backend reads: removed`) : ['query: credential names removed (njs cleanArgs)']));
  }
  if (onlySets(checks, 'cookie', (d) => handler(input.jsSets, d.args[1], 'cleanCookies'))) {
    credential.push(...(cfg ? (cfg.hideCookies ?? []).map((n) => `cookie ${n}, in every spelling a backend reads: removed`) : ['cookie: credential names removed (njs cleanCookies)']));
  }
  credential.push(...keptGuards(checks, cfg, rawQuery));
  // https://nginx.org/r/underscores_in_headers (default off), https://nginx.org/r/ignore_invalid_headers (default on).
  if (setting(input.levels, 'underscores_in_headers', 'off') !== 'on') header.push('header names with "_": dropped (underscores_in_headers off)');
  // A line read before Host with the default server's setting (another server's `on`): refused by
  // the server-level `if` on njs underscoreHeader (templates.ts SERVER_TEMPLATE, red team 12).
  if ((input.levels[0] ?? []).some((d) => refusesUnderscore(d, input.jsSets))) header.push('header lines whose name holds "_", kept before Host under another server\'s underscores_in_headers on: refused (400)');
  // https://nginx.org/r/proxy_ignore_headers: the innermost list wins whole (a location's own list drops the server's).
  const ignored = [checks, ...input.levels].map((l) => l.find((d) => d.name === 'proxy_ignore_headers')?.args).find((v) => v !== undefined) ?? [];
  if (ignored.some((h) => h.toLowerCase() === 'x-accel-redirect')) credential.push("a backend's X-Accel-Redirect (into another route's internal location): ignored");
  if (setting(input.levels, 'ignore_invalid_headers', 'on') !== 'off') header.push('invalid header names: dropped (ignore_invalid_headers on)');
  return { credential: credential.sort(), method: method.sort(), header: header.sort() };
}

/**
 * Whether the location sends header `name` (lowercase) and every `proxy_set_header` of it is a line
 * `guarded` accepts or sends nothing (""): nginx sends each line, so a second one with the client's
 * value (`proxy_set_header Cookie $http_cookie`) passes what the guarded line removed (red team 7).
 */
function onlySets(checks: Directive[], name: string, guarded: (d: Directive) => boolean): boolean {
  const lines = checks.filter((d) => d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === name);
  return lines.some(guarded) && lines.every((d) => guarded(d) || d.args[1] === '""' || d.args[1] === '');
}

/**
 * The kept credentials of an OR route the location sends on only from the auth handler's answer
 * (kept-credentials.ts): a header or the Cookie header from a variable `auth_request_set` fills
 * from that answer, the query from `auth_request_set $args` (not with a proxy_pass sending
 * `$request_uri`). Read from the directives; the CFG names what each one carries and for which
 * alternatives (`alts`: widened in the njs module, a forged credential goes on; red team 7).
 */
function keptGuards(checks: Directive[], cfg: RouteCfg | undefined, rawQuery: boolean): string[] {
  const answered = new Map<string, string>();
  for (const d of checks) if (d.name === 'auth_request_set' && d.args[0] && d.args[1]) answered.set(d.args[0], d.args[1]);
  const out: string[] = [];
  const kept = cfg?.kept ?? {};
  // A hand-edited CFG may hold anything: alternatives that are no list read as such.
  const when = (c: { alts?: unknown } | undefined) => (c ? ` (alternatives ${Array.isArray(c.alts) ? c.alts.join(', ') : String(c.alts)})` : '');
  const names = new Set(checks.filter((d) => d.name === 'proxy_set_header' && d.args[0]).map((d) => d.args[0]!.toLowerCase()));
  for (const name of names) {
    if (name === 'cookie') continue;
    // The answer's index names the CFG entry: its header and its alternatives.
    const index = (d: Directive) => /^\$sent_http_x_gwc_kept_(\d+)$/.exec(answered.get(d.args[1] ?? '') ?? '')?.[1];
    const fromAnswer = (d: Directive) => {
      const i = index(d);
      return i !== undefined && (!cfg || kept.headers?.[Number(i)]?.name === name);
    };
    if (!onlySets(checks, name, fromAnswer)) continue;
    const d = checks.find((x) => x.name === 'proxy_set_header' && x.args[0]?.toLowerCase() === name && fromAnswer(x))!;
    out.push(`header ${name}: sent on only when its alternative passed${when(kept.headers?.[Number(index(d))])}`);
  }
  if (!rawQuery && answered.get('$args') === '$sent_http_x_gwc_args') {
    out.push(...(cfg ? (kept.query ?? []).map((q) => `query ${q.name}, in every spelling a backend reads: sent on only when its alternative passed${when(q)}`) : ['query: kept credentials sent on only for the alternative that passed']));
  }
  if (onlySets(checks, 'cookie', (d) => answered.get(d.args[1] ?? '') === '$sent_http_x_gwc_cookies')) {
    out.push(...(cfg ? (kept.cookies ?? []).map((c) => `cookie ${c.name}, in every spelling a backend reads: sent on only when its alternative passed${when(c)}`) : ['cookie: kept credentials sent on only for the alternative that passed']));
    // A forward-auth service read the whole Cookie header: other alternatives send only their own cookies.
    if (cfg && kept.cookieHeader !== undefined) out.push(`cookie header, read whole by a forward-auth service: sent on only when its alternative passed${when({ alts: kept.cookieHeader })}`);
  }
  return out;
}
