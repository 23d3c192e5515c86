/**
 * Every target's key table by name. Imports only the small keys.ts data files (never the
 * compilers), so the core can read them while `gwc build --target X` loads X alone.
 */
import { AWS_KEYS } from './aws/keys.js';
import type { TargetName } from './index.js';
import type { TargetKeyTable } from './key-table.js';
import { KONG_KEYS } from './kong/keys.js';
import { NGINX_KEYS } from './nginx/keys.js';
import { TRAEFIK_KEYS } from './traefik/keys.js';

/** A new target fails to compile until it has one. */
export const KEY_TABLES: Record<TargetName, TargetKeyTable> = {
  aws: AWS_KEYS,
  kong: KONG_KEYS,
  nginx: NGINX_KEYS,
  traefik: TRAEFIK_KEYS,
};
