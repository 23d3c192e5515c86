/**
 * A lint rule, ESLint style: a small object with metadata (id, default severity, one doc line,
 * message ids with `{{param}}` templates) and a `check` that reports by message id. Rules are
 * pure: they read the loaded spec and the gateway model and report locations, never print.
 */
import type { Loc, Severity } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import type { Target } from '../targets/target.js';

export const CATEGORIES = ['structure', 'routing', 'security', 'traffic', 'portability', 'oas'] as const;
export type Category = (typeof CATEGORIES)[number];

export type Params = Record<string, string | number | boolean>;

export interface RuleMeta<M extends string = string> {
  /** Stable; becomes the diagnostic code. Rules of the `oas` category keep Spectral's `spectral:oas` id. */
  id: string;
  category: Category;
  severity: Severity;
  /** One line, printed by `gwc lint --list-rules`. */
  doc: string;
  messages: Record<M, string>;
  /** Needs the gateway model (skipped when the spec does not normalise). */
  needsModel?: boolean;
}

export interface LintContext {
  spec: LoadedSpec;
  /** The model; present even when the model reported errors, absent when the spec did not load. */
  gateway?: Gateway;
  /** The targets to check portability against: `--target`, or every registered target. */
  targets: readonly Target[];
  /** The model under an x-gateway environment overlay (cached by the runner). */
  gatewayFor(env: string): Gateway | undefined;
}

export type Report<M extends string> = (
  messageId: M,
  params: Params,
  loc: Loc,
  extra?: { target?: string; severity?: Severity },
) => void;

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(ctx: LintContext, report: Report<M>): void;
}

/** Typed helper so each rule file states its message ids once. */
export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

export function render(template: string, params: Params): string {
  return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => (name in params ? String(params[name]) : all));
}
