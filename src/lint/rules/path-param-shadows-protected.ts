import { isObj } from '../../model/normalise/node.js';
import type { Route } from '../../model/types.js';
import type { LintContext } from '../rule.js';
import { defineRule } from '../rule.js';
import { operationEntries, pathEntries, walker } from '../walk.js';

/**
 * Issue #14 item 7. A public (or differently secured) `/users/{id}` takes values a backend may
 * read as the protected `/users/me`: every target re-encodes `;` and `%` in parameters, but case
 * (`ME` on a case-insensitive router), suffixes (`me.json`, `me.` on Spring's suffix matching,
 * Rails formats) and trailing dots pass as ordinary values. The gateway cannot know how the
 * backend folds paths, so the author is told, at the template's path key, which literal it
 * shadows; the fix is the same security on both, or a parameter `pattern` excluding the literal.
 */
export default defineRule({
  meta: { id: 'path-param-shadows-protected', needsModel: true, messageIds: ['shadow'] },
  check(ctx, report) {
    const routes = ctx.gateway?.routes ?? [];
    // A pair is reported only when its two routes differ in security (sameSecurity): when every
    // route is secured alike (one key on the whole API), no pair can be, and the index of 10,000
    // routes is not built for nothing (#18).
    if (routes.every((r) => sameSecurity(r, routes[0]!))) return;
    const keyLoc = new Map(pathEntries(ctx.spec).map((e) => [e.path, e.keyLoc]));
    const seen = new Set<string>();
    const candidates = shadowCandidates(routes);
    for (const lit of routes) {
      if (lit.security.length === 0 && !lit.optionalAuth) continue;
      for (const tpl of candidates(lit)) {
        if (tpl === lit || tpl.method !== lit.method || !sharesHost(tpl, lit) || sameSecurity(tpl, lit)) continue;
        const at = shadowedSegment(tpl, lit);
        if (!at) continue;
        const key = `${tpl.id}\0${lit.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const value = at.literal;
        const variants = [value.toUpperCase() === value ? value.toLowerCase() : value.toUpperCase(), `${value}.json`, `${value}.`];
        if (!admitsAny(ctx, tpl, at.param, variants)) continue;
        report(
          'shadow',
          {
            method: tpl.method,
            path: tpl.path,
            security: tpl.security.length === 0 ? 'public' : `security ${describe(tpl)}`,
            param: at.param,
            variants: variants.join(', '),
            literal: `${lit.method} ${lit.path}`,
          },
          keyLoc.get(tpl.path) ?? tpl.loc,
        );
      }
    }
  },
});

/**
 * The routes that can shadow `lit` (same method, same number of segments, equal but for one
 * position where the route has a plain parameter and `lit` a literal), in route order: an index
 * keyed on the path with that position blanked, so a spec of 10,000 routes is not 10^8 pairs
 * (that pairwise loop was 28 s of `gwc lint` at 10,000 operations). shadowedSegment still decides.
 */
function shadowCandidates(routes: readonly Route[]): (lit: Route) => Route[] {
  const order = new Map(routes.map((r, i) => [r, i]));
  let unique = 0;
  // A mixed segment equals nothing here (shadowedSegment refuses it), so it gets a key of its own.
  const token = (s: Route['segments'][number]) => (s.kind === 'literal' ? `L${JSON.stringify(s.value)}` : s.kind === 'param' ? 'P' : `M${unique++}`);
  const keyOf = (r: Route, tokens: string[], at: number) => `${r.method} ${tokens.length} ${at} ${tokens.map((t, i) => (i === at ? '*' : t)).join('/')}`;
  const byKey = new Map<string, Route[]>();
  // Each route's tokens, made once: the index and the lookups read them (#18: 10,000 routes, each
  // segment's JSON text made twice).
  const tokensOf = new Map<Route, string[]>();
  for (const r of routes) {
    const tokens = r.segments.map(token);
    tokensOf.set(r, tokens);
    r.segments.forEach((s, i) => {
      if (s.kind !== 'param') return;
      const k = keyOf(r, tokens, i);
      const list = byKey.get(k);
      if (list) list.push(r);
      else byKey.set(k, [r]);
    });
  }
  return (lit) => {
    const tokens = tokensOf.get(lit) ?? lit.segments.map(token);
    const out: Route[] = [];
    lit.segments.forEach((s, i) => {
      if (s.kind === 'literal') out.push(...(byKey.get(keyOf(lit, tokens, i)) ?? []));
    });
    return out.sort((a, b) => order.get(a)! - order.get(b)!);
  };
}

/** The one position where `tpl` has a plain parameter and `lit` a literal, every other segment equal; else undefined. */
function shadowedSegment(tpl: Route, lit: Route): { param: string; literal: string } | undefined {
  if (tpl.segments.length !== lit.segments.length) return undefined;
  let hit: { param: string; literal: string } | undefined;
  for (let i = 0; i < tpl.segments.length; i++) {
    const a = tpl.segments[i]!;
    const b = lit.segments[i]!;
    if (a.kind === 'literal' && b.kind === 'literal' && a.value === b.value) continue;
    if (a.kind === 'param' && b.kind === 'param') continue;
    if (a.kind === 'param' && b.kind === 'literal' && !hit) {
      hit = { param: a.name, literal: b.value };
      continue;
    }
    return undefined;
  }
  return hit;
}

const sharesHost = (a: Route, b: Route) => a.hosts.length === 0 || b.hosts.length === 0 || a.hosts.some((h) => b.hosts.includes(h));

const describe = (r: Route) => r.security.map((alt) => alt.map((i) => (i.scopes.length > 0 ? `${i.scheme}[${i.scopes.join(',')}]` : i.scheme)).join('+')).join(' | ');

const sameSecurity = (a: Route, b: Route) => a.optionalAuth === b.optionalAuth && (sameItems(a, b) || canonical(a) === canonical(b));

/** The same alternatives, items, schemes and scopes in the same order: then the canonical texts are equal too, without being made. */
const sameItems = (a: Route, b: Route) =>
  a.security.length === b.security.length &&
  a.security.every((alt, i) => {
    const other = b.security[i]!;
    return alt.length === other.length && alt.every((it, j) => it.scheme === other[j]!.scheme && it.scopes.length === other[j]!.scopes.length && it.scopes.every((sc, k) => sc === other[j]!.scopes[k]));
  });

const canonicalOf = new WeakMap<Route, string>();
const canonical = (r: Route) => {
  let c = canonicalOf.get(r);
  if (c === undefined) canonicalOf.set(r, (c = canonicalText(r)));
  return c;
};

const canonicalText = (r: Route) =>
  r.security
    .map((alt) => alt.map((i) => `${i.scheme}[${[...i.scopes].sort().join(',')}]`).sort().join('+'))
    .sort()
    .join('|');

/**
 * False when the parameter's declared schema excludes every variant (a number, a uuid, an enum
 * or a pattern none of them matches): the author already closed it.
 */
function admitsAny(ctx: LintContext, tpl: Route, name: string, variants: string[]): boolean {
  const entry = operationEntries(ctx.spec).find((e) => e.path === tpl.path && e.method === tpl.method.toLowerCase());
  if (!entry) return true;
  const w = walker(ctx.spec);
  const declared = [...w.items(w.child(entry.op, 'parameters')), ...w.items(w.child(entry.item, 'parameters'))]
    .map((p) => p.value)
    .find((p) => isObj(p) && p.in === 'path' && p.name === name);
  const schema = isObj(declared) && isObj(declared.schema) ? declared.schema : undefined;
  if (!schema) return true;
  if (schema.type === 'integer' || schema.type === 'number' || schema.type === 'boolean' || schema.format === 'uuid') return false;
  if (Array.isArray(schema.enum)) return variants.some((v) => (schema.enum as unknown[]).some((e) => typeof e === 'string' && e.toLowerCase() === v.toLowerCase()));
  if (typeof schema.pattern === 'string') {
    try {
      const re = new RegExp(schema.pattern, 'u');
      return variants.some((v) => re.test(v));
    } catch {
      return true;
    }
  }
  return true;
}
