/**
 * The one diagnostic type every stage returns. Positions are carried as a file and a JSON
 * pointer and turned into line:col only at the edge (`locate.ts`), as Redocly does.
 */
import { CODES, type DiagnosticCode, type ParamsOf } from './codes.js';
import { compareText } from './collate.js';

export type Severity = 'error' | 'warn' | 'info';

/** Where a node came from: the file it was read from and the JSON pointer inside that file. */
export interface Loc {
  file: string;
  pointer: string;
}

export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  code: DiagnosticCode | string;
  severity: Severity;
  message: string;
  params: Record<string, string | number | boolean>;
  loc?: Loc;
  /** Filled by `locate()` at the edge. */
  position?: Position;
  /** For diagnostics that only concern one target. */
  target?: string;
  /** Where the rule came from when not gwc's own catalogue (e.g. a Spectral ruleset). */
  source?: string;
  /** What to write to fix it (a paste-ready snippet, lines), shown under the message. */
  hint?: string;
}

/** Builds a diagnostic from the catalogue: the code fixes the severity and the message. */
export function diag<C extends DiagnosticCode>(
  code: C,
  params: ParamsOf<C>,
  loc?: Loc,
  extra: { severity?: Severity; target?: string } = {},
): Diagnostic {
  const entry = CODES[code];
  const message = (entry.message as (p: ParamsOf<C>) => string)(params);
  const d: Diagnostic = { code, severity: extra.severity ?? entry.severity, message, params: params as Diagnostic['params'] };
  if (loc) d.loc = loc;
  if (extra.target) d.target = extra.target;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const RANK: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] <= RANK[threshold];
}

/** Stable order: file, position, code. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compareText(a.loc?.file ?? '', b.loc?.file ?? '') ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
      compareText(String(a.code), String(b.code)) ||
      compareText(a.message, b.message),
  );
}
