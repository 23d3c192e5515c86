/**
 * After `gwc build --target nginx`: include the files (or run the full nginx.conf), test, reload.
 * njs reads `${env:NAME}` secrets from nginx's environment, which nginx passes to workers only
 * for variables named by an `env` directive (the main.conf include):
 * https://nginx.org/en/docs/ngx_core_module.html#env
 */
import path from 'node:path';
import { distinctEnv, secretUses } from '../deploy-hint.js';
import type { DeployHint, DeployHintInput } from '../target.js';

export function nginxDeployHint({ dir, files, gateway }: DeployHintInput): DeployHint {
  const full = files.find((f) => f.path === 'nginx.conf');
  const main = files.find((f) => f.path.endsWith('.main.conf'));
  const http = files.find((f) => f.path.startsWith('conf.d/'));
  const next = full
    ? `nginx -t -c ${path.resolve(dir, full.path)} && nginx -c ${path.resolve(dir, full.path)}`
    : `in nginx.conf: include ${path.resolve(dir, main?.path ?? 'gwc')} in the main context and ${path.resolve(dir, http?.path ?? 'conf.d')} in http {}; then nginx -t && nginx -s reload`;
  const named = new Set([...(main?.contents ?? '').matchAll(/^env ([A-Za-z_][A-Za-z0-9_]*);/gm)].map((m) => m[1]!));
  const uses = secretUses(gateway).filter((u) => u.ref.kind === 'env' && named.has(u.ref.name));
  const env = [...uses.map((u) => ({ name: (u.ref as { name: string }).name, for: u.for }))];
  for (const n of named) if (!env.some((e) => e.name === n)) env.push({ name: n, for: 'read by the njs module' });
  return { next, env: distinctEnv(env) };
}
