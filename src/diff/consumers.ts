/**
 * Who holds a credential, as diff entities (DESIGN.md section 7.8: a change that widens who can
 * call what is a security change). A consumer added to `x-gateway.consumers`, a credential given
 * for another scheme, a basic user name changed or a group (a role) added lets someone call routes
 * they could not, yet on several targets nothing of it is in the output the deployed readers
 * compare: Traefik's basic users live in an htpasswd file beside the configuration, and a
 * forwardAuth or Lambda authorizer service holds its own. So the compiled side of `gwc diff --base`
 * carries one entity per consumer whose `holds` fact the rules flag (`consumer-added`,
 * src/diff/rules.ts), and one per further credential of a scheme (another key). Deployed state cannot show them on every target: `gwc diff --deployed`
 * leaves them out of both sides (run.ts, with trust.ts's entities). Secret values and references
 * are never part of them.
 */
import type { Gateway } from '../model/types.js';
import type { Entity } from './entity.js';

/** The kind of the entities below: never a kind a target's reader writes. */
export const CONSUMER_KIND = 'gwc consumer';

/** One entity per consumer of the spec, with what it can present. */
export function consumerEntities(gateway: Gateway): Entity[] {
  return gateway.consumers.map((c) => {
    // Each credential of a scheme after the first is another secret that opens what the consumer
    // can call: `credential key`, then `credential key #2`, ... (a second key is a new way in).
    const seen = new Map<string, number>();
    const holds = [
      ...c.credentials.map((x) => {
        const n = (seen.get(x.scheme) ?? 0) + 1;
        seen.set(x.scheme, n);
        return n === 1 ? `credential ${x.scheme}` : `credential ${x.scheme} #${n}`;
      }),
      ...c.credentials.flatMap((x) => (x.kind === 'basic' ? [`basic user ${x.username}`] : [])),
      ...c.groups.map((g) => `group ${g}`),
    ];
    const sorted = [...new Set(holds)].sort();
    return { kind: CONSUMER_KIND, key: `consumer ${c.name}`, fields: { holds: sorted }, facts: { holds: sorted } };
  });
}
