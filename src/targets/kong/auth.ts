/**
 * Security requirements to Kong OSS auth plugins.
 * https://docs.konghq.com/gateway/latest/kong-plugins/authentication/reference/#multiple-authentication
 *
 * - One alternative (AND): every scheme's plugin on the route, none with `anonymous`: Kong runs
 *   them all and each one rejects a request without its own valid credential.
 * - Several alternatives of one scheme each (OR): every plugin gets `anonymous` = gwc's anonymous
 *   consumer. Kong's auth plugins skip when an earlier one already authenticated, and map a
 *   failure to the anonymous consumer; a request-termination plugin scoped to that consumer then
 *   answers 401, so a request with no valid credential never reaches the backend (Kong's
 *   documented pattern for "multiple authentication").
 * - OR of ANDs cannot be expressed (one plugin per name per route, and `anonymous` turns every
 *   plugin into an alternative): refused, never compiled weaker.
 * - Credentials are global in Kong: a key registered for one key-auth scheme is accepted by every
 *   key-auth plugin, and a Kong shared with other gateways holds their consumers too. gwc puts each
 *   credential's consumer in a per-scheme ACL group (named after the gateway) and gives every
 *   authenticated route an `acl` plugin allowing only the route's schemes; roles are acl groups
 *   too (acl.ts says how both stay exact).
 */
import type { Route, SecurityScheme } from '../../model/types.js';
import { AUTH_FEATURE } from '../../model/route-features.js';
import { audienceUnchecked } from '../jwt-audience.js';
import { consumerGroups, routeAcl, type AclState } from './acl.js';
import type { Ctx, Entity, Json } from './context.js';
import { slug } from './names.js';
import { credentialValue } from './secrets.js';
import { querySpellingsPlugin } from './query-spellings.js';
import { unverifiedCredentialsPlugin } from './unverified-credentials.js';

const PLUGIN = { apiKey: 'key-auth', basic: 'basic-auth', jwt: 'jwt', forward: undefined, lambda: undefined, iam: undefined } as const;
/** jwt_secrets algorithms accepted by every Kong 3.x release. */
const JWT_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384']);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** underscores.ts writes every '-'/'_' spelling of a header it removes up to this many separators. */
const MAX_SEPARATORS = 6;
const separators = (name: string): number => (name.match(/[-_]/g) ?? []).length;

export interface AuthState {
  anonymousNeeded: boolean;
  /** Schemes whose credentials must be told apart by ACL group. */
  scoped: Set<string>;
  /** JWT schemes some route enforces: each gets a consumer holding its issuer's key. */
  jwtSchemes: Set<string>;
  acl: AclState;
}

export interface RouteAuth {
  plugins: Entity[];
  /**
   * Credential headers and query parameters the upstream must not see: jwt has no
   * hide_credentials of its own, and on a route with alternatives the plugins after the one that
   * authenticated are skipped, so their hide_credentials never runs on a second credential sent
   * alongside (an unverified `Authorization` beside a valid key would reach the backend).
   */
  removeHeaders: string[];
  removeQuery: string[];
}

/** Schemes sharing a Kong plugin with another scheme need ACL scoping. */
export function authState(ctx: Ctx): AuthState {
  const byPlugin = new Map<string, string[]>();
  for (const s of ctx.gateway.securitySchemes) {
    const p = PLUGIN[s.kind];
    if (p) byPlugin.set(p, [...(byPlugin.get(p) ?? []), s.name]);
  }
  const scoped = new Set<string>();
  for (const list of byPlugin.values()) if (list.length > 1) list.forEach((n) => scoped.add(n));
  // Scheme names become consumer and group names through slug(), which folds case: two schemes
  // folding together would share an acl group and a JWT consumer.
  const bySlug = new Map<string, string>();
  for (const s of ctx.gateway.securitySchemes) {
    const other = bySlug.get(slug(s.name));
    if (other) ctx.report('kong-scheme-name-collision', { scheme: s.name, other }, s.loc);
    bySlug.set(slug(s.name), s.name);
  }
  return { anonymousNeeded: false, scoped, jwtSchemes: new Set(), acl: { schemeGroups: new Set(), rolesGroups: new Map() } };
}

function pluginConfig(ctx: Ctx, route: Route, s: SecurityScheme, anonymous: string | null): Entity | undefined {
  if (s.kind === 'apiKey' && s.apiKey) {
    if (s.apiKey.in === 'cookie') {
      ctx.report('kong-api-key-cookie', { scheme: s.name }, s.loc);
      return undefined;
    }
    if (!HEADER_NAME.test(s.apiKey.name)) {
      ctx.report('kong-api-key-name', { scheme: s.name, name: s.apiKey.name }, s.loc);
      return undefined;
    }
    // Hidden or kept, every other spelling of the header is removed (policies.ts, unverified-credentials.ts).
    if (s.apiKey.in === 'header' && separators(s.apiKey.name) > MAX_SEPARATORS) {
      ctx.report('kong-credential-header-separators', { scheme: s.name, header: s.apiKey.name, max: MAX_SEPARATORS }, s.loc);
      return undefined;
    }
    return {
      key_names: [s.apiKey.name],
      key_in_header: s.apiKey.in === 'header',
      key_in_query: s.apiKey.in === 'query',
      key_in_body: false,
      hide_credentials: s.hideCredentials,
      run_on_preflight: true,
      anonymous,
    };
  }
  if (s.kind === 'basic') return { hide_credentials: s.hideCredentials, anonymous };
  if (s.kind === 'jwt' && s.jwt) {
    if (!HEADER_NAME.test(s.jwt.header)) {
      ctx.report('kong-jwt-header-name', { scheme: s.name, header: s.jwt.header }, s.loc);
      return undefined;
    }
    if (separators(s.jwt.header) > MAX_SEPARATORS) {
      ctx.report('kong-credential-header-separators', { scheme: s.name, header: s.jwt.header, max: MAX_SEPARATORS }, s.loc);
      return undefined;
    }
    return {
      // Only the header the spec names: Kong's defaults also read `?jwt=` and no cookie.
      header_names: [s.jwt.header.toLowerCase()],
      uri_param_names: [],
      cookie_names: [],
      key_claim_name: 'iss',
      // exp only: Kong's jwt_parser type-checks every listed claim (verify_registered_claims: "must be a
      // number"), so listing nbf refused every token without one (most issuers omit it). A future nbf
      // is then not checked on Kong (test/security/kong-jwt-claims.test.ts, it.fails).
      claims_to_verify: ['exp'],
      maximum_expiration: 0,
      secret_is_base64: false,
      run_on_preflight: true,
      anonymous,
    };
  }
  ctx.report('kong-scheme-no-plugin', { route: route.id, scheme: s.name, kind: s.kind }, s.loc);
  return undefined;
}

/** The auth plugins of one route, or an error when Kong OSS cannot enforce its requirements exactly. */
export function routeAuth(ctx: Ctx, route: Route, state: AuthState): RouteAuth {
  const out: RouteAuth = { plugins: [], removeHeaders: [], removeQuery: [] };
  const loc = route.securityLoc ?? route.loc;
  // Items Kong cannot enforce were accepted by the user (the capability check stopped otherwise);
  // a partially verifiable JWT is still compiled: checking signature, issuer and expiry is
  // strictly better than leaving the route open.
  const alternatives = route.security
    .map((alt) => alt.filter((item) => {
      const s = ctx.scheme(item.scheme);
      if (!s) return false;
      return ctx.plan.enforced(route.id, AUTH_FEATURE[s.kind]) || (s.kind === 'jwt' && ctx.plan.mode(route.id, 'auth.jwt') === 'accepted');
    }))
    .filter((alt) => alt.length > 0);
  if (route.security.length === 0) return out;
  // Never build a requirement weaker than the spec's: an alternative that lost a scheme would let
  // its callers in with less (the core refuses such accepts already; this is the second lock).
  if (alternatives.length < route.security.length || alternatives.some((a, i) => a.length < route.security[i]!.length)) {
    ctx.report('kong-security-weakened', { route: route.id }, loc);
    return out;
  }
  const or = alternatives.length > 1;
  if (or && alternatives.some((a) => a.length > 1)) {
    ctx.report('kong-security-or-of-and', { route: route.id }, loc);
    return out;
  }
  const anonymous = or ? ctx.names.id('consumer', ctx.names.anonymous()) : null;
  if (or) state.anonymousNeeded = true;
  const fail = (): RouteAuth => ({ plugins: [], removeHeaders: [], removeQuery: [] });
  // One plugin per scheme: alternatives naming the same scheme (admin OR ops) share it and differ
  // only in their acl groups; two schemes needing one plugin cannot both be on a route.
  const byPlugin = new Map<string, string>();
  for (const item of alternatives.flat()) {
    const s = ctx.scheme(item.scheme);
    const name = s && PLUGIN[s.kind];
    if (!s || !name) continue;
    if (item.scopes.length > 0 && s.kind === 'jwt') ctx.report('kong-jwt-scopes-unchecked', { route: route.id, scheme: s.name, scopes: item.scopes.join(', ') }, loc);
    const prev = byPlugin.get(name);
    if (prev === s.name) continue;
    if (prev) {
      ctx.report('kong-plugin-shared', { route: route.id, plugin: name }, loc);
      return fail();
    }
    byPlugin.set(name, s.name);
    if (s.kind === 'jwt') state.jwtSchemes.add(s.name);
    // RFC 6750 section 2.3: a backend may take a bearer token from ?access_token= (Spring,
    // passport-http-bearer); the jwt plugin reads the header only (uri_param_names: []), so such a
    // token is never one Kong verified, whatever hideCredentials says (red team 2; nginx: BEARER_QUERY).
    if (s.kind === 'jwt' && s.jwt?.header === 'authorization') out.removeQuery.push('access_token');
    if (s.hideCredentials) {
      if (s.kind === 'jwt') out.removeHeaders.push(s.jwt?.header ?? 'Authorization');
      if (s.kind === 'basic') out.removeHeaders.push('Authorization', 'Proxy-Authorization');
      if (s.kind === 'apiKey' && s.apiKey?.in === 'header') out.removeHeaders.push(s.apiKey.name);
      if (s.kind === 'apiKey' && s.apiKey?.in === 'query') out.removeQuery.push(s.apiKey.name);
    }
    const config = pluginConfig(ctx, route, s, anonymous);
    if (!config) return fail();
    out.plugins.push({ name, config });
    // Spellings of a query key a backend reads and key-auth does not (query-spellings.ts).
    if (s.kind === 'apiKey' && s.apiKey?.in === 'query') out.plugins.push(querySpellingsPlugin(s.apiKey.name));
  }
  const allow = routeAcl(ctx, route, alternatives, state.scoped, state.acl, (s: SecurityScheme) => PLUGIN[s.kind] ?? '');
  if (allow === false) return fail();
  if (allow) out.plugins.push({ name: 'acl', config: { allow, hide_groups_header: true } });
  // A credential kept for the backend (hideCredentials: false): its other '-'/'_' spellings go, and
  // on OR the credential itself unless its own plugin verified it (unverified-credentials.ts).
  const kept = unverifiedCredentialsPlugin([...new Set(alternatives.flat().map((i) => i.scheme))].sort().flatMap((n) => ctx.scheme(n) ?? []), or);
  if (kept) out.plugins.push(kept);
  return out;
}

/** Consumers: the spec's own, one per JWT issuer, and the anonymous one when OR is used. */
export function consumers(ctx: Ctx, state: AuthState): { consumers: Entity[]; plugins: Entity[] } {
  const tag = ctx.names.tag;
  const list: Entity[] = [];
  const schemeOf = (n: string) => ctx.scheme(n);
  // Consumer names become Kong usernames through slug(), which folds case and punctuation; gwc's
  // own consumers (`~anonymous`, `~jwt.*`) start with `~`. Two consumers on one username would
  // merge their credentials and groups (or be gwc's anonymous consumer), so that is refused.
  const usernames = new Map<string, string>();
  for (const c of ctx.gateway.consumers) {
    const username = ctx.names.consumer(c.name);
    const other = usernames.get(username) ?? (slug(c.name).startsWith('~') ? 'a consumer gwc writes itself' : undefined);
    if (other) ctx.report('kong-consumer-name-collision', { consumer: c.name, other }, c.loc);
    usernames.set(username, c.name);
  }
  for (const c of ctx.gateway.consumers) {
    const username = ctx.names.consumer(c.name);
    const keyauth: Json[] = [];
    const basic: Json[] = [];
    const acls = consumerGroups(ctx, c, state.scoped, state.acl);
    const kinds = new Map<string, string>();
    const seen = new Map<string, number>();
    for (const cred of c.credentials) {
      const s = schemeOf(cred.scheme);
      if (!s) continue;
      const prev = kinds.get(s.kind);
      if (prev && state.scoped.has(s.name)) {
        ctx.report('kong-consumer-credentials-shared', { consumer: c.name, first: prev, second: s.name }, cred.loc);
      }
      kinds.set(s.kind, s.name);
      // A consumer may hold several keys of one scheme (a rotation lists old and new): each its own
      // id (one id for both was refused by decK: "entity already exists"); the first keeps the
      // id it always had.
      const nth = (seen.get(cred.scheme) ?? 0) + 1;
      seen.set(cred.scheme, nth);
      const id = ctx.names.id(`credential:${cred.kind}`, `${username}:${cred.scheme}${nth > 1 ? `:${nth}` : ''}`);
      if (cred.kind === 'apiKey') {
        const key = credentialValue(ctx, cred.key, `consumer ${c.name} key for ${cred.scheme}`, cred.loc);
        if (key) keyauth.push({ id, key, tags: [tag] });
      } else {
        const password = credentialValue(ctx, cred.password, `consumer ${c.name} password for ${cred.scheme}`, cred.loc);
        if (password) basic.push({ id, username: cred.username, password, tags: [tag] });
      }
    }
    const entity: Entity = { username, id: ctx.names.id('consumer', username), tags: [tag] };
    if (keyauth.length) entity.keyauth_credentials = keyauth;
    if (basic.length) entity.basicauth_credentials = basic;
    if (acls.length) entity.acls = acls.map((group) => ({ group, tags: [tag] }));
    list.push(entity);
  }
  // Kong keys each scheme's credential by its issuer, unique in Kong (kong/plugins/jwt/daos.lua):
  // a second scheme of one issuer would be refused by Kong only at sync, so here, at the scheme.
  const issuers = new Map<string, string>();
  for (const name of [...state.jwtSchemes].sort()) {
    const s = schemeOf(name);
    const jwt = s?.jwt;
    if (!s || !jwt) continue;
    // The jwt plugin checks no aud (the accepted auth.jwt gap says so): the scheme still says which
    // audiences it means, or anyAudience, as on every target (jwt-audience.ts).
    const unchecked = audienceUnchecked(s);
    if (unchecked) ctx.report('jwt-audience-missing', { scheme: name, keys: unchecked }, s.loc);
    const first = jwt.issuer ? issuers.get(jwt.issuer) : undefined;
    if (first !== undefined) {
      ctx.report('kong-jwt-issuer-shared', { scheme: name, other: first, issuer: jwt.issuer! }, s.loc);
      continue;
    }
    if (jwt.issuer) issuers.set(jwt.issuer, name);
    const username = ctx.names.schemeConsumer(name);
    const alg = jwt.algorithms[0] ?? 'RS256';
    if (!jwt.issuer) ctx.report('kong-jwt-issuer-missing', { scheme: name }, s.loc);
    if (jwt.algorithms.length > 1 || jwt.publicKeys.length !== 1) {
      ctx.report('kong-jwt-keys', { scheme: name, algorithms: jwt.algorithms.length, keys: jwt.publicKeys.length }, s.loc);
    }
    if (!JWT_ALGORITHMS.has(alg)) ctx.report('kong-jwt-algorithm', { scheme: name, algorithm: alg }, s.loc);
    const key = jwt.publicKeys[0] ? credentialValue(ctx, jwt.publicKeys[0], `scheme ${name} public key`, s.loc) : undefined;
    const credId = ctx.names.id('credential:jwt', username);
    const secrets: Json[] = key && jwt.issuer
      ? [{
          id: credId,
          key: jwt.issuer,
          algorithm: alg,
          rsa_public_key: key,
          // decK requires `secret`; Kong uses it only for HS* algorithms, and rejects a token
          // whose alg differs from the credential's, so this value never verifies anything.
          secret: credId,
          tags: [tag],
        }]
      : [];
    const entity: Entity = { username, id: ctx.names.id('consumer', username), jwt_secrets: secrets, tags: [tag] };
    if (state.scoped.has(name) || state.acl.schemeGroups.has(name)) entity.acls = [{ group: ctx.names.schemeGroup(name), tags: [tag] }];
    list.push(entity);
  }
  const plugins: Entity[] = [];
  if (state.anonymousNeeded) {
    const username = ctx.names.anonymous();
    list.push({ username, id: ctx.names.id('consumer', username), tags: [tag] });
    plugins.push({
      name: 'request-termination',
      id: ctx.names.id('plugin', `${username}:request-termination`),
      consumer: username,
      config: { status_code: 401, message: 'Unauthorized' },
      enabled: true,
      protocols: ['grpc', 'grpcs', 'http', 'https'],
      tags: [tag],
    });
  }
  return { consumers: list, plugins };
}
