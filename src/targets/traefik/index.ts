/** Placeholder until the traefik compiler lands: every feature unsupported, compile refuses. */
import { FEATURE_IDS } from '../../model/features.js';
import { diag } from '../../diagnostics/diagnostic.js';
import type { CapabilityTable, Target } from '../target.js';

const capabilities = Object.fromEntries(
  FEATURE_IDS.map((id) => [id, { support: 'unsupported', why: 'the traefik target is not built yet' }]),
) as CapabilityTable;

export const traefikTarget: Target = {
  name: 'traefik',
  title: 'Traefik',
  output: 'not built yet',
  capabilities,
  compile: () => ({ files: [], diagnostics: [diag('target-error', { target: 'traefik', detail: 'not built yet' })] }),
};
