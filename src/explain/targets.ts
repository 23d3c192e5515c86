/** Explanations for what a target's own compile refuses or warns about (src/targets/<name>). */
import { ex, type Explanations } from './explanation.js';

export const TARGETS: Explanations = {
  'kong-cache-identity-shared': ex(
    'A cached route is secured by a scheme for which Kong sees every caller as one consumer (one per issuer or auth service).',
    'proxy-cache keys on the consumer: one caller\'s cached answer (their orders, their profile) would be served to another.',
    'Remove the cache, or secure the route with API keys or basic users (one consumer per caller).',
    "security: [{ bearer: [] }]\nx-gateway: { cache: { ttl: 60s } }",
  ),
  'kong-limit-identity-shared': ex(
    'A per-consumer rate limit on a scheme for which Kong sees every caller as one consumer.',
    'All callers share one bucket: one busy caller locks everyone else out (a denial of service).',
    'Limit by ip or header instead, or use a scheme with one consumer per caller.',
    "security: [{ bearer: [] }]\nx-gateway: { rateLimit: { requests: 10, per: second, by: consumer } }",
  ),
  'kong-roles-credential-ambiguous': ex(
    'A consumer holds credentials for several schemes and would pass a route\'s acl with a credential that does not meet the alternative it is presented for.',
    'Kong\'s acl checks the consumer, not the credential: a low-privilege key of an admin consumer opens admin routes.',
    'Give the consumer fewer credentials, or the same roles for each.',
    "consumers:\n  ops: { groups: [admin], credentials: { apiKey: ${env:K}, basic: { username: ops, password: ${env:P} } } }",
  ),
  'kong-auth-identity-and': ex(
    'An AND of schemes needs one scheme\'s caller checked by acl, but Kong identifies the caller by another scheme only.',
    'The roles would be checked against the wrong identity, admitting callers the spec refuses.',
    'Move the roles to the identifying scheme, or split the requirement.',
    "security: [{ apiKey: [admin], basic: [] }]",
  ),
  'kong-scheme-name-collision': ex(
    'Two security schemes get the same Kong name (Kong folds case).',
    'Their consumers and acl groups would mix: a credential for one scheme passes the other.',
    'Rename one scheme.',
    "securitySchemes:\n  ApiKey: {...}\n  apikey: {...}",
  ),
  'kong-consumer-name-collision': ex(
    'Two consumers get the same Kong username (case-folded, or a ~ name gwc reserves).',
    'Their credentials and groups would merge: one consumer gains the other\'s roles.',
    'Rename one consumer.',
    "consumers:\n  Alice: {...}\n  alice: {...}",
  ),
  'kong-o2k-name-collision': ex(
    'With --option kong.names=openapi2kong, two entities get the same openapi2kong name.',
    'decK would merge them into one entity: one route\'s plugins (auth, limits) applied to another.',
    'Give one an x-kong-name or a distinct operationId.',
    'gwc build gateway.yaml --target kong --option kong.names=openapi2kong',
  ),
  'kong-o2k-name-unmappable': ex(
    'With --option kong.names=openapi2kong, a route\'s openapi2kong name involves a character gwc cannot transliterate as openapi2kong does.',
    'A different name means decK deletes and recreates the route instead of updating it in place.',
    'Use ASCII in its x-kong-name, operationId, path or the document title.',
    "operationId: créerCommande",
  ),
  'kong-tls-certificate-source': ex(
    'A TLS certificate or key is given in a form decK cannot put in a Kong certificate (a file or vault reference).',
    'Kong needs the PEM text; a reference it cannot resolve would deploy without the certificate.',
    'Give it as ${env:NAME}, which decK substitutes at sync time.',
    "tls: { certificate: ${file:/etc/tls/cert.pem} }   # fix: ${env:TLS_CERT}",
  ),
  'kong-tls-no-hosts': ex(
    'The TLS certificate would serve no host: no server URL or x-gateway host names one.',
    'Kong presents certificates by SNI; with no host the gateway would serve its default certificate.',
    'Name the gateway hosts (servers or x-gateway.hosts).',
    "servers: [{ url: /v1 }]\nx-gateway: { tls: {...} }",
  ),
  'kong-strip-path-slash': ex(
    'x-kong-route-defaults.strip_path strips the whole path, and gwc sends the upstream path "/" after the backend\'s path where Kong sends none.',
    'A backend that routes /api and /api/ differently would serve another resource than under openapi2kong.',
    'Set x-gateway.upstreamPath or the backend URL to say which path the backend expects.',
    "x-kong-route-defaults: { strip_path: true }",
  ),
  'aws-api-key-schemes-merged': ex(
    'Two routes require different API-key schemes on one AWS API.',
    'API Gateway has one "API key required" check per stage: any key of a usage plan opens every API-key route, so a key for one scheme opens the other\'s routes.',
    'Use one API-key scheme, or give one a lambdaAuthorizer.',
    "/a: { get: { security: [{ partnerKey: [] }] } }\n/b: { get: { security: [{ adminKey: [] }] } }",
  ),
  'aws-cache-identity-unkeyed': ex(
    'A cached authenticated route whose caller identity cannot be part of the AWS cache key.',
    'One caller\'s cached response would be served to another caller.',
    'Remove the cache, or key the identity (a header credential API Gateway can add to the cache key).',
    "security: [{ bearer: [] }]\nx-gateway: { cache: { ttl: 60s } }",
  ),
  'aws-cache-query-declared-only': ex(
    'The AWS cache keys only on the query parameters the operation declares.',
    'An undeclared parameter that changes the response (?user=bob) shares one cache entry: one caller sees another\'s data.',
    'Declare every query parameter the response depends on.',
    "parameters:\n  - { name: q, in: query, schema: { type: string } }",
  ),
  'aws-cache-ignores-cache-control': ex(
    'The AWS stage cache stores every response for the TTL, including Cache-Control: private or no-store ones.',
    'A response the backend marked private is served to everyone the cache key lets in.',
    'Cache only routes whose responses may be shared by every caller with the same key.',
    "x-gateway: { cache: { ttl: 300s } }",
  ),
  'aws-authorizer-cache-unkeyed': ex(
    'A Lambda authorizer caches its policy keyed on sources that do not include the credential it verifies.',
    'A caller without the credential would reuse another caller\'s cached Allow.',
    'Add the credential to identitySource, or set ttlSeconds: 0.',
    "lambdaAuthorizer: { arn: ..., identitySource: [method.request.header.X-Tenant], ttlSeconds: 300 }",
  ),
  'aws-path-param-confusable': ex(
    'A path parameter is passed into the backend path, where a value such as "x;" or "..;" can be read as a differently protected route.',
    'Path confusion: a public /files/{name} reaching the backend\'s /files/admin.',
    'Give the routes the same security, or different backend paths.',
    "/files/{name}: { get: { x-gateway: { public: true } } }\n/files/admin: { get: { security: [{ apiKey: [] }] } }",
  ),
  'aws-backend-private-host': ex(
    'A backend is on a private host (10.x, .internal, localhost) that API Gateway cannot reach over the internet.',
    'The deployed API would fail every request to that backend.',
    'Pass --option vpcLink=<id> for a private integration, or --option publicHosts=HOST if it resolves publicly.',
    "backends:\n  users: { url: http://users.internal:8080 }",
  ),
  'aws-connect-timeout-ignored': ex(
    'A backend\'s connectTimeout is not applied: API Gateway REST has one integration timeout.',
    'A slow-to-connect backend holds requests for the whole timeout instead of failing fast.',
    'Remove connectTimeout, or rely on timeout alone.',
    "backends:\n  users: { url: https://u.example.com, connectTimeout: 2s }",
  ),
  'aws-no-methods': ex(
    'The gateway has no route API Gateway can serve.',
    'A REST API deployment needs at least one method; CloudFormation would fail at deploy time.',
    'Add a route this target can serve.',
    "paths: {}",
  ),
  'traefik-limit-key-unverified': ex(
    'A per-consumer rate limit cannot be keyed on the credential in Traefik; it is kept per client address.',
    'Traefik keys a limit on a whole header: a client varying the Cookie header or the Authorization spelling would get a fresh bucket each time.',
    'Accept the per-address limit, or use a target that keys on the verified consumer.',
    "security: [{ bearer: [] }]\nx-gateway: { rateLimit: { requests: 10, per: second, by: consumer } }",
  ),
  'traefik-health-threshold-ignored': ex(
    'A backend\'s healthyThreshold/unhealthyThreshold are not applied: Traefik\'s health check has no thresholds.',
    'A flapping server goes out after one failed check and back after one passed check.',
    'Remove the thresholds, or accept Traefik\'s one-check behaviour.',
    "healthCheck: { path: /healthz, interval: 10s, unhealthyThreshold: 3 }",
  ),
  'target-error': ex(
    'A target refuses the spec for a reason that has no code of its own yet (the message says which).',
    'Refused rather than built open or wider than the spec (DESIGN.md 7).',
    'Do what the message says; the catch-all codes are being replaced by specific ones (#17).',
    'gwc build gateway.yaml --target kong',
  ),
  'target-warning': ex(
    'A target builds the spec but warns about a difference that has no code of its own yet.',
    'Said so the operator knows where the target differs from the spec.',
    'Read the message; the catch-all codes are being replaced by specific ones (#17).',
    'gwc build gateway.yaml --target traefik',
  ),
};
