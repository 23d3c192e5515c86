/**
 * The registry of targets: adding a target is one folder plus one line here and one in names.ts (its lazy loader).
 */
import { awsTarget } from './aws/index.js';
import { kongTarget } from './kong/index.js';
import { nginxTarget } from './nginx/index.js';
import { traefikTarget } from './traefik/index.js';
import type { Target } from './target.js';
import { TARGET_NAMES as NAMES } from './names.js';

export const TARGETS = [awsTarget, kongTarget, nginxTarget, traefikTarget] as const satisfies readonly Target[];

export type TargetName = (typeof TARGETS)[number]['name'];

export const TARGET_NAMES: readonly string[] = NAMES;

// The light list in names.ts must name the registry's targets, in its order.
if (TARGETS.map((t) => t.name).join() !== NAMES.join()) throw new Error(`targets/names.ts (${NAMES.join()}) differs from the registry (${TARGETS.map((t) => t.name).join()})`);

export function findTarget(name: string): Target | undefined {
  return TARGETS.find((t) => t.name === name);
}
