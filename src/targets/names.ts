/**
 * The target names alone, for code that needs the list but not the compilers (the model's
 * portability checks, `gwc validate`, flag options): importing the registry loads all four
 * targets and their template engines. index.ts checks at load that this list matches it.
 */
export const TARGET_NAMES = ['aws', 'kong', 'nginx', 'traefik'] as const;
