/**
 * Names and ids of the Kong entities gwc writes. Names are readable (gateway name + backend or
 * operation id) and ids are UUIDv5 of the name, so `deck gateway sync` updates entities in place
 * instead of deleting and re-creating them, and the same spec gives the same bytes on any machine.
 * Kong's names are `utf8_name`s; gwc keeps to `[a-z0-9._~-]` so no name needs quoting anywhere.
 * https://docs.konghq.com/gateway/latest/admin-api/#service-object
 */
import { hash } from 'node:crypto';

/** gwc's own UUIDv5 namespace (a fixed random UUID): ids never collide with another tool's. */
const NAMESPACE = 'b7d6f0b2-3c1e-4f7a-9a51-4f3f0c6e2d10';

/** Each namespace's 16 bytes, parsed once (a 10,000-route build asks for ~60,000 ids, #18). */
const namespaceBytes = new Map<string, Buffer>();

/**
 * One buffer the digest input is written into, id after id (grown when a name needs more): a
 * fresh buffer per id was half of an id's cost (#18). crypto.hash reads it synchronously.
 */
let scratch = Buffer.allocUnsafe(512);

export function uuidv5(name: string, namespace: string = NAMESPACE): string {
  // RFC 9562 section 5.5: SHA-1 of the namespace's 16 bytes then the name's UTF-8 bytes.
  let ns = namespaceBytes.get(namespace);
  if (!ns) namespaceBytes.set(namespace, (ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')));
  const length = 16 + Buffer.byteLength(name, 'utf8');
  if (length > scratch.length) scratch = Buffer.allocUnsafe(2 * length);
  ns.copy(scratch, 0, 0, 16);
  scratch.write(name, 16, 'utf8');
  // crypto.hash (Node 20.12+) is a one-shot digest without a Hash object: ~4x faster per id.
  const h = hash('sha1', scratch.subarray(0, length), 'hex');
  // Octet 6's high nibble is the version (5); octet 8's top two bits the variant (10).
  const variant = '89ab'[parseInt(h[16]!, 16) & 3]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Lower-case, with every run of characters outside Kong's safe name set folded to one '-'. */
export function slug(text: string): string {
  // ASCII has no decompositions: nearly every name skips ICU's normaliser (#18).
  // eslint-disable-next-line no-control-regex
  const s = (/^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD'))
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

/**
 * The id every entity gets when nothing will be written (lint's findingsOnly compile): no
 * diagnostic reads an id, and 60,000 SHA-1 digests were a fifth of that compile at 10,000 routes (#18).
 */
export const UNRENDERED_ID = '00000000-0000-5000-8000-000000000000';

/** `ids`: false when the compile renders no file (findingsOnly), then `id` is UNRENDERED_ID. */
export function namer(gatewayName: string, ids = true): Namer {
  const g = slug(gatewayName);
  // A route's name is asked for twice per route (the collision check, then its entity): made once (#18).
  const routes = new Map<string, string>();
  return {
    tag: `gwc:${g}`,
    service: (key) => `${g}.${slug(key)}`,
    route: (id) => {
      let name = routes.get(id);
      if (name === undefined) routes.set(id, (name = `${g}.${slug(id)}`));
      return name;
    },
    upstream: (backend) => `${g}.${slug(backend)}.upstream`,
    consumer: (name) => `${g}.${slug(name)}`,
    anonymous: () => `${g}.~anonymous`,
    schemeConsumer: (scheme) => `${g}.~jwt.${slug(scheme)}`,
    schemeGroup: (scheme) => `${g}.scheme.${slug(scheme)}`,
    roleGroup: (role) => `${g}.group.${role}`,
    rolesGroup: (scheme, roles) => `${g}.roles:${JSON.stringify({ scheme, all: [...roles].sort() })}`,
    id: ids ? (kind, name) => uuidv5(`${kind}:${name}`) : () => UNRENDERED_ID,
  };
}
