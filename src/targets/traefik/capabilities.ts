/**
 * What open-source Traefik v3 can do for each gwc feature, read by the core before the compiler
 * runs (DESIGN.md section 4). Links are to the Traefik v3 middleware and service reference.
 */
import type { CapabilityTable } from '../target.js';

export const TRAEFIK_CAPABILITIES: CapabilityTable = {
  'auth.apiKey': {
    support: 'unsupported',
    why: 'open-source Traefik has no API key middleware (https://doc.traefik.io/traefik/middlewares/http/overview/)',
    fallback: 'forwardAuth',
  },
  'auth.basic': { support: 'native', note: 'basicAuth middleware with a usersFile (htpasswd) the operator provides' },
  'auth.jwt': {
    support: 'unsupported',
    why: 'open-source Traefik cannot verify JWTs (that is Traefik Hub)',
    fallback: 'forwardAuth',
  },
  'auth.forward': { support: 'native', note: 'forwardAuth middleware (https://doc.traefik.io/traefik/middlewares/http/forwardauth/)' },
  // IAM (SigV4), feature added by the core (#13.10): refused until this target verifies it.
  'auth.iam': {
    support: 'unsupported',
    why: "Traefik cannot verify AWS Signature Version 4 (it needs the caller's IAM secret key, which only AWS holds)",
  },
  'auth.lambda': {
    support: 'unsupported',
    why: 'Traefik cannot call an AWS Lambda authorizer, the only verifier this scheme gives; give the scheme an x-gateway.forwardAuth service',
  },
  'auth.and': { support: 'native', note: 'middlewares on a router run as a chain: every scheme must pass' },
  'auth.roles': {
    support: 'emulated',
    how: 'on basic requirements: one basicAuth usersFile per role set, listing only the users whose consumer holds every role; roles on a scheme verified by a forwardAuth service are refused (traefik-roles-forward-auth)',
  },
  'auth.optional': {
    support: 'emulated',
    how: 'an anonymous router matching only requests that carry no credential of the route’s schemes at all; any other request meets the alternatives’ routers, so a present credential must verify',
  },
  'auth.or': {
    support: 'emulated',
    how: 'one router per alternative, selected by the presence of that alternative’s credential (header, cookie or query); each router enforces its whole alternative and the last one matches without a selector, so a request with no or a wrong credential is still refused',
  },
  rateLimit: { support: 'native', note: 'rateLimit middleware, in-memory, one bucket set per router' },
  cors: { support: 'emulated', how: 'headers middleware plus an OPTIONS preflight router per operation, answered by the middleware itself' },
  ipRule: { support: 'native', note: 'ipAllowList; deny ranges are subtracted from the allowed ranges' },
  bodyLimit: { support: 'native', note: 'buffering middleware maxRequestBodyBytes (413 above it)' },
  cache: {
    support: 'unsupported',
    why: 'open-source Traefik has no response cache (the HTTP cache middleware is Traefik Hub only)',
  },
  requestHeaders: { support: 'native', note: 'headers middleware customRequestHeaders ("" removes)' },
  responseHeaders: { support: 'native', note: 'headers middleware customResponseHeaders ("" removes)' },
  validation: { support: 'unsupported', why: 'open-source Traefik has no request validation middleware (a plugin or an external validator service would be needed)' },
  // https://doc.traefik.io/traefik/user-guides/websocket/ (no middleware needed).
  websocket: { support: 'native', note: 'Traefik proxies a websocket upgrade on any router (on every route, not only this one; any other Upgrade is refused, upgrade.ts); a route with a bearer scheme refuses a token in Sec-WebSocket-Protocol (bearer-query.ts), an upgrade from an Origin the route does not let call it with the user\'s credentials is refused (../websocket-origin.ts upgradeOrigins: the cors list, or the route\'s own origin: upgrade.ts originGuard, sameOriginGuard); idle time is bounded by the entry point respondingTimeouts' },
  upstreamPath: { support: 'native', note: 'replacePathRegex with the path parameters as capture groups' },
  hostRouting: { support: 'native', note: 'Host matcher in the router rule' },
  'backend.weighted': { support: 'native', note: 'loadBalancer servers with weights' },
  'backend.healthCheck': { support: 'native', note: 'loadBalancer healthCheck (no healthy/unhealthy thresholds: one probe flips a server)' },
  'backend.lambda': {
    support: 'unsupported',
    why: 'Traefik has no AWS Lambda integration',
    fallback: 'httpUrl',
  },
  'backend.mock': {
    support: 'unsupported',
    why: 'open-source Traefik cannot answer a request with a static body',
  },
  'backend.retries': { support: 'native', note: 'retry middleware (network errors only; attempts = retries + 1)' },
  'backend.tls': { support: 'native', note: 'serversTransport serverName, rootCAs, insecureSkipVerify' },
  timeouts: { support: 'native', note: 'serversTransport forwardingTimeouts (dialTimeout, responseHeaderTimeout)' },
  accessLog: {
    support: 'unsupported',
    why: 'access logs and their format are Traefik static configuration (accessLog.format: json), not the dynamic file',
  },
};
