/**
 * A plugin configuration written once per service instead of once per route (#18): GitHub's API
 * gave 1,223 routes under 2 services each its own identical pre-function (~5.5 KB of Lua) and
 * request-transformer (~1 KB), 12 MB of decK file that Kong compiles 1,223 times.
 *
 * Kong picks ONE configuration per plugin name for a request, the most specific scope that has one
 * (kong/runloop/plugins_iterator.lua lookup_cfg, Kong 3.x): 1. Consumer+Route+Service,
 * 2. Consumer+Route, 3. Consumer+Service, 4. Route+Service, 5. Consumer, 6. Route, 7. Service,
 * 8. Global (https://docs.konghq.com/gateway/latest/key-concepts/plugins/#precedence). So a plugin on
 * a service applies to each of its routes that has none of that name, and a route's own replaces it.
 *
 * Why moving one configuration from level 6 (Route) to level 7 (Service) changes nothing a request
 * sees, for a plugin NAME when:
 * - every route of the service carries that plugin: a route without it would gain it (not hoisted);
 * - the service has no plugin of that name yet: the routes' own beat it today (gwc writes none);
 * - no level lies between 6 and 7: every other configuration of that name (consumer-scoped,
 *   Route+Service, global) ranks against the service's exactly as it ranked against the route's.
 *   gwc writes one consumer-scoped plugin (request-termination on the anonymous consumer, level 5,
 *   auth.ts consumers), none scoped to a service or to two entities, and hoists neither
 *   request-termination nor anything else but the names below;
 * - routes whose configuration differs keep their own, which still replaces the service's.
 * Only `pre-function` and `request-transformer`: their handlers read nothing but their `conf` (the
 * serverless handler compiles and caches its chunks per conf table, kong/plugins/pre-function/
 * _handler.lua), both accept a service scope (neither schema sets `no_service`), and pre-function
 * cannot be consumer-scoped at all (`consumer = typedefs.no_consumer`, pre-function/_schema.lua).
 * The pass does not read what the configurations say (others edit the Lua): equal means equal JSON.
 * Proof: test/targets/kong/hoist.test.ts resolves every route's effective plugins in every
 * fixture, model and generated spec, hoisted and not, and finds them identical.
 */
import { compareText } from '../../diagnostics/collate.js';
import { DeckTemplate, type Entity, type Json } from './context.js';

export const HOISTED_PLUGINS: readonly string[] = ['pre-function', 'request-transformer'];

/** A plugin's identity for hoisting: everything but its id and tags, templates told from strings. */
function sameness(p: Entity): string {
  const rest: Entity = {};
  for (const k of Object.keys(p)) if (k !== 'id' && k !== 'tags') rest[k] = p[k]!;
  return JSON.stringify(rest, (_k, v: unknown) => (v instanceof DeckTemplate ? { '\u0000deck-template': v.template } : v));
}

export interface HoistService {
  name: string;
  /** The service entity; gets `plugins` when one is hoisted. */
  entity: Entity;
  /** Its routes, whose `plugins` lose the hoisted configurations. */
  routes: Entity[];
}

/**
 * For each service and each of HOISTED_PLUGINS that EVERY route of the service carries, the
 * configuration most of them carry (at least two routes) goes on the
 * service under `id(service, plugin)`, and the routes whose configuration is that one lose theirs.
 */
export function hoistServicePlugins(services: Iterable<HoistService>, id: (service: string, plugin: string) => string): void {
  for (const s of services) {
    if (s.routes.length < 2) continue;
    const own = new Set(((s.entity.plugins as Entity[] | undefined) ?? []).map((p) => String(p.name)));
    const hoisted: Entity[] = [];
    for (const name of HOISTED_PLUGINS) {
      if (own.has(name)) continue;
      const found: Array<{ plugin: Entity; key: string }> = [];
      for (const r of s.routes) {
        const plugin = ((r.plugins as Entity[] | undefined) ?? []).find((p) => p.name === name);
        if (!plugin) break;
        found.push({ plugin, key: sameness(plugin) });
      }
      if (found.length < s.routes.length) continue; // a route without it would gain it
      const counts = new Map<string, number>();
      let best: { plugin: Entity; key: string } | undefined;
      let bestCount = 0;
      for (const f of found) {
        const n = (counts.get(f.key) ?? 0) + 1;
        counts.set(f.key, n);
        if (n > bestCount) [best, bestCount] = [f, n];
      }
      if (!best || bestCount < 2) continue;
      // The most common one (on a tie, the one that reached the count first, in route order).
      const chosen = best;
      const plugin: Entity = {};
      for (const k of Object.keys(chosen.plugin)) plugin[k] = chosen.plugin[k]!;
      plugin.id = id(s.name, name);
      hoisted.push(plugin);
      s.routes.forEach((r, i) => {
        if (found[i]!.key === chosen.key) r.plugins = (r.plugins as Entity[]).filter((p) => p !== found[i]!.plugin);
      });
    }
    if (hoisted.length) {
      s.entity.plugins = [...((s.entity.plugins as Entity[] | undefined) ?? []), ...hoisted].sort((a, b) => compareText(String(a.name), String(b.name))) as Json;
    }
  }
}
