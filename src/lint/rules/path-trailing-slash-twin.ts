import { defineRule } from '../rule.js';
import { pathEntries } from '../walk.js';

/**
 * DESIGN.md section 3 rule 2: trailing slashes are not folded, so `/a` and `/a/` are two routes;
 * several gateways (and most clients) treat them as one, so which operation answers is a coin toss.
 */
export default defineRule({
  meta: { id: 'path-trailing-slash-twin', messageIds: ['twin'] },
  check(ctx, report) {
    const entries = pathEntries(ctx.spec);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const e of entries) {
      if (!e.path.endsWith('/') || e.path === '/') continue;
      const other = e.path.replace(/\/+$/, '') || '/';
      if (byPath.has(other)) report('twin', { path: e.path, other }, e.keyLoc);
    }
  },
});
