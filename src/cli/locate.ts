/**
 * Line and column for diagnostics made before any loader ran (gwc init reads the text itself): the
 * spec is loaded once, on that path only, and each pointer resolved through its source map, so a
 * refusal is said at the key to edit, not at 1:1 (#16.3).
 */
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { loadSpec } from '../spec/loader.js';
import { locateAll } from '../spec/positions.js';

export async function locateInSpec(file: string, diagnostics: readonly Diagnostic[]): Promise<Diagnostic[]> {
  const list = diagnostics.map((d) => (d.loc && !d.position ? { ...d, loc: { ...d.loc, file: path.resolve(d.loc.file) } } : d));
  if (!list.some((d) => d.loc && !d.position)) return [...diagnostics];
  // A file the loader refuses (not YAML, too large) keeps init's own diagnostics as they are.
  const { spec } = await loadSpec(path.resolve(file)).catch(() => ({ spec: undefined }));
  return spec ? locateAll(spec, list) : [...diagnostics];
}
