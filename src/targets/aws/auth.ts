/**
 * Security on each operation (API Gateway ignores root-level `security`) and the security schemes
 * API Gateway understands:
 * - API keys: a scheme `{type: apiKey, name: x-api-key, in: header}` marks the method
 *   apiKeyRequired (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html);
 * - Cognito user pool authorizers, `x-amazon-apigateway-authtype: cognito_user_pools`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html);
 * - Lambda authorizers, `x-amazon-apigateway-authtype: custom`, from the scheme's
 *   `x-gateway.lambdaAuthorizer` whatever the scheme's kind: the user named the function API
 *   Gateway is to run, so it replaces the native check too
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html).
 * A method has at most one authorizer and one API key requirement; anything more is refused.
 */
import { AUTH_FEATURE } from '../../model/route-features.js';
import type { LambdaAuthorizer, Route, SecurityScheme } from '../../model/types.js';
import { lambdaUri } from './backends.js';
import { type Cfn, type Ctx, sub } from './context.js';
import { isHeaderName } from './escape.js';

/** A scheme checked by API Gateway's own API keys (a usage plan), not by an authorizer. */
export function usesApiKeys(scheme: SecurityScheme | undefined): boolean {
  return scheme?.kind === 'apiKey' && !scheme.lambdaAuthorizer;
}

/**
 * The header carrying the scheme's credential, for the token authorizer's default identity source
 * and for hiding the credential from the backend; undefined when it is not in a header.
 */
export function credentialHeader(scheme: SecurityScheme): string | undefined {
  if (usesApiKeys(scheme)) return 'x-api-key';
  if (scheme.kind === 'apiKey') return scheme.apiKey?.in === 'header' ? scheme.apiKey.name : undefined;
  if (scheme.kind === 'jwt') return scheme.jwt?.header ?? 'authorization';
  return 'authorization'; // basic, bearer tokens for a forward service or a Lambda authorizer
}

/**
 * Where the scheme's credential is, as an identity source; undefined for a cookie (API Gateway
 * maps whole headers only, so the Cookie header would be the closest and is not the credential).
 */
function credentialSource(scheme: SecurityScheme): string | undefined {
  if (scheme.kind === 'apiKey') {
    const k = scheme.apiKey;
    if (!k || k.in === 'cookie') return undefined;
    return `method.request.${k.in === 'header' ? 'header' : 'querystring'}.${k.name}`;
  }
  return `method.request.header.${credentialHeader(scheme) ?? 'authorization'}`;
}

type Compiled = { kind: 'apiKey' | 'authorizer'; scheme: Cfn; lambdaArn?: string; scoped: boolean };

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+_[A-Za-z0-9]+)\/?$/;
/** API Gateway mapping expressions (API_Authorizer.html, identitySource). */
const IDENTITY_SOURCE = /^(method\.request\.(header|querystring)\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

export class Auth {
  /** Compiled schemes by name; undefined marks a scheme already refused (one diagnostic each). */
  private readonly compiled = new Map<string, Compiled | undefined>();
  readonly authorizerFunctions = new Set<string>();
  apiKeyUsed = false;
  /** Native API-key schemes by name, with the first route requiring each (see checkApiKeySchemes). */
  readonly apiKeySchemes = new Map<string, Route>();

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
    // Why each scheme of the route is not enforced: an accepted gap, or refused (a capability
    // error or a scheme that does not compile, each already reported as an error).
    const accepted: string[] = [];
    const refused: string[] = [];
    for (const item of alternatives[0] ?? []) {
      const scheme = ctx.scheme(item.scheme);
      if (!scheme) {
        refused.push(item.scheme);
        continue;
      }
      const feature = AUTH_FEATURE[scheme.kind];
      if (!ctx.plan.enforced(route.id, feature)) {
        (ctx.plan.mode(route.id, feature) === 'accepted' ? accepted : refused).push(scheme.name);
        continue;
      }
      const c = this.compile(scheme);
      if (!c) {
        refused.push(scheme.name);
        continue;
      }
      if (c.kind === 'apiKey') {
        if (!this.apiKeySchemes.has(scheme.name)) this.apiKeySchemes.set(scheme.name, route);
        if (apiKey) continue; // the same x-api-key check; two schemes are refused by checkApiKeySchemes
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
      const where = route.securityLoc ?? route.loc;
      if (refused.length > 0) {
        // Fail closed here too, not only through the scheme's own error: never a template with the route open.
        const gaps = accepted.length > 0 ? `; accepted gaps: ${accepted.join(', ')}` : '';
        ctx.error(`route ${route.id} declares security but none of it can be enforced on aws (refused: ${refused.join(', ')}${gaps}); no template is written rather than one with the route PUBLIC`, where);
      } else {
        ctx.warn(`route ${route.id} declares security but none of it is enforced on aws (accepted gaps: ${accepted.join(', ')}): the route is PUBLIC there`, where);
      }
      return undefined;
    }
    return [requirement];
  }

  /**
   * API Gateway's API-key check is one flag per method ("API key required"), passed by any enabled
   * key of any usage plan on the stage: it cannot tell one scheme's keys from another's. So a second
   * native API-key scheme would be merged into the first and its consumers' keys would open the
   * first scheme's routes (and back): refused, naming both schemes and a route of each.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
   */
  checkApiKeySchemes(): void {
    const [first, ...others] = [...this.apiKeySchemes];
    if (!first) return;
    for (const [scheme, route] of others) {
      this.ctx.report(
        'aws-api-key-schemes-merged',
        { route: route.id, scheme, otherRoute: first[1].id, otherScheme: first[0] },
        route.securityLoc ?? route.loc,
      );
    }
  }

  /** The one native API-key scheme routes require, whose consumers' keys go in the usage plan. */
  apiKeyScheme(): string | undefined {
    return this.apiKeySchemes.size === 1 ? [...this.apiKeySchemes.keys()][0] : undefined;
  }

  /**
   * The method request parameters that carry the caller's verified credential for the scheme:
   * what API Gateway checked before the integration (and its cache) is reached. An API key is
   * the x-api-key header; a Cognito or token authorizer verifies exactly its header; a request
   * authorizer's identity sources are what API Gateway requires and keys the authorizer's own
   * result on. Undefined (with the reason) when the identity is not a request parameter.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-input.html
   */
  identityParameters(name: string): { params: string[] } | { why: string } {
    const c = this.compiled.get(name);
    if (!c) return { why: 'its scheme is not compiled' };
    const authtype = c.scheme['x-amazon-apigateway-authtype'];
    if (c.kind === 'apiKey') return { params: ['method.request.header.x-api-key'] };
    if (authtype === 'cognito_user_pools') return { params: [`method.request.header.${String(c.scheme.name)}`] };
    const authorizer = c.scheme['x-amazon-apigateway-authorizer'] as { identitySource?: string } | undefined;
    const sources = (authorizer?.identitySource ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    if (sources.length === 0) return { why: 'its Lambda authorizer has no identity source to key the cache on' };
    const other = sources.filter((x) => !/^method\.request\.(header|querystring)\./.test(x));
    if (other.length > 0) return { why: `the identity sources ${other.join(', ')} cannot be cache keys (only request headers and query parameters can)` };
    return { params: sources };
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
    if (scheme.lambdaAuthorizer) return this.lambdaAuthorizer(scheme, scheme.lambdaAuthorizer);
    if (scheme.kind === 'apiKey') {
      const k = scheme.apiKey;
      if (!k || k.in !== 'header' || k.name.toLowerCase() !== 'x-api-key') {
        ctx.error(`security scheme ${scheme.name}: API Gateway reads API keys from the x-api-key header only, not ${k?.in ?? '?'} "${k?.name ?? '?'}" (give the scheme an x-gateway.lambdaAuthorizer to check it there)`, scheme.loc);
        return undefined;
      }
      return { kind: 'apiKey', scoped: false, scheme: { type: 'apiKey', name: 'x-api-key', in: 'header' } };
    }
    if (scheme.kind === 'jwt') return this.cognito(scheme);
    // Unreachable: basic and forward are unsupported on aws unless the scheme names a lambdaAuthorizer.
    ctx.error(`security scheme ${scheme.name} (${scheme.kind}) cannot be enforced by API Gateway without a Lambda authorizer`, scheme.loc);
    return undefined;
  }

  private cognito(scheme: SecurityScheme): Compiled | undefined {
    const { ctx } = this;
    const jwt = scheme.jwt;
    const m = COGNITO_ISSUER.exec(jwt?.issuer ?? '');
    if (!jwt || !m) {
      ctx.error(
        `security scheme ${scheme.name}: issuer "${jwt?.issuer ?? ''}" is not a Cognito user pool; REST APIs verify JWTs natively only with a Cognito user pool authorizer (issuer https://cognito-idp.<region>.amazonaws.com/<pool id>), otherwise give the scheme an x-gateway.lambdaAuthorizer`,
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

  private lambdaAuthorizer(scheme: SecurityScheme, spec: LambdaAuthorizer): Compiled | undefined {
    const { ctx } = this;
    const uri = lambdaUri(spec.arn);
    if (!uri) {
      ctx.error(`security scheme ${scheme.name}: "${spec.arn}" is not a Lambda function ARN`, spec.loc);
      return undefined;
    }
    const header = credentialHeader(scheme);
    const sources = spec.identitySource ?? (header ? [`method.request.header.${header}`] : []);
    // A token authorizer reads exactly one header; a request authorizer with no source is invoked
    // for every request, which is allowed while its result is not cached.
    const valid =
      sources.every((x) => IDENTITY_SOURCE.test(x)) &&
      (spec.type === 'token' ? sources.length === 1 && sources[0]!.startsWith('method.request.header.') : sources.length > 0 || !spec.ttlSeconds);
    if (!valid) {
      const given = sources.length > 0 ? sources.join(', ') : 'none';
      ctx.error(`security scheme ${scheme.name}: identity sources (${given}) are not valid for a ${spec.type} Lambda authorizer; set x-gateway.lambdaAuthorizer.identitySource`, spec.loc);
      return undefined;
    }
    // A cached policy is keyed on the identity sources only (DESIGN.md 7.4): they must hold the
    // credential the function verifies, or one caller's Allow serves another.
    const credential = credentialSource(scheme);
    if ((spec.ttlSeconds ?? 0) > 0 && credential && !sources.some((x) => x.toLowerCase() === credential.toLowerCase())) {
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
}
