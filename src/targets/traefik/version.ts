/**
 * Traefik 3.x lines and the dynamic-configuration fields gwc may emit that a line introduced.
 * Read from the `pkg/config/dynamic` structs of each tag (v3.0.0 … v3.7.0): a field is only used
 * when the chosen line has it, and `auto` picks the oldest line every emitted field loads on.
 */
export const TRAEFIK_VERSIONS = ['3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7'] as const;
export type TraefikVersion = (typeof TRAEFIK_VERSIONS)[number];

export const BASE_VERSION: TraefikVersion = '3.0';

/** Fields newer than 3.0 that gwc emits, with the line that added them. */
export const GATED_FIELDS = {
  /** `loadBalancer.servers[].preservePath`: keep the server URL's path (v3.2, Server.PreservePath). */
  'servers.preservePath': '3.2',
  /** `ipStrategy.ipv6Subnet`: count an IPv6 client by its subnet, not its address (v3.2, IPStrategy.IPv6Subnet). */
  'ipStrategy.ipv6Subnet': '3.2',
} as const satisfies Record<string, TraefikVersion>;
export type GatedField = keyof typeof GATED_FIELDS;

export function versionAtLeast(v: TraefikVersion, min: TraefikVersion): boolean {
  return TRAEFIK_VERSIONS.indexOf(v) >= TRAEFIK_VERSIONS.indexOf(min);
}

export function maxVersion(a: TraefikVersion, b: TraefikVersion): TraefikVersion {
  return versionAtLeast(a, b) ? a : b;
}
