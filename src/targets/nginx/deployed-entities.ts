/**
 * The entities of nginx configuration files as `gwc diff` reads them (deployed.ts reads the files):
 * upstreams, maps, zones, servers and locations, keyed by what they mean, not where they are:
 * gwc's internal per-route locations (`/_gwc_internal/r/N`, numbered by position) are keyed by the
 * operation their comment names, or by the public method and path that rewrite to them; a route's
 * facts are read from the location its public location's dispatch reaches (through a validate,
 * body check or verify location).
 */
import type { Entity, Json } from '../../diff/entity.js';
import { fieldsOf } from '../../diff/json-util.js';
import { exactPath, prefixPath } from '../../diff/paths.js';
import { cfgEntities, cfgRest } from './deployed-cfg.js';
import type { NjsConfig } from './deployed-njs.js';
import { routeValidation, validateNext, validateTarget, type ValidationModule } from './deployed-validation.js';
import { routeFacts, zoneKey, type Ctx, type RouteRef } from './deployed-route-facts.js';
import { mapFacts, supportFacts } from './deployed-support.js';
import { locationTls, SSL_DIRECTIVES } from './deployed-tls.js';
import { shadowedServers, supportUnread } from './deployed-unread.js';
import { NginxSyntaxError, parseConf, type Directive } from './deployed-parse.js';

// ---- entities -------------------------------------------------------------------------------

const INTERNAL = /\/_gwc_internal\/([a-z])\/\d+/g;
const render = (d: Directive): string =>
  `${[d.name, ...d.args].map((a) => a.replace(INTERNAL, '/_gwc_internal/$1/#')).join(' ')}${d.block ? ` { ${d.block.map(render).join(' ')} }` : ''}`;

/** Directives by name, each a list of its renderings in file order; positions and indexes dropped. */
function directiveFields(list: Directive[], skip: (d: Directive) => boolean = () => false): { [k: string]: Json } {
  const out: { [k: string]: string[] } = {};
  for (const d of list) {
    if (skip(d)) continue;
    // The per-route number in `set $gwc_<name>_route N` follows position; the zone key uses it.
    const text = d.name === 'set' && /_route$/.test(d.args[0] ?? '') ? `set ${d.args[0]} #` : render(d).slice(d.name.length + 1);
    (out[d.name] ??= []).push(text);
  }
  return fieldsOf(out);
}

const RATE = /^(\d+)r\/([sm])$/;
/** http-level settings a server inherits that decide which request header names reach a location (deployed-guards.ts). */
const HEADER_NAME_DIRECTIVES: ReadonlySet<string> = new Set(['underscores_in_headers', 'ignore_invalid_headers', 'real_ip_header', 'set_real_ip_from', 'real_ip_recursive']);

function serverEntities(server: Directive, ctx: Ctx, entities: Entity[]): void {
  const body = server.block ?? [];
  const arg = (n: string) => body.filter((d) => d.name === n).map((d) => d.args.join(' ')).join(',');
  const sKey = `${arg('server_name') || '_'} ${arg('listen') || '80'}`;
  entities.push({ kind: 'server', key: sKey, fields: directiveFields(body, (d) => d.name === 'location') });
  const locations: Directive[] = [];
  /** Each location's enclosing locations, outermost first (directives inherit through them). */
  const enclosing = new Map<Directive, Directive[]>();
  const collect = (list: Directive[], parents: Directive[]) => {
    for (const d of list) if (d.name === 'location') {
      locations.push(d);
      enclosing.set(d, parents);
      collect(d.block ?? [], [...parents, d]);
    }
  };
  collect(body, []);
  const byPath = new Map(locations.map((l) => [l.args.at(-1)!, l]));
  // Public locations send each method to an internal route location, and its preflight to another.
  const routeOf = new Map<string, RouteRef>();
  for (const [at, l] of locations.entries()) {
    const path = l.args.at(-1)!;
    if (path.startsWith('/_gwc_internal/')) continue;
    const preflights = new Map<string, string>();
    const methods: Array<[string, string]> = [];
    for (const d of l.block ?? []) {
      const rw = d.block?.find((x) => x.name === 'rewrite')?.args[1];
      if (d.name !== 'if' || !rw) continue;
      const cond = d.args.join(' ');
      const preflight = /preflight/.test(cond);
      // gwc writes `($request_method = M)` (a preflight: `($…_preflight = M)`); any other condition
      // (`!=`, `~`, another variable) is read as every method (fail closed: `!= POST` is all but POST).
      const exact = /^\(\s*\$([A-Za-z0-9_]+)\s*=\s*"?([A-Z]+)"?\s*\)$/.exec(cond);
      const method = exact && (preflight || exact[1] === 'request_method') ? exact[2]! : '*';
      if (preflight) preflights.set(method, rw);
      else methods.push([rw, method]);
    }
    for (const [dispatched, method] of methods) {
      // A validate location (js_content NAME.validateRequest) hands over, in njs, to its route's next one.
      const validate = validateTarget(byPath.get(dispatched)?.block) ? dispatched : undefined;
      const rewritten = validate ? validateNext(ctx.validation, byPath, dispatched) : dispatched;
      // A body check (`/_gwc_internal/b/N`, js_content) hands over, in njs, to the verify location
      // of the same route when there is one, else to its route location (routes.ts bodyCheckView).
      const n = /^\/_gwc_internal\/b\/(\d+)$/.exec(rewritten)?.[1];
      const where = n === undefined ? rewritten : byPath.has(`/_gwc_internal/v/${n}`) ? `/_gwc_internal/v/${n}` : `/_gwc_internal/r/${n}`;
      // A per-consumer limit on a secured route goes through a verify location (the auth check)
      // that hands over to the route location with try_files (templates-limit.ts).
      const to = byPath.get(where)?.block?.find((x) => x.name === 'try_files')?.args.at(-1)?.split('?')[0];
      const handOff = to?.startsWith('/_gwc_internal/r/') ? to : undefined;
      // A `~`/`~*` location's expression, as PCRE reads it (`~*`: case-blind, https://nginx.org/r/location).
      const regex = l.args.length > 1 && l.args[0]!.startsWith('~') ? `${l.args[0] === '~*' ? '(?i)' : ''}${path}` : undefined;
      routeOf.set(handOff ?? where, { method, path, rank: locationRank(l, at), ...(regex !== undefined ? { regex } : {}), ...(preflights.has(method) ? { preflight: preflights.get(method)! } : {}), ...(handOff ? { verify: where } : {}), ...(n !== undefined ? { bodyCheck: rewritten } : {}), ...(validate ? { validate } : {}) });
    }
  }
  const keyOf = new Map<string, string>();
  for (const l of locations) {
    const path = l.args.at(-1)!;
    const r = routeOf.get(path);
    const op = /\(([^()]+)\)\s*$/.exec(l.comment ?? '')?.[1];
    // Keyed by operation (or method and path), not by server: a host or listen change shows on the
    // server and in each route's facts, not as every route deleted and created.
    if (r || /^\/_gwc_internal\/r\//.test(path)) keyOf.set(path, op ? `route ${op}` : `${sKey} route ${r ? `${r.method} ${r.path}` : path}`);
  }
  for (const l of locations) {
    const path = l.args.at(-1)!;
    const block = l.block ?? [];
    let key = keyOf.get(path) ?? `${sKey} ${l.args.join(' ')}`;
    // Auth and preflight locations are named after the route that uses them.
    for (const [routePath, routeKey] of keyOf) {
      const rl = byPath.get(routePath);
      if (rl?.block?.some((d) => d.name === 'auth_request' && d.args[0] === path)) key = `${routeKey} auth`;
      if (routeOf.get(routePath)?.preflight === path) key = `${routeKey} preflight`;
      const n = /^\/_gwc_internal\/b\/(\d+)$/.exec(path)?.[1];
      if (n !== undefined && routePath === `/_gwc_internal/r/${n}`) key = `${routeKey} body check`;
      if (routeOf.get(routePath)?.validate === path) key = `${routeKey} validation`;
    }
    const fields = directiveFields(block, (d) => d.name === 'location');
    fields.match = l.args.map((a) => a.replace(INTERNAL, '/_gwc_internal/$1/#')).join(' ');
    const entity: Entity = { kind: 'location', key, fields };
    const route = routeOf.get(path);
    if (route && block.some((d) => d.name === 'proxy_pass' || d.name === 'return' || d.name === 'js_content')) {
      entity.facts = routeFacts(block, server, ctx, byPath, route);
      const validation = routeValidation(ctx.validation, route.validate ? byPath.get(route.validate) : undefined);
      if (validation) entity.facts.validation = validation;
    } else if (!route) {
      const facts = supportFacts(block, ctx);
      if (facts) entity.facts = facts;
      // gwc's error pages and JWKS fetches hold only what gwc writes there (deployed-unread.ts supportUnread).
      const unread = supportUnread(path, block);
      if (unread.length) entity.facts = { ...entity.facts, unread };
    }
    const tls = locationTls([ctx.http, body, ...(enclosing.get(l) ?? []).map((p) => p.block ?? []), block]);
    if (tls) entity.facts = { ...entity.facts, backendTls: tls };
    entities.push(entity);
    const reachable = exposedInternal(l, key, locationRank(l, locations.indexOf(l)));
    if (reachable) entities.push(reachable);
  }
}

/**
 * nginx's order among the locations of a server (https://nginx.org/r/location): an exact `=`
 * match first, then the longest `^~` prefix, then regular expressions in the order they are
 * written, then the longest plain prefix (a `^~` that is not the longest matching prefix is read
 * as taken before the expressions: the one case this ranks differently, and gwc writes none).
 */
function locationRank(l: Directive, at: number): number[] {
  const [modifier, path] = l.args.length > 1 ? [l.args[0]!, l.args.at(-1)!] : ['', l.args[0] ?? ''];
  if (modifier === '=') return [3, 0];
  if (modifier === '^~') return [2, path.length];
  if (modifier === '~' || modifier === '~*') return [1, -at];
  return [0, path.length];
}

/**
 * A location in gwc's internal namespace (`/_gwc_internal/...`: the route, auth, body-check,
 * verify, preflight and error locations a public location hands a request to) without `internal;`
 * is callable from outside as it is, past every check of the public location that leads there
 * (its method dispatch, body check, auth subrequest or limits): read as a route of its own that
 * is public, beside the location's entity, so `internal;` removed is `route-public` and put back
 * `route-removed`. https://nginx.org/r/internal
 */
function exposedInternal(l: Directive, key: string, rank: number[]): Entity | undefined {
  const path = l.args.at(-1) ?? '';
  if (!path.startsWith('/_gwc_internal/') || (l.block ?? []).some((d) => d.name === 'internal')) return undefined;
  const match = `location ${l.args.map((a) => a.replace(INTERNAL, '/_gwc_internal/$1/#')).join(' ')} (no internal;)`;
  const regex = l.args.length > 1 && l.args[0]!.startsWith('~');
  const paths = [regex ? `${l.args[0] === '~*' ? '(?i)' : ''}${path}` : l.args[0] === '=' ? exactPath(path) : prefixPath(path)];
  return { kind: 'location', key: `${key} reachable from outside`, fields: { match }, facts: { route: { match, paths, methods: [], ranks: [rank] }, auth: [] } };
}

const SKIP_TOP = new Set(['include', 'pid', 'error_log', 'access_log', 'worker_processes', 'daemon', 'user', 'load_module', 'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']);

export function nginxEntities(files: Array<{ path: string; text: string }>, njs: Map<string, NjsConfig> = new Map(), validation: Map<string, ValidationModule> = new Map()): Entity[] {
  const trees = files.map((f) => {
    try {
      return parseConf(f.text);
    } catch (e) {
      throw new NginxSyntaxError(`${f.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const ctx: Ctx = { zones: new Map(), zoneKeys: new Map(), njs, validation, maps: new Map(), http: [], jsSets: new Map(), upstreams: new Map() };
  const flat: Directive[] = [];
  // A file's top level is http context unless it sits in events or stream: `nginx -T` prints
  // included files (conf.d/*.conf, included inside http) at their own top level.
  const walk = (list: Directive[], http: boolean) => {
    for (const d of list) {
      if (d.block && (d.name === 'http' || d.name === 'events' || d.name === 'stream')) walk(d.block, d.name === 'http');
      else {
        flat.push(d);
        if (http && (SSL_DIRECTIVES.has(d.name) || HEADER_NAME_DIRECTIVES.has(d.name))) ctx.http.push(d);
      }
    }
  };
  trees.forEach((t) => walk(t, true));
  for (const d of flat) {
    if (d.name === 'limit_req_zone') {
      const zone = d.args.find((a) => a.startsWith('zone='))?.slice(5).split(':')[0];
      const m = RATE.exec(d.args.find((a) => a.startsWith('rate='))?.slice(5) ?? '');
      if (zone && m) ctx.zones.set(zone, { [m[2] === 's' ? '1' : '60']: Number(m[1]) });
      if (zone && d.args[0]) ctx.zoneKeys.set(zone, zoneKey(d.args[0]));
    }
    // What a connection cap counts by (Facts.connectionLimitKey): zone names are apart from limit_req's.
    if (d.name === 'limit_conn_zone' && d.args[0]) {
      const zone = d.args.find((a) => a.startsWith('zone='))?.slice(5).split(':')[0];
      if (zone) ctx.zoneKeys.set(zone, zoneKey(d.args[0]));
    }
    if ((d.name === 'map' || d.name === 'geo') && d.block && d.args.at(-1)) ctx.maps.set(d.args.at(-1)!, d);
    if (d.name === 'js_set' && d.args[0] && d.args[1]) ctx.jsSets.set(d.args[0], d.args[1]);
    if (d.name === 'upstream' && d.block && d.args[0]) ctx.upstreams.set(d.args[0], d.block.filter((x) => x.name === 'server' && x.args[0]).map((x) => x.args[0]!).sort().join(', '));
  }
  ctx.shadowed = shadowedServers(flat.filter((d) => d.name === 'server' && d.block));
  const entities: Entity[] = [];
  // Each gwc njs module read, by its js_import name: the runtime its checks run in (deployed-njs.ts njsRuntimeCode).
  for (const [name, cfg] of njs) if (cfg.code) entities.push({ kind: 'njs module', key: name, fields: fieldsOf({ runtime: cfg.code, ...cfgRest(cfg) }), facts: { runtime: `njs runtime ${cfg.code}` } });
  // What the CFG decides, as fields (and who holds a credential, as facts): deployed-cfg.ts.
  for (const [name, cfg] of njs) entities.push(...cfgEntities(name, cfg));
  for (const d of flat) {
    if (d.name === 'server' && d.block) serverEntities(d, ctx, entities);
    else if (d.name === 'upstream' && d.block) entities.push({ kind: 'upstream', key: d.args[0] ?? '', fields: directiveFields(d.block) });
    else if ((d.name === 'map' || d.name === 'geo') && d.block) {
      const entries = d.block.map((e) => [e.name, ...e.args].join(' '));
      const facts = mapFacts(d.args.at(-1) ?? '', entries, d.args.slice(0, -1).join(' '));
      entities.push({ kind: d.name, key: d.args.at(-1) ?? '', fields: fieldsOf({ source: d.args.slice(0, -1).join(' '), entries }), ...(facts ? { facts } : {}) });
    }
    else if (d.name === 'limit_req_zone' || d.name === 'limit_conn_zone' || d.name === 'proxy_cache_path') {
      const zone = d.args.find((a) => a.startsWith('keys_zone=') || a.startsWith('zone='))?.split('=')[1]?.split(':')[0] ?? d.args[0] ?? '';
      entities.push({ kind: d.name, key: zone, fields: fieldsOf({ args: d.args.filter((a) => !a.startsWith('zone=') && !a.startsWith('keys_zone=')).concat(d.args.filter((a) => a.includes('zone=')).map((a) => a.split(':').slice(1).join(':'))) }) });
    } else if (!d.block && !SKIP_TOP.has(d.name)) entities.push({ kind: 'directive', key: render(d), fields: {} });
  }
  return dedupe(entities);
}

/**
 * gwc copies a templated path's location into every prefix group a request for it can land in
 * (the "fallbacks" of layout.ts), so one route or path appears several times. Identical copies
 * are one entity; a copy that differs (an edit to one of them) keeps its own key, `… (copy N)`,
 * so the diff shows it instead of one copy silently standing for all.
 */
function dedupe(entities: Entity[]): Entity[] {
  const seen = new Map<string, string[]>();
  const out: Entity[] = [];
  for (const e of entities) {
    const id = `${e.kind}\u0000${e.key}`;
    const body = JSON.stringify([e.fields, e.facts ?? null]);
    const copies = seen.get(id) ?? [];
    if (copies.includes(body)) continue;
    seen.set(id, [...copies, body]);
    out.push(copies.length === 0 ? e : { ...e, key: `${e.key} (copy ${copies.length + 1})` });
  }
  return out;
}
