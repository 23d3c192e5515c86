/**
 * One integration per route: HTTP_PROXY to an HTTP backend (payload 1.0, the only format an HTTP
 * proxy takes) with the path written by `overwrite:path`, or AWS_PROXY to a Lambda function with
 * payload format 1.0, chosen on purpose: the function receives the same event as under the REST
 * flavour, so switching `aws.api` never breaks a function.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import {
  CLIENT_FORWARDING_HEADERS,
  DASH_NAME,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  URL_OVERRIDE_HEADERS,
} from '../../../model/overrides.js';
import type { Backend, Route } from '../../../model/types.js';
import { separatorSpellings } from '../../header-spellings.js';
import { type Cfn, ref } from '../context.js';
import { credentialsElsewhere } from '../credential-elsewhere.js';
import { contextHeaderNames, contextMappings } from '../context-headers.js';
import { headerNaming } from '../header-names.js';
import { lambdaArnParts } from '../lambda-arn.js';
import { keptSources } from '../kept-values.js';
import { isPrivateHost } from '../network.js';
import { HTTP_IDS, HTTP_MAX_TIMEOUT_MS, HTTP_MIN_TIMEOUT_MS, type HttpCtx } from './context.js';
import { isMappableHeader, isReservedHeader } from './headers.js';
import { httpPolicyHooks } from './policies.js';
import type { HttpIntegrationParts } from './policy-parts.js';

export interface BuiltIntegration {
  id: string;
  /** For the confusable-path check: where the backend is and the path it is sent. */
  upstream: { origin: string; path: string };
  lambdaArn?: string;
}

/** `hide`: credentials to remove before the backend, as `header.NAME` or `querystring.NAME` (routes.ts has checked each can be). */
export function buildIntegration(ctx: HttpCtx, route: Route, backend: Backend, hide: readonly string[]): BuiltIntegration | undefined {
  const timeout = timeoutOf(ctx, route, backend);
  if (timeout === undefined) return undefined;
  const id = ctx.namer.id('Integration', route.id);
  if (backend.kind === 'lambda') {
    const arn = backend.lambda?.arn ?? '';
    if (!lambdaArnParts(arn)) {
      ctx.report('aws-http-lambda-arn-invalid', { owner: 'backend', name: backend.name, arn }, backend.lambda?.loc ?? backend.loc);
      return undefined;
    }
    // A Lambda event carries every request header: a requestHeaders policy is refused here.
    if (!applyPolicies(ctx, route, { kind: 'lambda', requestParameters: {} })) return undefined;
    ctx.resources[id] = {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { ApiId: ref(HTTP_IDS.api), IntegrationType: 'AWS_PROXY', IntegrationUri: arn, PayloadFormatVersion: '1.0', TimeoutInMillis: timeout },
    };
    return { id, upstream: { origin: arn, path: route.path }, lambdaArn: arn };
  }
  const target = backend.targets[0];
  if (!target) return undefined;
  const url = target.url;
  if (isPrivateHost(url.host) && !ctx.options.publicHosts.includes(url.host.toLowerCase())) {
    if (ctx.once(`private ${backend.name}`)) ctx.report('aws-http-backend-private-host', { backend: backend.name, host: url.host }, backend.vpcLink?.loc ?? backend.loc);
    return undefined;
  }
  if (!tlsOk(ctx, route, backend)) return undefined;
  if (backend.hostHeader === 'client' && ctx.once(`host ${backend.name}`)) ctx.report('aws-http-host-header', { backend: backend.name }, backend.loc);
  // Platform gap (test/security/aws-forwarded-host.test.ts): Forwarded and X-Forwarded-For/-Host/-Proto
  // are reserved (http-api-parameter-mapping.html#http-api-mapping-reserved-headers), so the client's
  // lines reach the backend; said once per backend, on every route (a password-reset route is public).
  if (ctx.once(`forwarded host ${backend.name}`)) ctx.report('aws-http-forwarded-host', { backend: backend.name }, backend.loc);
  const origin = `${url.scheme}://${url.host}${defaultPort(url.scheme) === url.port ? '' : `:${url.port}`}`;
  const template = url.path + (route.upstreamPath?.template ?? route.path);
  const path = mappedPath(ctx, route, template);
  if (path === undefined) return undefined;
  const params: Record<string, string> = { 'overwrite:path': path };
  if (!applyPolicies(ctx, route, { kind: 'http', requestParameters: params })) return undefined;
  for (const h of hide) params[`remove:${h}`] = '';
  // The verified identity as a header (../context-headers.ts): overwrites the client's lines of it.
  for (const [h, key] of contextMappings(ctx, route)) params[`overwrite:header.${h}`] = `$context.authorizer.${key}`;
  neutralise(ctx, route, params, hide);
  keepVerified(ctx, route, params);
  ctx.resources[id] = {
    Type: 'AWS::ApiGatewayV2::Integration',
    Properties: {
      ApiId: ref(HTTP_IDS.api),
      IntegrationType: 'HTTP_PROXY',
      IntegrationMethod: route.method,
      IntegrationUri: `${origin}${template.replace(/\{([^}]+)\}/g, '{$1}')}`,
      PayloadFormatVersion: '1.0',
      TimeoutInMillis: timeout,
      RequestParameters: sorted(params),
    },
  };
  return { id, upstream: { origin, path: template } };
}

const defaultPort = (scheme: string) => (scheme === 'https' ? 443 : 80);

function timeoutOf(ctx: HttpCtx, route: Route, backend: Backend): number | undefined {
  const ms = route.timeoutMs ?? backend.timeoutMs;
  const max = Math.min(ctx.options.maxTimeoutMs, HTTP_MAX_TIMEOUT_MS);
  if (ms === undefined) return max;
  if (ms > HTTP_MAX_TIMEOUT_MS) {
    ctx.report('aws-http-timeout-over', { route: route.id, ms, max: HTTP_MAX_TIMEOUT_MS }, backend.loc);
    return undefined;
  }
  return Math.max(ms, HTTP_MIN_TIMEOUT_MS);
}

/** https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html (TlsConfig is for private integrations only). */
function tlsOk(ctx: HttpCtx, route: Route, backend: Backend): boolean {
  const t = backend.tls;
  if (!t || !ctx.plan.enforced(route.id, 'backend.tls')) return true;
  const setting = !t.verify ? 'verify: false' : t.caFile ? 'caFile' : t.serverName && t.serverName.toLowerCase() !== backend.targets[0]?.url.host.toLowerCase() ? 'serverName' : undefined;
  if (!setting) return true;
  if (ctx.once(`tls ${backend.name}`)) ctx.report('aws-http-backend-tls', { backend: backend.name, setting }, t.loc);
  return false;
}

/**
 * The backend path as an `overwrite:path` value: literal text plus `${request.path.NAME}` for each
 * parameter. `$` starts a mapping expression and has no escape, so a literal `$` is refused.
 */
function mappedPath(ctx: HttpCtx, route: Route, template: string): string | undefined {
  const literal = template.replace(/\{[^}]+\}/g, '');
  if (literal.includes('$') || /[\s\u0000-\u001f\u007f]/.test(literal)) {
    ctx.report('aws-http-path-unsupported', { route: route.id, path: template, detail: 'has a character ($, space or a control character) an HTTP API path mapping cannot carry' }, route.upstreamPath?.loc ?? route.loc);
    return undefined;
  }
  return (template || '/').replace(/\{([^}]+)\}/g, (_, name: string) => `\${request.path.${name}}`);
}

/**
 * The route policies' part of the integration (requestHeaders' mappings: request-headers.ts),
 * through the map (policies.ts); false after a refusal.
 */
function applyPolicies(ctx: HttpCtx, route: Route, into: HttpIntegrationParts): boolean {
  for (const hook of httpPolicyHooks('integration')) if (!hook(ctx, route, into)) return false;
  return true;
}

/**
 * DESIGN.md 7.3 and 7.5, as the REST flavour does (backends.ts): method and URL override inputs
 * the operation does not declare, identity headers a gwc gateway or a forward-auth service sets,
 * and client forwarding headers never reach the backend; here they are removed, not emptied.
 * Reserved ones (Forwarded) are API Gateway's own: it rewrites them itself.
 *
 * HTTP APIs pass header names with `_` to the integration, and PHP, Rack and CGI/WSGI backends read
 * `X_Consumer` or `X-HTTP_Method-Override` as the dash name (Puma CVE-2024-45614): the identity and
 * override headers, and the credential headers removed (`hide`), go in every `-`/`_` spelling
 * (header-spellings.ts; 60 more mappings per integration for gwc's lists, ~4 KB of template). The
 * forwarding family (CLIENT_FORWARDING_HEADERS) keeps its dash names only: its 250 spellings would
 * add ~17 KB per integration (measured: test/targets/aws/http/spellings-cost.test.ts), capping an
 * HTTP API at ~50 integrations inside the 1 MB template (aws-template-too-large) where API Gateway
 * allows 300; README "Known gaps". `Transfer_Encoding` and `Content_Length` (every `_` spelling; the
 * dash names are API Gateway's framing and reserved) are removed too: no AWS page says API Gateway
 * drops them, and Unicorn and Puma < 5.0.3 read them as the body's framing (smuggling on the
 * backend's kept-alive connection; Traefik and Kong clear or refuse them the same way). The backend's
 * `headerNames` narrows or widens the spellings (../header-names.ts).
 */
function neutralise(ctx: HttpCtx, route: Route, params: Record<string, string>, hide: readonly string[]): void {
  const declared = (route.declaredOverrides ?? []).map((o) => `${o.in} ${o.name.toLowerCase()}`);
  const have = new Set(Object.keys(params).map((k) => k.slice(k.indexOf(':') + 1).toLowerCase()));
  const forwardAuth = ctx.gateway.securitySchemes.flatMap((s) => s.forwardAuth?.responseHeaders ?? []);
  const hidden = hide.flatMap((h) => (h.startsWith('header.') ? [h.slice('header.'.length)] : []));
  const spelt = [
    ...METHOD_OVERRIDE_HEADERS.filter((h) => !declared.includes(`header ${h.toLowerCase()}`)),
    ...URL_OVERRIDE_HEADERS, ...GATEWAY_IDENTITY_HEADERS, ...FOREIGN_IDENTITY_HEADERS, ...forwardAuth, ...contextHeaderNames(ctx.gateway),
  ];
  // A backend that reads names as sent gets no '_' spelling removed; one that reads '_' as '-'
  // (headerNames: folded) gets the forwarding family in every spelling too (../header-names.ts).
  const naming = headerNaming(ctx.backend(route));
  const headers = naming === 'exact'
    ? [...spelt, ...CLIENT_FORWARDING_HEADERS.filter(DASH_NAME)]
    : [
        ...spelt.flatMap((h) => [h, ...separatorSpellings(h)]),
        ...hidden.flatMap((h) => separatorSpellings(h)),
        ...(naming === 'folded' ? [...CLIENT_FORWARDING_HEADERS, ...CLIENT_FORWARDING_HEADERS.filter(DASH_NAME).flatMap((h) => separatorSpellings(h))] : CLIENT_FORWARDING_HEADERS.filter(DASH_NAME)),
        ...FRAMING_SPELLINGS,
        ...ADDRESSED_SPELLINGS,
      ];
  // An API key's name in the place its authorizer does not read it (a query key's name as a
  // header in its -/_ spellings, a header key's name in the query by its exact name), as the REST
  // flavour empties them (credential-elsewhere.ts; test/security/aws-http-credential-elsewhere.test.ts).
  const elsewhere = credentialsElsewhere(ctx, route);
  for (const h of [...headers, ...elsewhere.headers]) {
    const key = `header.${h.toLowerCase()}`;
    if (isReservedHeader(h) || !isMappableHeader(h) || have.has(key)) continue;
    params[`remove:header.${h}`] = '';
    have.add(key);
  }
  if (!declared.includes(`query ${METHOD_OVERRIDE_QUERY}`)) params[`remove:querystring.${METHOD_OVERRIDE_QUERY}`] = '';
  for (const q of elsewhere.query) if (!have.has(`querystring.${q.toLowerCase()}`)) params[`remove:querystring.${q}`] = '';
}

/**
 * A kept credential sent twice (../kept-values.ts, the REST counterpart): each kept carrier of the
 * route's schemes is overwritten with what API Gateway reads for it (`$request.header.NAME`,
 * `$request.querystring.NAME`, the expressions of its identity sources), so a backend reading the
 * first of `?api_key=forged&api_key=alice` never gets `forged` alone. Reserved headers
 * (Authorization) cannot be mapped and keep every line. test/security/aws-repeated-credential.test.ts.
 */
function keepVerified(ctx: HttpCtx, route: Route, params: Record<string, string>): void {
  const have = new Set(Object.keys(params).map((k) => k.slice(k.indexOf(':') + 1).toLowerCase()));
  for (const item of route.security[0] ?? []) {
    const s = ctx.scheme(item.scheme);
    for (const src of s ? keptSources(s) : []) {
      const [, place, name] = /^method\.request\.(header|querystring)\.(.+)$/.exec(src) ?? [];
      if (!place || !name || (place === 'header' && !isMappableHeader(name)) || have.has(`${place}.${name.toLowerCase()}`)) continue;
      params[`overwrite:${place}.${name}`] = `$request.${place}.${name}`;
      have.add(`${place}.${name.toLowerCase()}`);
    }
  }
}

const FRAMING_SPELLINGS = ['Content-Length', 'Transfer-Encoding'].flatMap((h) => separatorSpellings(h));
/**
 * The `_` spellings of how the client addressed the gateway (X_Forwarded_Host, X-Forwarded_Proto,
 * ...), removed whatever the backend says but `exact` (host poisoning: a backend builds links from
 * them; ../neutralise.ts ADDRESSED). The dash names are reserved: HTTP APIs translate a client's
 * X-Forwarded-* into the Forwarded header and append their own element after it
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html),
 * which no mapping can touch: README "Known gaps", test/security/aws-forwarded-host.test.ts.
 */
const ADDRESSED_SPELLINGS = ['X-Forwarded-Host', 'X-Forwarded-Proto'].flatMap((h) => separatorSpellings(h));

function sorted(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
