/**
 * The verified identity as a header the backend reads (AWS8): `lambdaAuthorizer.contextHeaders`
 * maps each named header from the function's answer (REST `context.authorizer.principalId` /
 * `context.authorizer.KEY`, HTTP API `$context.authorizer.KEY`) on every route whose enforced
 * alternative requires the scheme, and the header is emptied (REST) or removed (HTTP API) in every
 * `-`/`_` spelling on every other route of the gateway (neutralise.ts, http/integrations.ts), as
 * gwc's identity headers are (DESIGN.md 7.3): the client never sets it itself. A mapping replaces
 * every line of that name the client sent (the mechanism that hides a credential, kept-values.ts);
 * its `_` spellings are emptied on the scheme's routes too (PHP/Rack read `X_User` as X-User).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 *
 * This is the safe way for a cookie session (apiKey in: cookie, backendCookies: none): the Cookie
 * header reaches the backend empty and the caller the function verified arrives in its own header.
 * test/security/aws8-cookie-session.test.ts.
 */
import type { Gateway, Route, SecurityScheme } from '../../model/types.js';
import type { TargetContext } from '../base-context.js';
import { schemeCarriers } from '../credential-carriers.js';

/**
 * Names a context header cannot take: what API Gateway or HTTP owns (framing, Host, the forwarding
 * family, its own X-Amz*), and the credential headers (a mapping would put the verified identity
 * where a verifier reads a credential, or drop the credential the backend is sent).
 */
const OWNED = /^(authorization|cookie|host|connection|content-.*|transfer-encoding|te|trailer|upgrade|expect|forwarded|via|x-forwarded-.*|x-real-ip|x-amz.*|x-api-key|proxy-.*)$/i;

/** Why a context header name is refused for the gateway's schemes, or undefined. */
export function contextHeaderWhy(gateway: Gateway, header: string): string | undefined {
  if (OWNED.test(header)) return 'API Gateway, HTTP or a credential owns it';
  const carriers = new Set(gateway.securitySchemes.flatMap((s) => schemeCarriers(s).filter((c) => c.in === 'header').map((c) => c.name.toLowerCase())));
  if (carriers.has(header.toLowerCase())) return 'a security scheme reads a credential from it';
  return undefined;
}

/**
 * Refuses each context header of the scheme API Gateway cannot own (aws-context-header-refused, at
 * the lambdaAuthorizer); true after a refusal.
 */
export function contextHeadersRefused(ctx: TargetContext<unknown>, s: SecurityScheme): boolean {
  const la = s.lambdaAuthorizer;
  let refused = false;
  for (const header of Object.keys(la?.contextHeaders ?? {})) {
    const why = contextHeaderWhy(ctx.gateway, header);
    if (!why) continue;
    ctx.report('aws-context-header-refused', { scheme: s.name, header, why }, la!.loc);
    refused = true;
  }
  return refused;
}

/** The route's context headers: [header, context key] of the enforced alternative's schemes, the first scheme naming a header winning. */
export function contextMappings(ctx: TargetContext<unknown>, route: Route): Array<[string, string]> {
  const out = new Map<string, [string, string]>();
  for (const item of route.security[0] ?? []) {
    const s = ctx.scheme(item.scheme);
    for (const [h, key] of Object.entries(s?.lambdaAuthorizer?.contextHeaders ?? {})) if (!out.has(h.toLowerCase())) out.set(h.toLowerCase(), [h, key]);
  }
  return [...out.values()];
}

/** Every context header any scheme of the gateway names (emptied or removed wherever it is not mapped), sorted, each once. */
export function contextHeaderNames(gateway: Gateway): string[] {
  const seen = new Map<string, string>();
  for (const s of gateway.securitySchemes) for (const h of Object.keys(s.lambdaAuthorizer?.contextHeaders ?? {})) if (!seen.has(h.toLowerCase())) seen.set(h.toLowerCase(), h);
  return [...seen.values()].sort();
}

/** REST: `integration.request.header.H` from the answer, replacing any mapping of that name in another case (a requestHeaders value). */
export function mapContextHeaders(ctx: TargetContext<unknown>, route: Route, params: Record<string, string>): void {
  const mappings = contextMappings(ctx, route);
  if (mappings.length === 0) return;
  for (const [h, key] of mappings) {
    const lower = `integration.request.header.${h}`.toLowerCase();
    for (const k of Object.keys(params)) if (k.toLowerCase() === lower) delete params[k];
    params[`integration.request.header.${h}`] = `context.authorizer.${key}`;
  }
}
