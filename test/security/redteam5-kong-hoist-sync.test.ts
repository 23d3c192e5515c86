/**
 * Red team 5 (#18, hoist.ts): `deck gateway sync` between two hoisted builds. decK
 * (go-database-reconciler pkg/diff/diff.go, Kong/go-database-reconciler HEAD) runs deleteDuplicates,
 * then createUpdate, then delete, each entity type in dependency order (order.go: Service, then
 * Route, then Plugin), waiting for a type's operations before the next; within a type, creates and
 * updates run on `parallelism` workers in no fixed order. A failed operation stops the sync before
 * the delete phase (Run closes stopChan on the first error), so going from the per-route form to
 * the service's holds (280e51f). What this file attacks: which configuration a service carries
 * is the MOST COMMON one of its routes, so it can change between two builds. The sync then
 * updates the service plugin in place while other routes' own plugins are created in the same phase
 * (and new routes exist, inheriting the OLD service plugin, from the Route phase on): for that
 * window a route runs another route's pre-function (one without its query-key spellings chunk, say).
 * Fixed: hoist.ts hoists only ONE configuration shared by every route of the service. The test
 * below walks every intermediate state of decK's two phases for every pair of small builds.
 */
import { describe, expect, it } from 'vitest';
import type { Entity } from '../../src/targets/kong/context.js';
import { hoistServicePlugins } from '../../src/targets/kong/hoist.js';

const pf = (tag: string): Entity => ({ name: 'pre-function', config: { access: [tag] } });
/** Routes r1..rn with the given pre-function configurations, hoisted as gwc builds them. */
function build(configs: string[]): { service: Entity; routes: Entity[] } {
  const service: Entity = { name: 's' };
  const routes: Entity[] = configs.map((c, i) => ({ name: `r${i + 1}`, plugins: [pf(c)] }));
  hoistServicePlugins([{ name: 's', entity: service, routes }], () => 'svc-pf');
  return { service, routes };
}
const own = (r: Entity) => ((r.plugins as Entity[] | undefined) ?? []).find((p) => p.name === 'pre-function');
const svcPf = (s: Entity) => ((s.plugins as Entity[] | undefined) ?? []).find((p) => p.name === 'pre-function');
const tagOf = (p: Entity | undefined) => (p ? ((p.config as { access: string[] }).access[0] ?? null) : null);

describe('redteam5: deck sync between two hoisted builds', () => {
  /** Every configuration list of n routes over A and B. */
  const lists = (n: number): string[][] => (n === 0 ? [[]] : lists(n - 1).flatMap((l) => [[...l, 'A'], [...l, 'B']]));
  /** The subsets of a list of operations (the ones applied so far, in any order). */
  const subsets = <T,>(ops: T[]): T[][] => ops.reduce<T[][]>((acc, op) => acc.flatMap((s) => [s, [...s, op]]), [[]]);

  // Kong during `deck gateway sync` from build `old` to build `neu`: first the creates and updates
  // (the service's plugin and the routes' own, in any order), then the deletes (in any order). A
  // route in both builds must run, at every moment, its old or its new configuration.
  it('no route ever runs a pre-function that is neither its old nor its new one', () => {
    const wrong: string[] = [];
    for (let n = 2; n <= 3; n++) {
      for (let m = n; m <= 4; m++) {
        for (const before of lists(n)) {
          for (const after of lists(m)) {
            const old = build(before);
            const neu = build(after);
            type Op = { svc: true } | { route: number };
            const creates: Op[] = [...(svcPf(neu.service) ? [{ svc: true as const }] : []), ...neu.routes.flatMap((r, i) => (own(r) ? [{ route: i }] : []))];
            const deletes: Op[] = [...(svcPf(old.service) && !svcPf(neu.service) ? [{ svc: true as const }] : []), ...old.routes.flatMap((r, i) => (own(r) && !own(neu.routes[i]!) ? [{ route: i }] : []))];
            const states = [...subsets(creates).map((c) => ({ c, d: [] as Op[] })), ...subsets(deletes).map((d) => ({ c: creates, d }))];
            for (const { c, d } of states) {
              const has = (ops: Op[], o: Op) => ops.some((x) => ('svc' in x && 'svc' in o) || ('route' in x && 'route' in o && x.route === o.route));
              const svc = has(d, { svc: true }) ? null : has(c, { svc: true }) ? tagOf(svcPf(neu.service)) : tagOf(svcPf(old.service));
              for (let i = 0; i < n; i++) {
                const mine = has(d, { route: i }) ? null : has(c, { route: i }) ? tagOf(own(neu.routes[i]!)) : tagOf(own(old.routes[i]!));
                const runs = mine ?? svc;
                if (runs !== before[i] && runs !== after[i]) wrong.push(`${before.join('')} -> ${after.join('')}: r${i + 1} runs ${runs}`);
              }
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a service plugin is only ever the one configuration every route carries', () => {
    expect(tagOf(svcPf(build(['A', 'A', 'B']).service))).toBeNull();
    expect(tagOf(svcPf(build(['B', 'B', 'B']).service))).toBe('B');
  });
});
