/**
 * The gwc ruleset as data: `rules/gwc.yaml` (shipped in the package) holds every rule's id, kind,
 * category, default severity, recommended flag, description, documentation link and messages; the
 * check functions in `src/lint/rules` register under those ids. Read once, checked strictly: a
 * malformed file is a packaging bug, so it throws rather than linting with half a ruleset.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readFastYaml } from '../spec/yaml-fast.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import type { LintConfig } from './config.js';

/** src/lint/ruleset.ts and dist/lint/ruleset.js are both two folders below the package root. */
export const RULESET_FILE = fileURLToPath(new URL('../../rules/gwc.yaml', import.meta.url));

/** The rule categories (`gwc lint --list-rules` groups by them; rules/gwc.yaml documents each). */
export const CATEGORIES = ['structure', 'routing', 'security', 'traffic', 'portability', 'oas'] as const;
export type Category = (typeof CATEGORIES)[number];

export const RULE_KINDS = ['gwc', 'core'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** One rule of rules/gwc.yaml, defaults filled in. */
export interface RuleData {
  id: string;
  kind: RuleKind;
  category: Category;
  severity: Severity;
  recommended: boolean;
  description: string;
  /** The rule's own link, else its category's; relative links are relative to the package root. */
  documentationUrl: string;
  /** Message id -> text with `{{param}}` slots (gwc rules; `{}` for core rules, whose text is the code's). */
  messages: Record<string, string>;
}

export interface Ruleset {
  categories: Record<Category, { description: string; documentationUrl: string }>;
  rules: RuleData[];
}

const SEVERITIES: readonly string[] = ['error', 'warn', 'info'];
const RULE_KEYS = ['kind', 'category', 'severity', 'recommended', 'description', 'documentationUrl', 'messages'];

/** Parses and checks the ruleset's data; throws naming the file and the rule on any mistake. */
export function parseRuleset(data: unknown, file = RULESET_FILE): Ruleset {
  const fail = (where: string, what: string): never => {
    throw new Error(`${file}: ${where}: ${what}`);
  };
  if (!isObj(data) || !isObj(data.categories) || !isObj(data.rules)) return fail('root', 'needs categories and rules mappings');
  const categories = {} as Ruleset['categories'];
  for (const c of CATEGORIES) {
    const v = data.categories[c];
    if (!isObj(v) || typeof v.description !== 'string' || typeof v.documentationUrl !== 'string') return fail(`categories.${c}`, 'needs description and documentationUrl');
    categories[c] = { description: v.description, documentationUrl: v.documentationUrl };
  }
  for (const c of Object.keys(data.categories)) if (!(CATEGORIES as readonly string[]).includes(c)) fail(`categories.${c}`, `not one of ${CATEGORIES.join(', ')}`);
  const rules: RuleData[] = [];
  for (const [id, v] of Object.entries(data.rules)) {
    const at = `rules.${id}`;
    if (!isObj(v)) return fail(at, 'must be a mapping');
    for (const k of Object.keys(v)) if (!RULE_KEYS.includes(k)) fail(at, `unknown key "${k}"`);
    if (!(RULE_KINDS as readonly unknown[]).includes(v.kind)) fail(at, `kind must be ${RULE_KINDS.join(' or ')}`);
    if (!(CATEGORIES as readonly unknown[]).includes(v.category)) fail(at, `category must be one of ${CATEGORIES.join(', ')}`);
    if (!SEVERITIES.includes(v.severity as string)) fail(at, 'severity must be error, warn or info');
    if (typeof v.recommended !== 'boolean') fail(at, 'recommended must be true or false');
    if (typeof v.description !== 'string' || v.description.includes('\n')) fail(at, 'description must be one line');
    if (v.documentationUrl !== undefined && typeof v.documentationUrl !== 'string') fail(at, 'documentationUrl must be a string');
    const messages = v.messages ?? {};
    if (!isObj(messages) || !Object.values(messages).every((m) => typeof m === 'string')) return fail(at, 'messages must map message ids to text');
    if (v.kind === 'gwc' && Object.keys(messages).length === 0) fail(at, 'a gwc rule states at least one message');
    if (v.kind === 'core' && Object.keys(messages).length > 0) fail(at, "a core rule's text is its diagnostic code's (src/diagnostics/codes.ts)");
    const category = v.category as Category;
    rules.push({
      id,
      kind: v.kind as RuleKind,
      category,
      severity: v.severity as Severity,
      recommended: v.recommended as boolean,
      description: v.description as string,
      documentationUrl: (v.documentationUrl as string | undefined) ?? categories[category].documentationUrl,
      messages: messages as Record<string, string>,
    });
  }
  return { categories, rules };
}

let loaded: { ruleset: Ruleset; byId: Map<string, RuleData> } | undefined;

function load() {
  if (!loaded) {
    const text = readFileSync(RULESET_FILE, 'utf8');
    // The spec's fast reader (its data is the yaml package's, or it declines) spares lint loading
    // the yaml package at start-up when no target needs it (#18); anything it declines goes to yaml.
    const data = readFastYaml(text)?.data ?? (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
    const ruleset = parseRuleset(data);
    loaded = { ruleset, byId: new Map(ruleset.rules.map((r) => [r.id, r])) };
  }
  return loaded;
}

/** The gwc ruleset, read from rules/gwc.yaml once per process. */
export function gwcRuleset(): Ruleset {
  return load().ruleset;
}

export function ruleData(id: string): RuleData | undefined {
  return load().byId.get(id);
}

/**
 * Whether a rule runs under `config`: every rule of `gwc:recommended` (always on) does; one the
 * data marks `recommended: false` runs only with `extends: gwc:all` or when the config's `rules:`
 * or an override names it (naming a rule is asking for it). A rule the data does not list runs.
 */
export function inRuleset(id: string, config: Pick<LintConfig, 'gwcAll' | 'rules' | 'overrides'>, data: RuleData | undefined = ruleData(id)): boolean {
  if (data?.recommended !== false || config.gwcAll) return true;
  return config.rules[id] !== undefined || config.overrides.some((o) => o.rules[id] !== undefined);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
