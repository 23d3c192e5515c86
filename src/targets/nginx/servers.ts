/**
 * The server blocks of the nginx output (compile.ts): one per host name (and a default server for
 * hostless routes or full mode), each with its error pages, its path locations as layout.ts nests
 * them, its route, forward-auth and JWKS locations, and the SSL context they share.
 */
import { createHash } from 'node:crypto';
import type { HttpMethod, Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { filePath, hostName, Refused } from './escape.js';
import { buildLayout, pathEntries, type GroupNode, type PathEntry, type RegexLevel } from './layout.js';
import type { JwksView } from './jwks.js';
import type { CorsView } from './policies.js';
import type { RouteView } from './route-view.js';
import type { ForwardView } from './security.js';
import { ownSsl, serverSslDefault, type SslContext } from './proxy-ssl.js';

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
/** A gwc JSON error body. */
export const json = (status: number, message: string): string => JSON.stringify({ status, message });

export interface ServerView {
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

export function serverViews(ctx: Ctx, routes: Route[], views: Map<Route, RouteView>, forwards: ForwardView[], jwks: JwksView[]): ServerView[] {
  const hosts = [...new Set(routes.flatMap((r) => r.hosts.map((h) => hostName(h, `host of route ${r.id}`))))].sort();
  const groups: Array<{ names: string[]; routes: Route[]; isDefault: boolean }> = hosts.map((h) => ({
    names: [h],
    routes: routes.filter((r) => r.hosts.length === 0 || r.hosts.map((x) => x.toLowerCase()).includes(h)),
    isDefault: false,
  }));
  const hostless = routes.filter((r) => r.hosts.length === 0);
  if (hostless.length > 0 || hosts.length === 0 || ctx.options.mode === 'full') groups.push({ names: [''], routes: hostless, isDefault: true });
  // Include mode, every route hosted: no default server of gwc's (the operator's nginx has its
  // own). Without one, nginx makes the first server block of the address its default
  // (https://nginx.org/en/docs/http/request_processing.html), possibly gwc's, answering any Host:
  // a DNS rebinding then carries a victim's network address to an IP-restricted route. Warned where
  // that bites (an IP rule), unless the operator says it owns the default (defaultServer=false).
  else if (ctx.options.defaultServer === 'true') {
    const ruled = routes.find((r) => r.policy.ipRule);
    if (ruled) ctx.report('nginx-no-default-server', { hosts: hosts.join(', '), listen: ctx.options.listen, route: ruled.id }, ruled.policy.ipRule!.loc);
  }
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
export function withOwnSsl(server: ServerView): void {
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
    // A route whose validation or body check runs first is admitted pending (`b<N>`): only that
    // njs check's success makes it `N` (njs admission), so a refusal redirected on is not admitted.
    dispatch: rv.map((x) => ({ method: x.route.method, uri: x.view.validate?.uri ?? x.view.body?.uri ?? x.view.limit?.verifyUri ?? x.view.uri, ...admitOf(x.view) })),
    allow: routes.map((r) => r.method).join(', '),
    cors: shared,
  };
}

/**
 * What a route's dispatch sets `$<gw>_admit` to: `b<N>` (pending) when a body check or validation
 * runs first, its njs success then admitting `N`; `N` for a route location reached directly;
 * nothing for a route verified before its limit with no such check (its auth check's success sets it).
 */
export function admitOf(view: RouteView): { admit?: string } {
  if (view.validate || view.body) return { admit: `b${view.index}` };
  return view.limit?.verifyUri ? {} : { admit: String(view.index) };
}
