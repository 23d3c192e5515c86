/**
 * A decK document (gwc's own kong.yaml, a `deck dump`, or the Admin API's lists put in decK's
 * shape) into normalised entities for `gwc diff`. Defaults are Kong 3.x's own
 * (https://docs.konghq.com/gateway/latest/admin-api/ and each plugin's configuration reference),
 * filled on both sides so an explicit default and an omitted one compare equal.
 */
import type { Entity } from '../../diff/entity.js';
import { fieldsOf, isObject, omit, sortedStrings, withDefaults, type JsonObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';
import { consumerHolds, credentials } from './deployed-consumers.js';
import { GENERATED, list, ref, ROUTE_DEFAULTS, SERVICE_DEFAULTS, str, UPSTREAM_DEFAULTS } from './deployed-defaults.js';
import { acts, KongShapeError, plugin, pluginMap, type Plugin } from './deployed-plugins.js';
import { routeFacts } from './deployed-route-facts.js';
import { kongUnread } from './deployed-unread.js';
import { serviceBackend, servicePath, serviceServers, serviceTls } from './deployed-services.js';

export { KongShapeError } from './deployed-plugins.js';

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
  for (const g of list(doc.consumer_groups)) for (const p of list(g.plugins)) globals.push({ ...plugin(p, names), consumer: `consumer group ${str(g.name) ?? str(g.id) ?? ''}` });
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
    // What acts on the route that the reader cannot judge (deployed-unread.ts): Lua gwc did not
    // write, a plugin scoped to a caller (route+consumer, service+consumer, consumer, consumer group).
    const forCaller = [
      ...plugins.filter((p) => p.consumer),
      ...(service ? serviceConsumerPlugins.get(service) ?? [] : []),
      ...globals.filter((p) => p.consumer && (p.route === undefined || mine(p)) && (p.route !== undefined || p.service === undefined || (serviceNames.get(p.service) ?? p.service) === service)),
    ];
    const unread = kongUnread(effective, forCaller);
    if (unread.length) facts.unread = unread;
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
  const serviceConsumerPlugins = new Map<string, Plugin[]>();
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
    serviceConsumerPlugins.set(name, plugins.filter((p) => p.consumer && !p.route));
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
