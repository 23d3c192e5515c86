/**
 * The security schemes API Gateway understands, compiled from the model (see auth.ts for how
 * methods use them): API keys (x-api-key, a usage plan), Cognito user pool authorizers, and Lambda
 * authorizers from a scheme's `x-gateway.lambdaAuthorizer`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
 */
import type { Gateway, LambdaAuthorizer, SecurityScheme } from '../../model/types.js';
import { lambdaUri } from './lambda-arn.js';
import { type Cfn, type Ctx, sub } from './context.js';
import { isHeaderName } from './escape.js';
import { cookieSourceRefused, keptCookieRefused, requestAuthorizerCookie } from './kept-values.js';
import { contextHeadersRefused } from './context-headers.js';
import { credentialHeader } from './credential-carrier.js';

export { credentialHeader, credentialParameter, usesApiKeys } from './credential-carrier.js';

/** A compiled scheme: the Body's security scheme and what else it needs. */
export type Compiled = { kind: 'apiKey' | 'authorizer'; scheme: Cfn; lambdaArn?: string; scoped: boolean };

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+_[A-Za-z0-9]+)\/?$/;
/** API Gateway mapping expressions (API_Authorizer.html, identitySource). */
const IDENTITY_SOURCE = /^(method\.request\.(header|querystring)\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

/**
 * Where the scheme's credential is, as an identity source. A cookie is in the Cookie header: API
 * Gateway maps whole headers only, so a cache keyed on it is keyed on every cookie the caller
 * sends, the credential among them (finer than the credential, never coarser).
 */
function credentialSource(scheme: SecurityScheme): string {
  if (scheme.kind === 'apiKey') {
    const k = scheme.apiKey;
    if (!k) return 'method.request.header.authorization';
    if (k.in === 'cookie') return 'method.request.header.Cookie';
    return `method.request.${k.in === 'header' ? 'header' : 'querystring'}.${k.name}`;
  }
  return `method.request.header.${credentialHeader(scheme) ?? 'authorization'}`;
}

/**
 * Whether two identity sources name the same request value: header names are case-insensitive
 * (HTTP), query parameter names are not (API Gateway passes `?key=` and `?KEY=` as two
 * parameters, so a cache keyed on one is not keyed on the other).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */
function sameSource(a: string, b: string): boolean {
  const header = /^method\.request\.header\.(.+)$/;
  const ha = header.exec(a);
  const hb = header.exec(b);
  if (ha || hb) return !!ha && !!hb && ha[1]!.toLowerCase() === hb[1]!.toLowerCase();
  return a === b;
}

/** The scheme as API Gateway's security scheme, or undefined after an error at the scheme. */
export function buildScheme(ctx: Ctx, scheme: SecurityScheme): Compiled | undefined {
  if (!/^[A-Za-z0-9._-]+$/.test(scheme.name)) {
    ctx.report('aws-scheme-name-invalid', { scheme: scheme.name }, scheme.loc);
    return undefined;
  }
  if (scheme.lambdaAuthorizer) return lambdaAuthorizer(ctx, scheme, scheme.lambdaAuthorizer);
  if (scheme.kind === 'apiKey') {
    const k = scheme.apiKey;
    if (!k || k.in !== 'header' || k.name.toLowerCase() !== 'x-api-key') {
      ctx.report('aws-api-key-location', { scheme: scheme.name, in: k?.in ?? '?', name: k?.name ?? '?' }, scheme.loc);
      return undefined;
    }
    return { kind: 'apiKey', scoped: false, scheme: { type: 'apiKey', name: 'x-api-key', in: 'header' } };
  }
  if (scheme.kind === 'jwt') return cognito(ctx, scheme);
  // Unreachable: basic and forward are unsupported on aws unless the scheme names a lambdaAuthorizer.
  ctx.report('aws-scheme-needs-authorizer', { scheme: scheme.name, kind: scheme.kind }, scheme.loc);
  return undefined;
}

function cognito(ctx: Ctx, scheme: SecurityScheme): Compiled | undefined {
  const jwt = scheme.jwt;
  const m = COGNITO_ISSUER.exec(jwt?.issuer ?? '');
  if (!jwt || !m) {
    ctx.report('aws-jwt-issuer-not-cognito', { scheme: scheme.name, issuer: jwt?.issuer ?? '' }, scheme.loc);
    return undefined;
  }
  if (jwt.audiences.length > 0) {
    ctx.report('aws-cognito-audiences', { scheme: scheme.name, audiences: jwt.audiences.join(', ') }, scheme.loc);
    return undefined;
  }
  // The authorizer admits a token of any app client of the pool: only with anyAudience (jwt-audience.ts).
  if (!jwt.anyAudience) {
    ctx.report('jwt-audience-missing', { scheme: scheme.name, keys: "its Cognito user pool's keys" }, scheme.loc);
    return undefined;
  }
  if (!isHeaderName(jwt.header)) {
    ctx.report('aws-jwt-header-invalid', { scheme: scheme.name, header: jwt.header }, scheme.loc);
    return undefined;
  }
  const [, region, pool] = m;
  return {
    kind: 'authorizer',
    scoped: true,
    scheme: {
      type: 'apiKey',
      name: jwt.header,
      in: 'header',
      'x-amazon-apigateway-authtype': 'cognito_user_pools',
      'x-amazon-apigateway-authorizer': {
        type: 'cognito_user_pools',
        // The pool's account is not in the issuer URL: the stack's own account is assumed.
        providerARNs: [sub(`arn:\${AWS::Partition}:cognito-idp:${region}:\${AWS::AccountId}:userpool/${pool}`)],
      },
    },
  };
}

function lambdaAuthorizer(ctx: Ctx, scheme: SecurityScheme, spec: LambdaAuthorizer): Compiled | undefined {
  // An integration request parameter replaces a whole header: API Gateway cannot take one cookie
  // out of the Cookie header, so a hidden cookie credential would reach the backend (DESIGN.md 7.3).
  // Unless the scheme says the backend reads no cookie (backendCookies: none): the whole header is blanked.
  if (scheme.hideCredentials && scheme.kind === 'apiKey' && scheme.apiKey?.in === 'cookie' && scheme.backendCookies !== 'none') {
    ctx.report('aws-credential-unhidden', { scheme: scheme.name, where: `cookie ${scheme.apiKey.name}` }, scheme.loc);
    return undefined;
  }
  if (keptCookieRefused(ctx, scheme) || cookieSourceRefused(ctx, scheme) || contextHeadersRefused(ctx, scheme)) return undefined;
  if (spec.type === 'request') requestAuthorizerCookie(ctx, scheme);
  const uri = lambdaUri(spec.arn);
  if (!uri) {
    ctx.report('aws-lambda-arn-invalid', { owner: 'security scheme', name: scheme.name, arn: spec.arn }, spec.loc);
    return undefined;
  }
  const header = credentialHeader(scheme);
  const cookie = scheme.kind === 'apiKey' && scheme.apiKey?.in === 'cookie';
  const sources = spec.identitySource ?? (header ? [`method.request.header.${header}`] : cookie ? ['method.request.header.Cookie'] : []);
  // A token authorizer reads exactly one header; a request authorizer with no source is invoked
  // for every request, which is allowed while its result is not cached.
  const valid =
    sources.every((x) => IDENTITY_SOURCE.test(x)) &&
    (spec.type === 'token' ? sources.length === 1 && sources[0]!.startsWith('method.request.header.') : sources.length > 0 || !spec.ttlSeconds);
  if (!valid) {
    const given = sources.length > 0 ? sources.join(', ') : 'none';
    ctx.report('aws-authorizer-identity-source', { scheme: scheme.name, type: spec.type, sources: given }, spec.loc);
    return undefined;
  }
  // A cached policy is keyed on the identity sources only (DESIGN.md 7.4): they must hold the
  // credential the function verifies, or one caller's Allow serves another.
  const credential = credentialSource(scheme);
  if ((spec.ttlSeconds ?? 0) > 0 && !sources.some((x) => sameSource(x, credential))) {
    ctx.report('aws-authorizer-cache-unkeyed', { scheme: scheme.name, sources: sources.join(', '), credential }, spec.loc);
    return undefined;
  }
  const authorizer: Cfn = {
    type: spec.type,
    authorizerUri: uri,
    // A cached policy is reused for other methods of the API: 0 unless the user chose a TTL.
    authorizerResultTtlInSeconds: spec.ttlSeconds ?? 0,
  };
  if (sources.length > 0) authorizer.identitySource = sources.join(', ');
  return {
    kind: 'authorizer',
    scoped: false,
    lambdaArn: spec.arn,
    scheme: {
      // OpenAPI needs a name and place for an apiKey-typed scheme; API Gateway reads the
      // identity from identitySource (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-input.html).
      type: 'apiKey',
      name: spec.type === 'token' ? sources[0]!.slice('method.request.header.'.length) : header ?? 'Unused',
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': authorizer,
    },
  };
}

/**
 * How API Gateway verifies a scheme without its forwardAuth service, which it can never call
 * (forward-fallback.ts): the scheme's Lambda authorizer whatever its kind, else its own API keys
 * or JWT/Cognito authorizer; undefined for a scheme it cannot verify (refused by its feature).
 */
export function awsVerifiedBy(s: SecurityScheme): string | undefined {
  if (s.lambdaAuthorizer) return 'with its Lambda authorizer';
  if (s.kind === 'apiKey') return 'with API Gateway API keys';
  if (s.kind === 'jwt') return 'with a JWT or Cognito authorizer';
  return undefined;
}

/** awsVerifiedBy for an HTTP API, which has no API keys (an API key scheme needs its Lambda authorizer there). */
export function awsHttpVerifiedBy(s: SecurityScheme): string | undefined {
  return s.kind === 'apiKey' && !s.lambdaAuthorizer ? undefined : awsVerifiedBy(s);
}

/** The request headers a scheme's Lambda authorizer is given (identitySource), lowercased: it verifies them, not the forwardAuth service. */
export function awsVerifierReads(s: SecurityScheme): string[] {
  return (s.lambdaAuthorizer?.identitySource ?? []).flatMap((src) => {
    const m = /^method\.request\.header\.(.+)$/.exec(src);
    return m ? [m[1]!.toLowerCase()] : [];
  });
}

/**
 * forwardFallback's answersUnset for both flavours: an accepted `auth.forward` gap leaves a scheme's
 * answer headers unset where every route requiring it goes to an HTTP backend, which gets every
 * '-'/'_' spelling of them emptied (REST neutralise.ts neutraliseOverrides, since 1b77f2d) or removed
 * (HTTP API integrations.ts neutralise) on every route; a Lambda function receives every header the
 * client sent, so a forged answer header reaches it.
 */
export function answersUnsetOnLambda(gateway: Gateway): (s: SecurityScheme) => string | undefined {
  return (s) => {
    const lambda = gateway.routes.find((r) => r.security.some((alt) => alt.some((i) => i.scheme === s.name)) && gateway.backends.find((b) => b.name === r.backend)?.lambda);
    return lambda ? `route ${lambda.id} requiring ${s.name} goes to a Lambda function, which API Gateway hands every header the client sent (a forged answer header with them)` : undefined;
  };
}
