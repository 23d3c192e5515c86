/** The cases every traefik test runs over: the project's fixtures and this target's own specs. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildTarget, loadGateway } from '../../../src/api.js';
import type { Gateway } from '../../../src/model/types.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { compileTraefik, traefikTarget, type TraefikBuild } from '../../../src/targets/traefik/index.js';
import { traefikStoreSchema } from '../../helpers/checkers.js';

const root = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(root, 'fixtures');
export const SPECS = path.join(__dirname, 'specs');

export interface Case {
  name: string;
  file: string;
  /** Where its golden output lives. */
  golden: string;
}

export const CASES: Case[] = [
  ...readdirSync(FIXTURES)
    .filter((d) => existsSync(path.join(FIXTURES, d, 'gateway.yaml')))
    .map((d) => ({ name: d, file: path.join(FIXTURES, d, 'gateway.yaml'), golden: path.join(FIXTURES, d, 'expected', 'traefik') })),
  ...readdirSync(SPECS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: `specs/${f}`, file: path.join(SPECS, f), golden: path.join(SPECS, 'expected', f.replace(/\.yaml$/, '')) })),
];

export async function build(file: string, options: Record<string, string> = {}) {
  return buildTarget(file, { target: 'traefik', options });
}

/** The model and the compiler's data view, for the routing tests. */
export async function compileCase(file: string, options: Record<string, string> = {}): Promise<{ gateway?: Gateway; built?: TraefikBuild }> {
  const { gateway } = await loadGateway(file);
  if (!gateway) return {};
  const checked = checkCapabilities(gateway, traefikTarget);
  if (checked.diagnostics.some((d) => d.severity === 'error')) return { gateway };
  return { gateway, built: compileTraefik(gateway, checked.plan, { options }) };
}

/** What Traefik does with the file, and the schemas it is held to: test/helpers/checkers.ts, shared with the corpus. */
export { traefikLoad as load, traefikOwnSchema as ownSchema } from '../../helpers/checkers.js';
export const storeSchema = traefikStoreSchema();
