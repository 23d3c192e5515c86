/**
 * Kong's own extensions on a plain OpenAPI document (issue #4, item 5): a spec written for Kong's
 * converter (go-apiops `openapi2kong`, `deck file openapi2kong`) keeps working where the mapping
 * is clear. Runs after the rest of the model is built and folds `x-kong-*` into it:
 *
 * - `x-kong-name` (document, path, operation) → the gateway name and the ids of operations
 *   without an operationId; `x-kong-tags` is reported, not applied.
 * - `x-kong-service-defaults` / `x-kong-upstream-defaults` / `x-kong-route-defaults`: the nearest
 *   level wins as a whole object, as in openapi2kong (no merging); their portable fields become
 *   backend settings, so routes with other defaults get their own backend.
 * - `x-kong-plugin-<name>`: per plugin name the nearest level wins (document < path < operation),
 *   see plugins.ts.
 *
 * Anything not mapped is a diagnostic at its own line: a warning when dropping it changes nothing
 * a caller could exploit, an error (fail closed) when it would open a route or move traffic.
 * x-gateway wins over x-kong-* when both say the same thing, with a warning.
 * https://github.com/Kong/go-apiops/blob/main/openapi2kong/openapi2kong.go
 */
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Located } from '../../spec/loaded-spec.js';
import { HTTP_METHODS, type Backend, type Gateway, type Route } from '../../model/types.js';
import { applyRouteDefaults, applyServiceDefaults, applyUpstreamDefaults } from './defaults.js';
import { applyKongPlugins } from './plugins.js';
import { isObj, type Obj, type Walker } from '../../model/normalise/node.js';
import { slug, type KongInput, type OpLevels } from './types.js';
import { recordO2kNames } from './o2k-names.js';
import { firstRoutes } from '../../model/paths.js';

// Shared with defaults.ts, plugins.ts and check.ts, so they live in types.ts (no import cycle).
export { slug, type KongInput, type OpLevels } from './types.js';

/** The x-kong extensions openapi2kong reads, by level; others are reported as unknown. */
const KNOWN = {
  doc: ['x-kong-name', 'x-kong-tags', 'x-kong-service-defaults', 'x-kong-upstream-defaults', 'x-kong-route-defaults'],
  path: ['x-kong-name', 'x-kong-service-defaults', 'x-kong-upstream-defaults', 'x-kong-route-defaults'],
  op: ['x-kong-name', 'x-kong-service-defaults', 'x-kong-upstream-defaults', 'x-kong-route-defaults'],
} as const;

export function applyKongInput(w: Walker, root: Located, gateway: Gateway, out: Diagnostic[]): void {
  const seen = new Set<string>();
  const ctx: KongInput = {
    w,
    gateway,
    out,
    report: (d) => {
      const key = `${d.code}|${d.loc?.file}|${d.loc?.pointer}|${JSON.stringify(d.params)}`;
      if (!seen.has(key)) out.push(d), seen.add(key);
    },
  };
  checkKnown(ctx, root, KNOWN.doc);
  const docX = w.child(root, 'x-gateway');
  docName(ctx, root, isObj(docX.value) ? docX.value : {});
  const ops = operations(ctx, root);
  recordO2kNames(ctx, ops); // before opName renames routes: openapi2kong reads the spec as written
  for (const o of ops) opName(ctx, o, ops);
  const gatewayMode = isObj(docX.value) && isObj(docX.value.backends) && Object.keys(docX.value.backends).length > 0;
  applyBackendDefaults(ctx, ops, gatewayMode);
  for (const o of ops) applyKongPlugins(ctx, o);
  securityExtensions(ctx, root);
}

/** Every operation the model kept, with its three levels (the doc, its path item, itself). */
function operations(ctx: KongInput, root: Located): OpLevels[] {
  const { w } = ctx;
  const out: OpLevels[] = [];
  const first = firstRoutes(ctx.gateway.routes);
  // Indexed loops, no pair destructured per path and method (#18: each made iterator objects in
  // code that runs cold, 80,000 method steps on synthetic-10000).
  const paths = w.entries(w.child(root, 'paths'));
  for (let p = 0; p < paths.length; p++) {
    const [path, item] = paths[p]!;
    if (!isObj(item.value) || path.startsWith('x-')) continue;
    checkKnown(ctx, item, KNOWN.path);
    const byMethod = first.get(path);
    for (let m = 0; m < HTTP_METHODS.length; m++) {
      if (item.value[LOWER_METHODS[m]!] === undefined) continue; // no operation: no location built for it (#18)
      const op = w.child(item, LOWER_METHODS[m]!);
      if (!isObj(op.value)) continue;
      checkKnown(ctx, op, KNOWN.op);
      const route = byMethod?.get(HTTP_METHODS[m]!);
      if (route) out.push({ route, doc: root, path: item, op });
    }
  }
  return out;
}

/** Each method's key in a path item (HTTP_METHODS lowered, in its order), made once (#18: 8 per path item). */
const LOWER_METHODS = HTTP_METHODS.map((m) => m.toLowerCase());

function checkKnown(ctx: KongInput, node: Located, known: readonly string[]): void {
  if (!isObj(node.value)) return;
  // Own keys in Object.keys' order: the spec's data is plain objects.
  for (const key in node.value) {
    if (!key.startsWith('x-kong-') || key.startsWith('x-kong-plugin-') || known.includes(key)) continue;
    const detail = key.startsWith('x-kong-security-') ? 'x-kong-security-* belongs on a components.securitySchemes entry' : 'openapi2kong does not read it at this level either';
    ctx.report(diag('kong-extension-ignored', { extension: key, detail }, ctx.w.child(node, key).loc));
  }
}

/** Document `x-kong-name` names the gateway (Kong's service names and tags) unless x-gateway.name does. */
function docName(ctx: KongInput, root: Located, xv: Obj): void {
  const node = ctx.w.child(root, 'x-kong-name');
  if (typeof node.value === 'string' && slug(node.value)) {
    if (typeof xv.name === 'string') ctx.report(diag('kong-extension-overridden', { extension: 'x-kong-name', field: 'the gateway name (x-gateway.name)' }, node.loc));
    else ctx.gateway.name = slug(node.value);
  }
  const tags = ctx.w.child(root, 'x-kong-tags');
  if (tags.value !== undefined) {
    ctx.report(diag('kong-extension-ignored', { extension: 'x-kong-tags', detail: 'gwc tags every Kong entity with the gateway name, which decK select_tags use to own them' }, tags.loc));
  }
}

/**
 * Operation `x-kong-name` (with the path's) names an operation that has no operationId, as
 * openapi2kong builds "path-name"; gwc names routes after the operationId, so that wins.
 */
function opName(ctx: KongInput, o: OpLevels, all: OpLevels[]): void {
  // Neither level has the key (nearly always): no location built for either (#18). A value that
  // is there may be a $ref to a name, which the walker follows below.
  if (raw(o.op, 'x-kong-name') === undefined && raw(o.path, 'x-kong-name') === undefined) return;
  const { w } = ctx;
  const opNode = w.child(o.op, 'x-kong-name');
  const pathNode = w.child(o.path, 'x-kong-name');
  if (typeof opNode.value !== 'string' && typeof pathNode.value !== 'string') return;
  if (o.route.operationId) {
    if (typeof opNode.value === 'string') ctx.report(diag('kong-extension-ignored', { extension: 'x-kong-name', detail: `gwc names the route after its operationId "${o.route.operationId}"` }, opNode.loc));
    return;
  }
  const pathName = typeof pathNode.value === 'string' ? slug(pathNode.value) : slug(o.route.path);
  const opPart = typeof opNode.value === 'string' ? slug(opNode.value) : o.route.method.toLowerCase();
  const id = [pathName, opPart].filter(Boolean).join('-');
  const where = typeof opNode.value === 'string' ? opNode : pathNode;
  if (!id || all.some((x) => x !== o && x.route.id === id) || ctx.gateway.routes.some((r) => r !== o.route && r.id === id)) {
    ctx.report(diag('kong-extension-ignored', { extension: 'x-kong-name', detail: `the name "${id}" is empty or taken; the route keeps the id ${o.route.id}` }, where.loc));
    return;
  }
  o.route.id = id;
}

/** `node.value[key]` as the walker's child reads it, before any $ref is followed. */
function raw(node: Located, key: string): unknown {
  const v = node.value;
  return v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key];
}

export type Level = 'op' | 'path' | 'doc';
export type AtLevel = Located & { level: Level };

const LEVELS = ['op', 'path', 'doc'] as const;

/** The nearest level's value of `key`, as a whole (openapi2kong does not merge defaults). */
export function nearest(ctx: KongInput, o: OpLevels, key: string): AtLevel | undefined {
  for (const level of LEVELS) {
    // Absent at this level (nearly always): no location built for it (#18).
    const at = o[level].value;
    if (at === null || typeof at !== 'object' || (at as Obj)[key] === undefined) continue;
    const n = ctx.w.child(o[level], key);
    if (n.value !== undefined) return { ...n, level };
  }
  return undefined;
}

/**
 * Service, upstream and route defaults are per-level backend settings: routes that share the
 * same nearest nodes (and the same server backend) share one backend; the document's own defaults
 * change the server backend in place, nearer ones get a copy named after their path or operation.
 */
function applyBackendDefaults(ctx: KongInput, ops: OpLevels[], gatewayMode: boolean): void {
  applyBackendSettings(ctx, ops, gatewayMode);
  for (const o of ops) stripWholePath(ctx, o.route);
}

/**
 * strip_path on a whole-path route leaves Kong's upstream path at the service's path alone
 * (path_handling v0 and v1: service path /s, stripped rest empty -> /s; no service path -> /).
 * gwc appends an upstream path to the backend's path, so this is "/" — exact when the backend has
 * no path; with one, the backend gets a trailing slash it would not get from Kong, which is said.
 * https://docs.konghq.com/gateway/latest/reference/proxy/#strip-the-request-path
 */
function stripWholePath(ctx: KongInput, route: Route): void {
  if (route.upstreamPath?.template !== '') return;
  route.upstreamPath.template = '/';
  const path = ctx.gateway.backends.find((b) => b.name === route.backend)?.targets[0]?.url.path ?? '';
  if (path !== '') ctx.report(diag('kong-strip-path-slash', { route: route.id, path }, route.upstreamPath.loc));
}

function applyBackendSettings(ctx: KongInput, ops: OpLevels[], gatewayMode: boolean): void {
  const originals = new Map(ctx.gateway.backends.map((b) => [b.name, structuredClone(b)]));
  const made = new Map<string, string>();
  for (const o of ops) {
    let service = nearest(ctx, o, 'x-kong-service-defaults');
    let upstream = nearest(ctx, o, 'x-kong-upstream-defaults');
    const routeDefaults = nearest(ctx, o, 'x-kong-route-defaults');
    if (routeDefaults) applyRouteDefaults(ctx, o, routeDefaults);
    const preserveHost = isObj(routeDefaults?.value) && routeDefaults.value.preserve_host === true;
    if (gatewayMode) {
      for (const n of [service, upstream]) {
        if (n) ctx.report(diag('kong-extension-overridden', { extension: n === service ? 'x-kong-service-defaults' : 'x-kong-upstream-defaults', field: 'the backends (x-gateway.backends)' }, n.loc));
      }
      // x-gateway wins, as the warning says: service and upstream defaults must not reach a copy of
      // an x-gateway backend (they could repoint it or turn TLS verification off). Only the route's
      // own preserve_host still applies.
      service = upstream = undefined;
      if (!preserveHost) continue;
    }
    const base = originals.get(o.route.backend);
    if (!base || base.kind !== 'http' || (!service && !upstream && !preserveHost)) continue;
    const key = `${base.name}|${service?.loc.pointer}|${upstream?.loc.pointer}|${preserveHost}`;
    const known = made.get(key);
    if (known) {
      o.route.backend = known;
      continue;
    }
    const docLevel = [service, upstream, preserveHost ? routeDefaults : undefined].every((n) => !n || n.level === 'doc');
    const b: Backend = structuredClone(base);
    if (!docLevel) {
      b.name = uniqueBackendName(ctx.gateway.backends, `${base.name}-${o.route.id}`);
      b.loc = (service ?? upstream ?? routeDefaults ?? o.op).loc;
    }
    if (service) applyServiceDefaults(ctx, b, service);
    // openapi2kong makes no upstream for a service whose defaults name a host (fixture 07a)
    const oneHost = isObj(service?.value) && typeof service.value.host === 'string';
    if (upstream && oneHost) ctx.report(diag('kong-extension-ignored', { extension: 'x-kong-upstream-defaults', detail: `x-kong-service-defaults.host points ${o.route.id} at one host, so there is no upstream (as in openapi2kong)` }, upstream.loc));
    else if (upstream) applyUpstreamDefaults(ctx, b, upstream);
    if (preserveHost) b.hostHeader = 'client';
    const list = ctx.gateway.backends;
    if (docLevel) list.splice(list.findIndex((x) => x.name === base.name), 1, b);
    else list.push(b);
    made.set(key, b.name);
    o.route.backend = b.name;
  }
  ctx.gateway.backends.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function uniqueBackendName(taken: Backend[], base: string): string {
  const s = slug(base).slice(0, 60) || 'backend';
  let name = s;
  for (let i = 2; taken.some((b) => b.name === name); i++) name = `${s}-${i}`;
  return name;
}

/**
 * `x-kong-security-<plugin>` on a security scheme configures Kong Enterprise's openid-connect
 * plugin. gwc compiles the scheme from OpenAPI and its x-gateway; extra requirements in that
 * config (scopes, audiences, claims) would be dropped, so a non-empty config is refused.
 */
function securityExtensions(ctx: KongInput, root: Located): void {
  const { w } = ctx;
  for (const [, scheme] of w.entries(w.child(w.child(root, 'components'), 'securitySchemes'))) {
    for (const key of Object.keys(isObj(scheme.value) ? scheme.value : {})) {
      if (!key.startsWith('x-kong-')) continue;
      const node = w.child(scheme, key);
      const config = isObj(node.value) ? node.value.config : undefined;
      if (key === 'x-kong-security-openid-connect' && (!isObj(config) || Object.keys(config).length === 0)) {
        ctx.report(diag('kong-extension-ignored', { extension: key, detail: 'an empty openid-connect config adds nothing; the scheme is compiled from OpenAPI and its x-gateway' }, node.loc));
        continue;
      }
      ctx.report(diag('kong-extension-unmapped', { extension: key, detail: 'gwc compiles the scheme from OpenAPI and its x-gateway (issuer, audiences, jwksUri); openid-connect is Kong Enterprise and its extra checks cannot be carried over' }, node.loc));
    }
  }
}
