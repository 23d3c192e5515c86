/**
 * DESIGN.md 7.5, the case and suffix readings: a path parameter beside a more protected literal
 * route of the same backend and method (public `/users/{id}`, keyed `/users/me`). Every gateway gwc
 * targets matches paths case-sensitively and literally (nginx locations, Kong and Traefik path
 * regexes, API Gateway resources), so `/users/ME`, `/users/me.json` and `/users/me.` are the
 * parameter route's and reach the backend as such. A backend that routes case-blind (ASP.NET Core,
 * IIS, case-insensitive Spring) or by suffix (Spring's suffix patterns, Rails formats, a trailing
 * dot) serves them from its `/users/me` handler: a caller the literal route refuses reads it.
 * "Refuses" is auth and IP rules (body-override.ts admitsAll); a rate limit of its own on the
 * literal route is not counted here (a variant is counted under the parameter route's limit).
 * upstream-reach.ts reads backends case-blind for the exact values it finds; these are the values
 * only such a reading joins, refused on every target alike (like head-get.ts), unless every
 * backend name of that server says it matches paths exactly (`pathMatching: exact`).
 * Was lint's path-param-shadows-protected warning only (red team:
 * test/security/redteam-param-variants.test.ts).
 */
import { diag, type Diagnostic } from '../diagnostics/diagnostic.js';
import { matchPath } from '../model/paths.js';
import type { Gateway, Route } from '../model/types.js';
import { admitsAll, sameBackendPath } from './body-override.js';

/** The values a backend reading case-blind or by suffix takes for the literal `lit`, in this order. */
export function variantsOf(lit: string): string[] {
  const swapped = lit.toUpperCase() === lit ? lit.toLowerCase() : lit.toUpperCase();
  return [...(swapped !== lit ? [swapped] : []), `${lit}.json`, `${lit}.`];
}

/** The backend path template of a route: its upstreamPath, else its operation path. */
const templateOf = (r: Route): string[] => (r.upstreamPath?.template ?? r.path).split('/').filter((s) => s !== '');
const wholeParam = (seg: string): string | undefined => /^\{([^{}+]+)\}$/.exec(seg)?.[1];
const hasParam = (seg: string): boolean => seg.includes('{');
const sharesHost = (a: Route, b: Route): boolean => a.hosts.length === 0 || b.hosts.length === 0 || a.hosts.some((h) => b.hosts.includes(h));

/**
 * The parameter of `tpl` whose values the backend may read as `lit`'s path, with the literal they
 * would stand for: `tpl`'s backend template equals `lit`'s (literals case-blind, as upstream-reach
 * reads backends) but for one whole-segment parameter facing a literal. Undefined otherwise.
 */
function facing(tpl: Route, lit: Route): { param: string; literal: string } | undefined {
  const a = templateOf(tpl);
  const b = templateOf(lit);
  if (a.length !== b.length) return undefined;
  let hit: { param: string; literal: string } | undefined;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (hasParam(y)) {
      if (!hasParam(x)) return undefined; // lit takes any value there; tpl's literal differs in kind
      continue;
    }
    const p = wholeParam(x);
    if (p && !hit) {
      hit = { param: p, literal: y };
      continue;
    }
    if (hasParam(x) || x.toLowerCase() !== y.toLowerCase()) return undefined;
  }
  return hit;
}

/** The public path `r` answers with `param` = `value` (other parameters a plain sample). */
function publicPathWith(r: Route, param: string, value: string): string {
  return `/${r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? (s.name === param ? value : 'x') : s.parts.map((p) => ('literal' in p ? p.literal : p.param === param ? value : 'x')).join(''))).join('/')}`;
}

/** Whether the gateway sends `path` to `r` (the first route in precedence order whose template matches, on a host `r` answers). */
function routedTo(gateway: Gateway, r: Route, path: string): boolean {
  const first = gateway.routes.find((x) => sharesHost(x, r) && matchPath(x.segments, path) !== undefined);
  return first !== undefined && first.publicPath === r.publicPath && first.hosts.join(',') === r.hosts.join(',');
}

const memo = new WeakMap<Gateway, Diagnostic[]>();

/** One `param-variant-reaches-protected` error per parameter route, naming the first literal route it reaches. */
export function paramVariantRefusals(gateway: Gateway): Diagnostic[] {
  let out = memo.get(gateway);
  if (out) return out.map((d) => ({ ...d, params: { ...d.params } }));
  out = [];
  const exact = new Set(gateway.backends.filter((b) => b.pathMatching?.value === 'exact').map((b) => b.name));
  const candidates = gateway.routes.filter((r) => r.segments.some((s) => s.kind === 'param'));
  // Routes that all admit the same callers cannot admit fewer than one another: no index to build (#18).
  const profile = (r: Route) =>
    `${r.security.map((alt) => alt.map((i) => `${i.scheme}[${i.scopes.join(',')}]`).join('+')).join('|')} ${r.optionalAuth === true} ${r.policy.ipRule ? JSON.stringify([r.policy.ipRule.allow, r.policy.ipRule.deny]) : ''}`;
  const first = gateway.routes[0] ? profile(gateway.routes[0]) : '';
  if (candidates.length > 0 && gateway.routes.some((r) => profile(r) !== first)) {
    const reach = sameBackendPath(gateway, gateway.routes);
    for (const tpl of candidates) {
      const others = [...reach(tpl)]
        .filter((o) => o !== tpl && o.method === tpl.method && sharesHost(o, tpl) && !admitsAll(o, tpl) && !(exact.has(o.backend) && exact.has(tpl.backend)))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const lit of others) {
        const f = facing(tpl, lit);
        if (!f) continue;
        const values = variantsOf(f.literal).filter((v) => routedTo(gateway, tpl, publicPathWith(tpl, f.param, v)));
        if (values.length === 0) continue;
        out.push(diag('param-variant-reaches-protected', { route: tpl.id, other: lit.id, values: values.map((v) => `${f.param}=${v}`).join(', ') }, tpl.loc));
        break;
      }
    }
  }
  memo.set(gateway, out);
  return out.map((d) => ({ ...d, params: { ...d.params } }));
}
