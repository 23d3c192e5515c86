/**
 * Traefik's deployed-state reader for `gwc diff` (DESIGN.md section 6): the deployed file-provider
 * dynamic configuration (YAML or JSON). gwc's own output goes through the same normaliser.
 * Routers carry the facts of the middlewares they run (chains resolved), so a changed middleware
 * is classified on every router it affects.
 */
import { parse } from 'yaml';
import { diag } from '../../diagnostics/diagnostic.js';
import { authAtom, type DeployedReader, type Entity, type Facts, type Guards, type Json, type Mechanism, type ReadResult } from '../../diff/entity.js';
import { fieldsOf, isObject, omit, sortedStrings, toJson, withDefaults, type JsonObject } from '../../diff/json-util.js';
import { fileReader } from '../deployed-reader.js';
import { durationSeconds } from './deployed-duration.js';
import { roleFile } from './deployed-roles.js';
import { middlewareGuards } from './deployed-guards.js';
import { ruleExclusions } from './deployed-exclusions.js';
import { forwardAuthTls, serviceTls } from './deployed-tls.js';
import { ENCODED_SLASH } from './paths.js';
import { routerClientTls } from './deployed-client-tls.js';
import { ruleRoute } from './deployed-rule.js';
import { compareText } from '../../diagnostics/collate.js';
import { unreadMiddleware } from './deployed-unread.js';

const SECTIONS = ['routers', 'services', 'middlewares', 'serversTransports'] as const;
const KIND: Record<(typeof SECTIONS)[number], string> = { routers: 'router', services: 'service', middlewares: 'middleware', serversTransports: 'serversTransport' };
/** Routers that only answer (405, CORS preflight) send nothing to a backend. */
const ANSWER_ONLY = new Set(['noop@internal']);
const local = (name: string) => name.replace(/@file$/, '');

/** Traefik's own defaults (https://doc.traefik.io/traefik/routing/services/, .../middlewares/http/ratelimit/). */
function withTraefikDefaults(kind: string, v: JsonObject): JsonObject {
  if (kind === 'service' && isObject(v.loadBalancer)) {
    const lb = withDefaults(v.loadBalancer, { passHostHeader: true }) as JsonObject;
    const servers = Array.isArray(lb.servers) ? [...lb.servers].filter(isObject).sort((a, b) => compareText(String(a.url), String(b.url))) : [];
    return { ...v, loadBalancer: { ...lb, servers } };
  }
  if (kind === 'middleware' && isObject(v.rateLimit)) return { ...v, rateLimit: withDefaults(v.rateLimit, { period: '1s', burst: 1 }) as JsonObject };
  // Inside the file provider `name@file` and `name` are the same reference.
  if (kind === 'router') {
    const refs = Array.isArray(v.middlewares) ? v.middlewares.map((m) => (typeof m === 'string' ? local(m) : m)) : v.middlewares;
    // `tls.options: default` is what a router with `tls` and no options gets (https://doc.traefik.io/traefik/https/tls/#tls-options).
    const tls = isObject(v.tls) && v.tls.options === 'default' ? omit(v.tls, ['options']) : v.tls;
    return { ...v, entryPoints: sortedStrings(v.entryPoints), ...(refs ? { middlewares: refs } : {}), ...(typeof v.service === 'string' ? { service: local(v.service) } : {}), ...(tls !== undefined ? { tls } : {}) };
  }
  return v;
}


/** What a router's middlewares check and change, gathered before they become facts. */
interface Seen {
  auth: string[];
  mechanisms: Record<string, Mechanism>;
  /** Per forward-auth mechanism, the request headers it reads (authRequestHeaders). */
  reads: Record<string, string[]>;
  /** Request headers a headers middleware blanks before the backend. */
  cleared: Set<string>;
  /** Request headers a headers middleware sets or blanks before the backend (Facts.requestHeaders). */
  decided: Set<string>;
  /** What the middlewares keep from the backend or the auth service (deployed-guards.ts). */
  guards: Guards;
  /** Middlewares the reader cannot judge (deployed-unread.ts). */ unread: string[];
}


/**
 * A forwardAuth address with the scopes gwc sends as `?scope=` split out: the mechanism is the
 * service, each scope a requirement of it (a removed scope then reads as such, not as a new service).
 */
function forwardAuth(address: string): { name: string; scopes: string[] } {
  try {
    const url = new URL(address);
    const scopes = (url.searchParams.get('scope') ?? '').split(' ').filter(Boolean);
    url.searchParams.delete('scope');
    return { name: `forward-auth ${url.toString()}`, scopes };
  } catch {
    return { name: `forward-auth ${address}`, scopes: [] };
  }
}

function middlewareFacts(names: string[], middlewares: JsonObject, facts: Facts, seen: Seen, visited = new Set<string>()): void {
  for (const raw of names) {
    const name = local(raw);
    const m = middlewares[name];
    seen.unread.push(...unreadMiddleware(raw, m, visited));
    if (!isObject(m) || visited.has(name)) continue;
    visited.add(name);
    if (isObject(m.chain)) middlewareFacts(sortedStrings(m.chain.middlewares), middlewares, facts, seen, visited);
    if (isObject(m.basicAuth)) {
      // The mechanism is its list of users: another usersFile or other inline users is another set
      // of callers (a new way in), except a gwc role file, which is its scheme's file narrowed by
      // roles. Inline entries are named by user, never by hash.
      // A gwc role file is its scheme's file plus role requirements (deployed-roles.ts).
      const roles = typeof m.basicAuth.usersFile === 'string' ? roleFile(m.basicAuth.usersFile, typeof m.basicAuth.realm === 'string' ? m.basicAuth.realm : undefined) : undefined;
      const users = [
        ...(typeof m.basicAuth.usersFile === 'string' ? [`file ${roles?.schemeFile ?? m.basicAuth.usersFile}`] : []),
        ...sortedStrings(m.basicAuth.users).map((u) => `user ${u.split(':')[0]}`),
      ];
      const basic = users.length > 0 ? `basic-auth ${users.join(', ')}` : 'basic-auth';
      seen.auth.push(basic, ...(roles?.roles ?? []).map((r) => authAtom(basic, 'role', r)));
      seen.mechanisms[basic] = { kind: 'basic', hideCredentials: m.basicAuth.removeHeader === true };
    }
    if (isObject(m.digestAuth)) seen.auth.push('digest-auth');
    middlewareGuards(name, m, seen.guards);
    if (isObject(m.forwardAuth)) {
      const fa = forwardAuth(String(m.forwardAuth.address));
      seen.auth.push(fa.name, ...fa.scopes.map((x) => authAtom(fa.name, 'scope', x)));
      // What the service decides on and answers (https://doc.traefik.io/traefik/middlewares/http/forwardauth/):
      // no authRequestHeaders sends it every header the client wrote; another list is another check.
      const sent = sortedStrings(m.forwardAuth.authRequestHeaders).map((h) => h.toLowerCase());
      const copied = sortedStrings(m.forwardAuth.authResponseHeaders).map((h) => h.toLowerCase());
      seen.mechanisms[fa.name] = { kind: 'forward', verifier: `sent ${sent.join(' ') || 'every header'}; copies ${copied.join(' ') || 'none'}` };
      seen.reads[fa.name] = sortedStrings(m.forwardAuth.authRequestHeaders).map((h) => h.toLowerCase());
    }
    if (isObject(m.headers) && isObject(m.headers.customRequestHeaders)) {
      for (const [h, v] of Object.entries(m.headers.customRequestHeaders)) {
        if (v === '') seen.cleared.add(h.toLowerCase());
        seen.decided.add(h.toLowerCase());
      }
    }
    if (isObject(m.rateLimit) && typeof m.rateLimit.average === 'number' && m.rateLimit.average > 0) {
      const secs = durationSeconds(m.rateLimit.period ?? '1s');
      if (secs) facts.rateLimit = { ...facts.rateLimit, [String(secs)]: Math.min(m.rateLimit.average, facts.rateLimit?.[String(secs)] ?? Infinity) };
      // https://doc.traefik.io/traefik/middlewares/http/ratelimit/#sourcecriterion: the client address by default.
      const by = isObject(m.rateLimit.sourceCriterion) ? m.rateLimit.sourceCriterion : {};
      // ipStrategy.ipv6Subnet (3.2) counts an IPv6 client per subnet; without it each address is a
      // bucket (policies.ts clientAddress), a weaker key that a diff must show.
      const v6 = isObject(by.ipStrategy) && typeof by.ipStrategy.ipv6Subnet === 'number' ? by.ipStrategy.ipv6Subnet : undefined;
      const ipKey = v6 === 64 ? 'ip' : v6 === undefined ? 'ip (each IPv6 address apart)' : `ip (IPv6 /${v6})`;
      facts.rateLimitKey = typeof by.requestHeaderName === 'string' ? `header ${by.requestHeaderName.toLowerCase()}` : by.requestHost === true ? 'host' : ipKey;
      facts.burst = typeof m.rateLimit.burst === 'number' ? m.rateLimit.burst : 1;
    }
    if (isObject(m.replacePath) && typeof m.replacePath.path === 'string') facts.upstreamPath = m.replacePath.path;
    // gwc's `%2F` decoding (paths.ts ENCODED_SLASH) maps no path: not read as the upstream path.
    if (isObject(m.replacePathRegex) && !(m.replacePathRegex.regex === ENCODED_SLASH.regex && m.replacePathRegex.replacement === ENCODED_SLASH.replacement)) {
      facts.upstreamPath = `${String(m.replacePathRegex.regex)} -> ${String(m.replacePathRegex.replacement)}`;
    }
    if (isObject(m.buffering) && typeof m.buffering.maxRequestBodyBytes === 'number') facts.bodyLimit = Math.min(m.buffering.maxRequestBodyBytes, facts.bodyLimit ?? Infinity);
    const ip = isObject(m.ipAllowList) ? m.ipAllowList : isObject(m.ipWhiteList) ? m.ipWhiteList : undefined;
    if (ip) facts.ipAllow = sortedStrings(ip.sourceRange);
    // https://doc.traefik.io/traefik/middlewares/http/ipallowlist/#ipstrategy: where the address comes from.
    const strategy = ip ? ip.ipStrategy : isObject(m.rateLimit) && isObject(m.rateLimit.sourceCriterion) && !m.rateLimit.sourceCriterion.requestHeaderName && m.rateLimit.sourceCriterion.requestHost !== true ? m.rateLimit.sourceCriterion.ipStrategy ?? null : isObject(m.rateLimit) && !isObject(m.rateLimit.sourceCriterion) ? null : undefined;
    if (strategy !== undefined) {
      const s = isObject(strategy) ? strategy : {};
      const from = typeof s.depth === 'number' && s.depth > 0 ? `X-Forwarded-For, entry ${s.depth} from the right` : Array.isArray(s.excludedIPs) && s.excludedIPs.length > 0 ? `X-Forwarded-For, first entry from the right not in ${sortedStrings(s.excludedIPs).join(' ')}` : 'the connection';
      facts.clientAddress = [...new Set([...(facts.clientAddress ? facts.clientAddress.split('; ') : []), from])].sort().join('; ');
    }
    if (isObject(m.headers) && Array.isArray(m.headers.accessControlAllowOriginList)) {
      const h = m.headers;
      facts.cors = { origins: sortedStrings(h.accessControlAllowOriginList), methods: sortedStrings(h.accessControlAllowMethods), headers: sortedStrings(h.accessControlAllowHeaders), credentials: h.accessControlAllowCredentials === true, expose: sortedStrings(h.accessControlExposeHeaders) };
    }
  }
}

export function traefikEntities(doc: JsonObject): Entity[] {
  const entities: Entity[] = [];
  const http = isObject(doc.http) ? doc.http : {};
  const middlewares = isObject(http.middlewares) ? http.middlewares : {};
  const transports = isObject(http.serversTransports) ? http.serversTransports : {};
  for (const section of SECTIONS) {
    const items = http[section];
    if (items === undefined || items === null) continue;
    if (!isObject(items)) throw new Error(`http.${section} is not a map of names`);
    for (const [name, value] of Object.entries(items)) {
      if (!isObject(value)) throw new Error(`http.${section}.${name} is not an object`);
      const kind = KIND[section];
      const fields = fieldsOf(withTraefikDefaults(kind, value));
      const entity: Entity = { kind, key: name, fields };
      if (kind === 'router' && typeof value.service === 'string' && !ANSWER_ONLY.has(value.service)) {
        const rule = String(value.rule ?? '');
        const route = ruleRoute(rule);
        // https://doc.traefik.io/traefik/routing/routers/#priority: the greater first; unset (or 0)
        // is the rule's length; equal ones are taken in no fixed order.
        const priority = typeof value.priority === 'number' && value.priority !== 0 ? value.priority : rule.length;
        const facts: Facts = { route: { match: rule, paths: route.paths, methods: route.methods, ranks: route.paths.map(() => [priority]) } };
        const seen: Seen = { auth: [], mechanisms: {}, reads: {}, cleared: new Set(), decided: new Set(), guards: {}, unread: [] };
        middlewareFacts(Array.isArray(value.middlewares) ? value.middlewares.filter((x): x is string => typeof x === 'string') : [], middlewares, facts, seen);
        // What the rule's negated header and query matchers keep off the router (deployed-exclusions.ts).
        ruleExclusions(rule, seen.guards);
        facts.auth = seen.auth.length ? [seen.auth.sort()] : [];
        // A forward-auth credential is kept from the backend when every header it reads is blanked.
        for (const [n, headers] of Object.entries(seen.reads)) seen.mechanisms[n]!.hideCredentials = headers.length > 0 && headers.every((h) => seen.cleared.has(h));
        if (Object.keys(seen.mechanisms).length) facts.mechanisms = seen.mechanisms;
        // Host(`a`) matchers of the rule; none: any Host. A router with tls answers on TLS only.
        facts.hosts = route.hosts;
        facts.protocols = value.tls !== undefined && value.tls !== null ? ['https'] : ['http'];
        // What its TLS options set says, not its name (deployed-client-tls.ts).
        const client = routerClientTls(value, doc);
        if (client) facts.clientTls = client.tls;
        if (client?.certificate) {
          const cert = client.certificate;
          facts.auth = (facts.auth.length ? facts.auth : [[]]).map((alt) => [...alt, cert.atom].sort());
          facts.mechanisms = { ...facts.mechanisms, [cert.atom]: cert.mechanism };
        }
        facts.backend = serversOf(isObject(http.services) ? http.services : {}, local(value.service));
        facts.requestHeaders = [...seen.decided].sort();
        facts.guards = Object.fromEntries(Object.entries(seen.guards).map(([k, v]) => [k, [...new Set(v)].sort()]));
        if (seen.unread.length) facts.unread = [...new Set(seen.unread)].sort(compareText);
        // https://doc.traefik.io/traefik/routing/services/#pass-host-header: true unless set false.
        const service = isObject(http.services) ? http.services[local(value.service)] : undefined;
        if (isObject(service) && isObject(service.loadBalancer)) facts.clientHost = service.loadBalancer.passHostHeader !== false;
        entity.facts = facts;
      }
      // A router that only answers still answers CORS preflights: what it allows decides which
      // origins' browsers send the real request.
      if (kind === 'router' && typeof value.service === 'string' && ANSWER_ONLY.has(value.service)) {
        const facts: Facts = {};
        middlewareFacts(Array.isArray(value.middlewares) ? value.middlewares.filter((x): x is string => typeof x === 'string') : [], middlewares, facts, { auth: [], mechanisms: {}, reads: {}, cleared: new Set(), decided: new Set(), guards: {}, unread: [] });
        if (facts.cors) entity.facts = { cors: facts.cors };
      }
      // A changed serversTransport is classified on every service that uses it.
      const tls = kind === 'service' ? serviceTls(value, transports) : kind === 'middleware' ? forwardAuthTls(value) : undefined;
      if (tls) entity.facts = { ...entity.facts, backendTls: tls };
      entities.push(entity);
    }
  }
  entities.push(...operationViews(entities));
  // TCP and UDP routers are compared as plain entities; gwc writes none.
  for (const proto of ['tcp', 'udp'] as const) {
    const p = doc[proto];
    if (!isObject(p)) continue;
    for (const [section, items] of Object.entries(p)) {
      if (!isObject(items)) continue;
      for (const [name, value] of Object.entries(items)) entities.push({ kind: `${proto}.${section}`, key: name, fields: fieldsOf(value as Json) });
    }
  }
  // TLS options sets: the routers' facts read their contents (clientTls); each set shows as itself.
  const tls = isObject(doc.tls) && isObject(doc.tls.options) ? doc.tls.options : {};
  for (const [name, value] of Object.entries(tls)) entities.push({ kind: 'tls.options', key: name, fields: fieldsOf(value as Json) });
  return entities;
}

/**
 * The servers a service sends to (https://doc.traefik.io/traefik/routing/services/): a
 * loadBalancer's server URLs, a weighted or failover service's, a mirroring service's main one
 * (its mirrors too: they receive the request), sorted; a service defined elsewhere by its name.
 */
function serversOf(services: JsonObject, name: string, depth = 0): string {
  const s = services[name];
  if (!isObject(s) || depth > 10) return `service ${name}`;
  const nested = (names: string[]) => names.map((n) => serversOf(services, local(n), depth + 1));
  const parts: string[] = [];
  if (isObject(s.loadBalancer)) parts.push(...(Array.isArray(s.loadBalancer.servers) ? s.loadBalancer.servers.filter(isObject).map((x) => String(x.url ?? x.address ?? '')) : []));
  if (isObject(s.weighted)) parts.push(...nested((Array.isArray(s.weighted.services) ? s.weighted.services.filter(isObject) : []).map((x) => String(x.name))));
  if (isObject(s.mirroring)) parts.push(...nested([String(s.mirroring.service), ...(Array.isArray(s.mirroring.mirrors) ? s.mirroring.mirrors.filter(isObject).map((x) => String(x.name)) : [])]));
  if (isObject(s.failover)) parts.push(...nested([String(s.failover.service), String(s.failover.fallback)]));
  return [...new Set(parts.join(', ').split(', ').filter(Boolean))].sort().join(', ') || `service ${name}`;
}

/**
 * An operation with several security alternatives is one router per alternative (`NAME-altN`,
 * routes.ts), each with one AND list: alone, none of them shows an alternative added, since the new
 * one is just a new (authenticated) router. The view of each operation's routers carries their OR,
 * so `gwc diff` compares the operation's whole access (plan.ts reports what no router said).
 */
function operationViews(entities: Entity[]): Entity[] {
  const groups = new Map<string, Entity[]>();
  for (const e of entities) {
    if (e.kind !== 'router' || e.facts?.auth === undefined) continue;
    const base = e.key.replace(/-alt\d+$/, '');
    groups.set(base, [...(groups.get(base) ?? []), e]);
  }
  return [...groups].map(([base, routers]) => {
    const open = routers.some((r) => r.facts!.auth!.length === 0);
    const alternatives = routers.flatMap((r) => (r.facts!.auth!.length === 0 ? [[]] : r.facts!.auth!));
    const mechanisms: Record<string, Mechanism> = {};
    for (const r of routers) {
      for (const [name, m] of Object.entries(r.facts!.mechanisms ?? {})) {
        const had = mechanisms[name];
        // The same mechanism on two routers: the weaker reading (credential kept) is what a caller gets.
        mechanisms[name] = had && had.hideCredentials === true && m.hideCredentials !== true ? m : (had ?? m);
      }
    }
    const facts: Facts = { auth: open && alternatives.every((a) => a.length === 0) ? [] : alternatives };
    if (Object.keys(mechanisms).length) facts.mechanisms = mechanisms;
    return { kind: 'operation', key: base, fields: {}, facts, view: { memberKind: 'router', members: routers.map((r) => r.key).sort() } };
  });
}

function foreignShape(doc: unknown): string | undefined {
  if (!isObject(doc)) return Array.isArray(doc) ? 'a list' : `a ${doc === null ? 'null' : typeof doc} value`;
  if ('_format_version' in doc || 'services' in doc) return 'a decK (Kong) file';
  if ('AWSTemplateFormatVersion' in doc || 'Resources' in doc || 'TemplateBody' in doc) return 'a CloudFormation template';
  if ('entryPoints' in doc || 'providers' in doc) return "Traefik's static configuration (give the dynamic one)";
  if ('openapi' in doc || 'swagger' in doc) return 'an OpenAPI document (pass it as SPEC, not --deployed)';
  if (!['http', 'tcp', 'udp', 'tls'].some((k) => isObject(doc[k]))) return `an unknown document (keys: ${Object.keys(doc).slice(0, 5).join(', ') || 'none'})`;
  return undefined;
}

export const traefikDeployed: DeployedReader = fileReader({
  target: 'traefik',
  accepts: 'the deployed file-provider dynamic configuration (YAML or JSON)',
  normalise(files, source): ReadResult {
    const file = files.find((f) => /\.(ya?ml|json)$/i.test(f.path)) ?? files[0];
    let doc: unknown;
    try {
      doc = toJson(parse(file?.contents ?? '', { maxAliasCount: 100 }));
    } catch (e) {
      return { diagnostics: [diag('deployed-invalid', { target: 'traefik', source, detail: `not YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}` })] };
    }
    const foreign = foreignShape(doc);
    if (foreign) return { diagnostics: [diag('deployed-foreign', { target: 'traefik', source, looksLike: foreign })] };
    try {
      return { state: { entities: traefikEntities(doc as JsonObject) }, diagnostics: [] };
    } catch (e) {
      return { diagnostics: [diag('deployed-invalid', { target: 'traefik', source, detail: e instanceof Error ? e.message : String(e) })] };
    }
  },
});
