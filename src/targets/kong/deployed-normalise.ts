/**
 * A decK document (gwc's own kong.yaml, a `deck dump`, or the Admin API's lists put in decK's
 * shape) into normalised entities for `gwc diff`. Defaults are Kong 3.x's own
 * (https://docs.konghq.com/gateway/latest/admin-api/ and each plugin's configuration reference),
 * filled on both sides so an explicit default and an omitted one compare equal.
 */
import { authAtom, BACKEND_CORS, type BackendTls, type Entity, type Facts, type Json, type Mechanism } from '../../diff/entity.js';
import { fieldsOf, isObject, MASK, omit, sortedStrings, withDefaults, type JsonObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';
import { QUERY_SPELLINGS_MARK } from './query-spellings.js';
import { readHeaderFamily } from './header-family.js';
import { separatorSpellings } from '../header-spellings.js';
import { prefixPath } from '../../diff/paths.js';
import { slug } from './names.js';
import { consumerHolds, credentials } from './deployed-consumers.js';
import { chunks, kongGuards } from './deployed-guards.js';
import { cacheBypassFacts } from './cache-bypass.js';
import { JWT_NBF_MARK, readJwtNbf } from './jwt-claims.js';
import { kongCacheKey } from './deployed-cache.js';

/** Written by Kong, never by a user: dropped before comparing. */
const GENERATED = ['id', 'created_at', 'updated_at', 'ws_id'];

const SERVICE_DEFAULTS: JsonObject = { protocol: 'http', port: 80, retries: 5, connect_timeout: 60000, read_timeout: 60000, write_timeout: 60000, enabled: true };
const ROUTE_DEFAULTS: JsonObject = {
  protocols: ['http', 'https'],
  https_redirect_status_code: 426,
  regex_priority: 0,
  strip_path: true,
  preserve_host: false,
  request_buffering: true,
  response_buffering: true,
  path_handling: 'v0',
};
const UPSTREAM_DEFAULTS: JsonObject = { algorithm: 'round-robin', slots: 10000, hash_on: 'none', hash_fallback: 'none', hash_on_cookie_path: '/', use_srv_name: false };
const PLUGIN_DEFAULTS: JsonObject = { enabled: true, protocols: ['grpc', 'grpcs', 'http', 'https'] };
const ALL_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];
const CONFIG_DEFAULTS: Record<string, JsonObject> = {
  'key-auth': { key_names: ['apikey'], hide_credentials: false, key_in_header: true, key_in_query: true, key_in_body: false, run_on_preflight: true },
  'basic-auth': { hide_credentials: false },
  jwt: { uri_param_names: ['jwt'], key_claim_name: 'iss', secret_is_base64: false, run_on_preflight: true, maximum_expiration: 0, header_names: ['authorization'] },
  'rate-limiting': { limit_by: 'consumer', policy: 'local', fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'API rate limit exceeded', sync_rate: -1,
    // Kong >= 3.6 nests the Redis settings; earlier 3.x writes them flat. Both spellings' defaults.
    redis: { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
    redis_port: 6379, redis_timeout: 2000, redis_database: 0, redis_ssl: false, redis_ssl_verify: false,
  },
  'response-ratelimiting': { fault_tolerant: true },
  'request-size-limiting': { allowed_payload_size: 128, size_unit: 'megabytes', require_content_length: false },
  cors: { methods: ALL_METHODS, credentials: false, private_network: false, preflight_continue: false },
  'request-termination': { status_code: 503, echo: false },
  acl: { hide_groups_header: false, include_consumer_groups: false },
  // serverless-functions: every phase an empty list unless set (kong/plugins/pre-function/_schema.lua).
  'pre-function': { certificate: [], rewrite: [], access: [], header_filter: [], body_filter: [], log: [] },
  'post-function': { certificate: [], rewrite: [], access: [], header_filter: [], body_filter: [], log: [] },
  'proxy-cache': { strategy: 'memory', cache_ttl: 300, cache_control: false, ignore_uri_case: false, response_code: [200, 301, 404], request_method: ['GET', 'HEAD'] },
};
const AUTH_PLUGINS = ['key-auth', 'basic-auth', 'jwt', 'hmac-auth', 'ldap-auth', 'oauth2', 'openid-connect', 'mtls-auth'];
const WINDOWS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, month: 2592000, year: 31536000 };
const UNITS: Record<string, number> = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 };

const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
/** A reference to another entity: decK writes a name (or id), the Admin API `{ id }`. */
const ref = (v: Json | undefined): string | undefined => str(v) ?? (isObject(v) ? str(v.name) ?? str(v.username) ?? str(v.id) : undefined);

export class KongShapeError extends Error {}

interface Plugin {
  name: string;
  fields: JsonObject;
  /** Resolved consumer name when scoped to one. */
  consumer?: string;
  /** The route / service a top-level plugin names (name or id, as written). */
  route?: string;
  service?: string;
}

/** Protocols Kong serves in its http subsystem (kong/constants.lua PROTOCOLS_WITH_SUBSYSTEM). */
const HTTP_SUBSYSTEM = new Set(['http', 'https', 'grpc', 'grpcs']);

/**
 * Whether Kong puts the plugin in its iterator for proxied HTTP at all (kong/runloop/
 * plugins_iterator.lua should_process_plugin: `enabled` and one of `protocols` in the running
 * subsystem). One that is not is in no combo: it acts on nothing AND masks nothing (a route's
 * disabled plugin leaves its service's acting). Within the subsystem a plugin's `protocols` is not
 * compared with the request's: one scoped to grpc runs on an http request.
 */
function acts(p: Plugin): boolean {
  const protocols = p.fields.protocols;
  return p.fields.enabled !== false && Array.isArray(protocols) && protocols.some((x) => typeof x === 'string' && HTTP_SUBSYSTEM.has(x));
}

function plugin(p: JsonObject, names: Map<string, string>): Plugin {
  const name = str(p.name);
  if (!name) throw new KongShapeError('a plugin has no name');
  const config = withDefaults(isObject(p.config) ? p.config : {}, CONFIG_DEFAULTS[name] ?? {});
  const withDefs = withDefaults(omit(p, [...GENERATED, 'route', 'service', 'consumer', 'consumer_group', 'name']), PLUGIN_DEFAULTS) as JsonObject;
  const fields = fieldsOf({ ...withDefs, config: config ?? {}, protocols: sortedStrings(withDefs.protocols), tags: sortedStrings(withDefs.tags) });
  // The anonymous consumer is named by id or username depending on who wrote it: compare names.
  if (isObject(fields.config) && typeof fields.config.anonymous === 'string') {
    fields.config = { ...fields.config, anonymous: names.get(fields.config.anonymous) ?? fields.config.anonymous };
  }
  const consumer = ref(p.consumer);
  const route = ref(p.route);
  const service = ref(p.service);
  return { name, fields, ...(consumer ? { consumer: names.get(consumer) ?? consumer } : {}), ...(route ? { route } : {}), ...(service ? { service } : {}) };
}

/** Whether a pre-function is gwc's query-key one (query-spellings.ts), enabled. */
function stripsSpellings(p: { enabled?: unknown; config?: unknown } | undefined): boolean {
  if (!p || p.enabled === false || !isObject(p.config) || !Array.isArray(p.config.access)) return false;
  return p.config.access.some((code) => typeof code === 'string' && code.startsWith(QUERY_SPELLINGS_MARK));
}

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

function pluginMap(plugins: Plugin[]): JsonObject {
  const out: JsonObject = {};
  for (const p of [...plugins].sort((a, b) => compareText(a.name, b.name))) out[p.consumer ? `${p.name}@${p.consumer}` : p.name] = p.fields;
  return out;
}

/**
 * Kong 3's order (traditional_compatible router,
 * https://docs.konghq.com/gateway/latest/key-concepts/routes/#matching-priorities): more matching
 * fields first (methods, hosts, headers, paths, snis), then a regex path by `regex_priority`
 * before any plain one, plain ones by length. One rank per path, as routeFacts lists them.
 */
function routeRanks(route: JsonObject): number[][] {
  const fields = [sortedStrings(route.methods), sortedStrings(route.hosts), sortedStrings(route.paths), sortedStrings(route.snis), isObject(route.headers) ? Object.keys(route.headers) : []];
  const weight = fields.filter((f) => f.length > 0).length;
  const priority = typeof route.regex_priority === 'number' ? route.regex_priority : 0;
  const paths = sortedStrings(route.paths);
  return (paths.length ? paths : ['/']).map((p) => (p.startsWith('~') ? [weight, 1, priority, 0] : [weight, 0, 0, p.length]));
}

function routeFacts(route: JsonObject, effective: Map<string, JsonObject>, blocked: Set<string>, servicePath = '/'): Facts {
  const match = `${sortedStrings(route.methods).join(',') || '*'} ${sortedStrings(route.hosts).join(',') || '*'}${sortedStrings(route.paths).join(',') || '/'}`;
  // https://docs.konghq.com/gateway/latest/key-concepts/routes/#paths: `~` a regex anchored at the
  // start of the path, else a prefix.
  const paths = sortedStrings(route.paths).map((p) => (p.startsWith('~') ? (p.startsWith('~^') ? p.slice(1) : `^${p.slice(1)}`) : prefixPath(p)));
  const facts: Facts = { route: { match, paths: paths.length ? paths : ['^/'], methods: sortedStrings(route.methods), ranks: routeRanks(route) } };
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
  facts.hosts = sortedStrings(route.hosts);
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

/** Service protocols that speak TLS to the backend (https://docs.konghq.com/gateway/latest/admin-api/#service-object). */
const TLS_PROTOCOLS = new Set(['https', 'grpcs', 'tls', 'wss']);

/**
 * How a service checks its backend's certificate. `tls_verify: null` (or absent) means "the Nginx
 * default is respected" (Admin API, Service object: https://docs.konghq.com/gateway/latest/admin-api/#service-object),
 * and nginx's `proxy_ssl_verify` defaults to off (https://nginx.org/r/proxy_ssl_verify); Kong only
 * turns it on for every service when kong.conf says so, which the deployed state does not show.
 * So null reads as "not verified": a dump that leaves it unset is never taken for a checked one.
 * `ca_certificates` are CA Certificate ids (decK and the Admin API both write ids); null means
 * Kong's global trust store (`lua_ssl_trusted_certificate`).
 */
function serviceTls(s: JsonObject): BackendTls {
  const url = str(s.url);
  const protocol = (str(s.protocol) ?? (url ? /^([a-z]+):\/\//i.exec(url)?.[1] : undefined) ?? 'http').toLowerCase();
  if (!TLS_PROTOCOLS.has(protocol)) return { tls: false, verify: false };
  if (s.tls_verify !== true) return { tls: true, verify: false };
  const cas = sortedStrings(Array.isArray(s.ca_certificates) ? s.ca_certificates.map((c) => ref(c) ?? null) : []);
  return { tls: true, verify: true, ...(cas.length > 0 ? { ca: `ca_certificates ${cas.join(', ')}` } : {}) };
}

/** The decK document into entities. Throws KongShapeError on a shape decK would not accept. */
export function kongEntities(doc: JsonObject): Entity[] {
  const entities: Entity[] = [];
  const consumers = list(doc.consumers);
  // Consumer ids -> usernames, so references compare by name whoever wrote them.
  const names = new Map<string, string>();
  for (const c of consumers) {
    const u = str(c.username) ?? str(c.custom_id);
    if (!u) throw new KongShapeError('a consumer has neither username nor custom_id');
    names.set(u, u);
    if (str(c.id)) names.set(str(c.id)!, u);
  }
  // A top-level plugin naming a route or a service is that route's or service's (Kong keys every
  // plugin by its own route, service and consumer: plugins_iterator.lua build_compound_key), not a
  // global one; one naming a consumer too is the caller's (left out of the route's, as nested ones).
  const topLevel = list(doc.plugins).map((p) => plugin(p, names));
  const scoped = topLevel.filter((p) => !p.consumer && (p.route || p.service));
  const globals: Plugin[] = topLevel.filter((p) => !scoped.includes(p));
  for (const c of consumers) for (const p of list(c.plugins)) globals.push({ ...plugin(p, names), consumer: names.get(str(c.username) ?? str(c.custom_id)!)! });
  const blocked = new Set(globals.filter((p) => p.consumer && p.name === 'request-termination' && acts(p)).map((p) => p.consumer!));
  const globalMap = new Map(globals.filter((p) => !p.consumer && !p.route && !p.service && acts(p)).map((p) => [p.name, p.fields]));
  for (const p of globals) entities.push({ kind: 'plugin', key: p.consumer ? `${p.name}@${p.consumer}` : p.name, fields: p.fields });
  for (const c of consumers) {
    const u = names.get(str(c.username) ?? str(c.custom_id)!)!;
    entities.push({ kind: 'consumer', key: u, fields: fieldsOf({ ...omit(c, [...GENERATED, 'plugins', 'keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'acls']), tags: sortedStrings(c.tags), ...credentials(c) }), facts: { holds: consumerHolds(c) } });
  }
  const addRoute = (r: JsonObject, service: string | undefined, servicePlugins: Map<string, JsonObject>, backend?: string, servicePath?: string) => {
    const withDefs = withDefaults(omit(r, [...GENERATED, 'plugins', 'service']), ROUTE_DEFAULTS) as JsonObject;
    // Its own, and the top-level ones naming it (by name or id; one naming a service too only
    // when that is its service: Route+Service is looked up with the route's own service).
    const mine = (p: Plugin) => (p.route === str(r.name) || p.route === str(r.id)) && (p.service === undefined || (serviceNames.get(p.service) ?? p.service) === service);
    const plugins = [...list(r.plugins).map((p) => plugin(p, names)), ...scoped.filter((p) => p.route && mine(p))];
    const fields = fieldsOf({
      ...withDefs,
      ...Object.fromEntries(['methods', 'hosts', 'paths', 'protocols', 'snis', 'tags'].map((k) => [k, sortedStrings(withDefs[k])])),
      ...(service ? { service } : {}),
      plugins: pluginMap(plugins),
    });
    const name = str(r.name);
    const key = name ?? `(unnamed) ${String(fields.methods ?? '*')} ${String(fields.paths ?? '/')}`;
    const effective = new Map([...globalMap, ...servicePlugins, ...plugins.filter((p) => !p.consumer && acts(p)).map((p) => [p.name, p.fields] as const)]);
    // Routes without a service only answer (405, preflight): not a way in to a backend.
    // Where the route sends what it admits (Facts.backend): another server is a security finding.
    // A route without a service still answers CORS preflights (gwc's preflight routes): what it allows
    // decides which origins' browsers send the real request.
    const facts = routeFacts(fields, effective, blocked, servicePath);
    entities.push({ kind: 'route', key, fields, ...(service ? { facts: { ...facts, ...(backend ? { backend } : {}) } } : facts.cors ? { facts: { cors: facts.cors } } : {}) });
  };
  // What each upstream balances over, so services and upstreams pair by backend whatever their names.
  const upstreamTargets = new Map<string, string>();
  for (const u of list(doc.upstreams)) {
    const name = str(u.name);
    // Addresses only: weights (100 by default, 1 in gwc) show as field changes once paired.
    if (name) upstreamTargets.set(name, list(u.targets).map((t) => str(t.target) ?? '').sort().join(','));
  }
  const serviceNames = new Map<string, string>();
  const backends = new Map<string, string>();
  const servicePlugins = new Map<string, Map<string, JsonObject>>();
  const servicePaths = new Map<string, string>();
  for (const s of list(doc.services)) {
    const n = str(s.name) ?? str(s.host);
    if (!n) throw new KongShapeError('a service has neither name nor host');
    serviceNames.set(n, n);
    if (str(s.id)) serviceNames.set(str(s.id)!, n);
  }
  for (const s of list(doc.services)) {
    const name = serviceNames.get(str(s.name) ?? str(s.host)!)!;
    const plugins = [...list(s.plugins).map((p) => plugin(p, names)), ...scoped.filter((p) => !p.route && p.service !== undefined && (serviceNames.get(p.service) ?? p.service) === name)];
    const fields = fieldsOf({ ...(withDefaults(omit(s, [...GENERATED, 'routes', 'plugins']), SERVICE_DEFAULTS) as JsonObject), tags: sortedStrings(s.tags), plugins: pluginMap(plugins) });
    const backend = serviceServers(s, upstreamTargets);
    backends.set(name, backend);
    entities.push({ kind: 'service', key: name, fields, facts: { backendTls: serviceTls(s) }, matchBy: serviceBackend(s, upstreamTargets) });
    // A service's plugin acts on each of its routes that has none of that name (Kong 3.x
    // precedence, kong/runloop/plugins_iterator.lua lookup_cfg: Route over Service over Global); gwc
    // writes a plugin every route shares once, on the service (hoist.ts, #18).
    // One nested here that names a route is Route+Service (build_compound_key): that route's only.
    for (const p of plugins) if (p.route && !p.consumer) scoped.push({ ...p, service: name });
    const sp = new Map(plugins.filter((p) => !p.consumer && !p.route && acts(p)).map((p) => [p.name, p.fields] as const));
    servicePlugins.set(name, sp);
    servicePaths.set(name, servicePath(s));
    for (const r of list(s.routes)) addRoute(r, name, sp, backend, servicePaths.get(name));
  }
  for (const r of list(doc.routes)) {
    const svc = ref(r.service);
    const name = svc ? serviceNames.get(svc) ?? svc : undefined;
    // A top-level route naming its service (an Admin API flat list, a hand-written file) gets the
    // service's plugins as a nested one does.
    addRoute(r, name, (name ? servicePlugins.get(name) : undefined) ?? new Map(), name ? backends.get(name) : undefined, name ? servicePaths.get(name) : undefined);
  }
  for (const u of list(doc.upstreams)) {
    const name = str(u.name);
    if (!name) throw new KongShapeError('an upstream has no name');
    const targets = list(u.targets)
      .map((t) => fieldsOf({ target: t.target ?? null, weight: typeof t.weight === 'number' ? t.weight : 100, tags: sortedStrings(t.tags) }))
      .sort((a, b) => compareText(String(a.target), String(b.target)));
    entities.push({ kind: 'upstream', key: name, matchBy: `targets ${upstreamTargets.get(name) ?? ''}`, fields: fieldsOf({ ...(withDefaults(omit(u, [...GENERATED, 'targets']), UPSTREAM_DEFAULTS) as JsonObject), tags: sortedStrings(u.tags), targets }) });
  }
  return entities;
}

/** The path a service prefixes to what its routes send (`path`, or its `url`'s). */
function servicePath(s: JsonObject): string {
  return str(s.path) ?? (str(s.url) ? new URL(str(s.url)!).pathname : '/');
}

/** A service's backend (protocol, address or upstream targets, path), for pairing renamed services. */
function serviceBackend(s: JsonObject, upstreams: Map<string, string>): string {
  const url = str(s.url) ? new URL(str(s.url)!) : undefined;
  const protocol = str(s.protocol) ?? url?.protocol.replace(':', '') ?? 'http';
  const path = str(s.path) ?? url?.pathname ?? '/';
  return `${protocol}://${serviceServers(s, upstreams)}${path}`;
}

/** The server(s) a service sends to: its upstream's targets, or its host and port (Facts.backend). */
function serviceServers(s: JsonObject, upstreams: Map<string, string>): string {
  const url = str(s.url) ? new URL(str(s.url)!) : undefined;
  const protocol = str(s.protocol) ?? url?.protocol.replace(':', '') ?? 'http';
  const host = str(s.host) ?? url?.hostname ?? '';
  const port = typeof s.port === 'number' ? s.port : url?.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  return upstreams.has(host) ? `upstream ${upstreams.get(host)}` : `${host}:${port}`;
}

/** What the document looks like when it is not decK's, for a clear diagnostic; undefined when it is. */
export function foreignShape(doc: unknown): string | undefined {
  if (!isObject(doc)) return Array.isArray(doc) ? 'a list' : `a ${doc === null ? 'null' : typeof doc} value`;
  if ('AWSTemplateFormatVersion' in doc || 'Resources' in doc || 'TemplateBody' in doc) return 'a CloudFormation template';
  if (('http' in doc || 'tcp' in doc) && !('_format_version' in doc)) return 'a Traefik dynamic configuration';
  if ('openapi' in doc || 'swagger' in doc) return 'an OpenAPI document (pass it as SPEC, not --deployed)';
  const known = ['_format_version', 'services', 'routes', 'consumers', 'plugins', 'upstreams'];
  if (!known.some((k) => k in doc)) return `an unknown document (keys: ${Object.keys(doc).slice(0, 5).join(', ') || 'none'})`;
  for (const k of known.slice(1)) if (k in doc && doc[k] !== null && !Array.isArray(doc[k])) return `a document whose ${k} is not a list`;
  return undefined;
}
