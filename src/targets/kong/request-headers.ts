/**
 * Request headers on a Kong route: the names no client may send (the header-family pre-function's
 * list: identity, forwarding, Kong's consumer headers, undeclared overrides, a query key's name as
 * a header), the credential headers an auth plugin still reads, and `name:value` pairs for the
 * transformers (transformers.ts). Split from policies.ts (STYLE.md: files under ~300 lines).
 */
import type { Loc } from '../../diagnostics/diagnostic.js';
import {
  CLIENT_FORWARDING_HEADERS,
  FOREIGN_IDENTITY_HEADERS,
  GATEWAY_IDENTITY_HEADERS,
  METHOD_OVERRIDE_HEADERS,
  URL_OVERRIDE_HEADERS,
} from '../../model/overrides.js';
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { hasTemplateSyntax } from './paths.js';
import { headerKey } from './header-family.js';
import { queryNameAsRead } from '../query-names.js';
import { compareText } from '../../diagnostics/collate.js';
import { queryKeyNames } from './credential-names.js';

/** `name:value` pairs; with `templated` (request-transformer), a value holding "$(" is refused at `loc`. */
export function headerPairs(ctx: Ctx, ops: Record<string, string>, route: Route, direction: 'request' | 'response', templated: boolean, loc?: Loc): string[] {
  return Object.keys(ops)
    .sort()
    .flatMap((name) => {
      const value = ops[name] ?? '';
      if (templated && hasTemplateSyntax(value)) {
        ctx.report('kong-header-template', { route: route.id, direction, header: name }, loc);
        return [];
      }
      return [`${name}:${value}`];
    });
}

/**
 * Identity headers Kong's auth plugins (key-auth, basic-auth, jwt: kong/plugins/*\/handler.lua
 * set_consumer) set or clear on every request they run on, after verification. The header-family
 * pre-function (header-family.ts) runs before them (priority 1000000; key-auth 1250, basic-auth
 * 1100, jwt 1450: https://docs.konghq.com/gateway/latest/plugin-development/custom-logic/#plugins-execution-order),
 * so it removes every client spelling of these on every route and what Kong then sets reaches the
 * backend. https://docs.konghq.com/hub/kong-inc/key-auth/#upstream-headers
 */
export const KONG_CONSUMER_HEADERS = ['X-Anonymous-Consumer', 'X-Consumer-Custom-ID', 'X-Consumer-ID', 'X-Consumer-Username', 'X-Credential-Identifier'];
const KONG_CONSUMER_LOWER = new Set(KONG_CONSUMER_HEADERS.map((k) => k.toLowerCase()));
const isKongConsumerHeader = (h: string) => KONG_CONSUMER_LOWER.has(h.toLowerCase());

/**
 * What no gwc Kong route sets itself, removed on every route so a backend (shared with another
 * target, DESIGN.md section 7.3) never reads a value a client wrote: the identity headers of gwc's
 * other gateways (X-Consumer, X-Authenticated-Scheme, a forward-auth service's answer headers),
 * Kong's identity headers gwc's plugins never set (acl runs with hide_groups_header, OAuth2/LDAP
 * are not used, X-Credential-Username is gone since Kong 3.0), and client forwarding headers.
 * Of the last, Kong's nginx template sets X-Real-IP ($remote_addr) and X-Forwarded-Port/-Prefix
 * itself (proxy_set_header, from the connection for a client outside trusted_ips) whatever is
 * removed here; removing the client's copy too keeps them out under a custom template. Kong sets
 * X-Forwarded-For/-Proto/-Host the same way (the client's X-Forwarded-For with the address
 * appended), and a plugin cannot remove them (https://github.com/Kong/kong/issues/5989).
 */
export function neverFromClient(ctx: Ctx): string[] {
  // The same list for every route of a compile: built once per context (#18).
  const known = neverFromClientOf.get(ctx);
  if (known) return known;
  const list = neverFromClientList(ctx);
  neverFromClientOf.set(ctx, list);
  return list;
}
const neverFromClientOf = new WeakMap<Ctx, string[]>();

function neverFromClientList(ctx: Ctx): string[] {
  const forwardAuth = ctx.gateway.securitySchemes.flatMap((s) => s.forwardAuth?.responseHeaders ?? []);
  return [...GATEWAY_IDENTITY_HEADERS, ...forwardAuth, ...FOREIGN_IDENTITY_HEADERS.filter((h) => !isKongConsumerHeader(h)), ...CLIENT_FORWARDING_HEADERS];
}

/** One spelling per header name (Kong matches them case-insensitively), the first seen, sorted. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) {
    const lower = n.toLowerCase();
    if (!seen.has(lower)) seen.set(lower, n);
  }
  return [...seen.values()].sort();
}

/**
 * Header names a scheme of the gateway reads its credential from (lowercased): an auth plugin
 * must still find them after the header-family pre-function, so a family name among them stays
 * on request-transformer (after auth), as before #18.
 */
export function credentialHeaders(ctx: Ctx): Set<string> {
  let known = credentialsOf.get(ctx);
  if (known) return known;
  known = new Set<string>();
  for (const s of ctx.gateway.securitySchemes) {
    if (s.kind === 'apiKey' && s.apiKey?.in === 'header') known.add(s.apiKey.name.toLowerCase());
    if (s.kind === 'basic') for (const h of ['authorization', 'proxy-authorization']) known.add(h);
    if (s.kind === 'jwt') known.add((s.jwt?.header ?? 'authorization').toLowerCase());
  }
  credentialsOf.set(ctx, known);
  return known;
}
const credentialsOf = new WeakMap<Ctx, Set<string>>();

/** Every override header: what a route that declares none of them removes. */
export const ALL_OVERRIDES: readonly string[] = [...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS];

/** The route's method and URL override headers: every one, less those the operation declares (DESIGN.md section 7.5). */
export function routeOverrides(route: Route): readonly string[] {
  const declared = route.declaredOverrides ?? [];
  return declared.length === 0
    ? ALL_OVERRIDES
    : [...URL_OVERRIDE_HEADERS, ...METHOD_OVERRIDE_HEADERS.filter((h) => !declared.some((d) => d.in === 'header' && d.name.toLowerCase() === h.toLowerCase()))];
}

/**
 * The names no client may send on this route, every spelling removed by the header-family
 * pre-function (header-family.ts): what no gwc Kong route sets itself (neverFromClient), Kong's
 * consumer headers (their client spellings, before the auth plugins set them), and the undeclared
 * overrides; less a name a scheme reads its credential from (kept on request-transformer).
 */
export function headerFamily(ctx: Ctx, route: Route): readonly string[] {
  const credentials = credentialHeaders(ctx);
  const overrides = routeOverrides(route);
  const family = (list: readonly string[]) => [...neverFromClient(ctx), ...KONG_CONSUMER_HEADERS, ...list].filter((h) => !credentials.has(h.toLowerCase()));
  // A route that declares no override (nearly every one) has the compile's common list: filtered
  // once per compile, not once per route (#18). Read only (header-family.ts headerFamilyLua).
  let base: readonly string[] | undefined;
  if (overrides === ALL_OVERRIDES) {
    base = commonFamilyOf.get(ctx);
    if (!base) commonFamilyOf.set(ctx, (base = family(ALL_OVERRIDES)));
  } else base = family(overrides);
  const keys = queryKeyHeaderNames(ctx, route);
  return keys.length === 0 ? base : [...base, ...keys];
}
const commonFamilyOf = new WeakMap<Ctx, readonly string[]>();

/** A name as a header may carry it: an RFC 9110 token (Kong's nginx drops a header line whose name is not one). */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * The route's query API keys' names as request headers (`api_key`, `Api-Key`, `API_KEY`: the
 * header-family chunk reads each name lower-cased with `_` for `-`). key-auth reads a query key from
 * the query only (key_in_header: false) and nothing removed a header of that name, so one sent
 * beside the verified `?api_key=` reached the backend unverified: a backend pairing APIKeyQuery
 * with APIKeyHeader (FastAPI), or reading `HTTP_API_KEY` (CGI, PHP), takes it as the caller's key
 * (kong-second-credential; the converse of {@link headerKeyNames}). The name as written and as a
 * backend reads it (queryNameAsRead: `api.key` is `api_key`). A name one of the route's own schemes
 * reads its credential from (a jwt header, basic's Authorization) is its plugin's, not removed here.
 */
export function queryKeyHeaderNames(ctx: Ctx, route: Route): string[] {
  const keys = queryKeyNames(ctx, route);
  if (keys.length === 0) return [];
  const own = new Set(route.security.flatMap((alt) => alt.flatMap((i) => {
    const s = ctx.scheme(i.scheme);
    if (s?.kind === 'jwt') return [headerKey(s.jwt?.header ?? 'authorization')];
    if (s?.kind === 'basic') return ['authorization', 'proxy_authorization'];
    return s?.kind === 'apiKey' && s.apiKey?.in === 'header' ? [headerKey(s.apiKey.name)] : [];
  })));
  const names = keys.flatMap((k) => [k.toLowerCase(), queryNameAsRead(k)]).filter((n) => HEADER_TOKEN.test(n) && !own.has(headerKey(n)));
  return [...new Set(names)].sort(compareText);
}
