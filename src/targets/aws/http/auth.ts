/**
 * A route's authorization on an HTTP API: NONE only for a route the spec declares public, else
 * exactly one authorizer with the scopes AWS can check. API Gateway admits a JWT whose scope (or
 * scp) claim holds ANY of a route's AuthorizationScopes
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html),
 * so the only security an HTTP API route expresses is "this scheme, and one of these scopes".
 * Anything else is refused, never widened (DESIGN.md 7.1).
 */
import type { RequirementItem, Route } from '../../../model/types.js';
import type { Cfn } from '../context.js';
import { ref } from '../context.js';
import type { Authorizers } from './authorizers.js';
import type { HttpCtx } from './context.js';

/** The Route properties for its authorization, or undefined after a refusal. */
export function routeAuthorization(ctx: HttpCtx, authorizers: Authorizers, route: Route): Cfn | undefined {
  // A route with no security requirement reached here only because the spec said public: true
  // (the core refuses an undecided one, security-undecided); anything else has an authorizer.
  const at = route.securityLoc ?? route.loc;
  // Never silent, never open: each guard below is a refusal the core already made (security-undecided,
  // auth.optional, auth.and are unsupported in capabilities.ts); said again here should that change.
  const refuse = (feature: string, why: string) => {
    ctx.report('capability-unsupported', { route: route.id, feature, target: 'aws', why }, at);
    return undefined;
  };
  if (route.security.length === 0) return route.declaredPublic ? { AuthorizationType: 'NONE' } : refuse('auth', 'a route with no security requirement must be declared public');
  const items = route.security.map((alt) => alt[0]);
  if (route.optionalAuth) return refuse('auth.optional', 'an HTTP API route either requires its authorizer or not');
  if (route.security.some((alt) => alt.length !== 1) || items.some((i) => !i)) return refuse('auth.and', 'an HTTP API route runs exactly one authorizer');
  const one = items as RequirementItem[];
  const schemeName = one[0]!.scheme;
  if (one.some((i) => i.scheme !== schemeName)) {
    ctx.report('aws-http-auth-alternatives', { route: route.id, alternatives: describe(route) }, at);
    return undefined;
  }
  const scheme = ctx.scheme(schemeName);
  if (!scheme) return refuse('auth', `security scheme ${schemeName} is not defined`);
  const authorizer = authorizers.of(scheme);
  if (!authorizer) return undefined;
  const scopes = scopesOf(ctx, route, one, authorizer.kind === 'jwt', at);
  if (!scopes) return undefined;
  const props: Cfn = { AuthorizationType: authorizer.kind === 'jwt' ? 'JWT' : 'CUSTOM', AuthorizerId: ref(authorizer.id) };
  if (scopes.length > 0) props.AuthorizationScopes = scopes;
  return props;
}

/**
 * The AuthorizationScopes that admit exactly the callers the requirement does: one alternative
 * with its scopes (at most one), or alternatives of the same scheme with one scope each (any of
 * them). An alternative without scopes admits every valid token, so the others add nothing.
 */
function scopesOf(ctx: HttpCtx, route: Route, items: RequirementItem[], jwt: boolean, at: Route['loc']): string[] | undefined {
  const scheme = items[0]!.scheme;
  const scoped = items.filter((i) => i.scopes.length > 0);
  if (scoped.length === 0) return [];
  if (!jwt) {
    ctx.report('aws-http-scopes-unenforced', { route: route.id, scheme, scopes: [...new Set(scoped.flatMap((i) => i.scopes))].join(', ') }, at);
    return undefined;
  }
  const all = scoped.find((i) => i.scopes.length > 1);
  if (all) {
    if (items.length === 1) ctx.report('aws-http-scopes-all', { route: route.id, scheme, scopes: all.scopes.join(', ') }, at);
    else ctx.report('aws-http-auth-alternatives', { route: route.id, alternatives: describe(route) }, at);
    return undefined;
  }
  // Some alternative needs no scope: any valid token of the scheme passes.
  if (scoped.length < items.length) return [];
  return [...new Set(scoped.map((i) => i.scopes[0]!))].sort();
}

function describe(route: Route): string {
  return route.security.map((alt) => alt.map((i) => (i.scopes.length > 0 ? `${i.scheme} [${i.scopes.join(', ')}]` : i.scheme)).join(' + ')).join(' | ');
}
