import { defineRule } from '../rule.js';

/**
 * Browsers refuse `Access-Control-Allow-Origin: *` with credentials, and a gateway that "fixes"
 * it by echoing the Origin opens every user's session to every site.
 */
export default defineRule({
  meta: {
    id: 'cors-credentials-wildcard',
    category: 'security',
    severity: 'error',
    needsModel: true,
    doc: 'CORS does not combine origin * with credentials: true.',
    messages: { wildcard: 'CORS allows credentials from any origin (*); list the origins instead' },
  },
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
