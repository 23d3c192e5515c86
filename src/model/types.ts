/**
 * The target-neutral gateway model. `src/model/normalise/` builds it from a loaded spec; the
 * targets compile it. Every node keeps `loc`, the file and JSON pointer it came from, so any
 * diagnostic about it can point at a line and column (turned into one only at the edge).
 */
import type { Loc } from '../diagnostics/diagnostic.js';

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A reference to a secret; never the secret itself (DESIGN.md section 2). */
export type SecretRef =
  | { kind: 'env'; name: string; raw: string }
  | { kind: 'file'; path: string; raw: string }
  | { kind: 'vault'; ref: string; raw: string };

export interface ParsedUrl {
  raw: string;
  scheme: 'http' | 'https';
  host: string;
  /** Always explicit: 80/443 filled in when the URL has none. */
  port: number;
  /** No trailing slash, '' for the root. */
  path: string;
}

export interface BackendTarget {
  url: ParsedUrl;
  weight: number;
  loc: Loc;
}

export interface Mock {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
  loc: Loc;
}

export interface HealthCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /**
   * Where the spec wrote each threshold; one without a place is gwc's default. A target that has
   * no thresholds says so only for the ones the user wrote (issue #21).
   */
  thresholdLocs?: { healthyThreshold?: Loc; unhealthyThreshold?: Loc };
  loc: Loc;
}

export interface Backend {
  name: string;
  loc: Loc;
  kind: 'http' | 'lambda' | 'mock';
  /** http: one or more (weighted); lambda: the HTTP fallback targets, possibly none; mock: none. */
  targets: BackendTarget[];
  lambda?: { arn: string; loc: Loc; fallbackLoc?: Loc };
  mock?: Mock;
  connectTimeoutMs?: number;
  timeoutMs?: number;
  retries?: number;
  healthCheck?: HealthCheck;
  /** 'backend': Host is the backend's; 'client': the client's Host is passed on. */
  hostHeader: 'backend' | 'client';
  tls?: { verify: boolean; serverName?: string; caFile?: string; loc: Loc };
  keepalive?: number;
  /**
   * `x-gateway.backends.*.vpcLink`: the AWS API Gateway VPC link that reaches this backend's
   * private host (a private integration); other targets ignore it.
   */
  vpcLink?: { id: string; loc: Loc };
  /**
   * `x-gateway.backends.*.methodOverride: none`: the user states this backend never runs the
   * method a request body's `_method` names, so a target that cannot read a body need not refuse
   * a POST beside a differently protected method (src/targets/body-override.ts). Absent: `possible`.
   */
  methodOverride?: { value: 'none'; loc: Loc };
  /**
   * `x-gateway.backends.*.dotSegments: rejected`: the user states this backend never resolves a
   * `.` or `..` path segment (it refuses it or reads it as text), so AWS need not assume that a
   * path parameter's value can climb out of its route (src/targets/aws/confusable.ts). Absent:
   * `resolved`.
   */
  dotSegments?: { value: 'rejected'; loc: Loc };
  /**
   * `x-gateway.backends.*.pathMatching: exact`: the user states this backend matches request paths
   * case-sensitively and without suffix patterns, so a path parameter's case or suffix variant of a
   * literal route (`ME`, `me.json` for `/users/me`) is not read as that route
   * (src/targets/param-variants.ts). Absent: `folded`.
   */
  pathMatching?: { value: 'exact'; loc: Loc };
  /**
   * `x-gateway.backends.*.queryNames: exact`: the user states this backend reads a query parameter
   * by its exact name only, never another spelling of it (`api_key[]`, `API_KEY`, `api.key`: the
   * readings of src/targets/query-names.ts), so AWS REST need not refuse a query credential it can
   * blank only by its exact name (src/targets/aws/query-spellings.ts). Absent: `lenient`.
   */
  queryNames?: { value: 'exact'; loc: Loc };
  /**
   * `x-gateway.backends.*.headerNames`. `exact`: the user states this backend reads a request
   * header by its exact name only, never another `-`/`_` spelling of it (`X_Token` as `X-Token`),
   * so AWS need not refuse a Lambda route whose verified header credential's other spellings it
   * cannot blank (src/targets/aws/lambda-spellings.ts), nor map any `_` spelling to an HTTP backend.
   * `folded`, stated: it reads `_` as `-`, so AWS maps every spelling to an HTTP backend, the
   * forwarding family too (src/targets/aws/header-names.ts). Absent: folded for a Lambda function,
   * unstated (warned) for an HTTP backend.
   */
  headerNames?: { value: 'exact' | 'folded'; loc: Loc };
}

export interface ForwardAuth {
  url: ParsedUrl;
  /** Request headers sent to the auth service (besides the credential itself). */
  requestHeaders: string[];
  /** Headers of the auth service's answer copied onto the upstream request. */
  responseHeaders: string[];
  loc: Loc;
}

export interface JwtConfig {
  issuer?: string;
  audiences: string[];
  /**
   * `x-gateway.anyAudience: true`: the user states the issuer mints tokens for this API alone, so a
   * scheme verified with public keys, a JWKS or its issuer's keys may check no audience
   * (src/targets/jwt-audience.ts refuses it otherwise). Absent: false.
   */
  anyAudience?: { loc: Loc };
  jwksUri?: string;
  algorithms: string[];
  /** PEM public keys (references), for targets that verify without fetching a JWKS. */
  publicKeys: SecretRef[];
  /** Where the token is read: the Authorization header with the Bearer scheme by default. */
  header: string;
  clockSkewSeconds: number;
}

/**
 * An AWS Lambda authorizer the user wrote (`x-gateway.lambdaAuthorizer` of a scheme), for API
 * Gateway: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
 */
export interface LambdaAuthorizer {
  /** The function's ARN (unqualified, or with a version or alias). */
  arn: string;
  /** token: the function gets one header's value; request: headers, query, stage variables, context. */
  type: 'token' | 'request';
  /** API Gateway mapping expressions (method.request.header.NAME, ...); the credential's header by default. */
  identitySource?: string[];
  /** How long API Gateway caches the function's policy (0 to 3600; gwc's default is 0, no caching). */
  ttlSeconds?: number;
  /**
   * Headers the backend gets from the function's answer (header name as written -> `principalId` or a
   * `context` key), mapped on the routes that require the scheme and emptied on every other route.
   */
  contextHeaders?: Record<string, string>;
  loc: Loc;
}

export interface SecurityScheme {
  name: string;
  loc: Loc;
  /** OpenAPI's own type (apiKey, http, oauth2, openIdConnect). */
  openapiType: string;
  /**
   * How credentials are verified. 'lambda': a bearer/OAuth2/OIDC scheme whose only verifier is its
   * lambdaAuthorizer (targets other than AWS refuse it through their capability tables).
   * 'iam': AWS Signature Version 4 (`x-amazon-apigateway-authtype: awsSigv4`), signed by IAM
   * principals; no gwc target verifies it (feature auth.iam). Never an API key, whatever `type` says.
   */
  kind: 'apiKey' | 'basic' | 'jwt' | 'forward' | 'lambda' | 'iam';
  /**
   * `name` is lower-cased for a header (HTTP header names are case-blind); `spelt` keeps the spec's
   * spelling when it differs, for where a name is read case-sensitively (the header key's name as a
   * query parameter, AWS credential-elsewhere.ts).
   */
  apiKey?: { in: 'header' | 'query' | 'cookie'; name: string; spelt?: string };
  jwt?: JwtConfig;
  basic?: { realm: string };
  /** kind 'forward': the scheme itself; other kinds: the fallback where a target cannot verify natively. */
  forwardAuth?: ForwardAuth;
  /** kind 'lambda': the scheme itself; other kinds: what AWS runs instead of (or for want of) a native check. */
  lambdaAuthorizer?: LambdaAuthorizer;
  /** Hide the credential from the backend (strip the header or query parameter). */
  hideCredentials: boolean;
  /**
   * `x-gateway.backendCookies: none`: the spec states the backend reads no cookie on the scheme's
   * routes, so a target that cannot remove one cookie (Traefik) may hide a cookie key by removing
   * the whole Cookie header; without it that target refuses the hidden cookie key.
   */
  backendCookies?: 'none';
}

export interface Consumer {
  name: string;
  loc: Loc;
  groups: string[];
  /** Keyed by security scheme name. */
  credentials: ConsumerCredential[];
}

export type ConsumerCredential =
  | { scheme: string; kind: 'apiKey'; key: SecretRef; loc: Loc }
  | { scheme: string; kind: 'basic'; username: string; password: SecretRef; loc: Loc };

export interface RequirementItem {
  scheme: string;
  scopes: string[];
}

/** OpenAPI security: a list of alternatives (OR), each a set of schemes (AND). */
export type Security = RequirementItem[][];

export interface RateLimit {
  requests: number;
  per: 'second' | 'minute' | 'hour' | 'day';
  by: 'ip' | 'consumer' | { header: string };
  burst: number;
  loc: Loc;
}

export interface Cors {
  origins: string[];
  methods: HttpMethod[];
  headers: string[];
  exposeHeaders: string[];
  credentials: boolean;
  maxAgeSeconds?: number;
  loc: Loc;
}

export interface Cache {
  ttlMs: number;
  methods: HttpMethod[];
  /** Request headers that vary the cache key besides method, host, path and query. */
  keyHeaders: string[];
  keyQuery: boolean;
  loc: Loc;
}

export interface HeaderOps {
  set: Record<string, string>;
  remove: string[];
  loc: Loc;
}

export interface Policy {
  rateLimit?: RateLimit;
  cors?: Cors;
  cache?: Cache;
  ipRule?: { allow: string[]; deny: string[]; loc: Loc };
  bodyLimit?: { bytes: number; loc: Loc };
  requestHeaders?: HeaderOps;
  responseHeaders?: HeaderOps;
  accessLog?: { format: 'json'; loc: Loc };
}
export type PolicyFeature = keyof Policy;

/**
 * `x-gateway.validate` (src/model/policies/validate.ts): the gateway checks the request against the
 * operation's own OpenAPI parameters and JSON body schema before the backend sees it (issue #19).
 */
export interface Validation {
  body: boolean;
  parameters: boolean;
  loc: Loc;
}

/**
 * A JSON Schema from the spec made self-contained: every `$ref` (local, or into another file of the
 * spec) is rewritten to `#/definitions/<name>` and its target listed once in `definitions`, so a
 * recursive schema stays finite. Schemas are kept in the spec's own dialect (OpenAPI 3.0 `nullable`,
 * 3.1 JSON Schema); a target converts what its validator reads. A node inside `schema` (or a
 * definition) at relative pointer P was written at `loc.pointer + P` of `loc.file`.
 */
export interface RequestSchema {
  schema: unknown;
  loc: Loc;
  definitions: Record<string, { schema: unknown; loc: Loc; ref: string }>;
}

/** One OpenAPI parameter an operation (or its path item) declares, for request validation. */
export interface RequestParam {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** From `schema`; absent when the parameter has none (or uses `content`, see `mediaType`). */
  schema?: RequestSchema;
  /** The media type of a parameter given by `content` instead of `schema`. */
  mediaType?: string;
  style?: string;
  explode?: boolean;
  loc: Loc;
}

/** An operation's request body, for request validation. */
export interface RequestBody {
  required: boolean;
  /** Every media type the body declares, as written (`content` keys). */
  mediaTypes: string[];
  /** The `application/json` (or `+json`) media type's schema, when one is declared. */
  json?: { mediaType: string; schema: RequestSchema };
  loc: Loc;
}

/** What a target needs to validate a route's request (set when `Route.validate` is). */
export interface RequestShape {
  params: RequestParam[];
  body?: RequestBody;
}

export type PathSegment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  /** A segment mixing text and parameters, e.g. `{name}.json`. */
  | { kind: 'mixed'; parts: Array<{ literal: string } | { param: string }> };

export interface Route {
  /** Unique, stable: the operationId, or one derived from method and path. */
  id: string;
  operationId?: string;
  loc: Loc;
  /**
   * The path key in `paths` (`/users/{id}:`), where a finding about the template itself (an
   * ambiguous pair) goes: the node the user edits, not one of its operations.
   */
  pathLoc?: Loc;
  method: HttpMethod;
  /** The OpenAPI path template as written. */
  path: string;
  /** Base path + path (DESIGN.md section 3, rule 1). */
  publicPath: string;
  segments: PathSegment[];
  params: string[];
  /** Hosts the route answers on; empty = any. */
  hosts: string[];
  /** The path item's or operation's own servers that gave `hosts` (scheme, port); absent: the document's. */
  hostServers?: Server[];
  backend: string;
  upstreamPath?: { template: string; loc: Loc };
  /**
   * [] = public. The alternatives that name schemes; an anonymous alternative (`{}`) is not listed
   * here but sets `optionalAuth` (DESIGN.md section 7.2).
   */
  security: Security;
  /**
   * `{}` is one of the alternatives and at least one other names schemes: a caller without any
   * credential passes, but a credential that is present must verify (wrong -> 401), is stripped,
   * and the backend is told who called. Feature `auth.optional`; a target that does not implement
   * it refuses the route (fail closed), and one that ignores the flag enforces auth strictly.
   */
  optionalAuth: boolean;
  securityLoc?: Loc;
  /**
   * Method-override inputs the operation (or its path item) declares as parameters: the `_method`
   * query parameter, `X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override` headers.
   * Targets strip or refuse undeclared ones (a backend honouring them sidesteps per-method
   * security); absent when none is declared. `loc`: the declaring parameter; `methods`: the
   * upper-cased values its schema's enum lists, when it has one (the methods it can select;
   * src/targets/declared-override.ts).
   */
  declaredOverrides?: Array<{ in: 'query' | 'header'; name: string; loc?: Loc; methods?: string[] }>;
  /** Query parameters the operation or its path item declares (names, sorted); absent when none. */
  queryParams?: string[];
  /** Cookie parameters the operation or its path item declares (names, sorted); absent when none. */
  cookieParams?: string[];
  /** `x-gateway.validate` with at least one of body/parameters on (src/model/policies/validate.ts). */
  validate?: Validation;
  /** The operation's parameters and JSON body schema, $refs resolved; set with `validate`. */
  request?: RequestShape;
  /** `x-gateway.public: true` was said explicitly. */
  declaredPublic: boolean;
  policy: Policy;
  policyNames: string[];
  timeoutMs?: number;
  /** `x-gateway.websocket: true` (a GET): the upgrade is passed to the backend, the idle timeout raised. */
  websocket?: { loc: Loc };
  tags: string[];
  summary?: string;
  /**
   * The names `deck file openapi2kong` gives this operation's route, service and upstream
   * (src/input/kong/o2k-names.ts), for the Kong target's `names=openapi2kong` option.
   */
  openapi2kong?: { route: string; service: string; upstream: string };
}

export interface Server {
  url: string;
  scheme: 'http' | 'https';
  host?: string;
  port?: number;
  basePath: string;
  loc: Loc;
}

export interface AcceptedGap {
  target: string;
  feature: string;
  reason: string;
  loc: Loc;
}

export interface Gateway {
  name: string;
  loc: Loc;
  openapiVersion: string;
  title: string;
  version: string;
  servers: Server[];
  basePath: string;
  hosts: string[];
  tls?: { certificate: string; key: SecretRef; loc: Loc };
  /** x-gateway.trustedProxies: the addresses (CIDR) whose X-Forwarded-Proto the gateway believes. */
  trustedProxies?: { addresses: string[]; loc: Loc };
  backends: Backend[];
  securitySchemes: SecurityScheme[];
  consumers: Consumer[];
  /** In OpenAPI precedence order (DESIGN.md section 3, rule 3). */
  routes: Route[];
  accepted: AcceptedGap[];
  /** `x-gateway.targets`: the targets this gateway is deployed to, when the spec names them. */
  targets?: { names: string[]; loc: Loc };
  environment?: string;
}
