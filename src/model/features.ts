/**
 * The gateway features a route can use. Each target answers for every one of them in its
 * capability table (`src/targets/<t>/capabilities.ts`); the type system makes a new feature fail
 * to compile until every target does.
 *
 * `class` decides what happens when a target cannot express a feature (DESIGN.md section 4):
 * - `security` and `traffic`: fail closed, a build error naming the route and the feature;
 * - `routing`: a build error too (dropping it would send traffic somewhere else);
 * - `observability`: a warning.
 */
export const FEATURES = [
  { id: 'auth.apiKey', class: 'security', title: 'API key authentication' },
  { id: 'auth.basic', class: 'security', title: 'HTTP basic authentication' },
  { id: 'auth.jwt', class: 'security', title: 'JWT bearer verification (issuer, audience, JWKS)' },
  { id: 'auth.forward', class: 'security', title: 'forward authentication to an external service' },
  { id: 'auth.lambda', class: 'security', title: 'an AWS Lambda authorizer as the only verifier a scheme gives' },
  { id: 'auth.iam', class: 'security', title: 'AWS IAM (Signature Version 4) authorization' },
  { id: 'auth.and', class: 'security', title: 'several schemes required together (AND)' },
  { id: 'auth.or', class: 'security', title: 'alternative security requirements (OR)' },
  {
    id: 'auth.roles',
    class: 'security',
    title: "roles on an API-key or basic requirement (`[admin]`), checked against the consumer's groups",
  },
  {
    id: 'auth.optional',
    class: 'security',
    title: 'optional authentication (`{}` among the alternatives): a credential that is present is still verified',
  },
  { id: 'rateLimit', class: 'traffic', title: 'rate limiting' },
  { id: 'cors', class: 'traffic', title: 'CORS (preflight and response headers)' },
  { id: 'ipRule', class: 'traffic', title: 'IP allow/deny lists' },
  { id: 'bodyLimit', class: 'traffic', title: 'request body size limit' },
  { id: 'cache', class: 'traffic', title: 'response caching' },
  { id: 'requestHeaders', class: 'traffic', title: 'request header set/remove' },
  { id: 'responseHeaders', class: 'traffic', title: 'response header set/remove' },
  { id: 'validation', class: 'traffic', title: "request validation against the operation's OpenAPI parameters and JSON body schema (x-gateway validate)" },
  { id: 'websocket', class: 'routing', title: 'WebSocket upgrade on a GET route (Upgrade passed to the backend, idle timeout raised)' },
  { id: 'upstreamPath', class: 'routing', title: 'upstream path rewrite with parameters' },
  { id: 'hostRouting', class: 'routing', title: 'routing on the request host' },
  { id: 'backend.weighted', class: 'routing', title: 'weighted load balancing across targets' },
  { id: 'backend.healthCheck', class: 'routing', title: 'active backend health checks' },
  { id: 'backend.lambda', class: 'routing', title: 'AWS Lambda integration' },
  { id: 'backend.mock', class: 'routing', title: 'mock response from the gateway' },
  { id: 'backend.retries', class: 'routing', title: 'retries to the backend' },
  { id: 'backend.tls', class: 'routing', title: 'TLS to the backend (verification, SNI)' },
  { id: 'timeouts', class: 'routing', title: 'backend timeouts' },
  { id: 'accessLog', class: 'observability', title: 'structured access log' },
] as const;

export type Feature = (typeof FEATURES)[number];
export type FeatureId = Feature['id'];
export type FeatureClass = Feature['class'];

export const FEATURE_IDS: readonly FeatureId[] = FEATURES.map((f) => f.id);

export function featureInfo(id: FeatureId): Feature {
  const f = FEATURES.find((x) => x.id === id);
  if (!f) throw new Error(`unknown feature ${id}`);
  return f;
}

/**
 * What a spec can supply for a target that cannot do a feature itself. A target's capability names
 * the one kind it can use (`Capability.fallback`); a route's FeatureUse lists the kinds the spec
 * supplies. `hint` is what the refusal tells the user to add.
 */
export const FALLBACKS = [
  { id: 'forwardAuth', hint: 'give the scheme an x-gateway.forwardAuth service' },
  { id: 'lambdaAuthorizer', hint: 'give the scheme an x-gateway.lambdaAuthorizer' },
  { id: 'httpUrl', hint: 'give the backend an HTTP fallbackUrl' },
] as const;

export type FallbackKind = (typeof FALLBACKS)[number]['id'];

export function fallbackHint(kind: FallbackKind): string {
  return FALLBACKS.find((f) => f.id === kind)?.hint ?? kind;
}

/** A feature whose absence would leave a route more open than the spec says. */
export function failsClosed(id: FeatureId): boolean {
  return featureInfo(id).class !== 'observability';
}
