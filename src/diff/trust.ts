/**
 * What a compiled gateway takes on the spec's word instead of checking itself, as diff entities.
 *
 * `x-gateway.backends.*.methodOverride: none` lets Traefik and AWS build a POST beside a
 * differently protected method of the same backend path (src/targets/body-override.ts): nothing in
 * their output changes, only the refusal is gone, so the declaration is invisible to a reader of
 * the output. Its appearance is a weakening all the same (DESIGN.md section 7.8: how a request is
 * checked), so the compiled side carries it as an entity whose `trusts` fact the rules flag
 * (`trust-added`, src/diff/rules.ts). Deployed state cannot show it; `gwc diff --deployed` leaves
 * these entities out of both sides (run.ts), and `gwc diff --base REF` compares them.
 */
import type { Gateway } from '../model/types.js';
import type { TargetKeyTable } from '../targets/key-table.js';
import { KEY_TABLES } from '../targets/key-tables.js';
import type { Entity } from './entity.js';

/** The kind of the entities below: never a kind a target's reader writes. */
export const TRUST_KIND = 'gwc trust';

/** What `methodOverride: none` makes the gateway take on trust, as a reviewer reads it. */
export const NO_BODY_METHOD = 'the backend runs no _method of a request body (x-gateway methodOverride: none)';

/**
 * One entity per backend whose declaration `target` relies on (its key table answers the key
 * `native`; nginx and Kong check the body whatever it says, so they rely on nothing).
 */
export function trustEntities(gateway: Gateway, target: string): Entity[] {
  const table = (KEY_TABLES as Record<string, TargetKeyTable | undefined>)[target];
  if (table?.['backends.*.methodOverride']?.answer !== 'native') return [];
  return gateway.backends
    .filter((b) => b.methodOverride?.value === 'none')
    .map((b) => ({ kind: TRUST_KIND, key: `backend ${b.name}`, fields: { methodOverride: 'none' }, facts: { trusts: [NO_BODY_METHOD] } }));
}

/** The state without these entities (what a deployed reader can compare). */
export function withoutTrust(entities: Entity[]): Entity[] {
  return entities.filter((e) => e.kind !== TRUST_KIND);
}
