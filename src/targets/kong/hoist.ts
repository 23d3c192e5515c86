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
 * - every route carries the same configuration: where they differ nothing is hoisted (a majority
 *   choice could flip between builds, and decK's sync would then briefly run one route's
 *   configuration on another; a route's own would still replace the service's, but not in time).
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
export function sameness(p: Entity): string {
  const rest: Entity = {};
  for (const k of Object.keys(p)) if (k !== 'id' && k !== 'tags') rest[k] = p[k]!;
  return JSON.stringify(rest, (_k, v: unknown) => (v instanceof DeckTemplate ? { '\u0000deck-template': v.template } : v));
}

/**
 * Whether `a` and `b` have the same sameness without writing either out: true or false where both
 * are plain data JSON writes member for member (strings, booleans, finite numbers, null, arrays,
 * plain objects, DeckTemplates), undefined for anything else (the caller compares sameness). A
 * JSON.stringify with a replacer per route plugin was ~0.1 s of a GitHub build (#18).
 */
export function sameData(a: unknown, b: unknown, top = false): boolean | undefined {
  if (a === b) return true; // one value: one text
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // Two different scalars of JSON (0 and -0 are === above) or a scalar and a collection differ.
    return scalar(a) && (scalar(b) || isData(b)) ? false : scalar(b) && isData(a) ? false : undefined;
  }
  if (a instanceof DeckTemplate || b instanceof DeckTemplate) {
    return a instanceof DeckTemplate && b instanceof DeckTemplate ? a.template === b.template : undefined;
  }
  if (Array.isArray(a) !== Array.isArray(b) || !isData(a) || !isData(b)) return undefined;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    if (a.length !== y.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (omitted(a[i]) || omitted(y[i])) return undefined;
      const same = sameData(a[i], y[i]);
      if (same !== true) return same;
    }
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const xs = Object.keys(x).filter((k) => !(top && (k === 'id' || k === 'tags')));
  const ys = Object.keys(y).filter((k) => !(top && (k === 'id' || k === 'tags')));
  // A member JSON leaves out (undefined, a function, a symbol): unsure.
  if (xs.some((k) => omitted(x[k])) || ys.some((k) => omitted(y[k]))) return undefined;
  if (xs.length !== ys.length) return false;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] !== ys[i]) return false;
    const same = sameData(x[xs[i]!], y[ys[i]!]);
    if (same !== true) return same;
  }
  return true;
}

const scalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** A plain array or object without toJSON: written by JSON.stringify member for member. */
function isData(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return Array.isArray(v) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

export interface HoistService {
  name: string;
  /** The service entity; gets `plugins` when one is hoisted. */
  entity: Entity;
  /** Its routes, whose `plugins` lose the hoisted configurations. */
  routes: Entity[];
}

/**
 * For each service of two routes or more and each of HOISTED_PLUGINS that EVERY route of the
 * service carries in ONE configuration, that configuration goes on the service under
 * `id(service, plugin)` and the routes lose theirs.
 */
export function hoistServicePlugins(services: Iterable<HoistService>, id: (service: string, plugin: string) => string): void {
  for (const s of services) {
    if (s.routes.length < 2) continue;
    const own = new Set(((s.entity.plugins as Entity[] | undefined) ?? []).map((p) => String(p.name)));
    const hoisted: Entity[] = [];
    for (const name of HOISTED_PLUGINS) {
      if (own.has(name)) continue;
      const found: Array<{ plugin: Entity }> = [];
      for (const r of s.routes) {
        const plugin = ((r.plugins as Entity[] | undefined) ?? []).find((p) => p.name === name);
        if (!plugin) break;
        found.push({ plugin });
      }
      if (found.length < s.routes.length) continue; // a route without it would gain it
      // Only ONE configuration shared by every route: a majority choice can flip between two builds
      // (routes added), and decK then updates the service plugin in the same parallel Plugin phase
      // that creates the other routes' own, so for a moment those routes ran another route's
      // configuration (red team 5, test/security/redteam5-kong-hoist-sync.test.ts). With one
      // configuration, a build either moves every route together (the service's is updated) or
      // gives every route its own, created before the service's is deleted (decK deletes last).
      const first = found[0]!.plugin;
      let firstKey: string | undefined;
      const same = (p: Entity) => sameData(p, first, true) ?? sameness(p) === (firstKey ??= sameness(first));
      if (!found.every((f) => f.plugin === first || same(f.plugin))) continue;
      const chosen = found[0]!;
      const plugin: Entity = {};
      for (const k of Object.keys(chosen.plugin)) plugin[k] = chosen.plugin[k]!;
      plugin.id = id(s.name, name);
      hoisted.push(plugin);
      s.routes.forEach((r, i) => {
        r.plugins = (r.plugins as Entity[]).filter((p) => p !== found[i]!.plugin);
      });
    }
    if (hoisted.length) {
      s.entity.plugins = [...((s.entity.plugins as Entity[] | undefined) ?? []), ...hoisted].sort((a, b) => compareText(String(a.name), String(b.name))) as Json;
    }
  }
}
