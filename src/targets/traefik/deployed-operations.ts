/**
 * An operation with several security alternatives is one router per alternative (`NAME-altN`,
 * routes.ts), each with one AND list: alone, none of them shows an alternative added, since the new
 * one is just a new (authenticated) router. The view of each operation's routers carries their OR,
 * so `gwc diff` compares the operation's whole access (plan.ts reports what no router said).
 */
import type { Entity, Facts, Mechanism } from '../../diff/entity.js';

export function operationViews(entities: Entity[]): Entity[] {
  const groups = new Map<string, Entity[]>();
  for (const e of entities) {
    if (e.kind !== 'router' || e.facts?.auth === undefined) continue;
    const base = e.key.replace(/-alt\d+$/, '');
    groups.set(base, [...(groups.get(base) ?? []), e]);
  }
  return [...groups].map(([base, routers]) => {
    const open = routers.some((r) => r.facts!.auth!.length === 0);
    const alternatives = routers.flatMap((r) => (r.facts!.auth!.length === 0 ? [[]] : r.facts!.auth!));
    const mechanisms: Record<string, Mechanism> = {};
    for (const r of routers) {
      for (const [name, m] of Object.entries(r.facts!.mechanisms ?? {})) {
        const had = mechanisms[name];
        // The same mechanism on two routers: the weaker reading (credential kept) is what a caller gets.
        mechanisms[name] = had && had.hideCredentials === true && m.hideCredentials !== true ? m : (had ?? m);
      }
    }
    const facts: Facts = { auth: open && alternatives.every((a) => a.length === 0) ? [] : alternatives };
    if (Object.keys(mechanisms).length) facts.mechanisms = mechanisms;
    return { kind: 'operation', key: base, fields: {}, facts, view: { memberKind: 'router', members: routers.map((r) => r.key).sort() } };
  });
}
