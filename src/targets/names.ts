/**
 * The target names alone, for code that needs the list but not the compilers (the model's
 * portability checks, `gwc validate`, flag options): importing the registry loads all four
 * targets and their template engines. index.ts checks at load that this list matches it.
 */
import type { Target } from './target.js';

export const TARGET_NAMES = ['aws', 'kong', 'nginx', 'traefik'] as const;

/**
 * One target, imported on demand: `gwc build --target kong` loads Kong's compiler only, not the
 * other three and their template engines. Everything else uses the registry in index.ts.
 */
export async function loadTarget(name: string): Promise<Target | undefined> {
  switch (name) {
    case 'aws':
      return (await import('./aws/index.js')).awsTarget;
    case 'kong':
      return (await import('./kong/index.js')).kongTarget;
    case 'nginx':
      return (await import('./nginx/index.js')).nginxTarget;
    case 'traefik':
      return (await import('./traefik/index.js')).traefikTarget;
    default:
      // A target not listed above still loads, with the whole registry.
      return (await import('./index.js')).findTarget(name);
  }
}
