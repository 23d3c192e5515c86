import { defineRule } from '../rule.js';

/** A route anyone may call with no limit is an open door for scraping and for denial of service. */
export default defineRule({
  meta: {
    id: 'public-no-rate-limit',
    category: 'traffic',
    severity: 'warn',
    needsModel: true,
    doc: 'A public route (no security) has a rate limit.',
    messages: { none: '{{route}} is public and has no rate limit; add x-gateway rateLimit or a policy with one' },
  },
  check(ctx, report) {
    for (const r of ctx.gateway?.routes ?? []) {
      if (r.security.length === 0 && !r.policy.rateLimit) report('none', { route: r.id }, r.loc);
    }
  },
});
