/**
 * `gwc explain ID`: what a diagnostic code or lint rule means, why it matters, how to fix it, and
 * a minimal example. The texts live in this folder, one map per area of gwc; severity, category and
 * documentation link come from the code catalogue and rules/gwc.yaml, so they cannot disagree.
 * Formatters (SARIF helpUri, JSON) link with `explainAnchor`; `docs/codes.md` is rendered from here.
 */
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import { gwcRuleset, ruleData } from '../lint/ruleset.js';
import { suggest } from '../validate/suggest.js';
import { AWS } from './aws.js';
import { AWS_INPUT } from './aws-input.js';
import { AWS_HTTP } from './aws-http.js';
import { AWS_VALIDATION } from './aws-validation.js';
import { DIFF } from './diff.js';
import type { Explanation, Explanations } from './explanation.js';
import { KONG } from './kong.js';
import { TRAEFIK } from './traefik.js';
import { LOAD } from './load.js';
import { MODEL } from './model.js';
import { NGINX_VALIDATION } from './nginx-validation.js';
import { RULES } from './rules.js';
import { TARGETS } from './targets.js';

export type { Explanation } from './explanation.js';

/** Every explanation by id. An id in two areas is a mistake test/explain/explain.test.ts reports. */
export const EXPLANATION_AREAS: Readonly<Record<string, Explanations>> = { load: LOAD, model: MODEL, 'aws-input': AWS_INPUT, 'aws-validation': AWS_VALIDATION, targets: TARGETS, 'nginx-validation': NGINX_VALIDATION, aws: AWS, 'aws-http': AWS_HTTP, kong: KONG, traefik: TRAEFIK, diff: DIFF, rules: RULES };
const ALL: Explanations = Object.assign({}, ...Object.values(EXPLANATION_AREAS));

/** The generated reference every explanation is rendered into, relative to the package root. */
export const EXPLAIN_DOC = 'docs/codes.md';

export interface ExplainEntry extends Explanation {
  id: string;
  /** A diagnostic code (src/diagnostics/codes.ts), a lint rule (rules/gwc.yaml), or both. */
  kind: 'code' | 'rule' | 'code and rule';
  severity: Severity;
  category?: string;
  /** The rule's documentation link from rules/gwc.yaml. */
  documentationUrl?: string;
  /** `docs/codes.md#<id>`: where this explanation is in the generated reference. */
  anchor: string;
}

const isCode = (id: string): id is DiagnosticCode => Object.hasOwn(CODES, id);

/** Every id gwc can report: the codes, then the rules that are not codes, sorted. */
export function reportableIds(): string[] {
  return [...new Set([...Object.keys(CODES), ...gwcRuleset().rules.map((r) => r.id)])].sort();
}

/**
 * The link to an id's explanation in the generated reference, relative to the package root (for a
 * SARIF `helpUri`, resolve it against where the package's docs are published).
 */
export function explainAnchor(id: string): string {
  return `${EXPLAIN_DOC}#${id.toLowerCase()}`;
}

/** The explanation of a code or rule id, or undefined when gwc has no such id or no text for it. */
export function explain(id: string): ExplainEntry | undefined {
  const text = Object.hasOwn(ALL, id) ? ALL[id] : undefined;
  const rule = ruleData(id);
  if (!text || (!isCode(id) && !rule)) return undefined;
  const entry: ExplainEntry = {
    id,
    kind: isCode(id) ? (rule ? 'code and rule' : 'code') : 'rule',
    severity: isCode(id) ? CODES[id].severity : rule!.severity,
    ...text,
    anchor: explainAnchor(id),
  };
  if (rule) {
    entry.category = rule.category;
    entry.documentationUrl = rule.documentationUrl;
  }
  return entry;
}

/** The closest known id, for "did you mean" ('' when none is close). */
export function closestId(id: string): string {
  return suggest(id, reportableIds());
}

const indent = (text: string) => text.split('\n').map((l) => `    ${l}`).join('\n');

/** The terminal form `gwc explain` prints. */
export function renderExplanation(e: ExplainEntry): string {
  const head = `${e.id} (${e.severity}; ${e.kind}${e.category ? `, ${e.category}` : ''})`;
  const more = e.documentationUrl ? `\nMore: ${e.documentationUrl}` : '';
  return `${head}\n\nWhat:  ${e.means}\nWhy:   ${e.why}\nFix:   ${e.fix}\n\nExample:\n${indent(e.example)}\n${more}`.trimEnd();
}

/** docs/codes.md: every explanation, by id (test/explain/explain.test.ts keeps the file current). */
export function renderExplanationsMarkdown(): string {
  const ids = reportableIds().filter((id) => explain(id));
  const sections = ids.map((id) => {
    const e = explain(id)!;
    const more = e.documentationUrl ? `\n\nMore: ${e.documentationUrl}` : '';
    return `## ${id}\n\n*${e.severity}; ${e.kind}${e.category ? `, ${e.category}` : ''}*\n\n**What.** ${e.means}\n\n**Why.** ${e.why}\n\n**Fix.** ${e.fix}\n\n\`\`\`${/^gwc /.test(e.example) ? 'sh' : 'yaml'}\n${e.example}\n\`\`\`${more}\n`;
  });
  return `# gwc diagnostic codes and lint rules\n\nGenerated from src/explain by \`UPDATE_GOLDEN=1 npx vitest run test/explain\`; \`gwc explain ID\` prints one.\n\n${sections.join('\n')}`;
}
