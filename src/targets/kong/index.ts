/**
 * The Kong target: a decK declarative file (`_format_version: "3.0"`) for Kong Gateway OSS 3.x,
 * applied with `deck gateway sync`. See compile.ts for the mapping and capabilities.ts for what
 * open-source Kong cannot enforce.
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { Target } from '../target.js';
import { kongCapabilities } from './capabilities.js';
import { compileKong } from './compile.js';
import { kongDeployed } from './deployed.js';
import { kongDeployHint } from './deploy-hint.js';
import { KONG_POLICIES } from './policy-map.js';

const RATE_LIMIT_POLICIES = ['local', 'cluster'] as const;
const NAME_SCHEMES = ['gwc', 'openapi2kong'] as const;

export const kongTarget: Target = {
  name: 'kong',
  title: 'Kong Gateway (OSS 3.x)',
  output: 'kong.yaml: decK declarative configuration, _format_version "3.0"',
  capabilities: kongCapabilities,
  policies: KONG_POLICIES,
  deployed: kongDeployed,
  deployHint: kongDeployHint,
  options: [
    {
      name: 'rate-limit-policy',
      description: 'rate-limiting counters: local (per Kong node) or cluster (shared through the database; not in DB-less mode)',
      values: RATE_LIMIT_POLICIES,
      default: 'local',
    },
    {
      name: 'names',
      description: 'entity names and ids: gwc (gateway.backend, gateway.operation) or openapi2kong (as deck file openapi2kong names them: the migration path from it)',
      values: NAME_SCHEMES,
      default: 'gwc',
    },
  ],
  compile(gateway, plan, { options, findingsOnly }) {
    const policy = options['rate-limit-policy'] ?? 'local';
    if (!(RATE_LIMIT_POLICIES as readonly string[]).includes(policy)) {
      return { files: [], diagnostics: [diag('target-option-invalid', { target: 'kong', option: 'rate-limit-policy', value: policy, expected: 'local or cluster' })] };
    }
    const names = options.names ?? 'gwc';
    if (!(NAME_SCHEMES as readonly string[]).includes(names)) {
      return { files: [], diagnostics: [diag('target-option-invalid', { target: 'kong', option: 'names', value: names, expected: 'gwc or openapi2kong' })] };
    }
    return compileKong(gateway, plan, { rateLimitPolicy: policy as 'local' | 'cluster', names: names as 'gwc' | 'openapi2kong' }, findingsOnly === true);
  },
};
