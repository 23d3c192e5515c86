/**
 * The nginx compiler: model + capability plan in, configuration files out (pure).
 * Output (relative to the nginx configuration directory, e.g. /etc/nginx):
 * - conf.d/<name>.conf   http-context include: maps, zones, upstreams, server blocks
 * - gwc/<name>.js        njs module (only when a route needs it)
 * - gwc/<name>.main.conf main-context include: `env` directives for secrets
 * - nginx.conf           with `--option mode=full`: a complete configuration using the above
 */
import { SUBPROTOCOL_TOKEN_REGEX } from '../subprotocol-token.js';
import { diag } from '../../diagnostics/diagnostic.js';
import { parsedPath } from '../../model/paths.js';
import type { Gateway, Route } from '../../model/types.js';
import type { CapabilityPlan } from '../capability-check.js';
import type { CompileOptions, CompileResult, OutputFile } from '../target.js';
import { bounded, Ctx } from './context.js';
import { renderFull, renderHttp, renderMain, renderMayRefuse } from './emit.js';
import { filePath, jsLiteral, printable } from './escape.js';
import { NJS_HEADERS } from './njs-headers.js';
import { NJS_RUNTIME } from './njs-runtime.js';
import { NJS_VALIDATE } from './njs-validate.js';
import { validateConfig } from './validate.js';
import { resolveOptions } from './options.js';
import { identityKeyVar, PolicyRegistry } from './policies.js';
import { finishPolicies, policiesHttp, fillPolicies } from './policy-map.js';
import type { RouteView } from './route-view.js';
import { identityVar, routeView } from './routes.js';
import { buildSecurity, IDENTITY_HEADERS, nginxVerifiedBy, njsForwardVars } from './security.js';
import type { UpstreamView } from './backends.js';
import { json, serverViews, withOwnSsl } from './servers.js';
import { upstreamReachRefusals } from '../upstream-reach.js';
import { forwardFallback } from '../forward-fallback.js';


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
    wsSameOrigin: [...views.values()].some((v) => v.wsSameOrigin),
    trustedProxies: ctx.gateway.trustedProxies?.addresses,
    wsToken: [...views.values()].some((v) => v.refuseWsToken) ? `~${SUBPROTOCOL_TOKEN_REGEX}` : undefined,
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
