/**
 * A kept credential (`hideCredentials: false`) sent twice reaches the backend as the value API
 * Gateway read, never the other one (REST; the HTTP API's counterpart is http/kept-values.ts).
 *
 * API Gateway reads a parameter sent more than once as ONE value, the last (a proxy event's
 * queryStringParameters "contains the last value", multiValueQueryStringParameters all:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html;
 * aws/aws-lambda-go#42): that is the identity source its authorizer (or its own key check) verified
 * and cached. An http_proxy integration passes the client's query and header lines on as sent, so
 * `?api_key=forged&api_key=alice` reached a backend that reads the FIRST value (Go's
 * Values.Get, Spring's getParameter, Express's qs hands an array whose [0] most code takes) as
 * `forged`, a key nobody verified; `X-Token: forged` then `X-Token: alice` likewise (Node joins
 * "forged, alice", Go's Header.Get takes the first). A mapping of the name replaces every value the
 * client sent with its one value (the same mechanism that hides a credential:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html),
 * so each kept carrier of the enforced alternative's schemes (the credential itself and what its
 * Lambda authorizer reads, header or query) is mapped from the same `method.request.*` expression
 * the identity source is: the backend gets exactly the value API Gateway evaluated. body.ts declares
 * the method request parameters these read (API Gateway refuses a mapping from an undeclared one).
 *
 * A kept cookie key is refused (keptCookieRefused): two cookies of one name in one Cookie line
 * (`sid=forged; sid=alice`) cannot be split by a mapping, and the function and the backend may each
 * take another (test/security/aws-repeated-credential.test.ts). The Cookie mapping below stays for
 * a Lambda authorizer that names the Cookie header as an identity source of a header scheme.
 * A Lambda (aws_proxy) backend takes no mapping: its event holds every value (multiValue*).
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import { credentialHeader, credentialParameter } from './credential-carrier.js';
import type { Ctx } from './context.js';
import type { TargetContext } from '../base-context.js';
import { isHeaderName } from './escape.js';

/**
 * A cookie key kept for the backend (hideCredentials: false, REST or HTTP API): refused at the scheme,
 * `aws-kept-cookie-credential`, as Traefik's traefik-kept-cookie-credential. Its Lambda authorizer
 * reads one `sid` of the Cookie header (Python's SimpleCookie: the last) while API Gateway passes the
 * header on whole, so `Cookie: sid=forged; sid=alice` reached a backend reading the first (Go's
 * Request.Cookie, PHP's $_COOKIE) as `forged`, unverified. A REST mapping of
 * `integration.request.header.Cookie` (an HTTP API `overwrite:header.cookie`) replaces the whole
 * header with one expression, a static text or the one value API Gateway read: it cannot drop one
 * cookie of a line. (A hidden cookie key is aws-credential-unhidden / aws-http-credential-unhidden.)
 */
export function keptCookieRefused(ctx: Ctx, s: SecurityScheme): boolean {
  if (s.hideCredentials || s.kind !== 'apiKey' || s.apiKey?.in !== 'cookie') return false;
  ctx.report('aws-kept-cookie-credential', { scheme: s.name, name: s.apiKey.name }, s.loc);
  return true;
}

/**
 * Any other scheme whose Lambda authorizer is handed the whole Cookie header (an identity source
 * `method.request.header.Cookie` in any letter case, or a header key named Cookie by default), kept
 * or hidden: refused at its lambdaAuthorizer, `aws-cookie-identity-source` (REV19 on 11fd763;
 * test/security/rev19-aws-cookie-source.test.ts). The usual session-cookie authorizer, declared as a
 * bearer or header key, is the cookie key's class: the function reads one `sid` of the line, API
 * Gateway passes the line on whole (kept: mapped from the same whole line; hidden: Authorization or
 * the key blanked, the Cookie untouched), and `sid=forged; sid=alice` gave a first-sid backend
 * `forged`. Nothing in API Gateway can make the two readers agree: a mapping takes no cookie out of
 * a line (a hidden scheme could only blank every cookie), and neither flavour can refuse a line
 * naming a cookie twice. The verified session in a header of its own is mapped or removed exactly.
 */
export function cookieSourceRefused(ctx: Ctx, s: SecurityScheme): boolean {
  const authorizer = s.lambdaAuthorizer;
  if (!authorizer || (s.kind === 'apiKey' && s.apiKey?.in === 'cookie')) return false; // aws-kept-cookie-credential / -unhidden
  const header = credentialHeader(s);
  const sources = authorizer.identitySource ?? (header ? [`method.request.header.${header}`] : []);
  const source = sources.find((x) => /^method\.request\.header\.cookie$/i.test(x));
  if (!source) return false;
  ctx.report('aws-cookie-identity-source', { scheme: s.name, source, hide: s.hideCredentials ? 'hidden' : 'kept' }, authorizer.loc);
  return true;
}

/**
 * A REQUEST authorizer is handed every header whatever identitySource names
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html):
 * a function reading a session cookie without naming Cookie escapes cookieSourceRefused, and gwc
 * cannot see the function. Where the spec declares a cookie credential (an apiKey in: cookie
 * scheme) and this scheme is not it, the build says what the function is handed,
 * `aws-request-authorizer-cookie` (warn, once per scheme, at its lambdaAuthorizer; AWS8,
 * test/security/aws8-request-authorizer-headers.test.ts). A TOKEN authorizer gets its one header.
 */
export function requestAuthorizerCookie(ctx: TargetContext<unknown>, s: SecurityScheme): void {
  if (!s.lambdaAuthorizer || (s.kind === 'apiKey' && s.apiKey?.in === 'cookie')) return;
  const cookies = ctx.gateway.securitySchemes.filter((x) => x.kind === 'apiKey' && x.apiKey?.in === 'cookie').map((x) => `${x.name} (${x.apiKey!.name})`);
  if (cookies.length === 0 || !ctx.once(`request authorizer cookie ${s.name}`)) return;
  ctx.report('aws-request-authorizer-cookie', { scheme: s.name, cookies: cookies.join(', ') }, s.lambdaAuthorizer.loc);
}

/** The method request expressions a kept scheme's credential travels in (header or query), sorted. */
export function keptSources(s: SecurityScheme): string[] {
  if (s.hideCredentials) return [];
  const out = new Set<string>();
  for (const src of s.lambdaAuthorizer?.identitySource ?? []) if (/^method\.request\.(header|querystring)\./.test(src)) out.add(src);
  const p = credentialParameter(s);
  if (p && isHeaderName(p.name)) out.add(`method.request.${p.in}.${p.name}`);
  if (s.kind === 'apiKey' && s.apiKey?.in === 'cookie') out.add('method.request.header.Cookie');
  return [...out].sort();
}

/** Maps each kept carrier of the route's enforced alternative to the value API Gateway read, unless a mapping of that name is there already (a guard wins). */
export function keepVerifiedValues(ctx: Ctx, route: Route, params: Record<string, string>): void {
  // The keys mapped so far (header names lowercased), made only once a kept carrier asks: most
  // routes keep none, and each has ~100 mappings already (#18: ~0.1 s of lint on GitHub's API).
  let have: Set<string> | undefined;
  for (const item of route.security[0] ?? []) {
    const s = ctx.scheme(item.scheme);
    if (!s) continue;
    for (const src of keptSources(s)) {
      const [, place, name] = /^method\.request\.(header|querystring)\.(.+)$/.exec(src) ?? [];
      if (!place || !name) continue;
      const key = `integration.request.${place}.${name}`;
      const seen = place === 'header' ? key.toLowerCase() : key;
      have ??= new Set(Object.keys(params).map((k) => (k.startsWith('integration.request.header.') ? k.toLowerCase() : k)));
      if (have.has(seen)) continue;
      params[key] = src;
      have.add(seen);
    }
  }
}

/**
 * The method request parameters an integration's mappings read (`method.request.header|querystring.*`)
 * that `parameters` does not declare yet, added (not required): API Gateway refuses to import a
 * mapping from an undeclared method request parameter.
 */
export function declareMappedSources(integration: Record<string, unknown>, parameters: Array<Record<string, unknown>>): void {
  const mapped = integration.requestParameters as Record<string, string> | undefined;
  // Only the method request expressions, sorted: most mappings are static values ('') (#18).
  for (const src of Object.values(mapped ?? {}).filter((v) => typeof v !== 'string' || v.startsWith('method.request.')).sort()) {
    const [, place, name] = /^method\.request\.(header|querystring)\.(.+)$/.exec(src) ?? [];
    if (!place || !name) continue;
    const where = place === 'header' ? 'header' : 'query';
    if (parameters.some((p) => p.in === where && (where === 'header' ? String(p.name).toLowerCase() === name.toLowerCase() : p.name === name))) continue;
    parameters.push({ name, in: where, required: false, schema: { type: 'string' } });
  }
}
