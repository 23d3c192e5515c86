/**
 * paths → Route, one per operation (openapi-typescript's path-item-object idea: one function per
 * spec concept, the location passed down).
 */
import { isMethodOverrideHeader, METHOD_OVERRIDE_QUERY } from '../overrides.js';
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import type { Loc } from '../../diagnostics/diagnostic.js';
import { escapeToken } from '../../spec/pointer.js';
import { parsedPath } from '../paths.js';
import { HTTP_METHODS, type Backend, type HttpMethod, type Policy, type Route, type Server } from '../types.js';
import { isObj, refuseRefSibling, type Walker } from './node.js';
import { applyPolicySettings } from './policies.js';
import { normaliseSecurity, type SchemeTable } from './security.js';
import type { ServerBackends } from './server-backends.js';
import { normaliseServers, publicScope, type PublicScope } from './servers.js';
import { hasControl, parseDuration } from './units.js';
import { ROUTE_POLICIES } from '../policies/index.js';
import { suggest } from '../../validate/suggest.js';
import { compareText } from '../../diagnostics/collate.js';

export interface RouteContext {
  w: Walker;
  basePath: string;
  hosts: string[];
  defaults: Located;
  policies: Map<string, Located>;
  backends: Backend[];
  defaultBackend?: string;
  /** Plain OpenAPI: path-item and operation servers give backends. */
  serverBackends?: ServerBackends;
  rootSecurity?: Located;
  schemes: SchemeTable;
  out: Diagnostic[];
}

const LOWER_METHODS = Object.fromEntries(HTTP_METHODS.map((m) => [m, m.toLowerCase()])) as Record<HttpMethod, string>;

export function normaliseRoutes(ctx: RouteContext, paths: Located): Route[] {
  const routes: Route[] = [];
  for (const [path, item] of ctx.w.entries(paths)) {
    if (!isObj(item.value) || path.startsWith('x-')) continue;
    const parsed = parsedPath(path);
    const pathLoc = { file: paths.loc.file, pointer: `${paths.loc.pointer}/${escapeToken(path)}` };
    if (parsed.error || hasControl(path) || /[\s?#]/.test(path)) {
      ctx.out.push(diag('path-param-invalid', { path: JSON.stringify(path), detail: parsed.error ?? 'contains whitespace, ?, # or a control character' }, pathLoc));
      continue;
    }
    refuseRefSibling(ctx.w, paths, path, 'path item', ctx.out);
    const publicPath = joinBase(ctx.basePath, path);
    const pub = parsedPath(publicPath);
    const docScope: PublicScope = { basePath: ctx.basePath, hosts: ctx.hosts };
    const itemScope = scopeOf(ctx, item, docScope);
    if (itemScope === 'refused') continue;
    // What the path item says is the same for each of its operations: read once per path (#18).
    const itemX = ctx.w.child(item, 'x-gateway');
    const itemParamsNode = present(item, 'parameters') ? ctx.w.child(item, 'parameters') : undefined;
    const itemParams = itemParamsNode ? ctx.w.itemValues(itemParamsNode) : [];
    for (const method of HTTP_METHODS) {
      const key = LOWER_METHODS[method];
      // An absent method is no operation: asked before a location is built for it (#18).
      if (item.value[key] === undefined) continue;
      refuseRefSibling(ctx.w, item, key, 'operation', ctx.out);
      const op = ctx.w.child(item, key);
      if (!isObj(op.value)) continue;
      const opScope = scopeOf(ctx, op, itemScope ?? docScope);
      if (opScope === 'refused') continue;
      const { hosts, servers: hostServers } = opScope ?? itemScope ?? docScope;
      const route = normaliseOperation(ctx, { path, pathLoc, publicPath, segments: pub.segments, params: parsed.params, hosts, hostServers, itemX, itemParams, itemParamsNode }, method, item, op);
      if (route) routes.push(route);
    }
  }
  return routes;
}

/**
 * With x-gateway backends, path-item and operation `servers` scope their routes the OpenAPI way
 * (the nearest list wins): a route a spec puts on an internal host is served on that host only,
 * never on the document's public one. Every target strips one base path, so a list giving another
 * base path is refused rather than served under the wrong prefix. Plain OpenAPI reads these lists
 * as upstreams instead (ServerBackends), as it reads the document's.
 */
function scopeOf(ctx: RouteContext, holder: Located, parent: PublicScope): PublicScope | 'refused' | undefined {
  // No `servers` (nearly every path item and operation): no location built for it (#18).
  if (ctx.serverBackends || !present(holder, 'servers')) return undefined;
  const node = ctx.w.child(holder, 'servers');
  if (!Array.isArray(node.value) || node.value.length === 0) return undefined;
  const scope = publicScope(normaliseServers(ctx.w, node, ctx.out, { expand: true }), parent, ctx.out);
  if (!scope) return undefined;
  if (scope.basePath !== ctx.basePath) {
    ctx.out.push(diag('route-servers-base-path', { basePath: scope.basePath || '/', served: ctx.basePath || '/' }, node.loc));
    return 'refused';
  }
  return scope;
}

/** `node`'s value holds `key`: the walker's child of it may be something (a $ref is followed there). */
function present(node: Located, key: string): boolean {
  const v = node.value;
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>)[key] !== undefined;
}

function joinBase(basePath: string, path: string): string {
  return basePath === '' ? path : `${basePath}${path}`;
}

interface PathInfo {
  path: string;
  pathLoc: Loc;
  publicPath: string;
  segments: Route['segments'];
  params: string[];
  hosts: string[];
  hostServers?: Server[];
  /** The path item's x-gateway and parameters (the same for each of its operations; parameters as values). */
  itemX: Located;
  itemParams: readonly unknown[];
  /** Where the path item's parameters are (for the located override declarations). */
  itemParamsNode?: Located;
}

function normaliseOperation(ctx: RouteContext, p: PathInfo, method: HttpMethod, item: Located, op: Located): Route | undefined {
  const { w, out } = ctx;
  const opX = w.child(op, 'x-gateway');
  const levels = [ctx.defaults, p.itemX, opX]; // farthest first
  const nearest = (key: string): Located | undefined => {
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      if (isObj(level.value) && level.value[key] !== undefined) return w.child(level, key);
    }
    return undefined;
  };
  const v = op.value as { operationId?: unknown; tags?: unknown; summary?: unknown; security?: unknown };
  const id = typeof v.operationId === 'string' && v.operationId !== '' ? v.operationId : derivedId(method, p.path);

  if (v.security !== undefined) refuseRefSibling(w, op, 'security', 'security list', out);
  const securityNode = v.security !== undefined ? w.child(op, 'security') : ctx.rootSecurity;
  const { security, optional: optionalAuth } = securityNode
    ? normaliseSecurity(w, securityNode, ctx.schemes, out, `${method.toUpperCase()} ${p.path}`)
    : { security: [], optional: false };
  const backendNode = nearest('backend');
  const serverBackend = ctx.serverBackends && ((present(op, 'servers') ? ctx.serverBackends.fromServers(w.child(op, 'servers')) : undefined) ?? (present(item, 'servers') ? ctx.serverBackends.fromServers(w.child(item, 'servers')) : undefined));
  const backend = typeof backendNode?.value === 'string' ? backendNode.value : (serverBackend ?? ctx.defaultBackend);
  if (!backend) {
    out.push(diag('no-backend', { route: id }, op.loc));
    return undefined;
  }
  if (!ctx.backends.some((b) => b.name === backend)) {
    const names = ctx.backends.map((b) => b.name);
    out.push(diag('unknown-backend', { name: backend, suggestion: suggest(backend, names) }, backendNode?.loc ?? op.loc));
    return undefined;
  }

  const policy: Policy = {};
  const listNode = nearest('policies');
  const policyNames = Array.isArray(listNode?.value) ? (listNode.value as unknown[]).map(String) : [];
  for (const [i, name] of policyNames.entries()) {
    const named = ctx.policies.get(name);
    if (!named) {
      out.push(diag('unknown-policy', { name, suggestion: suggest(name, [...ctx.policies.keys()]) }, w.child(listNode!, i).loc));
      continue;
    }
    applyPolicySettings(w, named, policy, out);
  }
  for (const level of levels) applyPolicySettings(w, level, policy, out);

  const route: Route = {
    id,
    loc: op.loc,
    pathLoc: p.pathLoc,
    method,
    path: p.path,
    publicPath: p.publicPath,
    segments: p.segments,
    params: p.params,
    hosts: p.hosts,
    backend,
    security,
    optionalAuth,
    declaredPublic: nearest('public')?.value === true,
    policy,
    policyNames,
    tags: Array.isArray(v.tags) ? v.tags.map(String) : [],
  };
  if (p.hostServers) route.hostServers = p.hostServers;
  if (typeof v.operationId === 'string' && v.operationId !== '') route.operationId = v.operationId;
  // The path item's then the operation's parameters, read once for the lists below (values: no
  // location is read from them, #18).
  const opParamsNode = present(op, 'parameters') ? w.child(op, 'parameters') : undefined;
  const params = opParamsNode ? [...p.itemParams, ...w.itemValues(opParamsNode)] : p.itemParams;
  const overrides = declaredOverrides(w, [
    { node: p.itemParamsNode, values: p.itemParams },
    { node: opParamsNode, values: opParamsNode ? params.slice(p.itemParams.length) : [] },
  ]);
  if (overrides.length > 0) route.declaredOverrides = overrides;
  const query = declaredQuery(params);
  if (query.length > 0) route.queryParams = query;
  const cookies = declaredQuery(params, 'cookie');
  if (cookies.length > 0) route.cookieParams = cookies;
  if (typeof v.summary === 'string') route.summary = v.summary;
  if (securityNode) route.securityLoc = securityNode.loc;
  const upstream = nearest('upstreamPath');
  if (typeof upstream?.value === 'string') {
    route.upstreamPath = { template: upstream.value, loc: upstream.loc };
    checkUpstream(ctx, route, upstream);
  }
  const timeout = nearest('timeout');
  if (timeout) {
    const ms = parseDuration(timeout.value, timeout.loc, out);
    if (ms !== undefined) route.timeoutMs = ms;
  }
  // Route settings outside bundles (validate), each from its unit (src/model/policies/).
  for (const unit of ROUTE_POLICIES) unit.normalise(route, { w, levels, item, op, out });
  const ws = nearest('websocket');
  if (ws?.value === true) {
    // Only a GET upgrades (RFC 6455 section 4.1); on another method the key would be a no-op.
    if (method === 'GET') route.websocket = { loc: ws.loc };
    else out.push(diag('websocket-not-get', { route: id, method }, ws.loc));
  }
  return route;
}

function checkUpstream(ctx: RouteContext, route: Route, node: Located): void {
  const template = String(node.value);
  if (hasControl(template) || /[\s?#]/.test(template)) {
    ctx.out.push(diag('unsafe-text', { what: 'upstreamPath', value: JSON.stringify(template) }, node.loc));
    delete route.upstreamPath;
    return;
  }
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!route.params.includes(m[1]!)) ctx.out.push(diag('upstream-param-unknown', { param: m[1]!, route: route.id }, node.loc));
  }
}

/** A readable, stable id for an operation without operationId: `get_users_id`. */
export function derivedId(method: string, path: string): string {
  const slug = path
    .replace(/[{}]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${method.toLowerCase()}${slug ? `_${slug}` : '_root'}`;
}

/** The query (or cookie) parameter names the path item and operation declare, sorted, once each (Route.queryParams, cookieParams). */
function declaredQuery(params: readonly unknown[], where: 'query' | 'cookie' = 'query'): string[] {
  const names = new Set<string>();
  for (const p of params) {
    const v = p as { in?: unknown; name?: unknown } | undefined;
    if (v && v.in === where && typeof v.name === 'string' && v.name !== '') names.add(v.name);
  }
  return [...names].sort();
}

/**
 * Method-override parameters the spec declares (path item, then operation), see
 * Route.declaredOverrides: each at the parameter that declares it (the operation's, where both
 * declare it), with the methods its schema's enum lists. Located only on a hit (#18: the lists are
 * read as values).
 */
function declaredOverrides(w: Walker, lists: ReadonlyArray<{ node: Located | undefined; values: readonly unknown[] }>): NonNullable<Route['declaredOverrides']> {
  const out: NonNullable<Route['declaredOverrides']> = [];
  for (const { node, values } of lists) {
    for (const [i, p] of values.entries()) {
      const v = p as { in?: unknown; name?: unknown; schema?: unknown } | undefined;
      if (!v || typeof v.name !== 'string') continue;
      const hit = (v.in === 'query' && v.name === METHOD_OVERRIDE_QUERY) || (v.in === 'header' && isMethodOverrideHeader(v.name));
      if (!hit) continue;
      const found: NonNullable<Route['declaredOverrides']>[number] = { in: v.in as 'query' | 'header', name: v.name };
      if (node) found.loc = w.child(node, i).loc;
      const listed = isObj(v.schema) ? v.schema.enum : undefined;
      if (Array.isArray(listed) && listed.every((m) => typeof m === 'string')) found.methods = [...new Set(listed.map((m) => (m as string).toUpperCase()))].sort(compareText);
      const known = out.findIndex((o) => o.in === found.in && o.name.toLowerCase() === found.name.toLowerCase());
      // The operation's parameter replaces the path item's of the same name (OpenAPI); the name as first written stays.
      if (known < 0) out.push(found);
      else out[known] = { ...found, name: out[known]!.name };
    }
  }
  return out;
}
