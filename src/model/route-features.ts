/**
 * Which features a route uses, each with the place in the spec that asks for it and, where the
 * spec supplies one, the place of its fallback (forwardAuth for a scheme, an HTTP URL for a Lambda).
 */
import type { Loc } from '../diagnostics/diagnostic.js';
import type { FeatureId } from './features.js';
import type { Gateway, Route } from './types.js';

export interface FeatureUse {
  feature: FeatureId;
  loc: Loc;
  fallback?: Loc;
}

const AUTH_FEATURE = { apiKey: 'auth.apiKey', basic: 'auth.basic', jwt: 'auth.jwt', forward: 'auth.forward' } as const;

export function routeFeatures(gateway: Gateway, route: Route): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const add = (feature: FeatureId, loc: Loc, fallback?: Loc) => {
    if (uses.some((u) => u.feature === feature)) return;
    uses.push(fallback ? { feature, loc, fallback } : { feature, loc });
  };
  const secLoc = route.securityLoc ?? route.loc;
  if (route.security.length > 1) add('auth.or', secLoc);
  for (const alternative of route.security) {
    if (alternative.length > 1) add('auth.and', secLoc);
    for (const item of alternative) {
      const scheme = gateway.securitySchemes.find((s) => s.name === item.scheme);
      if (!scheme) continue;
      add(AUTH_FEATURE[scheme.kind], secLoc, scheme.kind !== 'forward' ? scheme.forwardAuth?.loc : undefined);
    }
  }
  const p = route.policy;
  if (p.rateLimit) add('rateLimit', p.rateLimit.loc);
  if (p.cors) add('cors', p.cors.loc);
  if (p.ipRule) add('ipRule', p.ipRule.loc);
  if (p.bodyLimit) add('bodyLimit', p.bodyLimit.loc);
  if (p.cache) add('cache', p.cache.loc);
  if (p.requestHeaders) add('requestHeaders', p.requestHeaders.loc);
  if (p.responseHeaders) add('responseHeaders', p.responseHeaders.loc);
  if (p.accessLog) add('accessLog', p.accessLog.loc);
  if (route.upstreamPath) add('upstreamPath', route.upstreamPath.loc);
  if (route.hosts.length > 0) add('hostRouting', route.loc);
  const backend = gateway.backends.find((b) => b.name === route.backend);
  if (backend) {
    if (backend.kind === 'lambda' && backend.lambda) {
      add('backend.lambda', backend.lambda.loc, backend.targets.length > 0 ? backend.lambda.fallbackLoc : undefined);
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
