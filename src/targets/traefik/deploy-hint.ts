/**
 * After `gwc build --target traefik`: Traefik's file provider watches the folder
 * (https://doc.traefik.io/traefik/providers/file/). Traefik reads no secret from the environment
 * for what gwc writes; basic-auth users come from htpasswd files (auth-middlewares.ts), listed in the file's
 * header, which the user fills with hashes (htpasswd -B).
 */
import path from 'node:path';
import type { DeployHint, DeployHintInput } from '../target.js';

export function traefikDeployHint({ dir, files }: DeployHintInput): DeployHint {
  const text = files.map((f) => f.contents).join('\n');
  const env = [...text.matchAll(/^# (\S+) reads htpasswd users \(name:hash, e\.g\. from htpasswd -B\) from (\S+): (.*)\.$/gm)].map((m) => ({
    name: m[2]!,
    // The header went through escapeTemplate (Go template text); read it back as the user wrote it.
    for: `htpasswd file of middleware ${m[1]} (${m[3]!.replace(/\{\{ "([{}])" \}\}/g, '$1')})`,
  }));
  return { next: `point Traefik's file provider at the folder: --providers.file.directory=${path.resolve(dir)} --providers.file.watch=true`, env };
}
