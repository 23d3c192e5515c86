/**
 * The njs module's CFG (deployed-njs.ts) as entities of its own, so that `gwc diff` shows every
 * edit to it as a change: the route locations' facts read what the CFG decides (which schemes and
 * roles a route checks, what its body check refuses, which query keys and cookies it strips) and
 * classify an edit there, but their fields are the .conf's directives, so a CFG edited by hand gave
 * findings and no change (`--exit-code` said 0; NGX6). And the consumers, whose keys, users and
 * groups the runtime checks (runtime.js findConsumer, hasRoles), were read by nothing: eve added
 * with the admin group read as no change at all.
 * - `njs consumer`: what a consumer can present, in consumers.ts's words (Facts.holds: a consumer
 *   added, a credential for another scheme, a basic user, a group is `consumer-added`), its fields
 *   the credentials as written (secret references by name, never a value) and its groups;
 * - `njs scheme`: a scheme's settings as written (what a route's mechanism facts classify);
 * - `njs route`: a route's entry, keyed by its operation (the route location's key, `(njs CFG)`
 *   after it), its own internal URIs without their position number (as the locations' fields);
 * - the `njs module` entity (deployed-entities.ts) holds the CFG's other keys.
 */
import type { Entity, Json } from '../../diff/entity.js';
import { fieldsOf } from '../../diff/json-util.js';
import type { NjsConfig } from './deployed-njs.js';

const INTERNAL = /\/_gwc_internal\/([a-z])\/\d+/g;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The JSON of a CFG value with gwc's internal URIs unnumbered (their number follows position). */
const unnumbered = (v: unknown, own?: string): Json =>
  JSON.parse(
    JSON.stringify(v ?? null, (_k, x: unknown) =>
      // A route's own step (its body check's next location) reads `#`; another route's (a hand edit
      // sending this route's requests into that route's steps) keeps its number.
      typeof x === 'string' ? x.replace(INTERNAL, (m: string, step: string) => (own === undefined || m.endsWith(`/${own}`) ? `/_gwc_internal/${step}/#` : m)) : x,
    ),
  ) as Json;

/** What a CFG consumer can present, in src/diff/consumers.ts's words. */
function holds(c: Record<string, unknown>): string[] {
  const seen = new Map<string, number>();
  const creds = Array.isArray(c.credentials) ? c.credentials.filter(isObj) : [];
  const words = [
    ...creds.map((x) => {
      const scheme = String(x.scheme);
      const n = (seen.get(scheme) ?? 0) + 1;
      seen.set(scheme, n);
      return n === 1 ? `credential ${scheme}` : `credential ${scheme} #${n}`;
    }),
    ...creds.flatMap((x) => (x.kind === 'basic' ? [`basic user ${String(x.username)}`] : [])),
    ...(Array.isArray(c.groups) ? c.groups.map((g) => `group ${String(g)}`) : []),
  ];
  return [...new Set(words)].sort();
}

/** The entities of one njs module's CFG (`name`: its js_import name). */
export function cfgEntities(name: string, cfg: NjsConfig): Entity[] {
  const raw = cfg as unknown as Record<string, unknown>;
  const out: Entity[] = [];
  const consumers = Array.isArray(raw.consumers) ? raw.consumers.filter(isObj) : [];
  const named = new Map<string, number>();
  for (const c of consumers) {
    // A name written twice (a hand edit) keeps both entries apart.
    const n = (named.get(String(c.name)) ?? 0) + 1;
    named.set(String(c.name), n);
    const h = holds(c);
    out.push({ kind: 'njs consumer', key: `consumer ${String(c.name)}${n > 1 ? ` #${n}` : ''}`, fields: fieldsOf(unnumbered({ ...c, name: undefined })), facts: { holds: h } });
  }
  // `hide`: written by releases before session 19, never read by runtime.js (the .conf clears and the
  // route's hideQuery/hideCookies strip a credential): left out, so such a deployment reads as today's.
  for (const [scheme, s] of Object.entries(isObj(raw.schemes) ? raw.schemes : {})) out.push({ kind: 'njs scheme', key: `scheme ${scheme} (njs CFG)`, fields: fieldsOf(unnumbered(isObj(s) ? { ...s, hide: undefined } : s)) });
  for (const [at, r] of Object.entries(isObj(raw.routes) ? raw.routes : {})) {
    const entry = isObj(r) ? r : { value: r };
    const id = typeof entry.id === 'string' ? entry.id : undefined;
    out.push({ kind: 'njs route', key: id ? `route ${id} (njs CFG)` : `route #${at} of ${name} (njs CFG)`, fields: fieldsOf(unnumbered({ ...entry, id: undefined }, at)) });
  }
  return out;
}

/** The CFG's keys the entities above do not hold (the route variable's name, forward-auth variables...). */
export function cfgRest(cfg: NjsConfig): Record<string, Json> {
  const rest: Record<string, Json> = {};
  for (const [k, v] of Object.entries(cfg as unknown as Record<string, unknown>)) if (!['consumers', 'schemes', 'routes', 'code'].includes(k)) rest[`cfg ${k}`] = unnumbered(v);
  return rest;
}
