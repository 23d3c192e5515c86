/**
 * Which features a route uses, each with the place in the spec that asks for it and the fallbacks
 * the spec supplies for it, by kind (a scheme's forwardAuth or lambdaAuthorizer, a Lambda
 * backend's HTTP fallbackUrl).
 */
import type { Loc } from '../diagnostics/diagnostic.js';
import type { FallbackKind, FeatureId } from './features.js';
import type { Gateway, Route, SecurityScheme } from './types.js';
import { POLICIES, USES_AFTER_ROUTE, USES_FIRST, type PolicyId } from './policies/index.js';

export type Fallbacks = Partial<Record<FallbackKind, Loc>>;

export interface FeatureUse {
  feature: FeatureId;
  loc: Loc;
  /** Only kinds every use of the feature on the route supplies (see `add`). */
  fallbacks?: Fallbacks;
}

export const AUTH_FEATURE = {
  apiKey: 'auth.apiKey',
  basic: 'auth.basic',
  jwt: 'auth.jwt',
  forward: 'auth.forward',
  lambda: 'auth.lambda',
  iam: 'auth.iam',
} as const satisfies Record<SecurityScheme['kind'], FeatureId>;

/** Scheme kinds whose requirement scopes are roles checked against the consumer's groups. */
export const ROLE_KINDS: ReadonlySet<SecurityScheme['kind']> = new Set(['apiKey', 'basic']);

/** The fallbacks a scheme supplies besides its own kind (a forward scheme's forwardAuth is the scheme); undefined for none. */
function schemeFallbacks(scheme: SecurityScheme): Fallbacks | undefined {
  // Most schemes supply none: no object for them (#18: routeFeatures runs once per route).
  if (!scheme.forwardAuth && !scheme.lambdaAuthorizer) return undefined;
  const out: Fallbacks = {};
  if (scheme.forwardAuth && scheme.kind !== 'forward') out.forwardAuth = scheme.forwardAuth.loc;
  if (scheme.lambdaAuthorizer && scheme.kind !== 'lambda') out.lambdaAuthorizer = scheme.lambdaAuthorizer.loc;
  return out;
}

export function routeFeatures(gateway: Gateway, route: Route): FeatureUse[] {
  const uses: FeatureUse[] = [];
  // `fallbacks` absent: none (no empty object made for each of a route's features, #18).
  const add = (feature: FeatureId, loc: Loc, fallbacks?: Fallbacks) => {
    const seen = uses.find((u) => u.feature === feature);
    if (!seen) {
      uses.push(fallbacks && Object.keys(fallbacks).length > 0 ? { feature, loc, fallbacks } : { feature, loc });
      return;
    }
    // Two schemes of one kind on a route: a fallback counts only if both supply it, or the
    // target would build the one without it open.
    if (!seen.fallbacks) return;
    for (const kind of Object.keys(seen.fallbacks) as FallbackKind[]) if (!fallbacks?.[kind]) delete seen.fallbacks[kind];
    if (Object.keys(seen.fallbacks).length === 0) delete seen.fallbacks;
  };
  const secLoc = route.securityLoc ?? route.loc;
  if (route.security.length > 1) add('auth.or', secLoc);
  if (route.optionalAuth) add('auth.optional', secLoc);
  for (const alternative of route.security) {
    if (alternative.length > 1) add('auth.and', secLoc);
    for (const item of alternative) {
      const scheme = gateway.securitySchemes.find((s) => s.name === item.scheme);
      if (!scheme) continue;
      add(AUTH_FEATURE[scheme.kind], secLoc, schemeFallbacks(scheme));
      // OpenAPI: for schemes other than oauth2/openIdConnect the list names roles (3.1 section 4.8.30).
      // JWT scopes are checked against the token's scope claim under auth.jwt; a forward-auth
      // service is sent them. API keys and basic users get their roles from consumers.*.groups.
      if (item.scopes.length > 0 && ROLE_KINDS.has(scheme.kind)) add('auth.roles', secLoc);
    }
  }
  // Each policy says where the route asks for it (its unit's `use`, src/model/policies/), in the
  // order kept from before the units (USES_FIRST, then the route's own settings, then the rest).
  const policy = (id: PolicyId) => {
    const unit = POLICIES[id];
    const loc = unit.use(route);
    if (loc) add(unit.feature, loc);
  };
  for (const id of USES_FIRST) policy(id);
  if (route.upstreamPath) add('upstreamPath', route.upstreamPath.loc);
  if (route.websocket) add('websocket', route.websocket.loc);
  for (const id of USES_AFTER_ROUTE) policy(id);
  if (route.hosts.length > 0) add('hostRouting', route.loc);
  const backend = gateway.backends.find((b) => b.name === route.backend);
  if (backend) {
    if (backend.kind === 'lambda' && backend.lambda) {
      const url = backend.targets.length > 0 ? backend.lambda.fallbackLoc : undefined;
      add('backend.lambda', backend.lambda.loc, url ? { httpUrl: url } : undefined);
    }
    if (backend.kind === 'mock' && backend.mock) add('backend.mock', backend.mock.loc);
    if (backend.kind === 'http' && backend.targets.length > 1) add('backend.weighted', backend.loc);
    if (backend.healthCheck && backend.kind !== 'mock') add('backend.healthCheck', backend.healthCheck.loc);
    if (backend.retries !== undefined && backend.kind !== 'mock') add('backend.retries', backend.loc);
    if (backend.tls) add('backend.tls', backend.tls.loc);
    if ((backend.timeoutMs !== undefined || backend.connectTimeoutMs !== undefined || route.timeoutMs !== undefined) && backend.kind !== 'mock') {
      add('timeouts', backend.loc);
    }
  }
  return uses;
}
