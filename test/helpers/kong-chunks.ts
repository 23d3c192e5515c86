/**
 * A decK file with one kind of gwc's Lua chunks edited, and the security rules gwc diff then reads
 * (the Kong chunk attack suites: redteam18-kong-websocket-*).
 */
import { diffStates } from '../../src/diff/plan.js';
import { kongEntities } from '../../src/targets/kong/deployed-normalise.js';

/** `doc` with every pre-function `access` chunk starting with `mark` mapped by `f` (dropped when it answers undefined). */
export function editChunks(doc: unknown, mark: string, f: (chunk: string) => string | undefined): unknown {
  const d = structuredClone(doc);
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      const p = o as { name?: unknown; config?: { access?: string[] } };
      if (p.name === 'pre-function' && Array.isArray(p.config?.access)) p.config.access = p.config.access.flatMap((c) => (c.startsWith(mark) ? (f(c) ?? []) : [c]));
      Object.values(p).forEach(walk);
    }
  };
  walk(d);
  return d;
}

/** The security rules (once each) gwc diff reads going from decK file `from` to `to`. */
export function kongSecurityRules(from: unknown, to: unknown): string[] {
  const state = (d: unknown) => ({ entities: kongEntities(d as never) });
  return [...new Set(diffStates(state(from), state(to)).findings.filter((x) => x.class === 'security').map((x) => x.rule))];
}
