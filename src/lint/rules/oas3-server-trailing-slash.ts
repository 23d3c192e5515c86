import { defineRule } from '../rule.js';
import { isObj, walker } from '../walk.js';

export default defineRule({
  meta: { id: 'oas3-server-trailing-slash', messageIds: ['slash'] },
  check(ctx, report) {
    const w = walker(ctx.spec);
    for (const s of w.items(w.child(ctx.spec.root, 'servers'))) {
      if (!isObj(s.value) || typeof s.value.url !== 'string') continue;
      const url = s.value.url;
      if (url.endsWith('/') && url !== '/') report('slash', { url }, w.child(s, 'url').loc);
    }
  },
});
