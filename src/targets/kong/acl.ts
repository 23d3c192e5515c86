/**
 * Who may pass a route once an auth plugin identified the caller: Kong's `acl` plugin.
 * https://docs.konghq.com/hub/kong-inc/acl/
 *
 * Kong's auth plugins identify a CONSUMER, not the credential: key-auth accepts any consumer's
 * key-auth credential whatever scheme gwc wrote it for, and `acl` checks the consumer's groups,
 * allowing any ONE of the groups listed. So every condition a requirement item puts on its caller
 * becomes one group, which gwc gives exactly the consumers that meet it:
 *
 * - an API-key or basic scheme sharing its plugin with another scheme (two key-auth schemes):
 *   `G.scheme.S`, the holders of an S credential (a key registered for scheme B never opens a
 *   route of scheme A); JWT schemes sharing jwt need none (needsAcl: the issuer pin);
 * - roles (`[admin, ops]` on an API-key or basic requirement: OpenAPI 3.1 section 4.8.30):
 *   `G.group.admin` for one role on a route with one way in, else `G.roles:{...}`, the holders of
 *   an S credential with ALL the roles (an AND of roles is one group, because acl ORs its list);
 * - on a route with several alternatives, every alternative contributes its group, an alternative
 *   with no roles the scheme group, so the allow list is exactly the OR of the alternatives.
 *
 * - every other authenticated route: the scheme group of the scheme Kong identifies the caller by.
 *   Kong's credential store is global to the Kong, not to a decK file: a Kong shared by several
 *   gateways (decK select_tags, https://docs.konghq.com/deck/latest/guides/distributed-configuration/)
 *   holds their consumers too, and key-auth, basic-auth and jwt accept any of their credentials
 *   (another team's key, another issuer's token). Groups carry the gateway's name, so only this
 *   spec's consumers are in them.
 *
 * What acl cannot see is which credential was presented: a consumer holding credentials for two
 * alternatives passes if it meets either. When a consumer meets one of its alternatives and not
 * another, the route is refused (kong-roles-credential-ambiguous) rather than opened by the
 * stronger credential's standing. With several schemes required together, Kong identifies the
 * caller by the plugin that runs last (lowest priority), so only that item can carry conditions
 * (kong-auth-identity-and).
 */
import { ROLE_KINDS } from '../../model/route-features.js';
import type { Consumer, RequirementItem, Route, SecurityScheme } from '../../model/types.js';
import type { Ctx } from './context.js';

/** Kong 3.x auth plugin priorities: the highest runs first, the last to run sets the consumer. */
export const AUTH_PRIORITY: Record<string, number> = { jwt: 1450, 'key-auth': 1250, 'basic-auth': 1100 };

/** An acl group and who is in it. */
export interface AclGroup {
  name: string;
  /** Members hold a credential for this scheme (undefined: any consumer with the roles). */
  scheme?: string;
  /** ... and have every one of these roles. */
  roles: string[];
}

export interface AclState {
  /** Schemes whose credential holders (and JWT consumer) carry the scheme group. */
  schemeGroups: Set<string>;
  /** Combined scheme+roles groups, by name. */
  rolesGroups: Map<string, AclGroup>;
}

export const holds = (c: Consumer, scheme: string): boolean => c.credentials.some((x) => x.scheme === scheme);

export function isMember(c: Consumer, g: AclGroup): boolean {
  return (g.scheme === undefined || holds(c, g.scheme)) && g.roles.every((r) => c.groups.includes(r));
}

/** The group one requirement item allows. `alone`: the route's only way in is this item's alternative. */
function groupOf(ctx: Ctx, acl: AclState, scoped: Set<string>, s: SecurityScheme, item: RequirementItem, alone: boolean): AclGroup {
  const roles = ROLE_KINDS.has(s.kind) ? [...new Set(item.scopes)].sort() : [];
  if (roles.length === 0) {
    acl.schemeGroups.add(s.name);
    return { name: ctx.names.schemeGroup(s.name), scheme: s.name, roles: [] };
  }
  // One role, one way in, a scheme alone on its plugin: the consumer's own role group is exact
  // (only an S credential can pass the S plugin), and reads as the role it is.
  if (alone && !scoped.has(s.name) && roles.length === 1) return { name: ctx.names.roleGroup(roles[0]!), roles };
  const g: AclGroup = { name: ctx.names.rolesGroup(s.name, roles), scheme: s.name, roles };
  acl.rolesGroups.set(g.name, g);
  return g;
}

/**
 * Whether an item puts a condition on its caller that only acl can check. Not a JWT scheme's
 * "this scheme's credential": the token chunk pins the token's iss to the scheme's issuer, whose
 * key is unique in Kong (jwt-claims.ts), so jwt verifies no other scheme's token.
 */
function needsAcl(scoped: Set<string>, s: SecurityScheme, item: RequirementItem): boolean {
  return (scoped.has(s.name) && s.kind !== 'jwt') || (ROLE_KINDS.has(s.kind) && item.scopes.length > 0);
}

/**
 * The acl allow list of an authenticated route, or false after reporting a route Kong
 * cannot check exactly. `alternatives` are already checked: OR of single items, or one AND.
 */
export function routeAcl(
  ctx: Ctx,
  route: Route,
  alternatives: RequirementItem[][],
  scoped: Set<string>,
  acl: AclState,
  plugin: (s: SecurityScheme) => string,
): string[] | undefined | false {
  const schemeOf = (n: string) => ctx.scheme(n)!;
  const loc = route.securityLoc ?? route.loc;
  if (alternatives.length === 0) return undefined;
  if (alternatives.length === 1) {
    const alt = alternatives[0]!;
    // The consumer Kong ends with is the one the lowest-priority plugin set.
    const last = [...alt].sort((a, b) => (AUTH_PRIORITY[plugin(schemeOf(a.scheme))] ?? 0) - (AUTH_PRIORITY[plugin(schemeOf(b.scheme))] ?? 0))[0]!;
    const other = alt.find((i) => i !== last && needsAcl(scoped, schemeOf(i.scheme), i));
    if (other) {
      ctx.report('kong-auth-identity-and', { route: route.id, scheme: other.scheme, identifiedBy: last.scheme }, loc);
      return false;
    }
    // key-auth and basic-auth each find a consumer by their own credential and basic-auth, running
    // last, overwrites key-auth's: alice's key with bob's password passes as bob (acl, limits, cache
    // and X-Consumer-* all bob's), so the AND's two credentials need not be one caller's. nginx refuses
    // that request (runtime.js: one consumer per alternative); Kong OSS runs nothing between the two
    // plugins to compare them: refused (RL19, test/security/rl19-kong-and-consumers.test.ts).
    const key = alt.find((i) => plugin(schemeOf(i.scheme)) === 'key-auth');
    const basic = alt.find((i) => plugin(schemeOf(i.scheme)) === 'basic-auth');
    if (key && basic) {
      ctx.report('kong-auth-and-consumers', { route: route.id, key: key.scheme, basic: basic.scheme }, loc);
      return false;
    }
    // The other items of an AND are checked by their plugins alone: jwt takes only its scheme's
    // issuer (the token chunk pins iss, jwt-claims.ts); the caller still needs this spec's `last` credential.
    return [groupOf(ctx, acl, scoped, schemeOf(last.scheme), last, true).name];
  }
  const groups = alternatives.map((a) => groupOf(ctx, acl, scoped, schemeOf(a[0]!.scheme), a[0]!, false));
  // Kong identifies a consumer by ANY credential its plugin finds (the store is global), so check
  // every credential that would get the consumer through one of the route's plugins: the route
  // must let it in exactly when that credential's own alternative does.
  const plugins = new Set(alternatives.map((a) => plugin(schemeOf(a[0]!.scheme))));
  for (const c of ctx.gateway.consumers) {
    const allowed = groups.some((g) => isMember(c, g));
    const wrong = c.credentials.filter((cred) => {
      const s = ctx.scheme(cred.scheme);
      if (!s || !plugins.has(plugin(s))) return false;
      const meets = groups.some((g, i) => alternatives[i]![0]!.scheme === s.name && isMember(c, g));
      return meets !== allowed;
    });
    if (wrong.length > 0) {
      const schemes = [...new Set(c.credentials.map((x) => x.scheme))].sort().join(', ');
      ctx.report('kong-roles-credential-ambiguous', { route: route.id, consumer: c.name, schemes }, loc);
      return false;
    }
  }
  return [...new Set(groups.map((g) => g.name))].sort();
}

/** The acl groups of one spec consumer. */
export function consumerGroups(ctx: Ctx, c: Consumer, scoped: Set<string>, acl: AclState): string[] {
  const out = new Set(c.groups.map((g) => ctx.names.roleGroup(g)));
  for (const cred of c.credentials) {
    if (scoped.has(cred.scheme) || acl.schemeGroups.has(cred.scheme)) out.add(ctx.names.schemeGroup(cred.scheme));
  }
  for (const g of acl.rolesGroups.values()) if (isMember(c, g)) out.add(g.name);
  return [...out].sort();
}
