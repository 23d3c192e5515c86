import { defineRule } from '../rule.js';

/**
 * Browsers refuse `Access-Control-Allow-Origin: *` with credentials, and a gateway that "fixes"
 * it by echoing the Origin opens every user's session to every site.
 */
export default defineRule({
  meta: { id: 'cors-credentials-wildcard', needsModel: true, messageIds: ['wildcard'] },
  check(ctx, report) {
    const seen = new Set<string>();
    for (const r of ctx.gateway?.routes ?? []) {
      const c = r.policy.cors;
      if (!c || !c.credentials || !c.origins.includes('*')) continue;
      const key = `${c.loc.file}#${c.loc.pointer}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report('wildcard', { route: r.id }, c.loc);
    }
  },
});
