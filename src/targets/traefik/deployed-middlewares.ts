/**
 * What a Traefik router's middlewares check and change (deployed.ts reads a router through them):
 * auth (basicAuth users, forwardAuth service and scopes), the headers set or blanked before the
 * backend, limits, IP rules and where their address comes from, CORS, the path rewrites
 * (deployed-paths.ts), and what answers the caller instead of the backend (deployed-answers.ts).
 * Chains are followed in their own order, as Traefik runs them: rewrites depend on it.
 */
import { authAtom, type Facts, type Guards, type Json, type Mechanism } from '../../diff/entity.js';
import { isObject, sortedStrings, type JsonObject } from '../../diff/json-util.js';
import { durationSeconds } from './deployed-duration.js';
import { roleFile } from './deployed-roles.js';
import { middlewareGuards } from './deployed-guards.js';
import { unreadHeaderValue, unreadMiddleware } from './deployed-unread.js';
import { pathStep } from './deployed-paths.js';
import { answerSteps } from './deployed-answers.js';
import { local, serversOf } from './deployed-services.js';

/** What a router's middlewares check and change, gathered before they become facts. */
export interface Seen {
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
  /** Middlewares the reader cannot judge (deployed-unread.ts, deployed-answers.ts). */
  unread: string[];
  /** The path rewrites, in the order Traefik runs them (deployed-paths.ts). */
  paths: string[];
}

export const newSeen = (): Seen => ({ auth: [], mechanisms: {}, reads: {}, cleared: new Set(), decided: new Set(), guards: {}, unread: [], paths: [] });

/** The dynamic configuration's middlewares and services a router's middlewares refer to. */
export interface Definitions {
  middlewares: JsonObject;
  services: JsonObject;
}

/** The strings of a list, in its order (a chain runs its middlewares as listed). */
const inOrder = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);


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

export function middlewareFacts(names: string[], defs: Definitions, facts: Facts, seen: Seen, visited = new Set<string>()): void {
  for (const raw of names) {
    const name = local(raw);
    const m = defs.middlewares[name];
    seen.unread.push(...unreadMiddleware(raw, m, visited));
    if (!isObject(m)) continue;
    // A rewrite listed twice rewrites twice (Traefik builds one handler per reference); every
    // other fact is read once per router.
    const step = pathStep(m);
    if (step !== undefined) seen.paths.push(step);
    if (visited.has(name)) continue;
    visited.add(name);
    if (isObject(m.chain)) middlewareFacts(inOrder(m.chain.middlewares), defs, facts, seen, visited);
    seen.unread.push(...answerSteps(name, m, (service) => serversOf(defs.services, local(service))));
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
      // authResponseHeadersRegex (gwc writes none): the request's matching headers deleted and the
      // service's matching answer headers copied onto it (forward.go), another verifier.
      const regex = typeof m.forwardAuth.authResponseHeadersRegex === 'string' ? `; copies matching ${JSON.stringify(m.forwardAuth.authResponseHeadersRegex)}` : '';
      seen.mechanisms[fa.name] = { kind: 'forward', verifier: `sent ${sent.join(' ') || 'every header'}; copies ${copied.join(' ') || 'none'}${regex}` };
      seen.reads[fa.name] = sortedStrings(m.forwardAuth.authRequestHeaders).map((h) => h.toLowerCase());
    }
    if (isObject(m.headers) && isObject(m.headers.customRequestHeaders)) {
      for (const [h, v] of Object.entries(m.headers.customRequestHeaders)) {
        if (v === '') seen.cleared.add(h.toLowerCase());
        // A value the backend trusts (the spec's requestHeaders): another is request-header-value-changed.
        else if (typeof v === 'string') facts.requestHeaderValues = { ...facts.requestHeaderValues, [h.toLowerCase()]: v };
        seen.decided.add(h.toLowerCase());
        // gwc writes "" (delete) on a header the gateway decides, never a value: `X-Consumer: admin`
        // names every caller of the router (red team 14), read as unread by its value.
        const value = unreadHeaderValue(name, h, v);
        if (value !== undefined) seen.unread.push(value);
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
    // https://doc.traefik.io/traefik/middlewares/http/inflightreq/: requests served at once, read as
    // a connection cap (one gone or raised is rate-limit-raised), counted per sourceCriterion
    // (connectionLimitKey): the request host by default (one cap for every caller), per address, or
    // per value of a header the client writes (a fresh cap per value). The smallest cap's key.
    if (isObject(m.inFlightReq) && typeof m.inFlightReq.amount === 'number' && m.inFlightReq.amount > 0 && m.inFlightReq.amount < (facts.connectionLimit ?? Infinity)) {
      facts.connectionLimit = m.inFlightReq.amount;
      facts.connectionLimitKey = inFlightKey(m.inFlightReq.sourceCriterion);
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

/**
 * What an inFlightReq counts by (https://doc.traefik.io/traefik/middlewares/http/inflightreq/#sourcecriterion):
 * requestHeaderName first, then requestHost, then ipStrategy (where the address comes from); none
 * set, the request host. Read as rateLimit's sourceCriterion is.
 */
function inFlightKey(criterion: Json | undefined): string {
  const by = isObject(criterion) ? criterion : {};
  if (typeof by.requestHeaderName === 'string' && by.requestHeaderName !== '') return `header ${by.requestHeaderName.toLowerCase()}`;
  if (by.requestHost === true || !isObject(by.ipStrategy)) return 'host';
  const s = by.ipStrategy;
  const from = typeof s.depth === 'number' && s.depth > 0 ? ` (X-Forwarded-For entry ${s.depth} from the right)` : Array.isArray(s.excludedIPs) && s.excludedIPs.length > 0 ? ` (X-Forwarded-For, first from the right not in ${sortedStrings(s.excludedIPs).join(' ')})` : '';
  return `ip${from}`;
}
