/** Placeholder until the aws compiler lands: every feature unsupported, compile refuses. */
import { FEATURE_IDS } from '../../model/features.js';
import { diag } from '../../diagnostics/diagnostic.js';
import type { CapabilityTable, Target } from '../target.js';

const capabilities = Object.fromEntries(
  FEATURE_IDS.map((id) => [id, { support: 'unsupported', why: 'the aws target is not built yet' }]),
) as CapabilityTable;

export const awsTarget: Target = {
  name: 'aws',
  title: 'Aws',
  output: 'not built yet',
  capabilities,
  compile: () => ({ files: [], diagnostics: [diag('target-error', { target: 'aws', detail: 'not built yet' })] }),
};
