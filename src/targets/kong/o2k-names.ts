/**
 * `--option kong.names=openapi2kong`: routes, services and upstreams take the names and ids
 * `deck file openapi2kong` gives them (recorded on each route by src/input/kong/o2k-names.ts),
 * so a gateway first deployed by openapi2kong moves to gwc by `deck gateway sync` updating each
 * entity in place. Ids are openapi2kong's: UUIDv5 in the DNS namespace of `<name>.route`,
 * `<name>.service`, the upstream's name, and `<route>.plugin.<plugin>`.
 * https://github.com/Kong/go-apiops/blob/main/openapi2kong/openapi2kong.go
 */
import type { Route } from '../../model/types.js';
import type { Ctx } from './context.js';
import { UNRENDERED_ID, uuidv5 } from './names.js';

/** uuid.NameSpaceDNS, openapi2kong's default UUID namespace. */
const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

export const o2kId = {
  route: (name: string) => uuidv5(`${name}.route`, DNS),
  service: (name: string) => uuidv5(`${name}.service`, DNS),
  upstream: (name: string) => uuidv5(name, DNS),
  plugin: (route: string, plugin: string) => uuidv5(`${route}.plugin.${plugin}`, DNS),
};

const unrendered = () => UNRENDERED_ID;
const UNRENDERED: typeof o2kId = { route: unrendered, service: unrendered, upstream: unrendered, plugin: unrendered };

/** openapi2kong's ids, or UNRENDERED_ID when the compile writes nothing (Ctx.findingsOnly). */
export function o2kIds(ctx: Ctx): typeof o2kId {
  return ctx.findingsOnly ? UNRENDERED : o2kId;
}

export function o2kMode(ctx: Ctx): boolean {
  return ctx.options.names === 'openapi2kong';
}

/** The route's Kong name under the option in force; undefined (and refused) when openapi2kong's cannot be computed. */
export function routeName(ctx: Ctx, route: Route): string {
  if (!o2kMode(ctx)) return ctx.names.route(route.id);
  return route.openapi2kong?.route ?? ctx.names.route(route.id);
}

/** Two entities one openapi2kong name: refused, never merged (one would take the other's routes or targets). */
export function o2kCollision(ctx: Ctx, kind: 'route' | 'service' | 'upstream', name: string, first: string, second: Route): void {
  ctx.report('kong-o2k-name-collision', { kind, name, first, second: second.id }, second.loc);
}

/** Every route must have openapi2kong names under the option (a name it cannot transliterate has none). */
export function checkO2kNames(ctx: Ctx): void {
  if (!o2kMode(ctx)) return;
  const seen = new Map<string, string>();
  for (const r of ctx.gateway.routes) {
    if (!r.openapi2kong) {
      ctx.report('kong-o2k-name-unmappable', { route: r.id }, r.loc);
      continue;
    }
    const other = seen.get(r.openapi2kong.route);
    if (other !== undefined) o2kCollision(ctx, 'route', r.openapi2kong.route, other, r);
    seen.set(r.openapi2kong.route, r.id);
  }
}
