/** The cases every traefik test runs over: the project's fixtures and this target's own specs. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { buildTarget, loadGateway } from '../../../src/api.js';
import type { Gateway } from '../../../src/model/types.js';
import { checkCapabilities } from '../../../src/targets/capability-check.js';
import { renderTemplate } from '../../../src/targets/traefik/emit.js';
import { compileTraefik, traefikTarget, type TraefikBuild } from '../../../src/targets/traefik/index.js';
import { conformancePath } from '../../helpers/binaries.js';

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

/** What Traefik does with the file: render the Go template, then parse YAML. */
export function load(contents: string): unknown {
  return parse(renderTemplate(contents), { uniqueKeys: true });
}

const ajv = new Ajv({ allErrors: true, strict: false });
export const ownSchema = ajv.compile(JSON.parse(readFileSync(path.join(root, 'src/targets/traefik/emitted.schema.json'), 'utf8')));
const storePath = conformancePath('traefik', 'traefik-v3-file-provider.schema.json');
export const storeSchema = storePath ? new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(storePath, 'utf8'))) : undefined;
