/**
 * Security on each operation (API Gateway ignores root-level `security`): which compiled scheme
 * (authorizers.ts) each method requires, at most one authorizer and one API-key requirement per
 * method, at most one native API-key scheme per API, and the verified identity a cache can key on.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
 */
import { AUTH_FEATURE } from '../../model/route-features.js';
import type { Route, SecurityScheme } from '../../model/types.js';
import { buildScheme, type Compiled } from './authorizers.js';
import { type Cfn, type Ctx } from './context.js';

export { credentialHeader, credentialParameter, usesApiKeys } from './authorizers.js';

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
      ctx.report('aws-auth-first-alternative', { route: route.id, alternatives: alternatives.length }, route.securityLoc ?? route.loc);
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
      // OpenAPI: every listed scope is required. API Gateway's Method.AuthorizationScopes admits a
      // token carrying ANY ONE of them, so two scopes would admit a token holding either.
      // https://docs.aws.amazon.com/apigateway/latest/api/API_Method.html#apigw-Type-Method-authorizationScopes
      const scopes = [...new Set(item.scopes)];
      if (c.scoped && scopes.length > 1) {
        ctx.report('aws-cognito-scopes-any', { route: route.id, scheme: scheme.name, scopes: scopes.join(', ') }, route.securityLoc ?? route.loc);
        continue;
      }
      if (item.scopes.length > 0 && !c.scoped) {
        ctx.report('aws-authorizer-scopes', { route: route.id, scheme: scheme.name, scopes: item.scopes.join(' ') }, route.securityLoc ?? route.loc);
      }
      requirement[scheme.name] = c.scoped ? scopes : [];
    }
    if (authorizers > 1) {
      const schemes = Object.keys(requirement).filter((n) => ctx.scheme(n) && this.compiled.get(n)?.kind === 'authorizer');
      ctx.report('aws-authorizers-and', { route: route.id, schemes: schemes.join(', ') }, route.securityLoc ?? route.loc);
    }
    if (Object.keys(requirement).length === 0) {
      const where = route.securityLoc ?? route.loc;
      if (refused.length > 0) {
        // Fail closed here too, not only through the scheme's own error: never a template with the route open.
        ctx.report('aws-auth-unenforceable', { route: route.id, refused: refused.join(', '), accepted: accepted.join(', ') }, where);
      } else {
        ctx.report('aws-auth-public', { route: route.id, accepted: accepted.join(', ') }, where);
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
    const c = buildScheme(this.ctx, scheme);
    this.compiled.set(scheme.name, c);
    if (c?.lambdaArn) this.authorizerFunctions.add(c.lambdaArn);
    return c;
  }
}
