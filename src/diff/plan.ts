/**
 * The change plan: entities matched by kind and stable name (or identity), compared field by field,
 * and classified by the target-neutral rules of classify.ts. Pure.
 */
import { fieldChanges, type FieldChange } from './changes.js';
import { classifyCreated, classifyDeleted, classifyMatched, classifyTightened, RULES, type FindingClass, type RuleId, type Verdict } from './classify.js';
import type { Entity, State } from './entity.js';
import { answers, samplePath } from './paths.js';
import { precedenceVerdicts } from './precedence.js';
import { compareText } from '../diagnostics/collate.js';

export type Action = 'create' | 'update' | 'delete' | 'replace';

export interface Change {
  action: Action;
  kind: string;
  key: string;
  /** For `replace`: the key being replaced; for `update`: the old key of a renamed entity. */
  oldKey?: string;
  /** For `update` and `replace`: only the fields that changed. */
  fields: FieldChange[];
  /** `--base` without `--env`: the x-gateway environment this change is made in (absent: the base build). */
  environment?: string;
}

export interface Finding {
  class: FindingClass;
  rule: RuleId;
  title: string;
  kind: string;
  key: string;
  old?: string;
  new?: string;
  /** On a `tightened` finding: the security rule the change undoes. */
  undoes?: RuleId;
  /** `--base` without `--env`: the x-gateway environment this finding is made in (absent: the base build). */
  environment?: string;
}

export interface Plan {
  changes: Change[];
  findings: Finding[];
  summary: Record<Action, number>;
}

const ident = (e: Entity) => `${e.kind}\u0000${e.identity ?? e.key}`;
const ORDER: Record<Action, number> = { create: 0, update: 1, replace: 2, delete: 3 };

function index(entities: Entity[]): Map<string, Entity> {
  const map = new Map<string, Entity>();
  for (const e of entities) map.set(ident(e), e);
  return map;
}

const doing = (e: Entity) => e.matchBy ?? (e.facts?.route ? `route ${e.facts.route.match}` : undefined);

/**
 * Entities left without a partner by key that do the same thing on both sides (one of each kind
 * with the same `doing`) are the same entity renamed: the new side is re-indexed under the old
 * side's identity, so the pair compares as an update (`oldKey` set) and its facts are classified
 * as a change, not as a route removed and a new public route.
 */
function pairRenamed(a: Map<string, Entity>, b: Map<string, Entity>): Map<string, Entity> {
  const lone = (m: Map<string, Entity>, other: Map<string, Entity>) => {
    const by = new Map<string, Array<[string, Entity]>>();
    for (const [id, e] of m) {
      const d = doing(e);
      if (!other.has(id) && d !== undefined) by.set(`${e.kind}\u0000${d}`, [...(by.get(`${e.kind}\u0000${d}`) ?? []), [id, e]]);
    }
    return by;
  };
  const olds = lone(a, b);
  const news = lone(b, a);
  const out = new Map(b);
  for (const [what, o] of olds) {
    const n = news.get(what);
    if (o.length !== 1 || n?.length !== 1) continue;
    out.delete(n[0]![0]);
    out.set(o[0]![0], n[0]![1]);
  }
  return out;
}

/**
 * One verdict per rule (and rule undone) on an entity, their old and new texts joined: two facts
 * that one change takes away together (Kong's header-family chunk removed: the names it cleared,
 * Facts.requestHeaders, and its framing and limit refusals, a header guard) are one finding, not
 * the same rule twice on one route.
 */
function oneEach(verdicts: readonly Verdict[]): Verdict[] {
  const by = new Map<string, Verdict>();
  for (const v of verdicts) {
    const id = `${v.rule}\u0000${v.undoes ?? ''}`;
    const seen = by.get(id);
    if (!seen) by.set(id, v);
    else {
      const join = (x: string | undefined, y: string | undefined) => (x === undefined ? y : y === undefined || y === x ? x : `${x}; ${y}`);
      const old = join(seen.old, v.old);
      const next = join(seen.new, v.new);
      by.set(id, { ...seen, ...(old !== undefined ? { old } : {}), ...(next !== undefined ? { new: next } : {}) });
    }
  }
  return [...by.values()];
}

/** `from` is what runs now (deployed, or the base ref); `to` is what the spec would make it. */
export function diffStates(from: State, to: State): Plan {
  const a = index(from.entities);
  const b = pairRenamed(a, index(to.entities));
  const changes: Change[] = [];
  const findings: Finding[] = [];
  const find = (e: Entity, verdicts: Verdict[]) => {
    for (const v of oneEach(verdicts)) {
      const title = v.undoes ? `tightened (undoes: ${RULES[v.undoes].title})` : RULES[v.rule].title;
      findings.push({ class: RULES[v.rule].class, title, kind: e.kind, key: e.key, ...v });
    }
  };
  const views: Array<[Entity | undefined, Entity]> = [];
  for (const [id, n] of b) {
    const o = a.get(id);
    if (n.view || o?.view) {
      views.push([o, n]);
      continue;
    }
    if (!o) {
      changes.push({ action: 'create', kind: n.kind, key: n.key, fields: [] });
      find(n, classifyCreated(n.facts));
      continue;
    }
    const fields = fieldChanges(o.fields, n.fields);
    if (o.key !== n.key && o.identity !== undefined) changes.push({ action: 'replace', kind: n.kind, key: n.key, oldKey: o.key, fields });
    else if (o.key !== n.key) changes.push({ action: 'update', kind: n.kind, key: n.key, oldKey: o.key, fields });
    else if (fields.length > 0) changes.push({ action: 'update', kind: n.kind, key: n.key, fields });
    const forward = classifyMatched(o.facts, n.facts);
    find(n, [...forward, ...classifyTightened(o.facts, n.facts, forward), ...fallThrough(o, b.values(), n)]);
  }
  for (const [id, o] of a) {
    if (b.has(id) || o.view) continue;
    changes.push({ action: 'delete', kind: o.kind, key: o.key, fields: [] });
    find(o, [...classifyDeleted(o.facts), ...fallThrough(o, b.values())]);
  }
  // A request another route now takes from the route that took it (a changed order).
  for (const [e, v] of precedenceVerdicts(from.entities, [...b.values()], (o) => b.get(ident(o)))) find(e, [v]);
  for (const [o, n] of views) {
    // Only what no member said: the view sees what its members cannot, each alone.
    const members = new Set([...(o?.view?.members ?? []), ...(n.view?.members ?? [])]);
    const kind = n.view?.memberKind ?? o?.view?.memberKind;
    const said = new Set(findings.filter((f) => f.kind === kind && members.has(f.key)).map((f) => f.rule));
    const forward = o ? classifyMatched(o.facts, n.facts) : classifyCreated(n.facts);
    find(n, [...forward, ...(o ? classifyTightened(o.facts, n.facts, forward) : [])].filter((v) => !said.has(v.rule)));
  }
  changes.sort((x, y) => ORDER[x.action] - ORDER[y.action] || compareText(x.kind, y.kind) || compareText(x.key, y.key));
  findings.sort((x, y) => compareText(x.class, y.class) * -1 || compareText(x.kind, y.kind) || compareText(x.key, y.key) || compareText(x.rule, y.rule));
  const summary: Record<Action, number> = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const c of changes) summary[c.action] += 1;
  return { changes, findings, summary };
}

export const hasChanges = (plan: Plan) => plan.changes.length > 0;

const overlap = (a: readonly string[] | undefined, b: readonly string[] | undefined) => !a?.length || !b?.length || a.some((x) => b.includes(x));

/** Rules about the route itself, not about what its callers meet: a fall-through route differs there by being another route. */
const OWN: ReadonlySet<RuleId> = new Set<RuleId>(['route-moved', 'upstream-path-changed', 'backend-changed']);

/**
 * A route removed, moved or narrowed whose path another route answers (a keyed `/files/secret`
 * gone beside a public `/files/{name}`, a keyed `/t/{a}/secret` beside a public `/t/{a}/{b}`):
 * its callers now reach the backend through that route, so everything that route does to them
 * against what the old one did is the change (auth-removed, auth-weakened, ip-widened,
 * rate-limit-raised, ...), not only a route removed or moved. The path asked about is one the old
 * route answered as its own (paths.ts samplePath: parameters read as `g`) and its new self no
 * longer does; every remaining route that answers it counts (the gateway's choice among them is
 * the target's). A path the old route shared with a more specific neighbour is not asked about.
 */
function fallThrough(gone: Entity, remaining: Iterable<Entity>, self?: Entity): Verdict[] {
  const r = gone.facts?.route;
  if (!r?.paths || gone.facts?.auth === undefined) return [];
  const paths = r.paths.map(samplePath).filter((p): p is string => p !== undefined && !answers(self?.facts?.route?.paths ?? [], p));
  const out: Verdict[] = [];
  for (const path of new Set(paths)) {
    for (const n of remaining) {
      const m = n.facts?.route;
      if (n === self || !m?.paths || n.view || n.facts?.auth === undefined || !overlap(r.methods, m.methods) || !overlap(gone.facts.hosts, n.facts.hosts)) continue;
      if (!answers(m.paths, path)) continue;
      for (const v of classifyMatched(gone.facts, { ...n.facts, route: r })) {
        if (RULES[v.rule].class === 'security' && !OWN.has(v.rule)) out.push({ ...v, new: `${v.new ?? ''} (${n.key} now answers ${path})` });
      }
    }
  }
  return out;
}
