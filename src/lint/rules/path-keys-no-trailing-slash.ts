import { defineRule } from '../rule.js';
import { pathEntries } from '../walk.js';

export default defineRule({
  meta: { id: 'path-keys-no-trailing-slash', messageIds: ['slash'] },
  check(ctx, report) {
    for (const e of pathEntries(ctx.spec)) if (e.path.length > 1 && e.path.endsWith('/')) report('slash', { path: e.path }, e.keyLoc);
  },
});
