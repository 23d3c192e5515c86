/**
 * What an API Gateway REST API (v1) can express, feature by feature. The core reads this table
 * before the compiler runs (src/targets/capability-check.ts); a feature that is `native` here but
 * only for some configurations is refused at compile time under an `aws-*` code naming the route
 * (src/diagnostics/codes-aws.ts).
 *
 * Sources:
 * - OpenAPI extensions: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
 * - Quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
import type { CapabilityTable } from '../target.js';

export const AWS_CAPABILITIES: CapabilityTable = {
  // A scheme's x-gateway.lambdaAuthorizer, when given, is what API Gateway runs for it whatever its kind.
  'auth.apiKey': {
    support: 'native',
    note: 'API keys in the x-api-key header (x-amazon-apigateway-api-key-source HEADER) with a usage plan; another header name or a query/cookie key is refused at compile time unless the scheme names a lambdaAuthorizer',
  },
  'auth.basic': {
    support: 'unsupported',
    why: 'REST APIs have no basic authentication (only a Lambda authorizer you write can check it)',
    fallback: 'lambdaAuthorizer',
  },
  'auth.jwt': {
    support: 'native',
    note: 'Cognito user pool authorizer when the issuer is a Cognito user pool URL, else the scheme\'s lambdaAuthorizer; any other issuer without one is refused at compile time (REST APIs have no generic JWT authorizer)',
  },
  'auth.forward': {
    support: 'unsupported',
    why: 'REST APIs cannot forward a request to an auth service (a Lambda authorizer is the only hook)',
    fallback: 'lambdaAuthorizer',
  },
  // IAM (SigV4), feature added by the core (#13.10): refused until this target verifies it.
  'auth.iam': {
    support: 'unsupported',
    why: 'gwc does not write AWS_IAM authorization yet (an IAM-signed scheme is refused rather than read as an API key)',
  },
  'auth.lambda': {
    support: 'native',
    note: 'a custom authorizer (x-amazon-apigateway-authtype custom, token or request) and an AWS::Lambda::Permission letting API Gateway invoke it',
  },
  'auth.and': {
    support: 'native',
    note: 'an API key together with one authorizer (apiKeyRequired + authorizer); two authorizers together are refused at compile time',
  },
  // No fallback: a Lambda authorizer is not told a route's roles (gwc passes it no context), so
  // it could not enforce them either.
  'auth.roles': {
    support: 'unsupported',
    why: "API Gateway's API-key check has no roles (any key of the stage's usage plans passes), and a Lambda authorizer is not told the route's roles",
  },
  'auth.optional': {
    support: 'unsupported',
    why: 'a method either requires its authorizer/API key or not: a present credential cannot be verified while anonymous callers pass',
  },
  'auth.or': {
    support: 'unsupported',
    why: 'a REST API method has exactly one authorizer (plus an optional API key); alternative security requirements cannot be expressed',
    partial: 'the first alternative is enforced; callers using the other alternatives are refused (stricter, never open)',
  },
  rateLimit: {
    support: 'emulated',
    how: 'Stage MethodSettings ThrottlingRateLimit/BurstLimit (requests + burst) per resource path and method: one bucket shared by all clients of the route, so `by: ip` (and `by: consumer` without an API key) is warned, aws-limit-shared-bucket; `by: consumer` or by the x-api-key header on an API-key route is the usage plan per-method throttle, per API key; `by` another header is refused (aws-limit-key-unsupported)',
  },
  cors: {
    support: 'emulated',
    how: 'an OPTIONS mock method per path answers preflights and DEFAULT_4XX/DEFAULT_5XX gateway responses carry the CORS headers; proxy integrations pass the backend response through, so the backend must add Access-Control-Allow-Origin to its own successful responses',
  },
  ipRule: {
    support: 'native',
    note: 'a resource policy on the RestApi denying execute-api:Invoke on the route unless aws:SourceIp matches',
  },
  bodyLimit: {
    support: 'unsupported',
    why: 'REST APIs have a fixed 10 MB payload limit; a smaller limit cannot be enforced by the gateway',
  },
  cache: {
    support: 'native',
    note: 'stage cache cluster with CachingEnabled/CacheTtlInSeconds per method (TTL at most 3600 s); the cache key is the path parameters, the declared key headers and, on an authenticated route, the verified credential (API key, authorizer header or identity sources; a route whose identity cannot be a key is refused); a backend Cache-Control: private/no-store is not honoured',
  },
  requestHeaders: {
    support: 'emulated',
    how: 'static values set through integration requestParameters on HTTP proxy integrations; removing a header cannot be expressed and is refused at compile time',
  },
  responseHeaders: {
    support: 'unsupported',
    why: 'proxy integrations pass the backend response through unchanged; REST APIs allow no integration response mapping on http_proxy/aws_proxy',
  },
  validation: {
    support: 'native',
    note: "request validators and draft-04 models in the Body (validators.ts, wired from template.ts: x-amazon-apigateway-request-validators, RequestModels for every content type); API Gateway checks only that a required query parameter or header is present, so a typed or constrained parameter, a cookie parameter, a non-JSON body type and a schema keyword draft 4 cannot hold are refused at their line (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html)",
  },
  websocket: {
    support: 'unsupported',
    why: 'a REST API cannot pass a WebSocket upgrade; API Gateway WebSocket APIs route messages by a route selection expression, not paths (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api.html)',
  },
  upstreamPath: {
    support: 'native',
    note: 'the http_proxy integration URI with {param} placeholders mapped from method.request.path',
  },
  hostRouting: {
    support: 'native',
    note: 'the hosts of servers become custom domains mapped to the stage, with the execute-api endpoint disabled; a REST API routes on path and method only, so routes with hosts different from the rest are refused at compile time',
  },
  'backend.weighted': {
    support: 'unsupported',
    why: 'an http_proxy integration has exactly one URI; weights need a load balancer in front (VPC link) or canary stages, which are not per route',
  },
  'backend.healthCheck': {
    support: 'unsupported',
    why: 'API Gateway does not health-check integration endpoints',
  },
  'backend.lambda': { support: 'native', note: 'aws_proxy integration and an AWS::Lambda::Permission per function' },
  'backend.mock': { support: 'native', note: 'mock integration with a static integration response' },
  'backend.retries': {
    support: 'unsupported',
    why: 'API Gateway never retries an integration request',
  },
  'backend.tls': {
    support: 'native',
    note: 'HTTPS backends are verified against public CAs; verify: false sets tlsConfig.insecureSkipVerification; a custom CA file or an SNI name other than the URL host is refused at compile time',
  },
  timeouts: {
    support: 'native',
    note: 'timeoutInMillis (50 ms to 29 s by default); there is no separate connect timeout (a connectTimeout is a warning, aws-connect-timeout-ignored)',
  },
  accessLog: {
    support: 'native',
    note: 'Stage AccessLogSetting in JSON to a CloudWatch log group given as a template parameter',
  },
};
