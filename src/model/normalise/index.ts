/**
 * A loaded spec → the gateway model. The order of the steps follows DESIGN.md section 2:
 * environment overlay, servers, backends, policies, security, routes in OpenAPI precedence.
 */
import { checkUserText } from './text-safety.js';
import { compareText } from '../../diagnostics/collate.js';
import { diag, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../../spec/loaded-spec.js';
import { FEATURE_IDS } from '../features.js';
import { protectionGap } from '../admits.js';
import { ambiguous, comparePrecedence } from '../paths.js';
import { HTTP_METHODS, type AcceptedGap, type Backend, type Gateway, type Route } from '../types.js';
import { findAmbiguousPairs } from './ambiguity.js';
import { normaliseBackend } from './backends.js';
import { applyAwsInput } from '../../input/aws/index.js';
import { applyKongInput } from '../../input/kong/index.js';
import { isObj, overlay, refuseSiblings, Walker } from './node.js';
import { unmapCidr } from '../policies/ip-mapped.js';
import { normaliseRoutes } from './routes.js';
import { normaliseConsumers, normaliseSchemes, refusedSchemes } from './security.js';
import { ServerBackends } from './server-backends.js';
import { normaliseServers, publicScope } from './servers.js';
import { parseSecret } from './units.js';

export interface NormaliseOptions {
  env?: string;
  /** Known target names, for checking x-gateway.accept (the model does not import targets). */
  targets?: readonly string[];
}

export function normalise(spec: LoadedSpec, options: NormaliseOptions = {}): { gateway?: Gateway; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [...checkUserText(spec)];
  const w = new Walker(spec);
  const root = spec.root;
  const doc = root.value as Record<string, unknown>;
  let x = w.child(root, 'x-gateway');
  if (!isObj(x.value)) x = { value: {}, loc: x.loc };

  let serversNode = w.child(root, 'servers');
  if (options.env !== undefined) {
    const envs = w.child(x, 'environments');
    const env = w.child(envs, options.env);
    if (!isObj(env.value)) {
      out.push(diag('unknown-environment', { name: options.env, known: Object.keys(isObj(envs.value) ? envs.value : {}).join(', ') }, envs.loc));
      return { diagnostics: out };
    }
    const { servers, ...rest } = env.value;
    x = overlay(w, x, { value: rest, loc: env.loc });
    if (servers !== undefined) serversNode = w.child(env, 'servers');
  }
  const xv = x.value as Record<string, unknown>;
  const gatewayMode = isObj(xv.backends) && Object.keys(xv.backends).length > 0;
  // With x-gateway backends the servers are the public side (every enum alternative served);
  // without, they are the upstream, read with their defaults as Kong's converter reads them.
  const servers = normaliseServers(w, serversNode, out, { expand: gatewayMode });

  // Plain OpenAPI: the servers are the upstream, as Kong's own converter reads them.
  const backends: Backend[] = [];
  let defaultBackend: string | undefined;
  let serverBackends: ServerBackends | undefined;
  if (gatewayMode) {
    for (const [name, node] of w.entries(w.child(x, 'backends'))) {
      const b = normaliseBackend(w, name, node, out);
      if (b) backends.push(b);
    }
    if (backends.length === 1) defaultBackend = backends[0]!.name;
  } else {
    serverBackends = new ServerBackends(w, backends, out);
    defaultBackend = serverBackends.fromServers(serversNode) ?? serverBackends.fallback(root.loc);
  }
  backends.sort((a, b) => (a.name < b.name ? -1 : 1));
  const scope = gatewayMode ? publicScope(servers, undefined, out) : undefined;
  const basePath = scope?.basePath ?? '';
  const hosts = scope?.hosts ?? [];

  const policies = new Map<string, Located>(w.entries(w.child(x, 'policies')));
  const defaults = w.child(x, 'defaults');
  const schemes = normaliseSchemes(w, w.child(root, 'components'), out);
  const rootSecurity = doc.security !== undefined ? w.child(root, 'security') : undefined;
  const ctx = { w, basePath, hosts, defaults, policies, backends, schemes, out, ...(defaultBackend ? { defaultBackend } : {}), ...(rootSecurity ? { rootSecurity } : {}) };
  const routes = normaliseRoutes(serverBackends ? { ...ctx, serverBackends } : ctx, w.child(root, 'paths'));
  out.push(...refusedSchemes(schemes));
  backends.sort((a, b) => (a.name < b.name ? -1 : 1));
  checkRoutes(routes, out);
  routes.sort(comparePrecedence);

  const info = isObj(doc.info) ? doc.info : {};
  const title = typeof info.title === 'string' ? info.title : 'api';
  const gateway: Gateway = {
    name: typeof xv.name === 'string' ? xv.name : slug(title),
    loc: root.loc,
    openapiVersion: String(doc.openapi ?? ''),
    title,
    version: typeof info.version === 'string' ? info.version : '0.0.0',
    servers,
    basePath,
    hosts,
    backends,
    securitySchemes: schemes.schemes,
    consumers: normaliseConsumers(w, w.child(x, 'consumers'), schemes, out),
    routes,
    accepted: normaliseAccepted(w, w.child(x, 'accept'), options.targets, out),
  };
  const declared = normaliseTargets(w, w.child(x, 'targets'), options.targets, out);
  if (declared) gateway.targets = declared;
  applyKongInput(w, root, gateway, out); // Kong's own x-kong-* extensions, where they map (issue #4 item 5)
  applyAwsInput(w, root, gateway, out); // API Gateway's own x-amazon-apigateway-* extensions (issue #19)
  out.push(...schemesNobodyHolds(gateway), ...notRouted(w, root));
  if (options.env !== undefined) gateway.environment = options.env;
  if (isObj(xv.tls)) {
    const tls = w.child(x, 'tls');
    const key = parseSecret((tls.value as Record<string, unknown>).key, w.child(tls, 'key').loc, out);
    if (key) gateway.tls = { certificate: String((tls.value as Record<string, unknown>).certificate), key, loc: tls.loc };
  }
  if (Array.isArray(xv.trustedProxies) && xv.trustedProxies.length > 0) {
    // Schema-checked (addresses or CIDR, no /0); an IPv4-mapped entry is the IPv4 address (ip-mapped.ts),
    // unless that is every IPv4 address (::ffff:0:0/96 stays as written: it then matches no connection).
    const unmapped = (a: string) => (unmapCidr(a).endsWith('/0') ? a : unmapCidr(a));
    const addresses = [...new Set((xv.trustedProxies as unknown[]).map((a) => unmapped(String(a))))].sort(compareText);
    gateway.trustedProxies = { addresses, loc: w.child(x, 'trustedProxies').loc };
  }
  refuseSiblings(w, out); // every key beside a $ref the model read past (red team 20)
  return { gateway, diagnostics: out };
}

function checkRoutes(routes: Route[], out: Diagnostic[]): void {
  const ids = new Map<string, Route>();
  const byKey = new Map<string, Route>();
  for (const r of routes) {
    const prior = ids.get(r.id);
    // At the duplicate `operationId:` (the line to change), or the operation when the id is derived.
    if (prior) out.push(diag('operation-id-duplicate', { id: r.id }, r.operationId !== undefined ? { file: r.loc.file, pointer: `${r.loc.pointer}/operationId` } : r.loc));
    else ids.set(r.id, r);
    const key = `${r.method} ${r.hosts.join(',')} ${r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '{}' : JSON.stringify(s.parts.map((p) => ('literal' in p ? p.literal : '{}'))))).join('/')}`;
    const same = byKey.get(key);
    if (same) out.push(diag('route-duplicate', { route: r.id, other: same.id, method: r.method, path: r.publicPath }, r.loc));
    else byKey.set(key, r);
  }
  const unique = [...new Map(routes.map((r) => [r.publicPath, r])).values()];
  const byPath = new Map<string, Route[]>();
  for (const r of routes) byPath.set(r.publicPath, [...(byPath.get(r.publicPath) ?? []), r]);
  // Pairs with a partly literal segment against a bare parameter too (mixedRanked false): gwc
  // tries the mixed one first (route-ambiguous is said only where OpenAPI gives no order), but no
  // order between them is every backend's: Spring ranks fewer captured variables first (REV20: it
  // runs /files/{id} for /files/3f2a-9c1b, not /files/{name}-{rev}), Express and Rails take
  // declaration order (`/files/:id` declared first runs for /files/x.json), JAX-RS more literal
  // characters first. gwc cannot know which backend it fronts (no backend setting says how it
  // ranks; PV21): such a pair is checked like one OpenAPI leaves unordered.
  for (const [i, j] of findAmbiguousPairs(unique.map((r) => r.segments), false)) {
    const [a, b] = [unique[i]!, unique[j]!].sort(comparePrecedence) as [Route, Route];
    // A pair of templates is a property of the paths, not of one operation: said at the path key.
    if (ambiguous(a.segments, b.segments)) out.push(diag('route-ambiguous', { route: a.id, other: b.id, path: a.publicPath, otherPath: b.publicPath }, b.pathLoc ?? b.loc));
    // Every target answers the URLs both match through `a` (tried first). Where `b` is stricter
    // (model/admits.ts protectionGap, the comparison every pair check shares: security or IP rule,
    // a rate limit `a` does not count alike, a smaller body limit, request validation `a` does not
    // do alike), such a URL of `b`'s template is answered without `b`'s check, and the backend's
    // own router (declaration order, its own ranking) may run `b`'s handler for it: refused, per
    // method, at `b`'s path key (test/security/route-ambiguous-keyed.test.ts,
    // redteam19-ambiguous-ip-rule.test.ts, redteam20-ambiguous-rate-limit.test.ts, pv21-*.test.ts).
    for (const rb of byPath.get(b.publicPath) ?? []) {
      for (const ra of (byPath.get(a.publicPath) ?? []).filter((r) => r.method === rb.method && sharesHost(r, rb))) {
        const by = protectionGap(rb, ra);
        if (!by) continue;
        out.push(diag('route-ambiguous-unprotected', { route: rb.id, other: ra.id, method: rb.method, path: rb.publicPath, otherPath: ra.publicPath, by }, rb.pathLoc ?? rb.loc));
        break;
      }
    }
  }
}

const sharesHost = (a: Route, b: Route) => a.hosts.length === 0 || b.hosts.length === 0 || a.hosts.some((h) => b.hosts.includes(h));

/**
 * An API-key or basic scheme a route requires that no consumer holds a credential for refuses
 * every caller on every target (or means a check gwc cannot see): said once here, for all targets.
 * A scheme with a forwardAuth or lambdaAuthorizer may be verified there instead, so it is not.
 */
function schemesNobodyHolds(gateway: Gateway): Diagnostic[] {
  const used = new Set(gateway.routes.flatMap((r) => r.security.flat().map((i) => i.scheme)));
  return gateway.securitySchemes
    .filter((s) => (s.kind === 'apiKey' || s.kind === 'basic') && used.has(s.name) && !s.forwardAuth && !s.lambdaAuthorizer)
    .filter((s) => !gateway.consumers.some((c) => c.credentials.some((k) => k.scheme === s.name)))
    .map((s) => diag('scheme-no-consumers', { scheme: s.name, kind: s.kind === 'apiKey' ? 'API key' : 'basic' }, s.loc));
}

/**
 * OpenAPI webhooks and callbacks describe requests the API makes, not ones it serves: no target
 * routes them. Said once each (info), at the first place they appear, so a spec author who
 * expected them routed is told rather than left guessing.
 */
function notRouted(w: Walker, root: Located): Diagnostic[] {
  const out: Diagnostic[] = [];
  const webhooks = w.child(root, 'webhooks');
  if (isObj(webhooks.value) && Object.keys(webhooks.value).length > 0) {
    out.push(diag('spec-not-routed', { what: 'webhooks', count: Object.keys(webhooks.value).length }, webhooks.loc));
  }
  let first: Located | undefined;
  let count = 0;
  for (const [path, item] of w.entries(w.child(root, 'paths'))) {
    if (path.startsWith('x-') || !isObj(item.value)) continue;
    for (const method of Object.keys(item.value)) {
      // The method first: a located child of every key of every path item was most of this walk (#18).
      if (!(HTTP_METHODS as readonly string[]).includes(method.toUpperCase())) continue;
      // An operation written out without callbacks (nearly all) needs no located child (#18); a
      // $ref is followed by the walker as before.
      const raw = item.value[method];
      if (isObj(raw) && raw.$ref === undefined && !isObj(raw.callbacks)) continue;
      const op = w.child(item, method);
      if (!isObj(op.value) || !isObj(op.value.callbacks)) continue;
      const n = Object.keys(op.value.callbacks).length;
      if (n > 0 && !first) first = w.child(op, 'callbacks');
      count += n;
    }
  }
  if (first) out.push(diag('spec-not-routed', { what: 'callbacks', count }, first.loc));
  return out;
}

function normaliseAccepted(w: Walker, node: Located, targets: readonly string[] | undefined, out: Diagnostic[]): AcceptedGap[] {
  const gaps: AcceptedGap[] = [];
  for (const [target, list] of w.entries(node)) {
    for (const item of w.items(list)) {
      const v = item.value as { feature: string; reason: string };
      if ((targets && !targets.includes(target)) || !(FEATURE_IDS as readonly string[]).includes(v.feature)) {
        out.push(diag('accept-unknown', { target, feature: String(v.feature) }, item.loc));
        continue;
      }
      gaps.push({ target, feature: v.feature, reason: v.reason, loc: item.loc });
    }
  }
  return gaps;
}

/** `x-gateway.targets`: names checked against the registry here too, as the schema's enum may lag a new target. */
function normaliseTargets(w: Walker, node: Located, known: readonly string[] | undefined, out: Diagnostic[]): Gateway['targets'] {
  if (!Array.isArray(node.value)) return undefined;
  const names: string[] = [];
  for (const item of w.items(node)) {
    const name = String(item.value);
    if (known && !known.includes(name)) out.push(diag('unknown-target', { name, known: known.join(', ') }, item.loc));
    else if (!names.includes(name)) names.push(name);
  }
  return names.length > 0 ? { names, loc: node.loc } : undefined;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'api';
}
