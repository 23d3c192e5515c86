/**
 * The nginx compiler: model + capability plan in, configuration files out (pure).
 * Output (relative to the nginx configuration directory, e.g. /etc/nginx):
 * - conf.d/<name>.conf   http-context include: maps, zones, upstreams, server blocks
 * - gwc/<name>.js        njs module (only when a route needs it)
 * - gwc/<name>.main.conf main-context include: `env` directives for secrets
 * - nginx.conf           with `--option mode=full`: a complete configuration using the above
 */
import { createHash } from 'node:crypto';
import { diag } from '../../diagnostics/diagnostic.js';
import { parsedPath } from '../../model/paths.js';
import type { Gateway, HttpMethod, Route } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import type { CompileOptions, CompileResult, OutputFile } from '../target.js';
import { bounded, Ctx } from './context.js';
import { renderFull, renderHttp, renderMain, renderMayRefuse } from './emit.js';
import { filePath, hostName, jsLiteral, printable, Refused } from './escape.js';
import { buildLayout, pathEntries, type GroupNode, type PathEntry, type RegexLevel } from './layout.js';
import type { JwksView } from './jwks.js';
import { NJS_HEADERS } from './njs-headers.js';
import { NJS_RUNTIME } from './njs-runtime.js';
import { NJS_VALIDATE } from './njs-validate.js';
import { validateConfig } from './validate.js';
import { resolveOptions } from './options.js';
import { identityKeyVar, PolicyRegistry, type CorsView } from './policies.js';
import { finishPolicies, policiesHttp, fillPolicies } from './policy-map.js';
import type { RouteView } from './route-view.js';
import { identityVar, routeView } from './routes.js';
import { buildSecurity, IDENTITY_HEADERS, nginxVerifiedBy, njsForwardVars, type ForwardView } from './security.js';
import type { UpstreamView } from './backends.js';
import { ownSsl, serverSslDefault, type SslContext } from './proxy-ssl.js';
import { upstreamReachRefusals } from '../upstream-reach.js';
import { forwardFallback } from '../forward-fallback.js';

const METHOD_ORDER: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
const ERRORS: Array<[number, string]> = [
  [400, 'bad request'],
  [401, 'unauthorized'],
  [403, 'forbidden'],
  [404, 'no route'],
  [413, 'request body too large'],
  [429, 'too many requests'],
  [500, 'internal error'],
  [502, 'bad gateway'],
  [503, 'service unavailable'],
  [504, 'gateway timeout'],
];
const json = (status: number, message: string): string => JSON.stringify({ status, message });

export function compileNginx(gateway: Gateway, plan: CapabilityPlan, compileOptions: CompileOptions): CompileResult {
  const { options, errors } = resolveOptions(compileOptions.options);
  const ctx = new Ctx(gateway, plan, options);
  ctx.findingsOnly = compileOptions.findingsOnly === true;
  for (const e of errors) ctx.report('nginx-option-invalid', { detail: e });
  // File names stay far below NAME_MAX (255) with room for `.main.conf` and the access log's affixes.
  const fileName = bounded(gateway.name.toLowerCase().replace(/[^a-z0-9_-]/g, '_'), gateway.name, 64);
  const reg = new PolicyRegistry(ctx);
  const routes = gateway.routes.filter((r) => {
    if (!r.publicPath.startsWith('/_gwc_internal')) return true;
    ctx.report('nginx-path-reserved', { route: r.id, path: r.publicPath }, r.loc);
    return false;
  });
  const security = buildSecurity(ctx, routes);
  // DESIGN.md 7.5: a parameter must not choose a more protected route's backend path.
  for (const f of upstreamReachRefusals(gateway, routes, 'nginx')) ctx.report('upstream-param-reaches-protected', f.params, f.loc);
  // forwardAuth on a scheme nginx verifies itself: asked beside its check, or a fallback it says it does not call.
  ctx.diagnostics.push(...forwardFallback(gateway, { target: 'nginx', callsBeside: true, verifiedBy: nginxVerifiedBy }));

  const views = new Map<Route, RouteView>();
  routes.forEach((route, index) => {
    const params = parsedPath(route.publicPath).params;
    const view = ctx.safe(route.loc, () => routeView(ctx, reg, route, index, params));
    if (view) views.set(route, view);
  });

  for (const v of views.values()) escapeParams(ctx, v);
  // Policies whose location is dispatched to before all the route's others (validation), then
  // each policy's build-wide step (the validators' module), through nginx's policy map.
  for (const [route, view] of views) fillPolicies('check', { ctx, reg, route, view, params: parsedPath(route.publicPath).params });
  finishPolicies(ctx, reg, [...views.values()]);
  const validateModule = reg.validateModule;
  const upstreams = new Map<string, UpstreamView>();
  for (const v of views.values()) if (v.upstream) upstreams.set(v.upstream.name, v.upstream);
  const servers = ctx.safe(gateway.loc, () => serverViews(ctx, routes, views, security.forwards, security.jwks)) ?? [];

  if (ctx.diagnostics.some((d) => d.severity === 'error')) return { files: [], diagnostics: ctx.diagnostics };
  // The `_` header refusal (server-level `if` on njs underscoreHeader) loads njs in include mode
  // whatever else does: before the Host line nginx reads underscores_in_headers from the address's
  // default server, another file's in include mode, which may say `on` (X_Consumer,
  // X_HTTP_Method_Override kept past the `-` clears; test/security/nginx-underscore-no-njs.test.ts).
  // No nginx variable tells the spellings apart ($http_x_consumer reads both), and clearing every
  // `_` spelling of every cleared header is hundreds of lines a location. In full mode gwc writes
  // the http level and every server of its addresses: each says off, so njs loads only when needed.
  // Where nothing else needs njs, the module holds that check alone (njs/headers.js): njs clones
  // the module for every request, at a cost that grows with its size (+5-8 us CPU a request, not +15-29).
  const njsHeadersOnly = !ctx.needsNjs && options.mode !== 'full';
  if (options.mode !== 'full') ctx.needsNjs = true;

  const view = {
    title: `${gateway.title} ${gateway.version}`,
    prefix: ctx.prefix,
    dollar: ctx.dollar,
    njs: ctx.needsNjs,
    njsHeadersOnly,
    njsPath: `gwc/${fileName}.js`,
    // Each policy's http-level part (zones, origin maps, the cache zone, flags), through nginx's policy map.
    ...policiesHttp(reg, [...views.values()]),
    validatePath: `gwc/${fileName}.validate.js`,
    cachePath: `${options.cachePath}/${fileName}`,
    accessLogPath: `${options.logPath}/gwc-${fileName}.access.log`,
    upstreams: [...upstreams.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((u) => ({ ...u })),
    servers,
    forwardHeaders: security.forwardHeaders.map((h) => ({ name: h, variable: ctx.derivedName('fa', h), sent: `sent_http_${h.replace(/-/g, '_')}` })),
    identity: security.anyAuth
      ? [...IDENTITY_HEADERS.map((h) => ({ variable: identityVar(ctx, h.kind), sent: h.sent })), { variable: identityKeyVar(ctx), sent: 'sent_http_x_gwc_identity' }]
      : [],
    escapedPaths: [...views.values()].some((v) => (v as Escaped).escapedPath),
    websocket: [...views.values()].some((v) => v.websocket),
    forwardPath: security.forwards.length > 0,
    jwks: security.jwks.length > 0,
    jwksCachePath: `${options.cachePath}/${fileName}-jwks`,
    notFound: json(404, 'no route'),
    methodNotAllowed: json(405, 'method not allowed'),
    env: [...ctx.envNames].sort(),
    anyAuth: [...views.values()].some((v) => v.authUri),
    headerBucket: headerBucket([
      ...[...views.values()].flatMap((v) => [...v.requestHeaders.map((h) => h.name), ...v.responseHide, ...v.hiddenHeaders, ...(v.kept?.headers ?? []).map((h) => h.name)]),
      ...security.forwardHeaders,
      ...security.forwards.flatMap((f) => f.requestHeaders.map((h) => h.name)),
    ]),
  };
  try {
    filePath(view.cachePath, 'cache path');
    filePath(view.accessLogPath, 'log path');
    // Lint reads the diagnostics only: render just when a helper could refuse a value (emit.ts),
    // and then the servers as the build renders them (withOwnSsl).
    if (compileOptions.findingsOnly) {
      if (!renderMayRefuse({ view, options })) return { files: [], diagnostics: ctx.diagnostics };
      for (const s of servers) withOwnSsl(s);
    }
    const files: OutputFile[] = [{ path: `conf.d/${fileName}.conf`, contents: renderHttp(view, ctx.dollar) }];
    files.push({ path: `gwc/${fileName}.main.conf`, contents: renderMain(view, ctx.dollar) });
    if (njsHeadersOnly) {
      files.push({ path: `gwc/${fileName}.js`, contents: `// Generated by gwc - do not edit.${NJS_HEADERS.replace('/*CFG*/null', () => jsLiteral({ routes: {}, schemes: {} }))}` });
    } else if (ctx.needsNjs) {
      const cfg = { consumers: security.consumers, routeVar: `${ctx.prefix}_route`, routes: njsRoutesOf(views.values()), schemes: security.schemes, ...njsForwardVars(ctx, security) };
      files.push({ path: `gwc/${fileName}.js`, contents: `// Generated by gwc - do not edit.${NJS_RUNTIME.replace('/*CFG*/null', () => jsLiteral(cfg))}` });
    }
    if (validateModule !== undefined) {
      files.push({ path: `gwc/${fileName}.validate.js`, contents: `// Generated by gwc - do not edit.${fill(NJS_VALIDATE, { '/*CFG*/null': jsLiteral(validateConfig(ctx, views.values())), '/*VALIDATORS*/null': validateModule })}` });
    }
    if (options.mode === 'full') {
      files.push({
        path: 'nginx.conf',
        contents: renderFull(
          { ...view, ...options, mainInclude: `gwc/${fileName}.main.conf`, httpInclude: `conf.d/${fileName}.conf` },
          ctx.dollar,
        ),
      });
    }
    return { files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), diagnostics: ctx.diagnostics };
  } catch (e) {
    return { files: [], diagnostics: [...ctx.diagnostics, diag('internal-error', { detail: printable(e instanceof Error ? e.message : String(e)) })] };
  }
}

/** The njs module's per-route entries (only routes the module acts on), made only when it is written (#18: not for lint). */
function njsRoutesOf(views: Iterable<RouteView>): Record<string, unknown> {
  const njsRoutes: Record<string, unknown> = {};
  for (const v of views) {
    const extra = {
      ...(v.cache ? { cacheKey: v.cache.parts } : {}),
      ...(v.cache?.query ? { cacheQuery: v.cache.query } : {}),
      ...(v.cache?.headers ? { cacheHeaders: v.cache.headers } : {}),
      ...(v.cache?.cookieAnonymous ? { cacheCookieAnonymous: v.cache.cookieAnonymous } : {}),
      ...(v.cache?.cookieOwn ? { cacheCookieOwn: v.cache.cookieOwn } : {}), ...((v as Escaped).escapedPath ? { upstream: (v as Escaped).escapedPath } : {}) };
    if ((v.njs.security as unknown[]).length > 0 || v.njs.mock || v.njs.hideQuery || v.njs.body || Object.keys(extra).length > 0) njsRoutes[String(v.index)] = { ...v.njs, ...extra };
  }
  return njsRoutes;
}

/**
 * `proxy_set_header` and `proxy_hide_header` names go into a hash whose buckets hold 64 bytes by
 * default (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_headers_hash_bucket_size):
 * a name over 46 characters fails `nginx -t` ("could not build proxy_headers_hash"). Unlike the
 * variables hash, this one can be sized per server, so gwc raises it in its own server blocks when
 * a header name needs it: one entry takes a pointer, the name plus 2 rounded up to 8, and the
 * bucket's end pointer (ngx_hash_init, src/core/ngx_hash.c).
 */
function headerBucket(names: string[]): number | undefined {
  const longest = Math.max(0, ...names.map((n) => n.length));
  const need = 16 + Math.ceil((longest + 2) / 8) * 8;
  if (need <= 64) return undefined;
  let size = 64;
  while (size < need) size *= 2;
  return size;
}

interface ServerView {
  names: string[];
  listen: Array<{ address: string; flags: string[] }>;
  tls?: { certificate: string; key: string };
  errors: Array<{ status: number; body: string; auth: boolean }>;
  exact: unknown[];
  tree: unknown;
  /** The SSL context every TLS location of this server shares unless it sets its own (proxy-ssl.ts). */
  proxySsl?: SslContext;
  routes: Array<RouteView & { ssl?: SslContext }>;
  forwards: Array<ForwardView & { ssl?: SslContext }>;
  /** Two locations per JWKS (jwks.ts): the key set cached for jwksTtl, and the refresh entry (jwksRefresh). */
  jwks: Array<{ uri: string; url: string; key: string; valid: string; retry: string; tls: JwksView['tls'] }>;
}

/** What a cached key set was fetched from: its URL, TLS name and trusted CA file, hashed. */
function jwksCacheId(j: JwksView): string {
  return createHash('sha256').update(JSON.stringify([j.url, j.tls.serverName, j.tls.trusted])).digest('hex');
}

function serverViews(ctx: Ctx, routes: Route[], views: Map<Route, RouteView>, forwards: ForwardView[], jwks: JwksView[]): ServerView[] {
  const hosts = [...new Set(routes.flatMap((r) => r.hosts.map((h) => hostName(h, `host of route ${r.id}`))))].sort();
  const groups: Array<{ names: string[]; routes: Route[]; isDefault: boolean }> = hosts.map((h) => ({
    names: [h],
    routes: routes.filter((r) => r.hosts.length === 0 || r.hosts.map((x) => x.toLowerCase()).includes(h)),
    isDefault: false,
  }));
  const hostless = routes.filter((r) => r.hosts.length === 0);
  if (hostless.length > 0 || hosts.length === 0 || ctx.options.mode === 'full') groups.push({ names: [''], routes: hostless, isDefault: true });
  const tls = tlsView(ctx);
  return groups.map((g) => {
    const entries = pathEntries(g.routes.filter((r) => views.has(r)));
    const layout = buildLayout(entries);
    const flags = g.isDefault && ctx.options.defaultServer === 'true' ? ['default_server'] : [];
    const listen = [{ address: ctx.options.listen, flags }];
    if (tls) listen.push({ address: ctx.options.tlsListen, flags: [...flags, 'ssl'] });
    const routeViews = [...new Set(entries.flatMap((e) => e.routes))].map((r) => views.get(r)!).sort((a, b) => a.index - b.index);
    const proxySsl = serverSslDefault([...routeViews.map((v) => v.upstream?.tls), ...forwards.map((f) => f.tls)]);
    const server: ServerView = {
      names: g.names,
      listen,
      errors: ERRORS.map(([status, message]) => ({ status, body: json(status, message), auth: status === 401 })),
      exact: layout.exact.map((e) => pathView(ctx, e, views)),
      tree: groupView(ctx, layout.root, views),
      routes: routeViews,
      forwards,
      // Cache keys name the key set's URL and CA (hashed: no user text in the key line), never the
      // scheme's index: the cache outlives a reload, and a changed or reordered jwksUri must not be
      // answered from the set cached for another URL (an issuer dropped from the spec would stay
      // trusted for jwksTtl).
      jwks: jwks.flatMap((j) => [
        { uri: j.uri, url: j.url, key: `jwks:${jwksCacheId(j)}`, valid: ctx.options.jwksTtl, retry: ctx.options.jwksRefresh, tls: j.tls },
        { uri: j.refreshUri, url: j.url, key: `jwks-refresh:${jwksCacheId(j)}`, valid: ctx.options.jwksRefresh, retry: ctx.options.jwksRefresh, tls: j.tls },
      ]),
    };
    if (tls) server.tls = tls;
    if (proxySsl) server.proxySsl = proxySsl;
    if (!ctx.findingsOnly) withOwnSsl(server);
    return server;
  });
}

/**
 * Each route and forward of `server` as the templates read it: a copy with its own SSL context
 * (ownSsl: undefined where the server's default is its setting).
 *
 * Lint (findingsOnly, #18) leaves the 10,000 copies out of the servers renderMayRefuse walks: an
 * SslContext holds a boolean and `trusted`, the string of the route's `upstream.tls` (or the
 * forward's `tls`) it is made from (proxy-ssl.ts contextOf), which the walk reaches there, at a
 * depth as shallow; a copy holds the same values as its view. So the walk finds a string or a
 * variable part a helper could refuse in the servers without the copies iff with them. When it
 * does, compile.ts adds them before rendering, so lint renders what the build renders.
 */
function withOwnSsl(server: ServerView): void {
  server.routes = server.routes.map((v) => ({ ...v, ssl: ownSsl(v.upstream?.tls, server.proxySsl) }));
  server.forwards = server.forwards.map((f) => ({ ...f, ssl: ownSsl(f.tls, server.proxySsl) }));
}

function tlsView(ctx: Ctx): { certificate: string; key: string } | undefined {
  const tls = ctx.gateway.tls;
  if (!tls) return undefined;
  return ctx.safe(tls.loc, () => {
    if (tls.key.kind !== 'file') throw new Refused('TLS key', tls.key.raw, 'must be a ${file:PATH} reference', { code: 'nginx-tls-key-source', params: { ref: tls.key.raw } });
    return { certificate: filePath(tls.certificate, 'TLS certificate'), key: filePath(tls.key.path, 'TLS key') };
  });
}

function groupView(ctx: Ctx, node: GroupNode, views: Map<Route, RouteView>): unknown {
  return {
    prefix: node.prefix,
    children: node.children.map((c) => groupView(ctx, c, views)),
    ...levelView(ctx, node, views),
  };
}

function levelView(ctx: Ctx, level: RegexLevel, views: Map<Route, RouteView>): { groups: unknown[]; regexPaths: unknown[] } {
  return {
    groups: level.groups.map((g) => ({ regex: g.regex, ...levelView(ctx, g, views) })),
    regexPaths: level.regexPaths.map((e) => pathView(ctx, e, views)),
  };
}

function pathView(ctx: Ctx, entry: PathEntry, views: Map<Route, RouteView>): unknown {
  const routes = entry.routes
    .filter((r) => views.has(r))
    .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
  const rv = routes.map((r) => ({ route: r, view: views.get(r)! }));
  const corsViews = rv.map((x) => x.view.cors);
  const shared: CorsView | undefined = corsViews.every((c) => c && c.originVar === corsViews[0]?.originVar) ? corsViews[0] : undefined;
  return {
    comment: entry.publicPath,
    regex: entry.regex,
    publicPath: entry.publicPath,
    preflight: rv.filter((x) => x.view.cors && x.route.method !== 'OPTIONS').map((x) => ({ method: x.route.method, uri: x.view.preflightUri })),
    // The route the request is admitted to (templates-route.ts): set here, the route's own public
    // location, unless the route's auth check runs before its limit (that check's success sets it).
    dispatch: rv.map((x) => ({ method: x.route.method, uri: x.view.validate?.uri ?? x.view.body?.uri ?? x.view.limit?.verifyUri ?? x.view.uri, ...(x.view.limit?.verifyUri ? {} : { admit: String(x.view.index) }) })),
    allow: routes.map((r) => r.method).join(', '),
    cors: shared,
  };
}

/**
 * A route whose upstream path substitutes parameters gets it from the njs `upstreamPath`
 * (`proxy_pass` with a variable sends that URI as it is): each parameter percent-encoded as one
 * opaque segment. nginx's own escaping of a rewritten URI leaves `;` (and a decoded `%3B`) raw,
 * which Tomcat and Spring read as a path parameter: public `/users/{id}` with `me;x` would reach
 * the backend as its protected `/users/me` (DESIGN.md section 7.5).
 */
type Escaped = RouteView & { escapedPath?: Array<string | number> };

function escapeParams(ctx: Ctx, v: Escaped): void {
  if (!v.rewrite || !v.rewrite.some((p) => 'var' in p)) return;
  v.escapedPath = v.rewrite.map((p) => ('var' in p ? Number(p.var.replace(/^gwc_p/, '')) : p.lit));
  // Emptied, not deleted (the template reads it as absent either way): a delete turns each of these
  // views into a dictionary-mode object, slow to copy and read for the rest of the compile (#18).
  v.rewrite = undefined;
  ctx.needsNjs = true;
}

/**
 * A runtime text with each placeholder replaced by its text, by construction: the runtime is split
 * at its placeholders first, so a placeholder spelled inside user text (a schema string, a mock
 * body in CFG) is never replaced in turn. Each placeholder must occur exactly once.
 */
function fill(runtime: string, parts: Record<string, string>): string {
  const keys = Object.keys(parts);
  const pieces = runtime.split(new RegExp(`(${keys.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`));
  for (const k of keys) if (pieces.filter((p) => p === k).length !== 1) throw new Error(`internal: placeholder ${k} must occur once in the njs runtime`);
  return pieces.map((p) => (Object.prototype.hasOwnProperty.call(parts, p) ? parts[p]! : p)).join('');
}
