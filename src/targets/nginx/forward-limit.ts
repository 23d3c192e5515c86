/**
 * A per-consumer limit on a route verified through a forward-auth service (runtime.js
 * checkForward): nginx keys the caller on the service's answer headers (forwardAuth.responseHeaders)
 * when it answers any, else on the credential headers the client sent. Those vary freely under one
 * caller the service accepts (a junk cookie beside the session, `Bearer` and `bearer`, a second
 * token of the same user): a fresh limit bucket per spelling. Built (the service may answer no
 * identity), warned at the rateLimit (nginx-forward-limit-unkeyed); lint relays it (target-compile).
 */
import type { RateLimit, Route, SecurityScheme } from '../../model/types.js';
import type { Ctx } from './context.js';

/** The schemes nginx verifies by asking their forwardAuth service (security.ts schemeView). */
export const verifiedByForward = (s: SecurityScheme): boolean =>
  s.forwardAuth !== undefined && (s.kind === 'forward' || (s.kind === 'jwt' && s.jwt !== undefined && s.jwt.publicKeys.length === 0 && !s.jwt.jwksUri));

const warned = new WeakMap<Ctx, Set<Route>>();

/** Warns once per route whose per-consumer limit counts a forward-auth caller by what it sent. */
export function forwardLimitKey(ctx: Ctx, route: Route, rl: RateLimit): void {
  if (rl.by !== 'consumer') return;
  const seen = warned.get(ctx) ?? new Set<Route>();
  warned.set(ctx, seen);
  if (seen.has(route)) return;
  const names = [...new Set(route.security.flat().map((i) => i.scheme))].sort();
  const unkeyed = names.map((n) => ctx.scheme(n)).find((s) => s !== undefined && verifiedByForward(s) && (s.forwardAuth?.responseHeaders.length ?? 0) === 0);
  if (!unkeyed) return;
  seen.add(route);
  ctx.report('nginx-forward-limit-unkeyed', { route: route.id, scheme: unkeyed.name }, rl.loc);
}
