/**
 * `x-kong-plugin-<name>` on the document, a path item or an operation. As in openapi2kong, per
 * plugin name the nearest level wins as a whole (document < path < operation). Plugins with a
 * portable meaning become model policies, security or a mock backend; observability plugins
 * gwc does not map are warnings; anything else is refused (fail closed), because gwc cannot tell
 * that dropping it leaves the route as closed as Kong would keep it.
 * Config fields and defaults: https://docs.konghq.com/hub/kong-inc/<name>/configuration/
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { HTTP_METHODS, type Backend, type HttpMethod, type Policy, type Route, type Security, type SecurityScheme } from '../../model/types.js';
import { slug, type KongInput, type OpLevels } from './types.js';
import { reader, type Reader } from './check.js';
import { isObj, type Obj } from '../../model/normalise/node.js';
import { unmapCidr } from '../../model/policies/ip-mapped.js';

const PREFIX = 'x-kong-plugin-';
const OBSERVABILITY = ['http-log', 'tcp-log', 'udp-log', 'syslog', 'loggly', 'datadog', 'prometheus', 'statsd', 'zipkin', 'opentelemetry', 'correlation-id'];
const WHY: Record<string, string> = {
  'request-validator': 'request validation is a Kong Enterprise plugin and gwc does not validate requests; remove it or validate in the backend',
  'rate-limiting-advanced': 'a Kong Enterprise plugin; use x-kong-plugin-rate-limiting or x-gateway rateLimit',
  'openid-connect': 'a Kong Enterprise plugin; declare an openIdConnect or bearer securityScheme with x-gateway issuer/jwksUri',
  jwt: 'Kong keeps JWT keys on consumers; declare a bearer securityScheme with x-gateway issuer and publicKeys and require it in security',
  acl: 'consumer groups are not part of the model',
  'request-transformer': 'use x-gateway requestHeaders (set/remove); Kong add/replace/append have no portable meaning',
  'response-transformer': 'use x-gateway responseHeaders (set/remove); Kong add/replace/append have no portable meaning',
};

/** `r` reads config fields; once it has refused one, the mapper applies nothing. */
type Mapper = (ctx: KongInput, o: OpLevels, node: Located, config: Obj, ext: string, r: Reader) => void;

/**
 * The plugins in effect on an operation: name → node. openapi2kong puts the document's plugins on
 * the service and the path's and operation's on the route (the operation's winning), and Kong runs
 * the route's plugin instead of the service's only while it is enabled: a disabled plugin is never
 * loaded (kong/runloop/plugins_iterator.lua should_process_plugin; Kong/kong#1882), so the
 * service's runs. A route plugin `enabled: false` therefore leaves the document's in force (red
 * team 20: the document's key-auth, ip-restriction or request-termination was taken away from the
 * operation, which then answered without the key, from any address, or at all), said at `enabled`.
 */
function effective(ctx: KongInput, o: OpLevels): Map<string, Located> {
  const plugins = new Map<string, Located>();
  const document = new Map<string, Located>();
  for (const level of [o.doc, o.path, o.op]) {
    for (const key of Object.keys(isObj(level.value) ? level.value : {})) {
      if (!key.startsWith(PREFIX)) continue;
      const node = ctx.w.child(level, key);
      if (level === o.doc) document.set(key.slice(PREFIX.length), node);
      plugins.set(key.slice(PREFIX.length), node);
    }
  }
  for (const [name, node] of plugins) {
    const doc = document.get(name);
    if (!doc || doc === node || !isObj(node.value) || node.value.enabled !== false) continue;
    if (isObj(doc.value) && doc.value.enabled === false) continue; // both off: nothing runs on Kong either
    ctx.report(diag('kong-extension-ignored', { extension: PREFIX + name, detail: "enabled: false on a path or operation does not switch off the document's plugin (Kong runs the service's plugin when the route's is disabled), so the document's applies here" }, ctx.w.child(node, 'enabled').loc));
    plugins.set(name, doc);
  }
  return plugins;
}

export function applyKongPlugins(ctx: KongInput, o: OpLevels): void {
  for (const [name, node] of effective(ctx, o)) {
    const ext = PREFIX + name;
    const v = isObj(node.value) ? node.value : {};
    if (v.enabled === false) {
      ctx.report(diag('kong-extension-ignored', { extension: ext, detail: 'the plugin is disabled (enabled: false)' }, ctx.w.child(node, 'enabled').loc));
      continue;
    }
    if (v.consumer !== undefined) {
      ctx.report(diag('kong-extension-unmapped', { extension: ext, detail: 'a plugin scoped to one consumer has no portable meaning' }, ctx.w.child(node, 'consumer').loc));
      continue;
    }
    for (const k of ['protocols', 'ordering', 'instance_name']) {
      if (v[k] !== undefined) ctx.report(diag('kong-extension-ignored', { extension: `${ext}.${k}`, detail: 'gwc writes its own value' }, ctx.w.child(node, k).loc));
    }
    const mapper = MAPPERS[name];
    if (mapper && (!isObj(node.value) || (v.config !== undefined && !isObj(v.config)))) {
      unmapped(ctx, node, '', `${JSON.stringify(isObj(node.value) ? v.config : node.value)} is not an object`, ext);
      continue;
    }
    const config = isObj(v.config) ? v.config : {};
    if (mapper) mapper(ctx, o, node, config, ext, reader(ctx, ctx.w.child(node, 'config'), `${ext}.config`));
    else if (OBSERVABILITY.includes(name)) ctx.report(diag('kong-extension-ignored', { extension: ext, detail: 'an observability plugin gwc does not map (x-gateway accessLog gives a JSON access log)' }, node.loc));
    else ctx.report(diag('kong-extension-unmapped', { extension: ext, detail: WHY[name] ?? 'an unknown plugin: gwc cannot tell whether dropping it opens the route' }, node.loc));
  }
}

/** Reports config fields a mapper does not read, so nothing is dropped silently. */
function rest(ctx: KongInput, node: Located, config: Obj, read: string[], ext: string, detail = 'not portable; not applied'): void {
  const cfg = ctx.w.child(node, 'config');
  for (const k of Object.keys(config)) {
    if (!read.includes(k)) ctx.report(diag('kong-extension-ignored', { extension: `${ext}.config.${k}`, detail }, ctx.w.child(cfg, k).loc));
  }
}

function unmapped(ctx: KongInput, node: Located, field: string, detail: string, ext: string): void {
  const at = field ? ctx.w.child(ctx.w.child(node, 'config'), field) : node;
  ctx.report(diag('kong-extension-unmapped', { extension: field ? `${ext}.config.${field}` : ext, detail }, at.loc));
}

/**
 * Policies that decide who gets in and how much: a conflict there must not be settled silently.
 * CORS decides which sites may read a route's answers with the user's credentials (gwc diff
 * classes cors-widened as security): a wider x-gateway cors replacing an operation's own
 * x-kong-plugin-cors is the same silent widening (red team 3, redteam3-kong-input).
 */
const ACCESS: ReadonlyArray<keyof Policy> = ['ipRule', 'rateLimit', 'bodyLimit', 'cors'];

/** A policy's meaning, without where it was written, order-insensitive for address lists. */
function meaning(key: keyof Policy, p: unknown): string {
  const { loc: _loc, ...rest } = p as Record<string, unknown>;
  if (key === 'ipRule') return JSON.stringify([[...(rest.allow as string[])].sort(), [...(rest.deny as string[])].sort()]);
  // Who may read the answers: the origins (any order) and whether with credentials; methods,
  // headers and max age only shape the preflight.
  if (key === 'cors') return JSON.stringify([[...(rest.origins as string[])].sort(), rest.credentials === true]);
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * x-gateway wins over the same feature from x-kong (it was set before this pass ran, on the
 * operation, its path, a named policy or the defaults: its loc says which). For access policies
 * that only holds when both say the same: otherwise dropping the x-kong one (a deny list, a lower
 * limit) could let in what Kong would refuse, so it is an error naming both places.
 */
function setPolicy<K extends keyof Policy>(ctx: KongInput, o: OpLevels, node: Located, key: K, value: Policy[K], ext: string): void {
  const have = o.route.policy[key];
  if (have) {
    const where = `${key} for ${o.route.id}, which x-gateway sets at ${have.loc.pointer}`;
    // The operation's own x-gateway over a document or path plugin is Kong's own precedence (a
    // route plugin replaces a service one); anything else that differs is a conflict.
    const inOp = (l: { file: string; pointer: string }, sub: string) => l.file === o.op.loc.file && l.pointer.startsWith(`${o.op.loc.pointer}/${sub}`);
    const nearer = inOp(have.loc, 'x-gateway/') && !inOp(node.loc, '');
    if (!nearer && ACCESS.includes(key) && meaning(key, have) !== meaning(key, value)) {
      unmapped(ctx, node, '', `${where} differently; gwc cannot keep both, and dropping either could let in requests the other refuses. Make them agree or remove one`, ext);
      return;
    }
    ctx.report(diag('kong-extension-overridden', { extension: ext, field: where }, node.loc));
    return;
  }
  o.route.policy[key] = value;
}

const rateLimiting: Mapper = (ctx, o, node, c, ext, r) => {
  const windows = (['second', 'minute', 'hour', 'day', 'month', 'year'] as const).filter((k) => c[k] !== undefined && c[k] !== null);
  const per = windows[0];
  if (windows.length !== 1 || per === 'month' || per === 'year' || per === undefined) {
    unmapped(ctx, node, '', 'gwc limits one window of a second, minute, hour or day; this sets ' + (windows.join(', ') || 'none'), ext);
    return;
  }
  const requests = r.int(per, 1, Number.MAX_SAFE_INTEGER);
  const limitBy = r.str('limit_by') ?? 'consumer';
  const header = r.str('header_name', 'header');
  if (r.failed || requests === undefined) return;
  let by: 'ip' | 'consumer' | { header: string };
  if (limitBy === 'ip' || limitBy === 'consumer' || limitBy === 'credential') by = limitBy === 'ip' ? 'ip' : 'consumer';
  else if (limitBy === 'header' && header) by = { header: header.toLowerCase() };
  else return unmapped(ctx, node, 'limit_by', `limit_by ${JSON.stringify(limitBy)} has no portable meaning`, ext);
  // A limit counted across nodes (cluster, redis) compiled as gwc's default policy local would be
  // counted per node: N nodes, N times the limit. The input cannot see the build's option, so it
  // refuses rather than guess (redteam3-kong-input.test.ts).
  if (c.policy !== undefined && c.policy !== 'local') {
    return unmapped(ctx, node, 'policy', `policy ${JSON.stringify(c.policy)}: gwc counts every limit as --option rate-limit-policy says (local, per node, by default), which could be N times this limit on N nodes; remove policy here and build with --option rate-limit-policy=cluster (redis is not supported)`, ext);
  }
  setPolicy(ctx, o, node, 'rateLimit', { requests, per, by, burst: 0, loc: node.loc }, ext);
  rest(ctx, node, c, [...windows, 'limit_by', 'header_name', 'policy'], ext);
};

const cors: Mapper = (ctx, o, node, c, ext, r) => {
  // Kong: no origins = any origin (`*`); a present but malformed list is refused, not widened.
  const origins = r.strs('origins');
  const methods = r.strs('methods', 'method');
  const headers = r.strs('headers', 'header');
  const exposed = r.strs('exposed_headers', 'header');
  const credentials = r.bool('credentials');
  const maxAge = r.int('max_age', 0, Number.MAX_SAFE_INTEGER);
  if (r.failed) return;
  setPolicy(ctx, o, node, 'cors', {
    origins: origins?.length ? origins : ['*'],
    methods: HTTP_METHODS.filter((m) => (methods ?? []).includes(m)) as HttpMethod[],
    headers: headers ?? [],
    exposeHeaders: exposed ?? [],
    credentials: credentials === true,
    ...(maxAge !== undefined ? { maxAgeSeconds: maxAge } : {}),
    loc: node.loc,
  }, ext);
  rest(ctx, node, c, ['origins', 'methods', 'headers', 'exposed_headers', 'credentials', 'max_age'], ext);
};

const UNIT: Record<string, number> = { bytes: 1, kilobytes: 1024, megabytes: 1024 * 1024 };
const sizeLimit: Mapper = (ctx, o, node, c, ext, r) => {
  const unit = UNIT[String(c.size_unit ?? 'megabytes')];
  if (!unit) return unmapped(ctx, node, 'size_unit', `unknown size_unit ${JSON.stringify(c.size_unit)}`, ext);
  const size = r.int('allowed_payload_size', 0, Number.MAX_SAFE_INTEGER);
  if (r.failed) return;
  setPolicy(ctx, o, node, 'bodyLimit', { bytes: (size ?? 128) * unit, loc: node.loc }, ext);
  rest(ctx, node, c, ['allowed_payload_size', 'size_unit'], ext);
};

const ipRestriction: Mapper = (ctx, o, node, c, ext, r) => {
  const allow = r.strs('allow', 'cidr') ?? [];
  const deny = r.strs('deny', 'cidr') ?? [];
  if (r.failed) return;
  if (!allow.length && !deny.length) return unmapped(ctx, node, '', 'neither allow nor deny is set', ext);
  // A mapped entry (::ffff:a.b.c.d) is the IPv4 address, as in x-gateway (model/policies/ip-mapped.ts).
  setPolicy(ctx, o, node, 'ipRule', { allow: allow.map(unmapCidr), deny: deny.map(unmapCidr), loc: node.loc }, ext);
  rest(ctx, node, c, ['allow', 'deny'], ext, 'gwc answers 403 with its own message');
};

const proxyCache: Mapper = (ctx, o, node, c, ext, r) => {
  const methods = r.strs('request_method', 'method');
  const ttl = r.int('cache_ttl', 1, Number.MAX_SAFE_INTEGER);
  const vary = r.strs('vary_headers', 'header');
  if (r.failed) return;
  const keyHeaders = (vary ?? []).map((h) => h.toLowerCase()).sort();
  setPolicy(ctx, o, node, 'cache', { ttlMs: (ttl ?? 300) * 1000, methods: methods ? HTTP_METHODS.filter((m) => methods.includes(m)) : ['GET', 'HEAD'], keyHeaders, keyQuery: true, loc: node.loc }, ext);
  rest(ctx, node, c, ['cache_ttl', 'request_method', 'vary_headers', 'strategy'], ext);
};

const fileLog: Mapper = (ctx, o, node, c, ext) => {
  setPolicy(ctx, o, node, 'accessLog', { format: 'json', loc: node.loc }, ext);
  rest(ctx, node, c, [], ext, 'gwc writes the JSON access log to standard output');
};

/** Kong's own default messages for request-termination (kong/plugins/request-termination/handler.lua). */
const DEFAULT_MESSAGE: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 429: 'API rate limit exceeded', 500: 'An unexpected error occurred', 503: 'Service unavailable' };
const termination: Mapper = (ctx, o, node, c, ext, r) => {
  if (c.trigger !== undefined) return unmapped(ctx, node, 'trigger', 'a conditional termination has no portable meaning', ext);
  if (c.echo === true) return unmapped(ctx, node, 'echo', 'echoing the request has no portable meaning', ext);
  // An explicit x-gateway backend on the operation or its path: x-gateway would win, but dropping
  // the termination opens a route Kong would close, and keeping it overrides x-gateway. Refuse.
  for (const level of [o.op, o.path]) {
    const b = ctx.w.child(ctx.w.child(level, 'x-gateway'), 'backend');
    if (b.value !== undefined) return unmapped(ctx, node, '', `x-gateway sends ${o.route.id} to backend ${JSON.stringify(b.value)} (at ${b.loc.pointer}); gwc cannot both proxy and terminate. Remove one, or use an x-gateway mock backend`, ext);
  }
  const code = r.int('status_code', 100, 599);
  const message = r.str('message');
  const text = typeof c.body === 'string' ? c.body : r.str('body');
  const type = r.str('content_type');
  if (r.failed) return;
  const status = code ?? 503;
  const body = text ?? JSON.stringify({ message: message ?? DEFAULT_MESSAGE[status] ?? 'Request terminated' });
  const contentType = text !== undefined && type ? type : 'application/json; charset=utf-8';
  const mock = { status, body, contentType, headers: {}, loc: node.loc };
  const key = JSON.stringify([status, body, contentType]);
  const backends = ctx.gateway.backends;
  let b = backends.find((x) => x.kind === 'mock' && x.name.startsWith('kong-termination') && JSON.stringify([x.mock?.status, x.mock?.body, x.mock?.contentType]) === key);
  if (!b) {
    b = { name: `kong-termination-${backends.filter((x) => x.name.startsWith('kong-termination')).length + 1}`, loc: node.loc, kind: 'mock', targets: [], hostHeader: 'backend', mock } satisfies Backend;
    backends.push(b);
    backends.sort((x, y) => (x.name < y.name ? -1 : 1));
  }
  o.route.backend = b.name;
  rest(ctx, node, c, ['status_code', 'message', 'body', 'content_type'], ext);
};

/**
 * key-auth / basic-auth: the operation must present the credential. Where its OpenAPI security
 * already requires a scheme of that kind in every alternative, that is the same check; otherwise
 * a scheme is made from the plugin's config and required in each alternative that lacks one (AND,
 * as two Kong auth plugins on one route both run). `anonymous` would make it optional: refused.
 */
function requireAuth(ctx: KongInput, o: OpLevels, node: Located, c: Obj, made: Omit<SecurityScheme, 'name' | 'loc'>, ext: string): void {
  const r = o.route;
  if (typeof c.anonymous === 'string' && c.anonymous) return unmapped(ctx, node, 'anonymous', 'anonymous access makes the credential optional; say so with an OpenAPI security alternative {}', ext);
  if (r.declaredPublic) return unmapped(ctx, node, '', 'x-gateway says the operation is public, but the plugin requires a credential; remove one of them', ext);
  const kindOf = (name: string) => ctx.gateway.securitySchemes.find((s) => s.name === name)?.kind;
  const alts = alternatives(r);
  if (alts.every((alt) => alt.some((i) => kindOf(i.scheme) === made.kind))) return;
  const same = (s: SecurityScheme) =>
    s.name.startsWith('kong-') && s.kind === made.kind && s.hideCredentials === made.hideCredentials && JSON.stringify(s.apiKey ?? s.basic) === JSON.stringify(made.apiKey ?? made.basic);
  let scheme = ctx.gateway.securitySchemes.find(same);
  if (!scheme) {
    const base = slug(`kong-${made.kind}`);
    let name = base;
    for (let i = 2; ctx.gateway.securitySchemes.some((s) => s.name === name); i++) name = `${base}-${i}`;
    scheme = { ...made, name, loc: node.loc } as SecurityScheme;
    ctx.gateway.securitySchemes.push(scheme);
    ctx.gateway.securitySchemes.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  const item = { scheme: scheme.name, scopes: [] };
  r.security = alts.map((alt) => (alt.some((i) => kindOf(i.scheme) === made.kind) ? alt : [...alt, item].sort((a, b) => (a.scheme < b.scheme ? -1 : 1))));
  // The anonymous alternative now needs the plugin's credential, as Kong (no `anonymous`) asks it.
  r.optionalAuth = false;
  r.securityLoc ??= node.loc;
}

/**
 * Every alternative of an operation's security as written, the anonymous one included. The model
 * has already moved `{}` out of `route.security` into `route.optionalAuth` (normalise/security.ts),
 * so reading `security` alone, `[{}, {hk: []}]` looks like "an API key in every alternative": a
 * plugin that requires one was dropped as satisfied and the route stayed optional, open to a caller
 * with no key where Kong answers 401 (redteam4-traefik-kong-input). No security at all is one
 * empty alternative too.
 */
function alternatives(r: Route): Security {
  return r.security.length === 0 || r.optionalAuth ? [...r.security, []] : r.security;
}

const keyAuth: Mapper = (ctx, o, node, c, ext, r) => {
  const given = r.strs('key_names', 'header');
  const [inHeader, inQuery, hide] = [r.bool('key_in_header'), r.bool('key_in_query'), r.bool('hide_credentials')];
  r.str('anonymous');
  if (r.failed) return;
  const names = given?.length ? given : ['apikey'];
  const where = inHeader !== false ? 'header' : inQuery !== false ? 'query' : undefined;
  if (!where) return unmapped(ctx, node, 'key_in_body', 'a key read only from the body has no portable meaning', ext);
  if (names.length > 1) rest(ctx, node, { key_names: names }, [], ext, `only the first key name, ${names[0]}, is accepted`);
  const apiKey = { in: where, name: where === 'header' ? names[0]!.toLowerCase() : names[0]! } as const;
  requireAuth(ctx, o, node, c, { openapiType: 'apiKey', kind: 'apiKey', apiKey, hideCredentials: hide === true }, ext);
  rest(ctx, node, c, ['key_names', 'key_in_header', 'key_in_query', 'key_in_body', 'hide_credentials', 'anonymous', 'run_on_preflight'], ext);
};

const basicAuth: Mapper = (ctx, o, node, c, ext, r) => {
  const [given, hide] = [r.str('realm'), r.bool('hide_credentials')];
  r.str('anonymous');
  if (r.failed) return;
  const realm = given ?? 'service';
  requireAuth(ctx, o, node, c, { openapiType: 'http', kind: 'basic', basic: { realm }, hideCredentials: hide === true }, ext);
  rest(ctx, node, c, ['realm', 'hide_credentials', 'anonymous'], ext);
};

/** jwt: gwc needs the issuer and keys the plugin does not carry; it is satisfied only by a required JWT scheme. */
const jwt: Mapper = (ctx, o, node, _c, ext) => {
  const kindOf = (name: string) => ctx.gateway.securitySchemes.find((s) => s.name === name)?.kind;
  if (alternatives(o.route).every((alt) => alt.some((i) => kindOf(i.scheme) === 'jwt'))) {
    ctx.report(diag('kong-extension-ignored', { extension: 'x-kong-plugin-jwt', detail: 'the operation already requires a JWT scheme in every security alternative; its config comes from that scheme' }, node.loc));
    return;
  }
  unmapped(ctx, node, '', WHY.jwt!, ext);
};

const MAPPERS: Record<string, Mapper> = {
  'rate-limiting': rateLimiting,
  cors,
  'request-size-limiting': sizeLimit,
  'ip-restriction': ipRestriction,
  'proxy-cache': proxyCache,
  'file-log': fileLog,
  'request-termination': termination,
  'key-auth': keyAuth,
  'basic-auth': basicAuth,
  jwt,
};
