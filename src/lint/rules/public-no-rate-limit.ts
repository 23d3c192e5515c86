import { rateLimitPolicy } from '../../model/policies/rate-limit.js';
import { defineRule } from '../rule.js';

/**
 * A route anyone may call with no limit is an open door for scraping and for denial of service:
 * the rateLimit policy unit's lint hint (src/model/policies/rate-limit.ts), reported at the operation.
 */
export default defineRule({
  meta: { id: rateLimitPolicy.hint.rule, needsModel: true, messageIds: ['none'] },
  check(ctx, report) {
    for (const { route, loc } of rateLimitPolicy.hint.find(ctx.spec, ctx.gateway?.routes ?? [])) report('none', { route: route.id }, loc);
  },
});
