/**
 * Traefik's deployed-state reader for `gwc diff` (DESIGN.md section 6): the deployed file-provider
 * dynamic configuration (YAML or JSON). gwc's own output goes through the same normaliser.
 * Routers carry the facts of the middlewares they run (chains resolved, deployed-middlewares.ts),
 * so a changed middleware is classified on every router it affects; services and Traefik's
 * defaults: deployed-services.ts; an operation's routers as one view: deployed-operations.ts.
 */
import { parse } from 'yaml';
import { diag } from '../../diagnostics/diagnostic.js';
import type { DeployedReader, Entity, Facts, Json, ReadResult } from '../../diff/entity.js';
import { fieldsOf, isObject, toJson, type JsonObject } from '../../diff/json-util.js';
import { fileReader } from '../deployed-reader.js';
import { ruleExclusions } from './deployed-exclusions.js';
import { forwardAuthTls, serviceTls } from './deployed-tls.js';
import { routerClientTls } from './deployed-client-tls.js';
import { ruleRoute } from './deployed-rule.js';
import { compareText } from '../../diagnostics/collate.js';
import { middlewareFacts, newSeen, type Definitions } from './deployed-middlewares.js';
import { upstreamPathOf } from './deployed-paths.js';
import { local, serversOf, withTraefikDefaults } from './deployed-services.js';
import { operationViews } from './deployed-operations.js';
import { renderTemplate } from './emit.js';
import { paerserRead } from './deployed-fields.js';
import { tcpRouterFacts } from './deployed-tcp.js';

const SECTIONS = ['routers', 'services', 'middlewares', 'serversTransports'] as const;
const KIND: Record<(typeof SECTIONS)[number], string> = { routers: 'router', services: 'service', middlewares: 'middleware', serversTransports: 'serversTransport' };
/** Routers that only answer (405, CORS preflight) send nothing to a backend. */
const ANSWER_ONLY = new Set(['noop@internal']);

/** A router's middleware references, in the order Traefik runs them. */
const routerMiddlewares = (router: JsonObject): string[] => (Array.isArray(router.middlewares) ? router.middlewares.filter((x): x is string => typeof x === 'string') : []);

export function traefikEntities(doc: JsonObject): Entity[] {
  const entities: Entity[] = [];
  const http = isObject(doc.http) ? doc.http : {};
  const defs: Definitions = { middlewares: isObject(http.middlewares) ? http.middlewares : {}, services: isObject(http.services) ? http.services : {} };
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
        const seen = newSeen();
        middlewareFacts(routerMiddlewares(value), defs, facts, seen);
        const upstreamPath = upstreamPathOf(seen.paths);
        if (upstreamPath !== undefined) facts.upstreamPath = upstreamPath;
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
        facts.backend = serversOf(defs.services, local(value.service));
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
        middlewareFacts(routerMiddlewares(value), defs, facts, newSeen());
        if (facts.cors) entity.facts = { cors: facts.cors };
      }
      // A changed serversTransport is classified on every service that uses it.
      const tls = kind === 'service' ? serviceTls(value, transports) : kind === 'middleware' ? forwardAuthTls(value) : undefined;
      if (tls) entity.facts = { ...entity.facts, backendTls: tls };
      entities.push(entity);
    }
  }
  entities.push(...operationViews(entities));
  // TCP and UDP sections are compared as plain entities (gwc writes none); a TCP router is also a
  // route, taken before every HTTP router on its entry points (deployed-tcp.ts).
  for (const proto of ['tcp', 'udp'] as const) {
    const p = doc[proto];
    if (!isObject(p)) continue;
    const services = isObject(p.services) ? p.services : {};
    for (const [section, items] of Object.entries(p)) {
      if (!isObject(items)) continue;
      for (const [name, value] of Object.entries(items)) {
        const entity: Entity = { kind: `${proto}.${section}`, key: name, fields: fieldsOf(value as Json) };
        if (proto === 'tcp' && section === 'routers' && isObject(value)) entity.facts = tcpRouterFacts(value, services, isObject(p.middlewares) ? p.middlewares : {});
        entities.push(entity);
      }
    }
  }
  // TLS options sets: the routers' facts read their contents (clientTls); each set shows as itself.
  const tls = isObject(doc.tls) && isObject(doc.tls.options) ? doc.tls.options : {};
  for (const [name, value] of Object.entries(tls)) entities.push({ kind: 'tls.options', key: name, fields: fieldsOf(value as Json) });
  return entities;
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
    // Traefik renders the file as a Go template before it reads it (emit.ts): read what it reads.
    // gwc's own brace actions are rendered; any other action (an `{{ if }}` in a YAML comment
    // hides the lines between from Traefik, red team 21) is refused, never read past.
    let text: string;
    try {
      text = renderTemplate(file?.contents ?? '');
    } catch (e) {
      return { diagnostics: [diag('deployed-invalid', { target: 'traefik', source, detail: `Traefik renders the file as a Go template before reading it, and gwc diff evaluates only the brace actions gwc writes: ${e instanceof Error ? e.message : String(e)}` })] };
    }
    let doc: unknown;
    try {
      doc = toJson(parse(text, { maxAliasCount: 100 }));
    } catch (e) {
      return { diagnostics: [diag('deployed-invalid', { target: 'traefik', source, detail: `not YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}` })] };
    }
    const foreign = foreignShape(doc);
    if (foreign) return { diagnostics: [diag('deployed-foreign', { target: 'traefik', source, looksLike: foreign })] };
    // Field names and scalars as paerser reads them (case-blind names, typed text: deployed-fields.ts).
    const typed = paerserRead(doc as JsonObject);
    if ('error' in typed) return { diagnostics: [diag('deployed-invalid', { target: 'traefik', source, detail: typed.error })] };
    try {
      return { state: { entities: traefikEntities(typed.doc) }, diagnostics: [] };
    } catch (e) {
      return { diagnostics: [diag('deployed-invalid', { target: 'traefik', source, detail: e instanceof Error ? e.message : String(e) })] };
    }
  },
});
