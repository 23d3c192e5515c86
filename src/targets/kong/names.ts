/**
 * Names and ids of the Kong entities gwc writes. Names are readable (gateway name + backend or
 * operation id) and ids are UUIDv5 of the name, so `deck gateway sync` updates entities in place
 * instead of deleting and re-creating them, and the same spec gives the same bytes on any machine.
 * Kong's names are `utf8_name`s; gwc keeps to `[a-z0-9._~-]` so no name needs quoting anywhere.
 * https://docs.konghq.com/gateway/latest/admin-api/#service-object
 */
import { createHash } from 'node:crypto';

/** gwc's own UUIDv5 namespace (a fixed random UUID): ids never collide with another tool's. */
const NAMESPACE = 'b7d6f0b2-3c1e-4f7a-9a51-4f3f0c6e2d10';

export function uuidv5(name: string, namespace: string = NAMESPACE): string {
  // RFC 9562 section 5.5: SHA-1 of the namespace's 16 bytes then the name's UTF-8 bytes.
  const ns = Uint8Array.from(namespace.replace(/-/g, '').match(/../g) ?? [], (byte) => parseInt(byte, 16));
  const b: Uint8Array = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x50;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Lower-case, with every run of characters outside Kong's safe name set folded to one '-'. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'x';
}

export interface Namer {
  /** The tag every entity carries and `_info.select_tags` names: decK only touches what gwc owns. */
  tag: string;
  service(key: string): string;
  route(id: string): string;
  upstream(backend: string): string;
  consumer(name: string): string;
  anonymous(): string;
  schemeConsumer(scheme: string): string;
  schemeGroup(scheme: string): string;
  /** The acl group of a consumer role (`consumers.*.groups`). */
  roleGroup(role: string): string;
  /**
   * The acl group of consumers that hold a credential for `scheme` AND have every one of `roles`
   * (Kong's acl allows any one listed group, so an AND of roles is one group). JSON keeps the name
   * injective whatever the role names hold; no `.scheme.` infix, so readers take it as roles.
   */
  rolesGroup(scheme: string, roles: readonly string[]): string;
  id(kind: string, name: string): string;
}

export function namer(gatewayName: string): Namer {
  const g = slug(gatewayName);
  return {
    tag: `gwc:${g}`,
    service: (key) => `${g}.${slug(key)}`,
    route: (id) => `${g}.${slug(id)}`,
    upstream: (backend) => `${g}.${slug(backend)}.upstream`,
    consumer: (name) => `${g}.${slug(name)}`,
    anonymous: () => `${g}.~anonymous`,
    schemeConsumer: (scheme) => `${g}.~jwt.${slug(scheme)}`,
    schemeGroup: (scheme) => `${g}.scheme.${slug(scheme)}`,
    roleGroup: (role) => `${g}.group.${role}`,
    rolesGroup: (scheme, roles) => `${g}.roles:${JSON.stringify({ scheme, all: [...roles].sort() })}`,
    id: (kind, name) => uuidv5(`${kind}:${name}`),
  };
}
