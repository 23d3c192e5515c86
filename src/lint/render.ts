/** The lint output formats, chosen by `--format`; each returns the whole text. */
import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatStylish, toJson } from '../diagnostics/format.js';
import { formatGithub } from './format/github.js';
import { formatJunit } from './format/junit.js';
import { formatSarif } from './format/sarif.js';
import { listRules } from './index.js';

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

/** `version` is gwc's own (SARIF tool.driver.version): the command passes its package version. */
export function renderLint(format: Format, diagnostics: readonly Diagnostic[], specFile: string, cwd = process.cwd(), version?: string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(diagnostics.map((d) => toJson(d, cwd)), null, 2);
    case 'sarif':
      return formatSarif(diagnostics, listRules(), cwd, version, path.resolve(specFile));
    case 'github':
      return formatGithub(diagnostics, cwd);
    case 'junit':
      return formatJunit(diagnostics, path.resolve(specFile), cwd);
    default:
      return formatStylish(diagnostics, cwd);
  }
}

export function renderRuleList(): string {
  const rules = listRules();
  const w = Math.max(...rules.map((r) => r.id.length));
  return rules.map((r) => `${r.id.padEnd(w)}  ${r.severity.padEnd(5)}  ${r.category.padEnd(11)}  ${r.doc}`).join('\n');
}
