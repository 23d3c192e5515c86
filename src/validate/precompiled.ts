/**
 * Validators compiled at build time by scripts/precompile-schemas.mjs (ajv standalone), loaded
 * when present: compiling the x-gateway and OpenAPI schemas at run time was most of a tiny
 * spec's `gwc validate`. Running from src/ (tests, tsx) there are none, and callers compile the
 * schema themselves; the two paths give the same errors (test/property checks they agree).
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/** The module's validators by name, or undefined when this build has none. */
export function precompiled(name: 'x-gateway' | 'openapi-3.0' | 'openapi-3.1'): Record<string, ValidateFunction> | undefined {
  try {
    return require(`./precompiled/${name}.cjs`) as Record<string, ValidateFunction>;
  } catch {
    return undefined;
  }
}
