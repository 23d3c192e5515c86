/**
 * The facts of one decK route for `gwc diff` (deployed-normalise.ts finds the routes and the
 * plugins that act on each): its match and precedence, auth as OpenAPI alternatives from the auth
 * plugins and acl groups, what each mechanism accepts, limits, CORS, cache, the headers and guards
 * the route's plugins decide for the backend.
 */
import { authAtom, BACKEND_CORS, type Facts, type Json, type Mechanism } from '../../diff/entity.js';
import { isObject, sortedStrings, type JsonObject } from '../../diff/json-util.js';
import { readHeaderFamily } from './header-family.js';
import { separatorSpellings } from '../header-spellings.js';
import { prefixPath } from '../../diff/paths.js';
import { readExpression } from './deployed-expression.js';
import { slug } from './names.js';
import { chunks, kongGuards } from './deployed-guards.js';
import { cacheBypassFacts } from './cache-bypass.js';
import { JWT_NBF_MARK, readJwtNbf } from './jwt-claims.js';
import { kongCacheKey } from './deployed-cache.js';
import { AUTH_PLUGINS, str, UNITS, WINDOWS } from './deployed-defaults.js';
import { stripsSpellings } from './deployed-plugins.js';

/**
 * The role requirements of an acl allow list of role groups (acl.ts, names.ts). One group is an
 * AND of roles: `G.group.admin` one role, `G.roles:{"scheme":S,"all":[...]}` every role listed, each
 * its own atom, so a role added to the set reads as a tightening and one removed as
 * auth-roles-removed. Several groups are an OR (acl passes any one): one atom for the whole list,
 * so any change to it reads as a role requirement removed (a widening or a swap).
 */
function roleAtoms(groups: string[]): { roles: string[]; scheme?: string } {
  if (groups.length !== 1) return { roles: [groups.join(' or ')] };
  const g = groups[0]!;
  const m = /^(.*)\.roles:(\{.*\})$/s.exec(g);
  if (!m) return { roles: [g] };
  try {
    const { all, scheme } = JSON.parse(m[2]!) as { all?: unknown; scheme?: unknown };
    // The holders of scheme S's credentials with every role: S is whose key passes (names.ts
    // rolesGroup), read as the scheme group a route without roles lists, so a swap to another
    // scheme of the same plugin is another way in.
    if (Array.isArray(all) && all.length > 0 && all.every((r) => typeof r === 'string')) {
      return { roles: (all as string[]).map((r) => `${m[1]}.group.${r}`), ...(typeof scheme === 'string' ? { scheme: `${m[1]}.scheme.${slug(scheme)}` } : {}) };
    }
  } catch {
    /* not gwc's: the group as it is */
  }
  return { roles: [g] };
}

/**
 * Kong 3's order (traditional_compatible router,
 * https://docs.konghq.com/gateway/latest/key-concepts/routes/#matching-priorities): more matching
 * fields first (methods, hosts, headers, paths, snis), then a regex path by `regex_priority`
 * before any plain one, plain ones by length. One rank per path, as routeFacts lists them.
 */
function routeRanks(route: JsonObject): number[][] {
  const headers = isObject(route.headers) ? Object.keys(route.headers) : [];
  const fields = [sortedStrings(route.methods), sortedStrings(route.hosts), sortedStrings(route.paths), sortedStrings(route.snis), headers];
  const weight = fields.filter((f) => f.length > 0).length;
  // A route whose hosts are all plain names before one with a wildcard host (transform.lua PLAIN_HOST_ONLY_BIT).
  const plainHosts = Array.isArray(route.hosts) && !sortedStrings(route.hosts).some((h) => h.includes('*')) ? 1 : 0;
  const priority = typeof route.regex_priority === 'number' ? route.regex_priority : 0;
  const paths = sortedStrings(route.paths);
  return (paths.length ? paths : ['/']).map((p) => (p.startsWith('~') ? [weight, plainHosts, 1, headers.length, priority, 0] : [weight, plainHosts, 0, headers.length, 0, p.length]));
}

/** The traditional reading of a route (its paths, methods, hosts), and its expression's when it has one (readMatch). */
interface RouteMatch {
  match: string;
  paths: string[];
  methods: string[];
  hosts: string[];
  ranks: number[][];
}

/**
 * What a route answers. With an `expression`, Kong's ATC routers (traditional_compatible,
 * expressions) take it in place of the other fields and rank it above every traditional route,
 * the `traditional` flavour ignores it; kong.conf's flavour is not in the deployed state, so the
 * route answers what either reading answers (fail closed), ranked as an expression route.
 */
function readMatch(route: JsonObject): RouteMatch {
  const methods = sortedStrings(route.methods);
  const hosts = sortedStrings(route.hosts);
  // https://docs.konghq.com/gateway/latest/key-concepts/routes/#paths: `~` a regex anchored at the
  // start of the path, else a prefix.
  const paths = sortedStrings(route.paths).map((p) => (p.startsWith('~') ? (p.startsWith('~^') ? p.slice(1) : `^${p.slice(1)}`) : prefixPath(p)));
  const match = `${methods.join(',') || '*'} ${hosts.join(',') || '*'}${sortedStrings(route.paths).join(',') || '/'}`;
  const expression = typeof route.expression === 'string' && route.expression.trim() !== '' ? route.expression : undefined;
  if (expression === undefined) return { match, paths: paths.length ? paths : ['^/'], methods, hosts, ranks: routeRanks(route) };
  const e = readExpression(expression);
  const traditional = methods.length > 0 || hosts.length > 0 || paths.length > 0;
  const union = (a: string[], b: string[]) => (a.length === 0 || b.length === 0 ? [] : [...new Set([...a, ...b])].sort());
  const all = e.paths === undefined || (traditional && paths.length === 0) ? ['^/'] : [...new Set([...e.paths, ...paths])];
  const priority = typeof route.priority === 'number' ? route.priority : 0;
  return {
    match: `${traditional ? `${match} ` : ''}expression ${expression}`,
    paths: all,
    methods: traditional ? union(e.methods, methods) : e.methods,
    hosts: traditional ? union(e.hosts, hosts) : e.hosts,
    ranks: all.map(() => [EXPRESSION_RANK, priority]),
  };
}

/** An expression route's rank: above every traditional one (whose first element, the match weight, is at most 7). */
const EXPRESSION_RANK = 255;

export function routeFacts(route: JsonObject, effective: Map<string, JsonObject>, blocked: Set<string>, servicePath = '/'): Facts {
  const read = readMatch(route);
  const facts: Facts = { route: { match: read.match, paths: read.paths, methods: read.methods, ranks: read.ranks } };
  const auth: string[][] = [];
  let optional = false;
  for (const name of AUTH_PLUGINS) {
    const p = effective.get(name);
    if (!p || p.enabled === false) continue;
    const cfg = isObject(p.config) ? p.config : {};
    auth.push([name]);
    // With `anonymous`, a caller without credentials passes as that consumer unless something
    // terminates the anonymous consumer (gwc's OR of schemes): then it is an alternative, else optional.
    if (typeof cfg.anonymous === 'string' && !blocked.has(cfg.anonymous)) optional = true;
  }
  // Several auth plugins without anonymous must all pass (AND).
  const anyAnonymous = auth.some(([n]) => { const c = effective.get(n!)?.config; return isObject(c) && typeof c.anonymous === 'string'; });
  // An acl allow list of groups other than gwc's per-scheme groups (names.ts schemeGroup) is a role
  // requirement on every way in: the consumer must be in one of them.
  const acl = effective.get('acl');
  const allow = acl && acl.enabled !== false && isObject(acl.config) ? sortedStrings(acl.config.allow) : [];
  // names.ts: `G.scheme.S` and `G.group.R`, G a gateway name (no '.'): a role named `ops.scheme.read`
  // is `G.group.ops.scheme.read`, a role.
  const isScheme = (g: string) => /^[^.]+\.scheme\./.test(g);
  const roles = allow.filter((g) => !isScheme(g));
  // gwc's per-scheme groups (acl.ts) say whose credentials pass: the holders of one scheme, not
  // every consumer with a key of the same plugin. Another scheme is other holders (a new way in).
  const schemes = allow.filter(isScheme);
  const held = roles.length ? roleAtoms(roles) : undefined;
  const schemeAtoms = [...schemes, ...(held?.scheme ? [held.scheme] : [])];
  const withRoles = (alt: string[]) => [
    ...alt,
    ...(held ? alt.flatMap((m) => held.roles.map((r) => authAtom(m, 'role', r))) : []),
    ...(schemeAtoms.length ? alt.flatMap((m) => [authAtom(m, 'scheme', schemeAtoms.join(' or '))]) : []),
  ];
  // A plugin without `anonymous` must pass whatever the others say (they skip an authenticated caller).
  const mandatory = auth.filter(([n]) => { const c = effective.get(n!)?.config; return !(isObject(c) && typeof c.anonymous === 'string'); });
  facts.auth = auth.length === 0 ? [] : anyAnonymous && mandatory.length === 0 ? [...auth.map(withRoles), ...(optional ? [[]] : [])] : [withRoles((anyAnonymous ? mandatory : auth).flat())];
  const mechanisms: Record<string, Mechanism> = {};
  for (const [name] of auth) {
    const c = effective.get(name!)?.config;
    const cfg = isObject(c) ? c : {};
    const m: Mechanism = { kind: name === 'key-auth' ? 'apiKey' : name === 'basic-auth' ? 'basic' : name! };
    if (name === 'key-auth') m.in = [['header', cfg.key_in_header], ['query', cfg.key_in_query], ['body', cfg.key_in_body]].filter(([, on]) => on === true).map(([w]) => w as string);
    // The names key-auth reads the key under (header names compare in any case, kong.request.get_header).
    if (name === 'key-auth') m.names = sortedStrings(cfg.key_names).map((k) => k.toLowerCase());
    if (typeof cfg.hide_credentials === 'boolean') m.hideCredentials = cfg.hide_credentials;
    // A query key is stripped only with gwc's pre-function beside it: key-auth hides its exact name,
    // the spellings a backend reads as the key (API_KEY, api.key, a pair behind ';') pass without it
    // (query-spellings.ts), so its removal reads as credentials forwarded.
    if (name === 'key-auth' && cfg.key_in_query === true && m.hideCredentials === true && !stripsSpellings(effective.get('pre-function'))) m.hideCredentials = false;
    // jwt's own exp check has no leeway; gwc's nbf chunk has the scheme's (jwt-claims.ts): its skew
    // is the mechanism's, read only where the chunk is (a raised one is jwt-clock-skew-raised).
    if (name === 'jwt') {
      const check = chunks(effective.get('pre-function'), JWT_NBF_MARK).flatMap((c) => readJwtNbf(c) ?? [])[0];
      // Its audiences too (jwt checks no aud): none read is `[]`, unchecked (jwt-audience-widened).
      m.jwt = { ...(check ? { clockSkewSeconds: check.skew } : {}), audiences: check?.audiences ?? [] };
    }
    mechanisms[name!] = m;
  }
  if (auth.length) facts.mechanisms = mechanisms;
  facts.hosts = read.hosts;
  // An empty list is Kong's default (http and https), as an omitted one.
  const protocols = sortedStrings(route.protocols);
  facts.protocols = (protocols.length ? protocols : ['http', 'https']).filter((p) => p === 'http' || p === 'https');
  const cache = effective.get('proxy-cache');
  facts.cache = Boolean(cache && cache.enabled !== false);
  if (facts.cache) facts.cacheKey = kongCacheKey(cache!.config);
  // A credential the route does not verify keeps the request out of the consumer's entry (cache-bypass.ts).
  if (facts.cache) facts.cacheKey = [...(facts.cacheKey ?? []), ...cacheBypassFacts(effective.get('pre-function'))].sort();
  const rt = effective.get('request-transformer');
  const uri = rt && rt.enabled !== false && isObject(rt.config) && isObject(rt.config.replace) ? str(rt.config.replace.uri) : undefined;
  // Without a rewrite the backend gets the service's path joined with the request's (strip_path
  // drops the matched prefix; path_handling decides the join): another one is another backend path.
  facts.upstreamPath = uri ?? `${servicePath} + request path${route.strip_path === false ? '' : ' (matched prefix stripped)'}${route.path_handling === 'v1' ? ' (v1 join)' : ''}`;
  facts.requestHeaders = [...new Set([...controlledHeaders(rt && rt.enabled !== false && isObject(rt.config) ? rt.config : {}), ...familyHeaders(effective.get('pre-function')), ...consumerHeaders(effective)])].sort();
  facts.clientHost = route.preserve_host === true;
  facts.guards = kongGuards(effective);
  const rl = effective.get('rate-limiting');
  if (rl && rl.enabled !== false && isObject(rl.config)) {
    const limits: Record<string, number> = {};
    for (const [w, secs] of Object.entries(WINDOWS)) {
      const n = rl.config[w];
      if (typeof n === 'number') limits[String(secs)] = n;
    }
    if (Object.keys(limits).length > 0) facts.rateLimit = limits;
    // https://docs.konghq.com/hub/kong-inc/rate-limiting/#policy: local counts on each node.
    facts.rateLimitPerNode = (str(rl.config.policy) ?? 'local') === 'local';
    const by = str(rl.config.limit_by) ?? 'consumer';
    facts.rateLimitKey = by === 'header' ? `header ${(str(rl.config.header_name) ?? '').toLowerCase()}` : by;
  }
  // Kong's limit plugins proxy uncounted when their counter store fails unless fault_tolerant is
  // false (defaults filled above: true when the file leaves it out).
  const failsOpen = ['rate-limiting', 'response-ratelimiting'].map((n) => effective.get(n)).filter((p) => p && p.enabled !== false && isObject(p.config));
  if (failsOpen.length > 0) facts.rateLimitFailsOpen = failsOpen.some((p) => (p!.config as JsonObject).fault_tolerant !== false);
  const size = effective.get('request-size-limiting');
  if (size && size.enabled !== false && isObject(size.config) && typeof size.config.allowed_payload_size === 'number') {
    facts.bodyLimit = size.config.allowed_payload_size * (UNITS[str(size.config.size_unit) ?? 'megabytes'] ?? 1);
  }
  const ip = effective.get('ip-restriction');
  if (ip && ip.enabled !== false && isObject(ip.config) && Array.isArray(ip.config.allow)) facts.ipAllow = sortedStrings(ip.config.allow);
  if (ip && ip.enabled !== false && isObject(ip.config) && Array.isArray(ip.config.deny) && ip.config.deny.length) facts.ipDeny = sortedStrings(ip.config.deny);
  const cors = effective.get('cors');
  if (cors && cors.enabled !== false && isObject(cors.config)) {
    const c = cors.config;
    // preflight_continue: the backend answers the preflight itself (https://docs.konghq.com/hub/kong-inc/cors/).
    const origins = [...(sortedStrings(c.origins).length ? sortedStrings(c.origins) : ['*']), ...(c.preflight_continue === true ? [BACKEND_CORS] : [])];
    facts.cors = { origins, methods: sortedStrings(c.methods), headers: sortedStrings(c.headers), credentials: c.credentials === true, expose: sortedStrings(c.exposed_headers) };
  }
  return facts;
}

/**
 * The request headers a request-transformer decides whatever the client sent
 * (https://docs.konghq.com/hub/kong-inc/request-transformer/: remove, rename, replace, add, append
 * in that order): a removed one, and one both replaced and added (replace when present, add when
 * not: gwc's `set`). `add` alone keeps a client's value, `replace` alone keeps a client's absence.
 */
function controlledHeaders(config: JsonObject): string[] {
  const names = (part: Json | undefined) => (isObject(part) && Array.isArray(part.headers) ? part.headers.filter((h): h is string => typeof h === 'string').map((h) => h.split(':')[0]!.trim().toLowerCase()) : []);
  const added = new Set(names(config.add));
  const decided = [...names(config.remove), ...names(config.replace).filter((h) => added.has(h))];
  return [...new Set(decided)].sort();
}

/**
 * The request headers gwc's header-family pre-function chunk removes (header-family.ts), each
 * name with its `-`/`_` spellings lowercased: the names a request-transformer listing them all
 * (gwc before #18) reads as, so either form is the same facts. Only an enabled pre-function whose
 * `access` holds exactly gwc's chunk counts.
 */
function familyHeaders(p: JsonObject | undefined): string[] {
  if (!p || p.enabled === false || !isObject(p.config) || !Array.isArray(p.config.access)) return [];
  const keys = p.config.access.flatMap((code) => (typeof code === 'string' ? readHeaderFamily(code) ?? [] : []));
  return keys.flatMap((k) => {
    const dash = k.replace(/_/g, '-');
    return [dash, ...separatorSpellings(dash)].map((h) => h.toLowerCase());
  });
}

/**
 * Kong's identity headers an auth plugin sets or clears on every request it runs on
 * (kong/plugins/key-auth/handler.lua set_consumer, the same in basic-auth and jwt): decided by the
 * gateway whatever the client sent, on a route where one runs (preflight included). Either
 * removal form (a request-transformer list before #18, the header-family chunk) leaves them to it.
 */
const KONG_SET = ['x-anonymous-consumer', 'x-consumer-custom-id', 'x-consumer-id', 'x-consumer-username', 'x-credential-identifier'];
function consumerHeaders(effective: Map<string, JsonObject>): string[] {
  const runs = ['key-auth', 'basic-auth', 'jwt'].some((n) => {
    const p = effective.get(n);
    return p && p.enabled !== false && !(isObject(p.config) && p.config.run_on_preflight === false);
  });
  return runs ? KONG_SET : [];
}
