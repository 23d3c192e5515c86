/**
 * Every key of schemas/x-gateway.schema.json, by a stable dotted id, and what decides each
 * target's answer for it (issue #21: nothing the spec says is dropped without a word).
 *
 * Ids: `backends.*.healthCheck.healthyThreshold` (root `x-gateway`), `route.cors.origins`
 * (`x-gateway` on a path item or operation), `scheme.issuer` (`x-gateway` on a security scheme);
 * `*` is any map key, `[]` any array item. test/registry.test.ts walks the schema
 * (src/model/schema-keys.ts) and fails on a key missing here or here and not in the schema.
 *
 * - `feature`: the key realises that feature; a target answers it through its capability table
 *   (native, emulated, or unsupported: refused, or warned for observability), unless the target's
 *   own key table (src/targets/<t>/keys.ts) overrides the answer for this key.
 * - `core`: read by the core for every target alike before any target compiles (the why says how).
 * - `base`: basic proxying every target emits; native unless a target's key table says otherwise.
 * - `perTarget`: only the targets can say; every target's key table must answer it (a type error
 *   until they do, see `PerTargetKey`).
 */
import type { FeatureId } from './features.js';
import { BUNDLED_POLICIES, ROUTE_POLICIES, type BundledKey, type RouteSettingKey } from './policies/index.js';

export type KeyDef = { feature: FeatureId } | { core: string } | { base: string } | { perTarget: string };

const feature = (id: FeatureId) => ({ feature: id }) as const;
const core = (why: string) => ({ core: why }) as const;
const base = (what: string) => ({ base: what }) as const;
const perTarget = (what: string) => ({ perTarget: what }) as const;

/**
 * The ids of policy units' keys (src/model/policies/, in the registry's order), each answered
 * under the unit's feature.
 */
function unitKeys<K extends string>(units: ReadonlyArray<{ keys: readonly string[]; feature: FeatureId }>): Record<K, { readonly feature: FeatureId }> {
  return Object.fromEntries(units.flatMap((u) => u.keys.map((k) => [k, feature(u.feature)]))) as Record<K, { readonly feature: FeatureId }>;
}

/** The policy body (schema `policyBody`), the same keys under `policies.*`, `defaults` and `route`. */
const POLICY_BODY = unitKeys<BundledKey>(BUNDLED_POLICIES);

/** Route settings beyond the policy body (schema `routeSettings`), under `defaults` and `route`. */
const ROUTE_SETTINGS = {
  backend: base('the backend the route proxies to'),
  upstreamPath: feature('upstreamPath'),
  policies: core('named policies are merged into each route before any target compiles'),
  public: core('the security decision (DESIGN.md 7.1): a route without security must say public'),
  timeout: feature('timeouts'),
  websocket: feature('websocket'),
  ...unitKeys<RouteSettingKey>(ROUTE_POLICIES),
  ...POLICY_BODY,
} as const;

type Prefixed<P extends string, T> = { [K in keyof T & string as `${P}.${K}`]: T[K] };

function prefixed<P extends string, T extends Record<string, KeyDef>>(prefix: P, table: T): Prefixed<P, T> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [`${prefix}.${k}`, v])) as Prefixed<P, T>;
}

const ROOT = {
  name: core("the gateway's name; every target derives its ids and names from it"),
  backends: base('the named backends routes proxy to'),
  'backends.*.url': base('the backend address'),
  'backends.*.targets': feature('backend.weighted'),
  'backends.*.targets[].url': feature('backend.weighted'),
  'backends.*.targets[].weight': feature('backend.weighted'),
  'backends.*.lambda': feature('backend.lambda'),
  'backends.*.lambda.arn': feature('backend.lambda'),
  'backends.*.lambda.fallbackUrl': perTarget('the HTTP backend a target without Lambda proxies to instead'),
  'backends.*.mock': feature('backend.mock'),
  'backends.*.mock.status': feature('backend.mock'),
  'backends.*.mock.contentType': feature('backend.mock'),
  'backends.*.mock.body': feature('backend.mock'),
  'backends.*.mock.headers': feature('backend.mock'),
  'backends.*.timeout': feature('timeouts'),
  'backends.*.connectTimeout': feature('timeouts'),
  'backends.*.retries': feature('backend.retries'),
  'backends.*.healthCheck': feature('backend.healthCheck'),
  'backends.*.healthCheck.path': feature('backend.healthCheck'),
  'backends.*.healthCheck.interval': feature('backend.healthCheck'),
  'backends.*.healthCheck.timeout': feature('backend.healthCheck'),
  'backends.*.healthCheck.healthyThreshold': feature('backend.healthCheck'),
  'backends.*.healthCheck.unhealthyThreshold': feature('backend.healthCheck'),
  'backends.*.hostHeader': perTarget('the Host header sent to the backend'),
  'backends.*.tls': feature('backend.tls'),
  'backends.*.tls.verify': feature('backend.tls'),
  'backends.*.tls.serverName': feature('backend.tls'),
  'backends.*.tls.caFile': feature('backend.tls'),
  'backends.*.keepalive': perTarget('idle connections kept open to the backend'),
  'backends.*.vpcLink': perTarget('the API Gateway VPC link to a private host'),
  'backends.*.methodOverride': perTarget("whether the backend may run the method a request body's _method names; read by the targets that cannot check a body"),
  'backends.*.pathMatching': perTarget("whether the backend may read another case or a suffix (.json, a trailing dot) of a path as the same path; read by every target, which matches paths exactly and passes the variant on"),
  'backends.*.dotSegments': perTarget("whether the backend may resolve a '.' or '..' path segment; read by AWS, which passes path parameter values into the backend path"),
  'backends.*.queryNames': perTarget("whether the backend may read another spelling of a query parameter's name (api_key[], API_KEY, api.key) as the same name; read by AWS REST, which can blank a query credential by its exact name only"),
  'backends.*.headerNames': perTarget("whether the backend may read another '-'/'_' spelling of a header's name (X_Token) as the same header; read by AWS, which cannot blank one on the way to a Lambda function"),
  policies: core('named policies are merged into each route before any target compiles'),
  ...prefixed('policies.*', POLICY_BODY),
  defaults: core('route settings every route inherits, merged before any target compiles'),
  ...prefixed('defaults', ROUTE_SETTINGS),
  consumers: base('the callers and their credentials'),
  'consumers.*.groups': perTarget("the consumer's groups, checked by roles on a requirement (auth.roles)"),
  'consumers.*.credentials': perTarget('API keys and basic users by scheme'),
  'consumers.*.credentials.*.username': perTarget('a basic-auth user name'),
  'consumers.*.credentials.*.password': perTarget("a basic-auth user's password reference"),
  environments: core('gwc build --env NAME overlays the spec before anything else reads it'),
  'environments.*.servers': core('overlay (gwc build --env)'),
  'environments.*.servers[].url': core('overlay (gwc build --env)'),
  'environments.*.backends': core('overlay (gwc build --env)'),
  'environments.*.policies': core('overlay (gwc build --env)'),
  'environments.*.consumers': core('overlay (gwc build --env)'),
  'environments.*.defaults': core('overlay (gwc build --env)'),
  'environments.*.accept': core('overlay (gwc build --env)'),
  'environments.*.trustedProxies': core('overlay (gwc build --env)'),
  tls: perTarget('TLS termination at the gateway'),
  'tls.certificate': perTarget('the certificate the gateway serves'),
  'tls.key': perTarget("the certificate's private key reference"),
  trustedProxies: perTarget('the proxies whose X-Forwarded-Proto the gateway believes'),
  targets: core('which targets lint and build --target all use'),
  accept: core('accepted gaps, read by the capability check (src/targets/capability-check.ts)'),
  'accept.*[].feature': core('accepted gaps, read by the capability check'),
  'accept.*[].reason': core('accepted gaps, read by the capability check'),
} as const;

const SCHEME = {
  'scheme.issuer': feature('auth.jwt'),
  'scheme.audiences': feature('auth.jwt'),
  'scheme.anyAudience': feature('auth.jwt'),
  'scheme.jwksUri': feature('auth.jwt'),
  'scheme.algorithms': feature('auth.jwt'),
  'scheme.publicKeys': feature('auth.jwt'),
  'scheme.header': perTarget('the header a bearer token is read from'),
  'scheme.clockSkew': feature('auth.jwt'),
  'scheme.realm': perTarget('the basic-auth realm'),
  'scheme.hideCredentials': perTarget('the credential stripped before the backend'),
  'scheme.backendCookies': perTarget('that the backend reads no cookie on the scheme routes (a hidden cookie key may take the whole Cookie header)'),
  'scheme.forwardAuth': feature('auth.forward'),
  'scheme.forwardAuth.url': feature('auth.forward'),
  'scheme.forwardAuth.requestHeaders': feature('auth.forward'),
  'scheme.forwardAuth.responseHeaders': feature('auth.forward'),
  'scheme.lambdaAuthorizer': feature('auth.lambda'),
  'scheme.lambdaAuthorizer.arn': feature('auth.lambda'),
  'scheme.lambdaAuthorizer.type': feature('auth.lambda'),
  'scheme.lambdaAuthorizer.identitySource': feature('auth.lambda'),
  'scheme.lambdaAuthorizer.ttlSeconds': feature('auth.lambda'),
  'scheme.lambdaAuthorizer.contextHeaders': feature('auth.lambda'),
} as const;

/** Every schema key and what answers it. */
export const KEYS = { ...ROOT, ...prefixed('route', ROUTE_SETTINGS), ...SCHEME } satisfies Record<string, KeyDef>;

export type KeyId = keyof typeof KEYS;

/** Keys every target's key table must answer itself. */
export type PerTargetKey = { [K in KeyId]: (typeof KEYS)[K] extends { perTarget: string } ? K : never }[KeyId];

export const KEY_IDS = Object.keys(KEYS) as KeyId[];

/** The policy-body keys (`rateLimit.burst`, ...), for target tables answering them under every prefix. */
export type PolicyBodyKey = keyof typeof POLICY_BODY & string;

/** The three ids of one policy-body key: under `policies.*`, `defaults` and `route`. */
export function policyBodyIds(key: PolicyBodyKey): KeyId[] {
  return [`policies.*.${key}`, `defaults.${key}`, `route.${key}`] as KeyId[];
}

/** The schema pointer-free location of a key id in a spec: root `x-gateway`, a route's or a scheme's. */
export function keyScope(id: KeyId): 'root' | 'route' | 'scheme' {
  return id.startsWith('route.') ? 'route' : id.startsWith('scheme.') ? 'scheme' : 'root';
}
