import { defineRule } from '../rule.js';
import { pathEntries } from '../walk.js';

export default defineRule({
  meta: { id: 'path-not-include-query', messageIds: ['query'] },
  check(ctx, report) {
    for (const e of pathEntries(ctx.spec)) if (e.path.includes('?')) report('query', { path: e.path }, e.keyLoc);
  },
});
