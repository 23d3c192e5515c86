/**
 * Validators compiled at build time by scripts/precompile-schemas.mjs (ajv standalone), loaded
 * when present: compiling the x-gateway and OpenAPI schemas at run time was most of a tiny
 * spec's `gwc validate`. Running from src/ (tests, tsx) there are none, and callers compile the
 * schema themselves; the two paths give the same errors (test/property checks they agree).
 *
 * Each generated module carries `sourceHash`, the SHA-256 of the schema source it was compiled
 * from. A module is used only when that hash equals the hash of the source gwc reads now: a
 * schema edited after the build (a plain `tsc`, a stale dist/) would otherwise validate against
 * the old schema while "did you mean" suggests keys from the new one.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { requireWithCodeCache } from './code-cache.js';

export type PrecompiledName = 'x-gateway' | 'openapi-3.0' | 'openapi-3.1';

/** Where a build keeps the generated modules, next to this file in dist/validate/. */
export const PRECOMPILED_DIR = new URL('./precompiled/', import.meta.url);

export function sha256(source: string | Uint8Array): string {
  return createHash('sha256').update(source).digest('hex');
}

/**
 * The module's validators by name, or undefined when this build has none or they were compiled
 * from another source than `sourceHash` (then the caller compiles the current schema).
 */
export function precompiled(
  name: PrecompiledName,
  sourceHash: string,
  dir: URL = PRECOMPILED_DIR,
): Record<string, ValidateFunction> | undefined {
  let mod: Record<string, unknown>;
  try {
    // With V8's code cache the build wrote beside it, when made from these bytes (code-cache.ts, #18).
    mod = requireWithCodeCache(fileURLToPath(new URL(`${name}.cjs`, dir))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (mod.sourceHash !== sourceHash) return undefined;
  return mod as Record<string, ValidateFunction>;
}
