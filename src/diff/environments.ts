/**
 * `gwc diff --base REF` without `--env` (red team 16): a pull request's change made inside
 * `x-gateway.environments.prod` (an IP allow list widened to 0.0.0.0/0, a consumer given the admin
 * group) is not in the base build, so comparing the base builds alone printed "No changes". The
 * review compares the base build and then each environment's build (`gwc build --env E` at the ref
 * against the working copy's), as lint speaks for every environment. An environment's plan lists
 * what the base plan does not already say (a change made the same way everywhere is shown once,
 * under the base), each item naming its environment. Pure.
 */
import { compareText } from '../diagnostics/collate.js';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { environmentNames } from '../model/environments.js';
import { Walker } from '../model/normalise/node.js';
import type { LoadedSpec } from '../spec/loaded-spec.js';
import { locateAll } from '../spec/positions.js';
import { canonical } from './changes.js';
import type { Change, Finding, Plan } from './plan.js';

/** One environment's own plan (its build at the ref against its build in the working copy). */
export interface EnvironmentPlan {
  name: string;
  plan: Plan;
}

const ORDER: Record<Change['action'], number> = { create: 0, update: 1, replace: 2, delete: 3 };
const changeId = (c: Change) => JSON.stringify([c.action, c.kind, c.key, c.oldKey ?? null, c.fields.map((f) => [f.path, f.old === undefined ? null : canonical(f.old), f.new === undefined ? null : canonical(f.new)])]);
const findingId = (f: Finding) => JSON.stringify([f.class, f.rule, f.title, f.kind, f.key, f.old ?? null, f.new ?? null, f.undoes ?? null]);
const env = (x: { environment?: string }) => x.environment ?? '';

/**
 * The base plan with each environment's own changes and findings added, the environment named.
 * Order: changes by environment (the base first, then by name), then as diffStates orders them;
 * findings by class (security first), then environment, then as diffStates orders them.
 */
export function withEnvironments(base: Plan, environments: readonly EnvironmentPlan[]): Plan {
  const changes = [...base.changes];
  const findings = [...base.findings];
  const baseChanges = new Set(base.changes.map(changeId));
  const baseFindings = new Set(base.findings.map(findingId));
  for (const { name, plan } of [...environments].sort((a, b) => compareText(a.name, b.name))) {
    for (const c of plan.changes) if (!baseChanges.has(changeId(c))) changes.push({ ...c, environment: name });
    for (const f of plan.findings) if (!baseFindings.has(findingId(f))) findings.push({ ...f, environment: name });
  }
  changes.sort((x, y) => compareText(env(x), env(y)) || ORDER[x.action] - ORDER[y.action] || compareText(x.kind, y.kind) || compareText(x.key, y.key));
  findings.sort((x, y) => compareText(x.class, y.class) * -1 || compareText(env(x), env(y)) || compareText(x.kind, y.kind) || compareText(x.key, y.key) || compareText(x.rule, y.rule));
  const summary: Plan['summary'] = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const c of changes) summary[c.action] += 1;
  return { changes, findings, summary };
}

/**
 * `gwc diff --deployed` compares one gateway, built with one environment's overlay or with none.
 * Without `--env` the spec's base build was compared: a prod built with `--env prod` then read as
 * changes that are not there, or, worse, as "No changes" where prod's overlay was weakened (an IP
 * rule widened only in prod). gwc's outputs do not all say which overlay built them (a decK dump or
 * an Admin API read keeps no comment), so the environment is not guessed: a spec with environments
 * needs `--env NAME`, or `--no-env` for a gateway built without one. The error is at
 * `x-gateway.environments`, naming them. Undefined when the spec defines none.
 */
export function environmentRequired(spec: LoadedSpec, target: string, source: string): Diagnostic | undefined {
  const names = environmentNames(spec);
  if (names.length === 0) return undefined;
  const w = new Walker(spec);
  const at = w.child(w.child(spec.root, 'x-gateway'), 'environments').loc;
  const d = diag('diff-env-required', { target, source, environments: names.join(', ') }, at);
  return locateAll(spec, [d])[0];
}
