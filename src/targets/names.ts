/**
 * The target names with a lazy loader each, for code that needs the list but not the compilers
 * (the model's portability checks, `gwc validate`, flag options, `gwc build --target kong`, which
 * loads Kong's compiler only): importing the registry (index.ts) loads all four targets and their
 * template engines. index.ts checks at load that this table names its targets, in its order.
 */
import type { Target } from './target.js';

const LOADERS = {
  aws: async () => (await import('./aws/index.js')).awsTarget,
  kong: async () => (await import('./kong/index.js')).kongTarget,
  nginx: async () => (await import('./nginx/index.js')).nginxTarget,
  traefik: async () => (await import('./traefik/index.js')).traefikTarget,
} as const satisfies Record<string, () => Promise<Target>>;

export const TARGET_NAMES = Object.keys(LOADERS) as ReadonlyArray<keyof typeof LOADERS>;

/** One target, imported on demand; undefined for an unknown name. */
export async function loadTarget(name: string): Promise<Target | undefined> {
  return Object.hasOwn(LOADERS, name) ? LOADERS[name as keyof typeof LOADERS]() : undefined;
}
