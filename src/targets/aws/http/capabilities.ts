/**
 * What an API Gateway HTTP API (v2) can express, feature by feature: the table the core reads
 * for `--option aws.api=http` before this flavour compiles. A feature `native` here only for some
 * configurations is refused while compiling with an `aws-http-*` code naming the route.
 *
 * Sources:
 * - HTTP APIs vs REST APIs: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html
 * - JWT authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * - Lambda authorizers: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 * - Parameter mapping: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
 */
import type { CapabilityTable } from '../../target.js';

const NO_KEYS = 'HTTP APIs have no API keys or usage plans (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html)';

// Assigned through a variable, not a literal: `validation` (issue #19) is being added to the feature
// list beside this work, and the table must type-check with and without it.
const TABLE = {
  'auth.apiKey': { support: 'unsupported', why: NO_KEYS, fallback: 'lambdaAuthorizer' },
  'auth.basic': { support: 'unsupported', why: 'HTTP APIs have no basic authentication (only a Lambda authorizer you write can check it)', fallback: 'lambdaAuthorizer' },
  'auth.jwt': {
    support: 'native',
    note: 'a JWT authorizer (issuer, audience required) with the route\'s scopes as AuthorizationScopes; AWS admits a token holding any one of them, so a requirement of several scopes together is refused (aws-http-scopes-all)',
  },
  'auth.forward': { support: 'unsupported', why: 'HTTP APIs cannot forward a request to an auth service (a Lambda authorizer is the only hook)', fallback: 'lambdaAuthorizer' },
  'auth.iam': { support: 'unsupported', why: 'gwc does not write AWS_IAM authorization yet' },
  'auth.lambda': {
    support: 'native',
    note: 'a REQUEST Lambda authorizer with payload format 1.0 (the event and IAM-policy answer of the REST flavour\'s request authorizers, so one function serves both) and an AWS::Lambda::Permission; token authorizers are refused (aws-http-lambda-token-authorizer)',
  },
  'auth.and': { support: 'unsupported', why: 'an HTTP API route runs exactly one authorizer; schemes required together cannot be expressed' },
  'auth.roles': { support: 'unsupported', why: 'HTTP APIs have no consumers or groups to check roles against, and a Lambda authorizer is not told the route\'s roles' },
  'auth.optional': { support: 'unsupported', why: 'a route either requires its authorizer or not: a present credential cannot be verified while anonymous callers pass' },
  'auth.or': {
    support: 'native',
    note: 'only alternatives of one JWT scheme needing at most one scope each, as that scheme\'s AuthorizationScopes (any of them); other alternatives are refused (aws-http-auth-alternatives)',
  },
  rateLimit: {
    support: 'emulated',
    how: 'Stage RouteSettings ThrottlingRateLimit/BurstLimit per route key: one bucket for all callers of the route, so by: ip is warned (aws-http-limit-shared-bucket) and by: consumer or by a header refused (aws-http-limit-per-caller)',
  },
  cors: {
    support: 'native',
    note: 'the Api CorsConfiguration (API Gateway answers preflights and adds the headers to every response); one configuration for the whole API, so routes with different CORS policies are refused (aws-http-cors-mixed)',
  },
  ipRule: { support: 'unsupported', why: 'HTTP APIs have no resource policies, so a source address cannot be allowed or denied' },
  bodyLimit: { support: 'unsupported', why: 'HTTP APIs have a fixed 10 MB payload limit; a smaller limit cannot be enforced by the gateway' },
  cache: { support: 'unsupported', why: 'HTTP APIs have no response cache' },
  requestHeaders: {
    support: 'emulated',
    how: 'integration RequestParameters overwrite:header.NAME (static values) and remove:header.NAME on HTTP proxy integrations; reserved headers (Authorization, Host, X-Forwarded-*...) and Lambda integrations are refused (aws-http-header-unmappable)',
  },
  responseHeaders: { support: 'unsupported', why: 'gwc does not write HTTP API response parameter mappings yet' },
  websocket: {
    support: 'unsupported',
    why: 'an HTTP API cannot pass a WebSocket upgrade; API Gateway WebSocket APIs route messages by a route selection expression, not paths',
  },
  upstreamPath: { support: 'native', note: 'integration RequestParameters overwrite:path with ${request.path.NAME} placeholders' },
  hostRouting: {
    support: 'native',
    note: 'the hosts of servers become custom domains (DomainName + ApiMapping) with the execute-api endpoint disabled; routes with hosts different from the rest are refused (aws-http-hosts-differ)',
  },
  'backend.weighted': { support: 'unsupported', why: 'an HTTP proxy integration has exactly one URI' },
  'backend.healthCheck': { support: 'unsupported', why: 'API Gateway does not health-check integration endpoints' },
  'backend.lambda': {
    support: 'native',
    note: 'AWS_PROXY integration with payload format 1.0 (the REST flavour\'s event, so a function moves between flavours unchanged) and an AWS::Lambda::Permission per function',
  },
  'backend.mock': { support: 'unsupported', why: 'HTTP APIs have no mock integrations' },
  'backend.retries': { support: 'unsupported', why: 'API Gateway never retries an integration request' },
  'backend.tls': {
    support: 'native',
    note: 'HTTPS backends are verified against public CAs for the URL host; verify: false, a CA file or another server name are refused (aws-http-backend-tls)',
  },
  timeouts: { support: 'native', note: 'TimeoutInMillis, 50 ms to 30 s; there is no separate connect timeout' },
  accessLog: { support: 'native', note: 'Stage AccessLogSettings in JSON to a CloudWatch log group given as a template parameter' },
  validation: { support: 'unsupported', why: 'HTTP APIs have no request validation (no request validators or models)' },
} as const;

export const AWS_HTTP_CAPABILITIES: CapabilityTable = TABLE;
