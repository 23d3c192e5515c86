/**
 * The HTTP API's authorizers, one per security scheme a route uses: a JWT authorizer for a jwt
 * scheme (unless it names a Lambda authorizer), a REQUEST Lambda authorizer for a scheme's
 * `x-gateway.lambdaAuthorizer`. Each refusal is said once, at the scheme.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-authorizer.html
 */
import type { LambdaAuthorizer, SecurityScheme } from '../../../model/types.js';
import { ref, sub } from '../context.js';
import { lambdaUri } from '../lambda-arn.js';
import { cookieSourceRefused, keptCookieRefused, requestAuthorizerCookie } from '../kept-values.js';
import { contextHeadersRefused } from '../context-headers.js';
import { isMappableHeader } from './headers.js';
import { HTTP_IDS, type HttpCtx } from './context.js';
import { audienceUnchecked } from '../../jwt-audience.js';

export interface HttpAuthorizer {
  id: string;
  kind: 'jwt' | 'lambda';
  lambdaArn?: string;
}

/** RSA signatures a JWT authorizer admits (it supports RSA-based algorithms only). */
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/** REST identity source expressions and their HTTP API spelling (`$request.header.NAME`, ...). */
const SOURCE_MAP: Array<[RegExp, string]> = [
  [/^method\.request\.header\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/, '$request.header.'],
  [/^method\.request\.querystring\.([A-Za-z0-9._~-]+)$/, '$request.querystring.'],
  [/^context\.([A-Za-z0-9_.]+)$/, '$context.'],
  [/^stageVariables\.([A-Za-z0-9_]+)$/, '$stageVariables.'],
];

export class Authorizers {
  private readonly built = new Map<string, HttpAuthorizer | null>();
  /** Functions API Gateway invokes as authorizers (each needs a Lambda permission). */
  readonly functions = new Set<string>();

  constructor(private readonly ctx: HttpCtx) {}

  /** The scheme's authorizer, built on first use; undefined after a refusal (said once). */
  of(scheme: SecurityScheme): HttpAuthorizer | undefined {
    if (!this.built.has(scheme.name)) this.built.set(scheme.name, this.build(scheme) ?? null);
    return this.built.get(scheme.name) ?? undefined;
  }

  private build(scheme: SecurityScheme): HttpAuthorizer | undefined {
    // An HTTP API verifies JWTs itself: a jwt scheme's lambdaAuthorizer is the REST flavour's
    // stand-in for the native check REST APIs lack (SecurityScheme.lambdaAuthorizer), not used here.
    if (scheme.kind === 'jwt') return this.jwt(scheme);
    if (scheme.lambdaAuthorizer) return this.lambda(scheme, scheme.lambdaAuthorizer);
    // Unreachable: every other kind is unsupported without a lambdaAuthorizer (capabilities.ts).
    this.ctx.report('capability-unsupported', { route: scheme.name, feature: `auth.${scheme.kind}`, target: 'aws', why: 'HTTP APIs verify JWTs and Lambda authorizers only' }, scheme.loc);
    return undefined;
  }

  /** https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html */
  private jwt(scheme: SecurityScheme): HttpAuthorizer | undefined {
    const { ctx } = this;
    const jwt = scheme.jwt;
    let ok = true;
    if (!jwt?.issuer) {
      ctx.report('aws-http-jwt-issuer-missing', { scheme: scheme.name }, scheme.loc);
      ok = false;
    }
    // A JWT authorizer requires audiences: the shared refusal when none is named (jwt-audience.ts),
    // its own when anyAudience asks for what it cannot do.
    const unchecked = jwt ? audienceUnchecked(scheme) : undefined;
    if (unchecked) {
      ctx.report('jwt-audience-missing', { scheme: scheme.name, keys: unchecked }, scheme.loc);
      ok = false;
    } else if (!jwt || jwt.audiences.length === 0) {
      ctx.report('aws-http-jwt-audience-missing', { scheme: scheme.name }, scheme.loc);
      ok = false;
    }
    // With a jwksUri, publicKeys are the same keys for gateways that cannot fetch a key set; alone,
    // they are keys the authorizer would not use.
    if (jwt && jwt.publicKeys.length > 0 && !jwt.jwksUri) {
      ctx.report('aws-http-jwt-keys-unused', { scheme: scheme.name }, scheme.loc);
      ok = false;
    }
    // AWS admits RSA signatures by the issuer's own keys, nothing else (no HMAC, so no confusion of
    // a public key with a secret). A list with an RSA algorithm keeps the issuer the only signer;
    // a list without one (ES256 only, say) would be widened to RSA tokens the spec refuses.
    if (jwt && jwt.algorithms.length > 0 && !RSA_ALGORITHMS.some((a) => jwt.algorithms.includes(a))) {
      ctx.report('aws-http-jwt-algorithms', { scheme: scheme.name, algorithms: jwt.algorithms.join(', ') }, scheme.loc);
      ok = false;
    }
    if (!ok || !jwt?.issuer) return undefined;
    const issuer = jwt.issuer.replace(/\/$/, '');
    if (jwt.jwksUri && jwt.jwksUri !== `${issuer}/.well-known/jwks.json`) {
      ctx.report('aws-http-jwks-discovered', { scheme: scheme.name, jwksUri: jwt.jwksUri, issuer }, scheme.loc);
    }
    const id = ctx.namer.id('Authorizer', scheme.name);
    ctx.resources[id] = {
      Type: 'AWS::ApiGatewayV2::Authorizer',
      Properties: {
        ApiId: ref(HTTP_IDS.api),
        Name: scheme.name,
        AuthorizerType: 'JWT',
        // The token alone or after "Bearer " in this header (the JWT authorizer's identity source).
        IdentitySource: [`$request.header.${jwt.header}`],
        JwtConfiguration: { Issuer: jwt.issuer, Audience: [...jwt.audiences] },
      },
    };
    return { id, kind: 'jwt' };
  }

  /** https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html */
  private lambda(scheme: SecurityScheme, spec: LambdaAuthorizer): HttpAuthorizer | undefined {
    const { ctx } = this;
    if (spec.type === 'token') {
      ctx.report('aws-http-lambda-token-authorizer', { scheme: scheme.name }, spec.loc);
      return undefined;
    }
    if (keptCookieRefused(ctx, scheme) || cookieSourceRefused(ctx, scheme) || contextHeadersRefused(ctx, scheme)) return undefined;
    const reserved = Object.keys(spec.contextHeaders ?? {}).filter((h) => !isMappableHeader(h));
    for (const header of reserved) ctx.report('aws-context-header-refused', { scheme: scheme.name, header, why: 'HTTP APIs reserve it (no parameter mapping may set it)' }, spec.loc);
    if (reserved.length > 0) return undefined;
    requestAuthorizerCookie(ctx, scheme);
    const uri = lambdaUri(spec.arn);
    if (!uri) {
      ctx.report('aws-http-lambda-arn-invalid', { owner: 'security scheme', name: scheme.name, arn: spec.arn }, spec.loc);
      return undefined;
    }
    const credential = credentialSource(scheme);
    const given = spec.identitySource ?? (credential ? [credential] : []);
    const sources: string[] = [];
    for (const s of given) {
      const m = SOURCE_MAP.map(([re, to]) => [re.exec(s), to] as const).find(([hit]) => hit);
      if (!m) {
        ctx.report('aws-http-authorizer-identity', { scheme: scheme.name, source: s }, spec.loc);
        return undefined;
      }
      sources.push(`${m[1]}${m[0]![1]}`);
    }
    const ttl = spec.ttlSeconds ?? 0;
    // DESIGN.md 7.4: a cached answer is keyed on the identity sources, which must hold the credential.
    const keyed = credential !== undefined && given.some((s) => sameSource(s, credential));
    if (ttl > 0 && !keyed) {
      ctx.report('aws-http-authorizer-cache-unkeyed', { scheme: scheme.name, sources: given.join(', '), credential: credential ?? 'none' }, spec.loc);
      return undefined;
    }
    const id = ctx.namer.id('Authorizer', scheme.name);
    const props: Record<string, unknown> = {
      ApiId: ref(HTTP_IDS.api),
      Name: scheme.name,
      AuthorizerType: 'REQUEST',
      AuthorizerUri: uri,
      // 1.0: the REST request authorizer's event and IAM-policy answer, so the same function works.
      AuthorizerPayloadFormatVersion: '1.0',
      AuthorizerResultTtlInSeconds: ttl,
    };
    if (sources.length > 0) props.IdentitySource = sources;
    ctx.resources[id] = { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: props };
    this.functions.add(spec.arn);
    return { id, kind: 'lambda', lambdaArn: spec.arn };
  }
}

/** Where the scheme's credential is, as a REST identity source (what lambdaAuthorizer.identitySource is written in). */
function credentialSource(scheme: SecurityScheme): string | undefined {
  if (scheme.kind === 'apiKey') {
    const k = scheme.apiKey;
    if (!k) return undefined;
    if (k.in === 'cookie') return 'method.request.header.Cookie';
    return `method.request.${k.in === 'header' ? 'header' : 'querystring'}.${k.name}`;
  }
  return `method.request.header.${scheme.jwt?.header ?? 'authorization'}`;
}

/** Header names compare case-insensitively, query parameter names exactly. */
function sameSource(a: string, b: string): boolean {
  const h = /^method\.request\.header\.(.+)$/;
  const ha = h.exec(a);
  const hb = h.exec(b);
  if (ha || hb) return !!ha && !!hb && ha[1]!.toLowerCase() === hb[1]!.toLowerCase();
  return a === b;
}

/** The Lambda permission source ARN of this API's authorizers and integrations. */
export const apiArn = (path: string) => sub(`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${HTTP_IDS.api}}${path}`);
