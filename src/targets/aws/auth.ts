/**
 * Security on each operation (API Gateway ignores root-level `security`) and the security schemes
 * API Gateway understands:
 * - API keys: a scheme `{type: apiKey, name: x-api-key, in: header}` marks the method
 *   apiKeyRequired (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html);
 * - Cognito user pool authorizers, `x-amazon-apigateway-authtype: cognito_user_pools`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html);
 * - Lambda authorizers, `x-amazon-apigateway-authtype: custom`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html).
 * A method has at most one authorizer and one API key requirement; anything more is refused.
 */
import type { FeatureId } from '../../model/features.js';
import type { Route, SecurityScheme } from '../../model/types.js';
import { lambdaUri } from './backends.js';
import { type Cfn, type Ctx, sub } from './context.js';
import { isHeaderName } from './escape.js';

/**
 * A Lambda authorizer the user supplies. The model has no such field yet (requested from the
 * lead as `SecurityScheme.lambdaAuthorizer`, read from the scheme's `x-gateway.lambdaAuthorizer`);
 * it is read here when present so the compiler is ready for it.
 */
export interface LambdaAuthorizerSpec {
  arn: string;
  type?: 'token' | 'request';
  identitySource?: string[];
  ttlSeconds?: number;
}

type Compiled = { kind: 'apiKey' | 'authorizer'; scheme: Cfn; lambdaArn?: string; scoped: boolean };

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+_[A-Za-z0-9]+)\/?$/;
const FEATURE: Record<SecurityScheme['kind'], FeatureId> = {
  apiKey: 'auth.apiKey',
  basic: 'auth.basic',
  jwt: 'auth.jwt',
  forward: 'auth.forward',
  lambda: 'auth.lambda',
};

export class Auth {
  /** Compiled schemes by name; undefined marks a scheme already refused (one diagnostic each). */
  private readonly compiled = new Map<string, Compiled | undefined>();
  readonly authorizerFunctions = new Set<string>();
  apiKeyUsed = false;

  constructor(private readonly ctx: Ctx) {}

  /** The operation's `security`, or undefined for a public route. */
  operationSecurity(route: Route): Array<Record<string, string[]>> | undefined {
    const { ctx } = this;
    if (route.security.length === 0) return undefined;
    let alternatives = route.security;
    if (alternatives.length > 1 && !ctx.plan.enforced(route.id, 'auth.or')) {
      // The gap was accepted: enforce the first alternative only, which refuses the callers of the
      // others rather than letting anyone in.
      ctx.warn(`route ${route.id}: only the first of its ${alternatives.length} security alternatives is enforced`, route.securityLoc ?? route.loc);
      alternatives = alternatives.slice(0, 1);
    }
    if (alternatives.length > 1) return undefined; // unreachable: auth.or is unsupported, the core refused it
    const requirement: Record<string, string[]> = {};
    let authorizers = 0;
    let apiKey = false;
    for (const item of alternatives[0] ?? []) {
      const scheme = ctx.scheme(item.scheme);
      if (!scheme || !ctx.plan.enforced(route.id, FEATURE[scheme.kind])) continue;
      const c = this.compile(scheme);
      if (!c) continue;
      if (c.kind === 'apiKey') {
        if (apiKey) continue; // every API key scheme is the same x-api-key header
        apiKey = true;
        this.apiKeyUsed = true;
        requirement[scheme.name] = [];
        continue;
      }
      authorizers += 1;
      if (item.scopes.length > 0 && !c.scoped) {
        ctx.error(`route ${route.id}: API Gateway does not check scopes (${item.scopes.join(' ')}) for a Lambda authorizer; the function must, and gwc cannot tell it which`, route.securityLoc ?? route.loc);
      }
      requirement[scheme.name] = c.scoped ? [...item.scopes] : [];
    }
    if (authorizers > 1) {
      ctx.error(`route ${route.id}: API Gateway runs one authorizer per method; ${authorizers} schemes are required together`, route.securityLoc ?? route.loc);
    }
    if (Object.keys(requirement).length === 0) {
      ctx.warn(`route ${route.id} declares security but none of it is enforced on aws (accepted gaps): the route is PUBLIC there`, route.securityLoc ?? route.loc);
      return undefined;
    }
    return [requirement];
  }

  /** components.securitySchemes for the Body: only the schemes some operation uses. */
  schemes(): Record<string, Cfn> {
    const out: Record<string, Cfn> = {};
    for (const name of [...this.compiled.keys()].sort()) {
      const c = this.compiled.get(name);
      if (c) out[name] = c.scheme;
    }
    return out;
  }

  private compile(scheme: SecurityScheme): Compiled | undefined {
    if (this.compiled.has(scheme.name)) return this.compiled.get(scheme.name);
    const c = this.build(scheme);
    this.compiled.set(scheme.name, c);
    if (c?.lambdaArn) this.authorizerFunctions.add(c.lambdaArn);
    return c;
  }

  private build(scheme: SecurityScheme): Compiled | undefined {
    const { ctx } = this;
    if (!/^[A-Za-z0-9._-]+$/.test(scheme.name)) {
      ctx.error(`security scheme name "${scheme.name}" is not a valid OpenAPI component name`, scheme.loc);
      return undefined;
    }
    if (scheme.kind === 'apiKey') {
      const k = scheme.apiKey;
      if (!k || k.in !== 'header' || k.name.toLowerCase() !== 'x-api-key') {
        ctx.error(`security scheme ${scheme.name}: API Gateway reads API keys from the x-api-key header only, not ${k?.in ?? '?'} "${k?.name ?? '?'}"`, scheme.loc);
        return undefined;
      }
      return { kind: 'apiKey', scoped: false, scheme: { type: 'apiKey', name: 'x-api-key', in: 'header' } };
    }
    const lambda = (scheme as SecurityScheme & { lambdaAuthorizer?: LambdaAuthorizerSpec }).lambdaAuthorizer;
    if (lambda) return this.lambdaAuthorizer(scheme, lambda);
    if (scheme.kind === 'jwt') return this.cognito(scheme);
    ctx.error(`security scheme ${scheme.name} (${scheme.kind}) cannot be enforced by API Gateway without a Lambda authorizer`, scheme.loc);
    return undefined;
  }

  private cognito(scheme: SecurityScheme): Compiled | undefined {
    const { ctx } = this;
    const jwt = scheme.jwt;
    const m = COGNITO_ISSUER.exec(jwt?.issuer ?? '');
    if (!jwt || !m) {
      ctx.error(
        `security scheme ${scheme.name}: issuer "${jwt?.issuer ?? ''}" is not a Cognito user pool; REST APIs verify JWTs natively only with a Cognito user pool authorizer (issuer https://cognito-idp.<region>.amazonaws.com/<pool id>), otherwise through a Lambda authorizer`,
        scheme.loc,
      );
      return undefined;
    }
    if (jwt.audiences.length > 0) {
      ctx.error(`security scheme ${scheme.name}: a Cognito user pool authorizer does not check the token audience (${jwt.audiences.join(', ')}); remove audiences to accept any app client of the pool`, scheme.loc);
      return undefined;
    }
    if (!isHeaderName(jwt.header)) {
      ctx.error(`security scheme ${scheme.name}: "${jwt.header}" is not a header name`, scheme.loc);
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

  private lambdaAuthorizer(scheme: SecurityScheme, spec: LambdaAuthorizerSpec): Compiled | undefined {
    const { ctx } = this;
    const uri = lambdaUri(spec.arn);
    if (!uri) {
      ctx.error(`security scheme ${scheme.name}: "${spec.arn}" is not a Lambda function ARN`, scheme.loc);
      return undefined;
    }
    const type = spec.type ?? 'token';
    const header = scheme.jwt?.header ?? (scheme.apiKey?.in === 'header' ? scheme.apiKey.name : 'Authorization');
    const sources = spec.identitySource ?? [`method.request.header.${header}`];
    if (!sources.every((s) => /^(method\.request\.(header|querystring)\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|context\.[A-Za-z0-9.]+|stageVariables\.[A-Za-z0-9_]+)$/.test(s)) || (type === 'token' && sources.length !== 1)) {
      ctx.error(`security scheme ${scheme.name}: identity sources ${sources.join(', ')} are not valid for a ${type} authorizer`, scheme.loc);
      return undefined;
    }
    return {
      kind: 'authorizer',
      scoped: false,
      lambdaArn: spec.arn,
      scheme: {
        type: 'apiKey',
        name: header,
        in: 'header',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type,
          authorizerUri: uri,
          identitySource: sources.join(', '),
          // A cached policy is reused for other methods of the API: 0 unless the user chose a TTL.
          authorizerResultTtlInSeconds: spec.ttlSeconds ?? 0,
        },
      },
    };
  }
}
