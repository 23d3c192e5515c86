import { defineRule } from '../rule.js';

/** A route anyone may call with no limit is an open door for scraping and for denial of service. */
export default defineRule({
  meta: { id: 'public-no-rate-limit', needsModel: true, messageIds: ['none'] },
  check(ctx, report) {
    for (const r of ctx.gateway?.routes ?? []) {
      if (r.security.length === 0 && !r.policy.rateLimit) report('none', { route: r.id }, r.loc);
    }
  },
});
