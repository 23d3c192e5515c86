/**
 * Checks the loader, the validators and the model already make, listed as lint rules so that
 * `--list-rules` shows them and a config can tune them like any other. Their data (category,
 * description) is rules/gwc.yaml's `kind: core` entries; their severity and text are the
 * diagnostic code's (src/diagnostics/codes.ts). Their tests are the model's and, for lint,
 * test/lint/core-rules.test.ts.
 */
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import type { Category } from './rule.js';
import { gwcRuleset } from './ruleset.js';

export interface CoreRule {
  id: DiagnosticCode;
  category: Category;
  severity: Severity;
  doc: string;
}

function isCode(id: string): id is DiagnosticCode {
  return Object.hasOwn(CODES, id);
}

/** The `kind: core` rules of rules/gwc.yaml, in the file's order. */
export function coreRules(): CoreRule[] {
  return gwcRuleset()
    .rules.filter((r) => r.kind === 'core')
    .map((r) => {
      if (!isCode(r.id)) throw new Error(`rules/gwc.yaml: core rule ${r.id} is not a diagnostic code in src/diagnostics/codes.ts`);
      return { id: r.id, category: r.category, severity: CODES[r.id].severity, doc: r.description };
    });
}

export const CORE_RULES: readonly CoreRule[] = coreRules();
