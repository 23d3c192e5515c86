/**
 * Renderers of a plan: `plan` (terminal, colour only when asked), `json` (stable; README.md),
 * `markdown` (a pull-request comment) and `unified` (text diff of both normalised states).
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { canonical, type FieldChange } from './changes.js';
import type { Entity, Json, State } from './entity.js';
import type { Change, Finding, Plan } from './plan.js';
import { compareText } from '../diagnostics/collate.js';

export const FORMATS = ['plan', 'unified', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Secrets are masked by the normalisers; this keeps long values on one readable line. */
function value(v: Json | undefined): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : canonical(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const fieldLine = (f: FieldChange) => `${f.path}: ${value(f.old)} -> ${value(f.new)}`;

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete${s.replace ? `, ${s.replace} to replace` : ''}.`;
}

/** `--base` without `--env`: what one x-gateway environment's build alone changes says so first. */
const inEnv = (x: { environment?: string }) => (x.environment !== undefined ? `[environment ${x.environment}] ` : '');

const findingLine = (f: Finding) => `${inEnv(f)}${f.title}: ${f.kind} ${f.key}${f.old !== undefined || f.new !== undefined ? ` (${f.old ?? '-'} -> ${f.new ?? '-'})` : ''}`;

const SIGN: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
}
const paint = (on: boolean): Paint => {
  const c = (code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: c('31'), green: c('32'), yellow: c('33'), bold: c('1') };
};

export function renderPlan(plan: Plan, options: { colour?: boolean } = {}): string {
  const p = paint(options.colour ?? false);
  if (plan.changes.length === 0 && plan.findings.length === 0) return 'No changes. The deployed gateway matches the spec.\n';
  const out: string[] = [];
  const section = (cls: Finding['class'], heading: string, colour: (s: string) => string) => {
    const list = plan.findings.filter((f) => f.class === cls);
    if (list.length === 0) return;
    out.push(colour(p.bold(`${heading} (${list.length}):`)), ...list.map((f) => colour(`  ! ${findingLine(f)}`)), '');
  };
  section('security', 'Security: weakens the front door', p.red);
  section('breaking', 'Breaking: clients may fail', p.yellow);
  let heading: string | undefined;
  for (const c of plan.changes) {
    // The base build's changes, then each environment's own under a heading of its own (plan order).
    const wanted = c.environment !== undefined ? `Changes in environment ${c.environment} (gwc build --env ${c.environment}):` : 'Changes:';
    if (wanted !== heading) out.push(...(heading !== undefined ? [''] : []), p.bold((heading = wanted)));
    const colour = c.action === 'create' ? p.green : c.action === 'delete' ? p.red : p.yellow;
    const name = c.oldKey ? `${c.kind} ${c.oldKey} -> ${c.key}` : `${c.kind} ${c.key}`;
    out.push(colour(`  ${SIGN[c.action]} ${name}${c.action === 'replace' ? ' (replaced)' : ''}`));
    for (const f of c.fields) out.push(`      ${fieldLine(f)}`);
  }
  out.push('', p.bold(summaryLine(plan)));
  return `${out.join('\n')}\n`;
}

/** Stable JSON, documented in src/diff/README.md. Bump `version` on any incompatible change. */
export function renderJson(plan: Plan, meta: { target: string; from: string; to: string }): string {
  return `${JSON.stringify({ version: 1, ...meta, summary: plan.summary, findings: plan.findings, changes: plan.changes }, null, 2)}\n`;
}

const md = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);

export function renderMarkdown(plan: Plan, meta: { target: string }): string {
  const out = [`### gwc diff (${meta.target})`, ''];
  if (plan.changes.length === 0 && plan.findings.length === 0) return `${out.join('\n')}No changes.\n`;
  const section = (cls: Finding['class'], heading: string) => {
    const list = plan.findings.filter((f) => f.class === cls);
    if (list.length === 0) return;
    out.push(`#### ${heading}`, '', '| change | entity | old | new |', '|---|---|---|---|');
    for (const f of list) out.push(`| ${md(f.title)} | ${md(`${inEnv(f)}${f.kind} ${f.key}`)} | ${md(f.old ?? '')} | ${md(f.new ?? '')} |`);
    out.push('');
  };
  section('security', ':warning: Security: weakens the front door');
  section('breaking', ':boom: Breaking: clients may fail');
  out.push('<details><summary>' + md(summaryLine(plan)) + '</summary>', '', '```diff');
  for (const c of plan.changes) {
    const mark = c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '!';
    out.push(`${mark} ${inEnv(c)}${c.action} ${c.kind} ${c.oldKey ? `${c.oldKey} -> ` : ''}${c.key}`);
    for (const f of c.fields) out.push(`    ${fieldLine(f).replace(/```/g, "'''")}`);
  }
  out.push('```', '', '</details>', '', `**${md(summaryLine(plan))}**`);
  return `${out.join('\n')}\n`;
}

/** Both states rendered the same way (normalised, grouped by kind, sorted), so only real changes show. */
export function renderState(state: State): string {
  const byKind: Record<string, Record<string, Entity['fields']>> = {};
  const sorted = [...state.entities].sort((a, b) => compareText(a.kind, b.kind) || compareText(a.key, b.key));
  for (const e of sorted) (byKind[e.kind] ??= {})[e.key] = JSON.parse(canonicalJson(e.fields)) as Entity['fields'];
  return stringify(byKind, { sortMapEntries: true, lineWidth: 0 });
}

function canonicalJson(v: Json): string {
  return canonical(v);
}

export function renderUnified(from: State, to: State, names: { from: string; to: string }): string {
  const patch = createTwoFilesPatch(names.from, names.to, renderState(from), renderState(to), undefined, undefined, { context: 3 });
  return patch;
}

/** One environment's two builds (`--base` without `--env`), for `unified`. */
export interface EnvironmentStates {
  name: string;
  from: State;
  to: State;
}

/**
 * One entry point for the command: the plan in the chosen format. `unified` shows the base builds,
 * then each environment's builds that differ, named `FROM (environment E)` and `TO (environment E)`.
 */
export function render(format: Format, plan: Plan, from: State, to: State, meta: { target: string; from: string; to: string; colour: boolean; environments?: readonly EnvironmentStates[] }): string {
  switch (format) {
    case 'json':
      return renderJson(plan, { target: meta.target, from: meta.from, to: meta.to });
    case 'markdown':
      return renderMarkdown(plan, meta);
    case 'unified': {
      const patches = [renderUnified(from, to, { from: meta.from, to: meta.to })];
      for (const e of meta.environments ?? []) {
        const [a, b] = [renderState(e.from), renderState(e.to)];
        if (a !== b) patches.push(renderUnified(e.from, e.to, { from: `${meta.from} (environment ${e.name})`, to: `${meta.to} (environment ${e.name})` }));
      }
      return patches.join('');
    }
    default:
      return renderPlan(plan, { colour: meta.colour });
  }
}
