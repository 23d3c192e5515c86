/**
 * The registry of targets: adding a target is one folder plus one line here.
 */
import { awsTarget } from './aws/index.js';
import { kongTarget } from './kong/index.js';
import { nginxTarget } from './nginx/index.js';
import { traefikTarget } from './traefik/index.js';
import type { Target } from './target.js';

export const TARGETS = [awsTarget, kongTarget, nginxTarget, traefikTarget] as const satisfies readonly Target[];

export type TargetName = (typeof TARGETS)[number]['name'];

export const TARGET_NAMES: readonly string[] = TARGETS.map((t) => t.name);

export function findTarget(name: string): Target | undefined {
  return TARGETS.find((t) => t.name === name);
}
