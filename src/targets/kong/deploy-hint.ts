/**
 * After `gwc build --target kong`: `deck gateway sync` the file, with the `DECK_` variables decK
 * substitutes into consumer credentials (secrets.ts) set in its environment; decK fails when one
 * is unset. https://docs.konghq.com/deck/latest/guides/environment-variables/
 */
import path from 'node:path';
import { distinctEnv, secretUses } from '../deploy-hint.js';
import type { DeployHint, DeployHintInput } from '../target.js';
import { deckEnvName } from './secrets.js';

export function kongDeployHint({ dir, files, gateway }: DeployHintInput): DeployHint {
  const file = files.find((f) => f.path.endsWith('.yaml')) ?? files[0];
  const uses = secretUses(gateway).filter((u) => u.ref.kind === 'env');
  // Only what the file really substitutes: `(env "DECK_X")` is the template secrets.ts writes.
  // Read only when a secret could be there (GitHub's 5 MB decK file has none, #18).
  const text = uses.length ? files.map((f) => f.contents).join('\n') : '';
  const written = new Set([...text.matchAll(/\(env "(DECK_[A-Za-z0-9_]+)"\)/g)].map((m) => m[1]!));
  const env = uses
    .filter((u) => u.ref.kind === 'env' && written.has(deckEnvName(u.ref.name)))
    .map((u) => ({ name: deckEnvName((u.ref as { name: string }).name), for: u.for }));
  return { next: `deck gateway sync ${path.join(dir, file?.path ?? 'kong.yaml')}`, env: distinctEnv(env) };
}
