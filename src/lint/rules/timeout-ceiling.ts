import { joinPointer } from '../../spec/pointer.js';
import { defineRule } from '../rule.js';

/**
 * A target's hard ceiling on the backend timeout is read from the target itself (`Target.limits`),
 * never from a `target ===` test here. AWS REST APIs cap integrations at 29 s by default.
 */
export default defineRule({
  meta: { id: 'timeout-ceiling', needsModel: true, messageIds: ['over'] },
  check(ctx, report) {
    const gateway = ctx.gateway;
    if (!gateway) return;
    for (const target of ctx.targets) {
      const max = target.limits?.maxTimeoutMs;
      if (max === undefined) continue;
      const seen = new Set<string>();
      for (const r of gateway.routes) {
        const backend = gateway.backends.find((b) => b.name === r.backend);
        if (!backend || backend.kind === 'mock') continue;
        const ms = r.timeoutMs ?? backend.timeoutMs;
        if (ms === undefined || ms <= max) continue;
        // Reported where the value is written: once per backend, or on the route that sets it.
        const loc = r.timeoutMs !== undefined ? r.loc : { file: backend.loc.file, pointer: joinPointer(backend.loc.pointer, 'timeout') };
        const key = `${loc.file}#${loc.pointer}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report('over', { route: r.id, timeoutMs: ms, target: target.name, maxMs: max }, loc, { target: target.name });
      }
    }
  },
});
