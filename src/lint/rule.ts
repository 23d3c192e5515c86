/**
 * A lint rule, ESLint style: a small object with metadata and a `check` that reports by message
 * id. The rule file states only its id, its message ids and whether it needs the model; the rest
 * of its metadata (category, default severity, doc line, message texts with `{{param}}` slots) is
 * data, rules/gwc.yaml, read by ./ruleset.ts. Rules are pure: they read the loaded spec and the
 * gateway model and report locations, never print.
 */
import type { Loc, Severity } from '../diagnostics/diagnostic.js';
import type { Gateway } from '../model/types.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import type { Target } from '../targets/target.js';
import { RULESET_FILE, ruleData, type Category } from './ruleset.js';

export { CATEGORIES, type Category } from './ruleset.js';

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
  /**
   * Reports what `gwc build` refuses (DESIGN.md 7.7): the rule runs whatever the config or ruleset
   * says, and its reports marked `refusal` keep their error whatever a setting or an ignore says.
   */
  refuses?: boolean;
}

export interface LintContext {
  spec: LoadedSpec;
  /** The model; present even when the model reported errors, absent when the spec did not load. */
  gateway?: Gateway;
  /** The targets to check portability against: `--target`, or every registered target. */
  targets: readonly Target[];
  /** The model under an x-gateway environment overlay (cached by the runner). */
  gatewayFor(env: string): Gateway | undefined;
  /** Lint's own `--env`: `gateway` is that overlay's model. Without it, lint speaks for the build of every environment too. */
  env?: string;
  /**
   * `--option` per target name, as `gwc build` takes them: the target compile lint relays runs
   * with them (target-refusals.ts), so an option's refusal (target-option-invalid, or one only an
   * option makes, like kong names=openapi2kong's kong-o2k-name-collision) is linted too.
   */
  targetOptions?: Readonly<Record<string, Record<string, string>>>;
}

export type Report<M extends string> = (
  messageId: M,
  params: Params,
  loc: Loc,
  extra?: {
    target?: string;
    severity?: Severity;
    /** The build refuses the spec on this: no lint setting or `x-gwc-ignore` lowers or hides it. */
    refusal?: boolean;
  },
) => void;

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(ctx: LintContext, report: Report<M>): void;
}

/** What a rule file states about itself; rules/gwc.yaml holds the rest under the same id. */
export interface RuleSource<M extends string> {
  id: string;
  /** The ids it reports with; rules/gwc.yaml gives each its text. */
  messageIds: readonly M[];
  needsModel?: boolean;
  refuses?: boolean;
}

/**
 * A rule from its file's part (id, message ids, check) and its data in rules/gwc.yaml. A rule
 * with no entry there, or a message id without text, is a packaging bug: it throws when the rule
 * loads (test/lint/ruleset.test.ts says which), rather than lint with a rule half described.
 */
export function defineRule<M extends string>(rule: { meta: RuleSource<M>; check: Rule<M>['check'] }): Rule<M> {
  const { id, messageIds, needsModel, refuses } = rule.meta;
  const d = ruleData(id);
  if (!d || d.kind !== 'gwc') throw new Error(`${RULESET_FILE}: no gwc rule "${id}", which src/lint/rules registers`);
  const missing = messageIds.filter((m) => !Object.hasOwn(d.messages, m));
  if (missing.length > 0) throw new Error(`${RULESET_FILE}: rule "${id}" has no text for message ${missing.join(', ')}`);
  const messages = Object.fromEntries(messageIds.map((m) => [m, d.messages[m]!])) as Record<M, string>;
  const meta: RuleMeta<M> = { id, category: d.category, severity: d.severity, doc: d.description, messages };
  if (needsModel) meta.needsModel = true;
  if (refuses) meta.refuses = true;
  return { meta, check: rule.check };
}

/**
 * `{ ...base, ...more }`, made with Object.assign (#18): V8 makes an object literal that spreads
 * and then adds keys on a slow path, three to four times Object.assign's CPU, and lint makes one
 * per report (41,000 on the synthetic 10,000-operation spec, the relayed ones twice). Object.assign
 * sets where the spread defines: the same own keys, in the same order, with the same values, for
 * the plain data rules report; an object with a `__proto__` key of its own (which a set would take
 * as the prototype) goes the spread's way.
 */
export function extend<A extends object, B extends object>(base: A, more: B): A & B {
  if (Object.hasOwn(base, '__proto__') || Object.hasOwn(more, '__proto__')) return { ...base, ...more };
  return Object.assign({}, base, more);
}

/** Each message text cut at its `{{slots}}` once: literal text at even indices, slot names at odd. */
const parsed = new Map<string, string[]>();

/** The message: each `{{name}}` replaced by its param, a slot without a param left as written. */
export function render(template: string, params: Params): string {
  let parts = parsed.get(template);
  if (!parts) parsed.set(template, (parts = template.split(/\{\{(\w+)\}\}/)));
  const slot = (name: string) => (name in params ? String(params[name]) : `{{${name}}}`);
  // A text that is one slot ("{{detail}}": every relayed target finding, 20,000 on the 10k spec)
  // is that param itself, not a copy of it (#18).
  if (parts.length === 3 && parts[0] === '' && parts[2] === '') return slot(parts[1]!);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) out += slot(parts[i]!) + parts[i + 1]!;
  return out;
}
